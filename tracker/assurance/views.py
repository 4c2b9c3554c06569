"""Assurance pages: submit, the review queue, reviewing evidence, assure, return, reopen; action dependencies."""

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.actions.lookups import action_or_404, recommendation_with_actions_or_404
from tracker.actions.models import Action, ActionDependency
from tracker.assurance import dependencies, panels, review, rules, services
from tracker.assurance.blueprint import bp
from tracker.assurance.forms import (
    ASSURE,
    RETURN,
    DependencyForm,
    EvidenceDecisionsForm,
    RecommendationDecisionForm,
    ReopenForm,
    SubmitForm,
    WithdrawForm,
)
from tracker.audit.services import changes_since
from tracker.auth import permissions
from tracker.db_types import today
from tracker.errors import wants_json
from tracker.evidence import services as evidence_services
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.recommendations.locking import UnderReviewError, locked_reason
from tracker.recommendations.models import DECISIONS
from tracker.recommendations.status import action_status, recommendation_status
from tracker.shared.access import authorise, record_rule, signed_in
from tracker.shared.conflict_views import conflict_page
from tracker.shared.conflicts import ConflictError, ConflictRow
from tracker.templating import add_home_panel, pluralise

HOME_PANEL = "assurance/_home-panel.html"
bp.record_once(lambda state: add_home_panel(state.app, HOME_PANEL))


@bp.app_context_processor
def assurance_hooks():
    """Functions the recommendation, action and home templates call from their assurance hooks."""
    return {
        "assurance_panel": lambda rec: panels.recommendation_panel(current_user, rec),
        "dependency_panel": lambda action, form=None: panels.dependency_panel(current_user, action, today(), form),
        "assurance_home": lambda: {
            "reviews": services.awaiting_review(current_user),
            "waiting": dependencies.waiting_on(current_user),
        },
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
        "assurance/locked.html",
        recommendation=recommendation,
        reason=str(error),
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
    recommendation = recommendation_with_actions_or_404(recommendation_id)
    authorise(rules.can_submit(current_user, recommendation))
    if message := services.already_submitted(recommendation):
        # sent again (the Back button, a second tab): not a fault, so a notice on the recommendation, not an error
        flash(message, "notice")
        return show(recommendation)
    form = SubmitForm(data={"version": recommendation.version_id})
    missing = services.missing_for_submission(recommendation)
    valid = form.validate_on_submit()
    if valid and not missing:
        try:
            services.submit_recommendation(
                current_user,
                recommendation,
                expected_version=form.version.data,
                covering_note=form.covering_note.data or "",
            )
        except ConflictError:
            return transition_conflict(recommendation, "Submitted for assurance")
        except services.AssuranceError as error:
            missing = [str(error)]
        else:
            flash("Recommendation submitted for assurance.", "success")
            return show(recommendation)
    status = 422 if form.is_submitted() and (missing or not valid) else 200
    return render_template(
        "assurance/submit.html",
        recommendation=recommendation,
        form=form,
        missing=missing,
        vouched=services.vouched_for(recommendation),
        reviewers=services.prospective_reviewers(current_user, recommendation),
        reviewer_role=rules.reviewer_role(recommendation),
    ), status


def transition_conflict(recommendation, intended: str):
    current = recommendation_status(recommendation, today())
    rows = [ConflictRow("Status", intended, current.label), ConflictRow("Response", "", recommendation.response_label)]
    return conflict_page(recommendation, rows, show(recommendation).location, f"recommendation {recommendation.number}")


@bp.get("/reviews")
@signed_in
def review_queue():
    recommendations = services.awaiting_review(current_user)
    return render_template(
        "assurance/review-queue.html", recommendations=recommendations, submitted_of=services.open_submission
    )


def reviewable(recommendation_id: int):
    """The recommendation, after checking the user holds its reviewer role; the independence check is separate."""
    recommendation = recommendation_with_actions_or_404(recommendation_id)
    authorise(rules.holds_reviewer_role(current_user, recommendation))
    return recommendation


def review_page(recommendation, evidence_forms=None, decision_form=None, errors=None, status: int = 200):
    """The review page; after a refused post, with the forms as the reviewer filled them and their errors."""
    submission = services.open_submission(recommendation)
    decisions = services.latest_decisions(recommendation)
    blockers = services.blockers_to_assurance(recommendation, submission, decisions) if submission else []
    rejected = services.rejected_this_round(recommendation, submission, decisions) if submission else []
    # a return starts from what the reviewer said of each item rejected, so it is not typed twice
    decision_form = decision_form or RecommendationDecisionForm(
        formdata=None,
        prefix="decide",
        data={
            "version": recommendation.version_id,
            "reasons": services.reasons_from_rejections(recommendation, submission, decisions),
        },
    )
    evidence_forms = evidence_forms or review.item_forms(recommendation, decisions, submission)
    summary = review.ErrorSummary(errors, *evidence_forms.values(), decision_form)
    if blockers:
        summary.move("decide-outcome", "assure-blockers")
    opened = evidence_services.opened_by(current_user, [item.id for item in recommendation.evidence])
    return render_template(
        "assurance/review.html",
        recommendation=recommendation,
        submission=submission,
        decisions=decisions,
        rejected=rejected,
        opened=opened,
        remaining=services.remaining_for(current_user, recommendation, decisions, opened=opened),
        forms=evidence_forms,
        page_form=EvidenceDecisionsForm(formdata=None),
        decision_form=decision_form,
        form=summary,
        set_aside=lambda item: services.set_aside(item, decisions, submission),
        blockers=blockers,
        changes=changes_since(recommendation.id, submission.submitted_at, ("submission", "evidence_review"))
        if submission
        else [],
        timeline=review.timeline(recommendation),
        previews=evidence_services.previews(recommendation.evidence),
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


def review_url(recommendation, anchor=None) -> str:
    return url_for("assurance.review_recommendation", recommendation_id=recommendation.id, _anchor=anchor)


def waiting_for_this_reviewer(recommendation):
    """None when the reviewer may act now; else the response that turns them away."""
    if services.open_submission(recommendation) is None:
        flash("This recommendation is not waiting for review.", "info")
        return show(recommendation)
    return independent_or_refused(recommendation)


@bp.post("/recommendations/<int:recommendation_id>/evidence/decisions")
@record_rule
def save_evidence_decisions(recommendation_id: int):
    """The page's one form: every item the reviewer answered, and with "accept all remaining" every other item
    still undecided, saved together or not at all."""
    recommendation = reviewable(recommendation_id)
    if (turned_away := waiting_for_this_reviewer(recommendation)) is not None:
        return turned_away
    page_form = EvidenceDecisionsForm()
    submission = services.open_submission(recommendation)
    decisions = services.latest_decisions(recommendation)
    forms = review.item_forms(recommendation, decisions, submission, formdata=request.form)
    valid = all([page_form.validate_on_submit(), *[form.validate() for form in forms.values()]])
    answers = review.answers(recommendation, forms, decisions, submission)
    accept_rest = bool(page_form.accept_remaining.data)
    answered = {evidence.id for evidence, *_ in answers}
    rest = services.remaining_for(current_user, recommendation, decisions, answered) if accept_rest else None
    if valid and not answers and (rest is None or not rest.opened):
        undecided = review.undecided(recommendation, decisions)
        if not undecided:
            return redirect(review_url(recommendation, "decision"))
        if rest is not None and rest.not_opened:
            # "Accept all remaining" with nothing opened: it accepts nothing the reviewer has not looked at
            forms[rest.not_opened[0].id].decision.errors = [review.not_opened_error(rest.not_opened)]
        else:
            forms[undecided[0].id].decision.errors = ["Select accept or reject for at least one item"]
        valid = False
    if not valid:
        return review_page(recommendation, evidence_forms=forms, errors=page_form.errors, status=422)
    try:
        saved = services.decide_evidence_items(current_user, recommendation, answers, accept_rest=accept_rest)
    except ConflictError as error:
        return evidence_conflict(recommendation, error.record, forms[error.record.id])
    except services.EvidenceDecisionError as error:
        forms[error.evidence.id].decision.errors = [str(error)]
        return review_page(recommendation, evidence_forms=forms, status=422)
    except services.AssuranceError as error:
        flash(str(error), "info")
        return redirect(review_url(recommendation))
    message = f"{pluralise(len(saved), 'decision')} saved."
    if rest is not None and rest.not_opened:
        message += " " + review.not_opened_notice(rest.not_opened)
    flash(message, "success")
    return redirect(review_url(recommendation, next_undecided(recommendation)))


def evidence_conflict(recommendation, evidence, form):
    """Another reviewer decided on this item since the page was loaded: nothing in the batch was saved."""
    evidence = db.session.get(Evidence, evidence.id)
    current = services.latest_decisions(recommendation).get(evidence.id)
    rows = [
        ConflictRow(
            "Decision", DECISIONS.get(form.decision.data, ""), current.decision_label if current else "Not decided"
        ),
        ConflictRow("Comment", form.comment.data or "", current.comment if current else ""),
        ConflictRow(
            "Decided by", current_user.name, current.reviewed_by.name if current and current.reviewed_by else ""
        ),
    ]
    return conflict_page(
        evidence, rows, review_url(recommendation), f"the evidence “{evidence.title}”", version_field=form.version.name
    )


def next_undecided(recommendation) -> str:
    """Where the reviewer goes next: the first item still to decide, else the decision on the recommendation."""
    waiting = review.undecided(recommendation, services.latest_decisions(recommendation))
    return f"evidence-{waiting[0].id}" if waiting else "decision"


def decide(recommendation_id: int, read_form):
    """Assure or return, from the page's one question or a post to the older addresses: the same checks, then one
    service call."""
    recommendation = reviewable(recommendation_id)
    if (turned_away := waiting_for_this_reviewer(recommendation)) is not None:
        return turned_away
    form = read_form()
    if not form.validate_on_submit():
        return review_page(recommendation, decision_form=form, status=422)
    assure = form.outcome.data == ASSURE
    try:
        if assure:
            services.assure_recommendation(
                current_user, recommendation, form.comment.data, expected_version=form.version.data
            )
        else:
            services.return_recommendation(
                current_user, recommendation, form.reasons.data, expected_version=form.version.data
            )
    except ConflictError:
        return transition_conflict(recommendation, "Assured" if assure else "Returned")
    except services.AssuranceError as error:
        (form.outcome if assure else form.reasons).errors = [str(error)]
        return review_page(recommendation, decision_form=form, status=422)
    flash("Recommendation assured." if assure else "Recommendation returned to its owner with your reasons.", "success")
    return show(recommendation)


@bp.post("/recommendations/<int:recommendation_id>/decision")
@record_rule
def decide_recommendation(recommendation_id: int):
    return decide(recommendation_id, lambda: RecommendationDecisionForm(prefix="decide"))


@bp.post("/recommendations/<int:recommendation_id>/assure")
@record_rule
def assure_recommendation(recommendation_id: int):
    return decide(recommendation_id, lambda: review.posted_as(ASSURE, "assure"))


@bp.post("/recommendations/<int:recommendation_id>/return")
@record_rule
def return_recommendation(recommendation_id: int):
    return decide(recommendation_id, lambda: review.posted_as(RETURN, "return"))


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
            services.reopen_recommendation(
                current_user, recommendation, form.reason.data, expected_version=form.version.data
            )
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
    recommendation = recommendation_with_actions_or_404(recommendation_id)
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
        assert blocker is not None  # one of the choices, each an action loaded for this page
        try:
            dependencies.add_dependency(current_user, action, blocker)
        except dependencies.DependencyError as error:
            form.blocker_id.errors = [str(error)]
        else:
            flash("Dependency added.", "success")
            return redirect(url_for("actions.show_action", action_id=action.id))
    elif form.is_submitted() and not form.errors:
        form.blocker_id.errors = ["Select the action this one waits on"]
    return render_template(
        "actions/show.html",
        action=action,
        status=action_status(action, today()),
        today=today(),
        form=form,
        can_add_evidence=permissions.can_update_action(current_user, action),
        dependency_form=panel.form,
        can_edit=True,
        can_update=permissions.can_update_action(current_user, action),
    ), 422


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
