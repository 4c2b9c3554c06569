"""The JSON API under /api/v1: the same facts and the same permissions as the pages."""

from flask import Blueprint, abort, jsonify
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.api.serialisers import inspection_json, recommendation_json
from tracker.assurance.api import post_action_update
from tracker.auth.access import record_rule, signed_in
from tracker.db_types import today
from tracker.extensions import csrf, db
from tracker.inspections import services as inspections
from tracker.inspections.views import inspection_or_404
from tracker.recommendations.models import Recommendation
from tracker.recommendations.views import recommendation_or_404

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer-token clients send no cookie, so CSRF does not apply to them; cookie sessions may only read here.
csrf.exempt(bp)


@bp.before_request
def read_only_for_cookie_sessions():
    from flask import request

    if request.method not in ("GET", "HEAD", "OPTIONS") and not request.headers.get("Authorization", "").startswith(
            "Bearer "):
        abort(403)


@bp.get("/inspections")
@signed_in
def list_inspections():
    visible = inspections.visible_inspections(current_user, with_ratings=True)
    counts = inspections.recommendation_counts(visible)
    items = [inspection_json(i, counts.get(i.id, 0)) for i in visible]
    return jsonify({"inspections": items})


@bp.get("/inspections/<int:inspection_id>")
@record_rule
def get_inspection(inspection_id: int):
    inspection = inspection_or_404(inspection_id)
    return jsonify(inspection_json(inspection))


@bp.get("/inspections/<int:inspection_id>/recommendations")
@record_rule
def list_recommendations(inspection_id: int):
    inspection_or_404(inspection_id)  # 404 or 403 before anything is read
    on = today()
    recommendations = db.session.scalars(
        select(Recommendation).where(Recommendation.inspection_id == inspection_id)
        .options(selectinload(Recommendation.actions), selectinload(Recommendation.lead))
        .order_by(Recommendation.number)
    )
    return jsonify({"recommendations": [recommendation_json(r, on) for r in recommendations]})


@bp.get("/recommendations/<int:recommendation_id>")
@record_rule
def get_recommendation(recommendation_id: int):
    recommendation = recommendation_or_404(recommendation_id)
    return jsonify(recommendation_json(recommendation, today()))


# Writing progress is the one write in the API: bearer-token clients only, checked inside (tracker.assurance.api).
bp.add_url_rule("/actions/<int:action_id>/updates", "create_action_update", record_rule(post_action_update),
                methods=["POST"])
