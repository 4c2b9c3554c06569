"""Home page (what needs my attention), accessibility statement, privacy notice and health check."""

from flask import render_template
from flask_login import current_user
from sqlalchemy import text

from tracker.caching.pages import CachedPage, main_content, render_cached_page
from tracker.db_types import today, utcnow
from tracker.extensions import db
from tracker.pages import services
from tracker.pages.blueprint import bp
from tracker.recommendations.status import recommendation_status
from tracker.shared.access import public, signed_in


@bp.get("/")
@signed_in
def home():
    return render_cached_page(("home", services.queue_signature(current_user)), _home_page)


def _home_page() -> CachedPage:
    """What this person uses: first what needs their action, then their work; for a reader (a viewer or an
    administrator) the latest changes and the inspections coming up."""
    on = today()
    attention = services.attention_for(current_user, on)
    reader = services.is_reader(current_user)
    imports = services.waiting_imports() if current_user.is_admin else []
    return CachedPage(
        "Home",
        main_content(
            "pages/_home-main.html",
            attention=attention,
            home_panels=services.home_panels(),
            recommendation_tasks=services.recommendation_tasks(current_user, on),
            action_tasks=services.action_tasks(current_user, on),
            admin_tasks=services.admin_tasks(current_user, utcnow(), imports),
            imports=imports,
            countdowns=services.reinspection_countdowns(current_user, on),
            changes=services.recent_changes(current_user) if reader else [],
            upcoming=services.upcoming_inspections(current_user) if reader else None,
            status_of=lambda rec: recommendation_status(rec, on),
        ),
    )


@bp.get("/accessibility")
@public
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/privacy")
@public
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/healthcheck")
@public
def healthcheck():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
