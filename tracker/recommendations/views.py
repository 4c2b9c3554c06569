"""The response and lead forms of a recommendation (its page is in tracker.pages, as it shows the work of several
features)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.auth import permissions
from tracker.recommendations import services
from tracker.recommendations.blueprint import bp
from tracker.recommendations.forms import LeadForm, ResponseForm
from tracker.recommendations.locking import refuse_if_locked
from tracker.recommendations.lookups import recommendation_or_404
from tracker.recommendations.models import RESPONSES
from tracker.shared.access import authorise, record_rule
from tracker.shared.conflict_views import conflict_page
from tracker.shared.conflicts import ConflictError, ConflictRow


@bp.route("/recommendations/<int:recommendation_id>/response", methods=["GET", "POST"])
@record_rule
def edit_response(recommendation_id: int):
    recommendation = recommendation_or_404(recommendation_id)
    authorise(permissions.can_manage_recommendation(current_user, recommendation))
    refuse_if_locked(recommendation)
    form = ResponseForm(
        data={
            "response": recommendation.response,
            "rationale": recommendation.response_rationale,
            "version": recommendation.version_id,
        }
    )
    if form.validate_on_submit():
        try:
            services.set_response(
                current_user,
                recommendation,
                form.response.data,
                form.rationale.data or "",
                recommendation.lead_id,
                expected_version=form.version.data,
            )
        except ConflictError:
            return response_conflict(recommendation, form)
        flash("Response saved.", "success")
        return redirect(url_for("recommendations.show_recommendation", recommendation_id=recommendation.id))
    return render_template("recommendations/response.html", recommendation=recommendation, form=form)


def response_conflict(recommendation, form):
    """Someone saved the response first: show theirs beside this person's, nothing overwritten."""
    rows = [
        ConflictRow("Response", RESPONSES.get(form.response.data, ""), recommendation.response_label),
        ConflictRow("Rationale", form.rationale.data or "", recommendation.response_rationale),
    ]
    back = url_for("recommendations.show_recommendation", recommendation_id=recommendation.id)
    return conflict_page(recommendation, rows, back, f"the response to recommendation {recommendation.number}")


@bp.route("/recommendations/<int:recommendation_id>/lead", methods=["GET", "POST"])
@record_rule
def edit_lead(recommendation_id: int):
    recommendation = recommendation_or_404(recommendation_id)
    authorise(permissions.can_manage_recommendation(current_user, recommendation))
    refuse_if_locked(recommendation)
    form = LeadForm(data={"lead_id": recommendation.lead_id or 0, "version": recommendation.version_id})
    form.lead_id.choices = lead_choices(recommendation)
    if form.validate_on_submit():
        try:
            services.set_lead(
                current_user, recommendation, form.lead_id.data or None, expected_version=form.version.data
            )
        except ConflictError:
            return lead_conflict(recommendation, form)
        except services.RecommendationError as error:
            form.lead_id.errors = [str(error)]
        else:
            flash("Lead saved.", "success")
            return redirect(url_for("recommendations.show_recommendation", recommendation_id=recommendation.id))
    return render_template("recommendations/lead.html", recommendation=recommendation, form=form)


def lead_choices(recommendation) -> list[tuple[int, str]]:
    """Everyone who may lead it, and the current lead even if they no longer could, so that the form still reads."""
    choices = services.people_choices(recommendation, blank="No one yet")
    lead = recommendation.lead
    if lead is not None and lead.id not in dict(choices):
        choices.append((lead.id, lead.name))
    return choices


def lead_conflict(recommendation, form):
    """Someone changed the recommendation first: show their lead beside this person's choice, nothing overwritten."""
    people = dict(form.lead_id.choices)
    rows = [
        ConflictRow(
            "Lead",
            people.get(form.lead_id.data or 0, "No one yet"),
            recommendation.lead.name if recommendation.lead else "No one yet",
        )
    ]
    back = url_for("recommendations.show_recommendation", recommendation_id=recommendation.id)
    return conflict_page(recommendation, rows, back, f"the lead of recommendation {recommendation.number}")
