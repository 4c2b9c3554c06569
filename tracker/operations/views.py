"""`GET /healthz` for load balancers and monitors, and the service status page for administrators."""

from flask import current_app, render_template

from tracker.jobs.schedule import jobs_of
from tracker.operations import services
from tracker.operations.blueprint import bp
from tracker.shared.access import admin_only, public


@bp.get("/healthz")
@public
def healthz():
    """200 only when this server can do its work: the database answers and its schema is the one the code
    expects. Says nothing about the data, so it needs no sign-in."""
    health = services.check_health()
    body = {
        "status": "ok" if health.is_healthy else "unavailable",
        "database": health.database,
        "migrations": health.migrations,
    }
    return body, 200 if health.is_healthy else 503, {"Cache-Control": "no-store"}


@bp.get("/admin/status")
@admin_only
def show_status():
    return render_template(
        "operations/status.html", status=services.service_status(), job_names=list(jobs_of(current_app))
    )
