"""The recommendation page and the response form."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.audit.services import history_for_recommendation
from tracker.auth import permissions
from tracker.caching.pages import CachedPage, main_content, render_cached_page
from tracker.db_types import today
from tracker.evidence.services import decisions_on
from tracker.recommendations import services
from tracker.recommendations.blueprint import bp
from tracker.recommendations.forms import ResponseForm
from tracker.recommendations.locking import locked_reason, refuse_if_locked
from tracker.recommendations.status import action_status, recommendation_status
from tracker.shared.access import authorise, record_rule
from tracker.shared.conflict_views import conflict_page
from tracker.shared.conflicts import ConflictError, ConflictRow


def recommendation_or_404(recommendation_id: int):
    recommendation = services.load_recommendation(recommendation_id)
    if recommendation is None:
        abort(404)
    authorise(permissions.can_view_recommendation(current_user, recommendation))
    return recommendation


@bp.get("/recommendations/<int:recommendation_id>")
@record_rule
def show_recommendation(recommendation_id: int):
    return render_cached_page(("recommendation", recommendation_id), lambda: _recommendation_page(recommendation_id))


def _recommendation_page(recommendation_id: int) -> CachedPage:
    recommendation = recommendation_or_404(recommendation_id)
    on = today()
    updates = sorted((u for a in recommendation.actions for u in a.updates), key=lambda u: u.created_at,
                     reverse=True)
    unlocked = locked_reason(recommendation) is None
    main = main_content(
        "recommendations/_show-main.html",
        recommendation=recommendation,
        status=recommendation_status(recommendation, on),
        action_status=lambda action: action_status(action, on),
        updates=updates,
        history=history_for_recommendation(recommendation.id),
        can_manage=unlocked and permissions.can_manage_recommendation(current_user, recommendation),
        can_update=lambda action: permissions.can_update_action(current_user, action),
        can_remove=lambda evidence: unlocked and permissions.can_remove_evidence(current_user, evidence),
        decisions=decisions_on([item.id for item in recommendation.evidence]),
    )
    back = url_for("inspections.show_inspection", inspection_id=recommendation.inspection_id) + "#recommendations"
    return CachedPage(f"Recommendation {recommendation.number}", main, back, "Back to the inspection")


@bp.route("/recommendations/<int:recommendation_id>/response", methods=["GET", "POST"])
@record_rule
def edit_response(recommendation_id: int):
    recommendation = recommendation_or_404(recommendation_id)
    authorise(permissions.can_manage_recommendation(current_user, recommendation))
    refuse_if_locked(recommendation)
    form = ResponseForm(data={"response": recommendation.response, "rationale": recommendation.response_rationale,
                              "lead_id": recommendation.lead_id or 0, "version": recommendation.version_id})
    form.lead_id.choices = services.people_choices(recommendation, blank="No lead yet")
    if form.validate_on_submit():
        try:
            services.set_response(current_user, recommendation, form.response.data, form.rationale.data or "",
                                  form.lead_id.data or None, expected_version=form.version.data)
        except ConflictError:
            return response_conflict(recommendation, form)
        flash("Response saved.", "success")
        return redirect(url_for("recommendations.show_recommendation", recommendation_id=recommendation.id))
    return render_template("recommendations/response.html", recommendation=recommendation, form=form)


def response_conflict(recommendation, form):
    """Someone saved the response first: show theirs beside this person's, nothing overwritten."""
    from tracker.recommendations.models import RESPONSES

    people = dict(form.lead_id.choices)
    rows = [
        ConflictRow("Response", RESPONSES.get(form.response.data, ""), recommendation.response_label),
        ConflictRow("Rationale", form.rationale.data or "", recommendation.response_rationale),
        ConflictRow("Lead", people.get(form.lead_id.data or 0, "No lead yet"),
                    recommendation.lead.name if recommendation.lead else "No lead yet"),
    ]
    back = url_for("recommendations.show_recommendation", recommendation_id=recommendation.id)
    return conflict_page(recommendation, rows, back, f"the response to recommendation {recommendation.number}")

