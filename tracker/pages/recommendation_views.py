"""The recommendation page: its response, actions with their latest progress, evidence with the reviewers'
decisions, and its history. It is on the recommendations blueprint, and here because it shows the work of the
features above recommendations."""

from flask import url_for
from flask_login import current_user

from tracker.actions.lookups import recommendation_with_actions_or_404
from tracker.audit.services import history_for_recommendation, readable_summary
from tracker.auth import permissions
from tracker.caching.pages import CachedPage, main_content, render_cached_page
from tracker.db_types import today
from tracker.recommendations.blueprint import bp
from tracker.recommendations.locking import locked_reason
from tracker.recommendations.services import decisions_on
from tracker.recommendations.status import action_status, recommendation_status
from tracker.shared.access import record_rule


@bp.get("/recommendations/<int:recommendation_id>")
@record_rule
def show_recommendation(recommendation_id: int):
    return render_cached_page(("recommendation", recommendation_id), lambda: _recommendation_page(recommendation_id))


def _recommendation_page(recommendation_id: int) -> CachedPage:
    recommendation = recommendation_with_actions_or_404(recommendation_id)
    on = today()
    updates = sorted((u for a in recommendation.actions for u in a.updates), key=lambda u: u.created_at, reverse=True)
    unlocked = locked_reason(recommendation) is None
    action_names = {action.id: action.description for action in recommendation.actions}
    main = main_content(
        "recommendations/_show-main.html",
        recommendation=recommendation,
        status=recommendation_status(recommendation, on),
        action_status=lambda action: action_status(action, on),
        today=on,
        updates=updates,
        history=history_for_recommendation(recommendation.id),
        describe_event=lambda event: readable_summary(event, action_names),
        can_manage=unlocked and permissions.can_manage_recommendation(current_user, recommendation),
        can_update=lambda action: permissions.can_update_action(current_user, action),
        can_remove=lambda evidence: unlocked and permissions.can_remove_evidence(current_user, evidence),
        decisions=decisions_on([item.id for item in recommendation.evidence]),
    )
    back = url_for("inspections.show_inspection", inspection_id=recommendation.inspection_id) + "#recommendations"
    return CachedPage(f"Recommendation {recommendation.number}", main, back, "Back to the inspection")
