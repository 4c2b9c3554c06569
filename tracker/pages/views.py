"""Home page (what needs my attention), accessibility statement, privacy notice and health check."""

from flask import render_template
from flask_login import current_user
from sqlalchemy import text

from tracker.caching.pages import CachedPage, main_content, render_cached_page
from tracker.db_types import today
from tracker.extensions import db
from tracker.pages import services
from tracker.pages.blueprint import bp
from tracker.recommendations.status import recommendation_status
from tracker.shared.access import public, signed_in


@bp.get("/")
@signed_in
def home():
    return render_cached_page(("home",), _home_page)


def _home_page() -> CachedPage:
    on = today()
    attention = services.attention_for(current_user, on)
    return CachedPage(
        "Home",
        main_content(
            "pages/_home-main.html",
            attention=attention,
            home_panels=services.home_panels(),
            recommendation_tasks=services.recommendation_tasks(current_user, on),
            action_tasks=services.action_tasks(current_user, on),
            countdowns=services.reinspection_countdowns(current_user, on),
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
