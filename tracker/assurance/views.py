"""Assurance pages: submit, the review queue, reviewing evidence, assure, return, reopen; action dependencies."""

from flask import Blueprint, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user

from tracker.actions.models import Action
from tracker.actions.views import action_or_404
from tracker.assurance import dependencies, panels, rules, services
from tracker.assurance.conflict_views import conflict_page
from tracker.assurance.conflicts import ConflictError, ConflictRow
from tracker.assurance.forms import (
    AssureForm,
    DependencyForm,
    EvidenceDecisionForm,
    ReopenForm,
    ReturnForm,
    SubmitForm,
    WithdrawForm,
)
from tracker.assurance.models import DECISIONS, ActionDependency
from tracker.audit.services import changes_since
from tracker.auth import permissions
from tracker.auth.access import authorise, record_rule, signed_in
from tracker.db_types import today
from tracker.errors import wants_json
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.forms_confirm import ConfirmForm
from tracker.pages.services import HOME_PANELS
from tracker.recommendations.locking import UnderReviewError, locked_reason
from tracker.recommendations.status import action_status, recommendation_status
from tracker.recommendations.views import recommendation_or_404

bp = Blueprint("assurance", __name__)

HOME_PANEL = "assurance/_home-panel.html"
if HOME_PANEL not in HOME_PANELS:
    HOME_PANELS.append(HOME_PANEL)


@bp.app_context_processor
def assurance_hooks():
    """Functions the recommendation, action and home templates call from their assurance hooks."""
    return {
        "assurance_panel": lambda rec: panels.recommendation_panel(current_user, rec),
        "dependency_panel": lambda action, form=None: panels.dependency_panel(current_user, action, today(), form),
        "assurance_home": lambda: {"reviews": services.awaiting_review(current_user),
                                   "waiting": dependencies.waiting_on(current_user)},
        "assurance_status": lambda item: action_status(item, today()),
        "locked_reason": locked_reason,
    }


@bp.app_errorhandler(UnderReviewError)
def under_review(error: UnderReviewError):
    """A change refused by the lock under review: say why, and offer the way out (withdraw, or ask for a reopen)."""
    if wants_json():
        return jsonify({"error": {"status": 409, "title": "Under review", "message": str(error)}}), 409
    recommendation = error.recommendation
    return render_template(
        "assurance/locked.html", recommendation=recommendation, reason=str(error),
        can_withdraw=error.state == "submitted" and services.may_withdraw(current_user, recommendation),
        can_reopen=services.can_reopen(current_user, recommendation),
    ), 409


def show(recommendation):
    return redirect(url_for("recommendations.show_recommendation", recommendation_id=recommendation.id))


def refused(reason: str):
    """A refusal that names its reason (e.g. reviewing your own submission), rather than the generic 403."""
    return render_template("assurance/refused.html", reason=reason), 403


@bp.route("/recommendations/<int:recommendation_id>/submit", methods=["GET", "POST"])
@record_rule
def submit_recommendation(recommendation_id: int):
    recommendation = recommendation_or_404(recommendation_id)
    authorise(rules.can_submit(current_user, recommendation))
    if message := services.already_submitted(recommendation):
        # sent again (the Back button, a second tab): not a fault, so a notice on the recommendation, not an error
        flash(message, "notice")
        return show(recommendation)
    form = SubmitForm(data={"version": recommendation.version_id})
    missing = services.missing_for_submission(recommendation)
    if form.validate_on_submit() and not missing:
        try:
            services.submit_recommendation(current_user, recommendation, expected_version=form.version.data)
        except ConflictError:
            return transition_conflict(recommendation, "Submitted for assurance")
        except services.AssuranceError as error:
            missing = [str(error)]
        else:
            flash("Recommendation submitted for assurance.", "success")
            return show(recommendation)
    status = 422 if form.is_submitted() and missing else 200
    return render_template("assurance/submit.html", recommendation=recommendation, form=form,
                           missing=missing), status


def transition_conflict(recommendation, intended: str):
    current = recommendation_status(recommendation, today())
    rows = [ConflictRow("Status", intended, current.label),
            ConflictRow("Response", "", recommendation.response_label)]
    return conflict_page(recommendation, rows, show(recommendation).location,
                         f"recommendation {recommendation.number}")


@bp.get("/reviews")
@signed_in
def review_queue():
    recommendations = services.awaiting_review(current_user)
    return render_template("assurance/review-queue.html", recommendations=recommendations,
                           submitted_of=services.open_submission)


def reviewable(recommendation_id: int):
    """The recommendation, after checking the user holds its reviewer role; the independence check is separate."""
    recommendation = recommendation_or_404(recommendation_id)
    authorise(rules.holds_reviewer_role(current_user, recommendation))
    return recommendation


def review_page(recommendation, failing=None, status: int = 200):
    submission = services.open_submission(recommendation)
    decisions = services.latest_decisions(recommendation)
    forms = {}
    for item in recommendation.evidence:
        form = failing if failing is not None and failing._prefix == f"e{item.id}-" else None
        forms[item.id] = form or EvidenceDecisionForm(formdata=None, prefix=f"e{item.id}",
                                                      data={"version": item.version_id})
    assure = failing if isinstance(failing, AssureForm) else AssureForm(
        formdata=None, prefix="assure", data={"version": recommendation.version_id})
    back = failing if isinstance(failing, ReturnForm) else ReturnForm(
        formdata=None, prefix="return", data={"version": recommendation.version_id})
    return render_template(
        "assurance/review.html", recommendation=recommendation, submission=submission, decisions=decisions,
        forms=forms, accept_form=ConfirmForm(), assure_form=assure, return_form=back, form=failing,
        set_aside=lambda item: services.set_aside(item, decisions, submission),
        blockers=services.blockers_to_assurance(recommendation, submission, decisions) if submission else [],
        changes=changes_since(recommendation.id, submission.submitted_at, ("submission", "evidence_review"))
        if submission else [],
    ), status


@bp.get("/recommendations/<int:recommendation_id>/review")
@record_rule
def review_recommendation(recommendation_id: int):
    recommendation = reviewable(recommendation_id)
    submission = services.open_submission(recommendation)
    if submission is None:
        flash("This recommendation is not waiting for review.", "info")
        return show(recommendation)
    reason = rules.conflict_of_interest(current_user, recommendation, submission)
    if reason:
        return refused(reason)
    return review_page(recommendation)


def independent_or_refused(recommendation):
    submission = services.open_submission(recommendation)
    reason = rules.conflict_of_interest(current_user, recommendation, submission)
    return refused(reason) if reason else None


@bp.post("/recommendations/<int:recommendation_id>/evidence/<int:evidence_id>/decision")
@record_rule
def decide_evidence(recommendation_id: int, evidence_id: int):
    recommendation = reviewable(recommendation_id)
    evidence = db.get_or_404(Evidence, evidence_id)
    authorise(evidence.recommendation_id == recommendation.id)
    if (refusal := independent_or_refused(recommendation)) is not None:
        return refusal
    form = EvidenceDecisionForm(prefix=f"e{evidence.id}")
    if not form.validate_on_submit():
        return review_page(recommendation, failing=form, status=422)
    try:
        services.decide_evidence(current_user, recommendation, evidence, form.decision.data, form.comment.data,
                                 expected_version=form.version.data)
    except ConflictError:
        current = services.latest_decisions(recommendation).get(evidence.id)
        rows = [ConflictRow("Decision", DECISIONS.get(form.decision.data, ""),
                            current.decision_label if current else "Not decided"),
                ConflictRow("Comment", form.comment.data or "", current.comment if current else ""),
                ConflictRow("Decided by", current_user.name,
                            current.reviewed_by.name if current and current.reviewed_by else "")]
        return conflict_page(db.session.get(Evidence, evidence.id), rows,
                             url_for("assurance.review_recommendation", recommendation_id=recommendation.id),
                             f"the evidence “{evidence.title}”")
    except services.AssuranceError as error:
        form.decision.errors = [str(error)]
        return review_page(recommendation, failing=form, status=422)
    flash(f"Decision on “{evidence.title}” saved.", "success")
    return redirect(url_for("assurance.review_recommendation", recommendation_id=recommendation.id,
                            _anchor=next_undecided(recommendation)))


def next_undecided(recommendation) -> str:
    """Where the reviewer goes next: the first item still to decide, else the decision on the recommendation."""
    decided = services.latest_decisions(recommendation)
    waiting = [item for item in recommendation.evidence if item.id not in decided]
    return f"evidence-{waiting[0].id}" if waiting else "decision"


@bp.post("/recommendations/<int:recommendation_id>/evidence/accept-remaining")
@record_rule
def accept_remaining_evidence(recommendation_id: int):
    recommendation = reviewable(recommendation_id)
    if services.open_submission(recommendation) is None:
        flash("This recommendation is not waiting for review.", "info")
        return show(recommendation)
    if (refusal := independent_or_refused(recommendation)) is not None:
        return refusal
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("assurance.review_recommendation", recommendation_id=recommendation.id))
    try:
        accepted = services.accept_remaining(current_user, recommendation)
    except services.AssuranceError as error:
        flash(str(error), "info")
    else:
        flash(f"Accepted {accepted} remaining evidence {'item' if accepted == 1 else 'items'}.", "success")
    return redirect(url_for("assurance.review_recommendation", recommendation_id=recommendation.id,
                            _anchor="decision"))


def decide(recommendation_id: int, form_class, prefix: str, use_case, field: str, done: str, intended: str):
    """Assure or return: the same checks, then one service call."""
    recommendation = reviewable(recommendation_id)
    if services.open_submission(recommendation) is None:
        flash("This recommendation is not waiting for review.", "info")
        return show(recommendation)
    if (refusal := independent_or_refused(recommendation)) is not None:
        return refusal
    form = form_class(prefix=prefix)
    if not form.validate_on_submit():
        return review_page(recommendation, failing=form, status=422)
    try:
        use_case(current_user, recommendation, getattr(form, field).data, expected_version=form.version.data)
    except ConflictError:
        return transition_conflict(recommendation, intended)
    except services.AssuranceError as error:
        getattr(form, field).errors = [str(error)]
        return review_page(recommendation, failing=form, status=422)
    flash(done, "success")
    return show(recommendation)


@bp.post("/recommendations/<int:recommendation_id>/assure")
@record_rule
def assure_recommendation(recommendation_id: int):
    return decide(recommendation_id, AssureForm, "assure", services.assure_recommendation, "comment",
                  "Recommendation assured.", "Assured")


@bp.post("/recommendations/<int:recommendation_id>/return")
@record_rule
def return_recommendation(recommendation_id: int):
    return decide(recommendation_id, ReturnForm, "return", services.return_recommendation, "reasons",
                  "Recommendation returned to its owner with your reasons.", "Returned")


@bp.route("/recommendations/<int:recommendation_id>/reopen", methods=["GET", "POST"])
@record_rule
def reopen_recommendation(recommendation_id: int):
    recommendation = reviewable(recommendation_id)
    latest = services.latest_submission(recommendation)
    if latest is None or latest.state != "assured":
        flash("Only an assured recommendation can be reopened.", "info")
        return show(recommendation)
    reason = rules.conflict_of_interest(current_user, recommendation, latest)
    if reason:
        return refused(reason)
    form = ReopenForm(data={"version": recommendation.version_id})
    if form.validate_on_submit():
        try:
            services.reopen_recommendation(current_user, recommendation, form.reason.data,
                                           expected_version=form.version.data)
        except ConflictError:
            return transition_conflict(recommendation, "Reopened")
        except services.AssuranceError as error:
            form.reason.errors = [str(error)]
        else:
            flash("Recommendation reopened. Its history is kept.", "success")
            return show(recommendation)
    return render_template("assurance/reopen.html", recommendation=recommendation, form=form)


@bp.route("/recommendations/<int:recommendation_id>/withdraw", methods=["GET", "POST"])
@record_rule
def withdraw_submission(recommendation_id: int):
    recommendation = recommendation_or_404(recommendation_id)
    authorise(services.may_withdraw(current_user, recommendation))
    if services.open_submission(recommendation) is None:
        flash("This recommendation is not waiting for review, so there is nothing to withdraw.", "info")
        return show(recommendation)
    form = WithdrawForm(data={"version": recommendation.version_id})
    if form.validate_on_submit():
        try:
            services.withdraw_submission(current_user, recommendation, expected_version=form.version.data)
        except ConflictError:
            return transition_conflict(recommendation, "Withdrawn")
        except services.AssuranceError as error:
            flash(str(error), "info")
            return show(recommendation)
        flash("Submission withdrawn. You can now change the recommendation, then submit it again.", "success")
        return show(recommendation)
    return render_template("assurance/withdraw.html", recommendation=recommendation, form=form)


@bp.post("/actions/<int:action_id>/dependencies")
@record_rule
def add_dependency(action_id: int):
    action = action_or_404(action_id)
    authorise(permissions.can_edit_action(current_user, action))
    form = DependencyForm()
    panel = panels.dependency_panel(current_user, action, today(), form)
    if form.validate_on_submit() and form.blocker_id.data:
        blocker = db.session.get(Action, form.blocker_id.data)
        try:
            dependencies.add_dependency(current_user, action, blocker)
        except dependencies.DependencyError as error:
            form.blocker_id.errors = [str(error)]
        else:
            flash("Dependency added.", "success")
            return redirect(url_for("actions.show_action", action_id=action.id))
    elif form.is_submitted() and not form.errors:
        form.blocker_id.errors = ["Select the action this one waits on"]
    return render_template("actions/show.html", action=action, status=action_status(action, today()), form=form,
                           can_add_evidence=permissions.can_update_action(current_user, action),
                           dependency_form=panel.form, can_edit=True,
                           can_update=permissions.can_update_action(current_user, action)), 422


@bp.post("/actions/<int:action_id>/dependencies/<int:dependency_id>/remove")
@record_rule
def remove_dependency(action_id: int, dependency_id: int):
    action = action_or_404(action_id)
    authorise(permissions.can_edit_action(current_user, action))
    dependency = db.get_or_404(ActionDependency, dependency_id)
    authorise(dependency.action_id == action.id)
    dependencies.remove_dependency(current_user, dependency)
    flash("Dependency removed.", "success")
    return redirect(url_for("actions.show_action", action_id=action.id))
