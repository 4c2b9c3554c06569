"""Assurance use cases: submit a recommendation, decide on each evidence item, assure, return or reopen it; and
the queries other features read (what awaits a reviewer, how much evidence is accepted).

Decisions on evidence carry over between rounds: an item accepted once stays accepted; an item rejected in an
earlier round is set aside (kept on record, no longer counted), so the owner fixes a return by adding evidence.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from tracker.actions.models import Action
from tracker.assurance import rules
from tracker.audit.services import quoted, record_event
from tracker.auth.models import HMPPS_LEAD, REGIONAL_DIRECTOR, RoleAssignment, User
from tracker.auth.permissions import can_manage_recommendation
from tracker.db_types import utcnow
from tracker.evidence import services as evidence_services
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.linked_text import LinkedText
from tracker.organisations.models import PDU, Organisation
from tracker.recommendations.locking import fresh_state
from tracker.recommendations.models import (
    ACCEPTED,
    ASSURED,
    DECISIONS,
    NOT_AGREED,
    REJECTED,
    REOPENED,
    RETURNED,
    SUBMITTED,
    WITHDRAWN,
    EvidenceReview,
    Recommendation,
    Submission,
)
from tracker.recommendations.status import latest_submission
from tracker.shared.conflicts import guarded
from tracker.templating import pluralise
from tracker.work_events import services as events


class AssuranceError(ValueError):
    """A step the rules refuse; the message says what to do, for the page or the error summary."""


def _audit(actor, recommendation, entity_type: str, entity_id: int, verb: str, summary: str, **details) -> None:
    record_event(
        actor,
        entity_type,
        entity_id,
        verb,
        summary,
        after=details or None,
        recommendation_id=recommendation.id,
        inspection_id=recommendation.inspection_id,
    )


def _touch(recommendation) -> None:
    """Every transition bumps the recommendation's version, so two reviewers acting at once cannot both win."""
    recommendation.updated_at = utcnow()


def open_submission(recommendation) -> Submission | None:
    submission = latest_submission(recommendation)
    return submission if submission is not None and submission.state == SUBMITTED else None


def latest_decisions(recommendation) -> dict[int, EvidenceReview]:
    """The latest decision on each evidence item of the recommendation, in one query."""
    reviews = db.session.scalars(
        select(EvidenceReview)
        .join(Evidence)
        .where(Evidence.recommendation_id == recommendation.id)
        .options(selectinload(EvidenceReview.reviewed_by))
        .order_by(EvidenceReview.id)
    )
    return {review.evidence_id: review for review in reviews}


def set_aside(evidence, decisions: dict[int, EvidenceReview], submission: Submission | None) -> bool:
    """Rejected in an earlier round: kept on record, but no longer counts for submission or assurance."""
    decision = decisions.get(evidence.id)
    current_round = submission is not None and decision is not None and decision.submission_id == submission.id
    return decision is not None and decision.decision == REJECTED and not current_round


def already_submitted(recommendation) -> str | None:
    """ "The recommendation is already submitted for assurance." (or assured), or None when it is neither."""
    latest = latest_submission(recommendation)
    if recommendation.response != NOT_AGREED and latest is not None and latest.state in (SUBMITTED, ASSURED):
        return "The recommendation is already " + (
            "submitted for assurance." if latest.state == SUBMITTED else "assured."
        )
    return None


def missing_for_submission(recommendation) -> list[str]:
    """Everything that stops the owner submitting, one sentence each; empty when it can be submitted."""
    if message := already_submitted(recommendation):
        return [message]
    return unmet_conditions(recommendation)


def unmet_conditions(recommendation, submission: Submission | None = None) -> list[str]:
    """What the recommendation itself lacks for assurance: a response, actions, all complete, each evidenced.

    Checked when it is submitted and again when the reviewer assures it, so nothing that changed in between slips
    through."""
    if recommendation.response == NOT_AGREED:
        return ["The recommendation is not agreed, so there is nothing to assure."]
    rec_id = recommendation.id
    missing: list[str] = (
        []
        if recommendation.response
        else [
            LinkedText(
                "Record the service's response to the recommendation.",
                "recommendations.edit_response",
                recommendation_id=rec_id,
            )
        ]
    )
    if not recommendation.actions:
        return missing + [LinkedText("Add at least one action.", "actions.create_action", recommendation_id=rec_id)]
    decisions = latest_decisions(recommendation)
    for action in recommendation.actions:
        if not action.is_complete:
            missing.append(
                LinkedText(
                    f"Action {quoted(action.description, 200)} is not complete.",
                    "actions.post_update",
                    action_id=action.id,
                )
            )
    for action in recommendation.actions:
        if not [item for item in action.evidence if not set_aside(item, decisions, submission)]:
            missing.append(
                LinkedText(
                    f"Action {quoted(action.description, 200)} has no evidence"
                    + (" other than evidence the reviewer rejected." if action.evidence else "."),
                    "evidence.upload_action_evidence",
                    action_id=action.id,
                )
            )
    return missing


def vouched_for(recommendation) -> list[Evidence]:
    """The evidence a submission puts forward: every item but those set aside (rejected in an earlier round)."""
    decisions = latest_decisions(recommendation)
    return [item for item in recommendation.evidence if not set_aside(item, decisions, None)]


def prospective_reviewers(actor, recommendation) -> list[User]:
    """Who could review the recommendation were `actor` to submit it now: `reviewers`, less the submitter."""
    return [user for user in reviewers(recommendation, None) if user.id != getattr(actor, "id", None)]


def submit_recommendation(actor, recommendation, expected_version=None, covering_note: str = "") -> Submission:
    """Put the recommendation up for assurance, with the submitter's optional covering note for the reviewer."""
    if not rules.can_submit(actor, recommendation):
        raise AssuranceError("Only the recommendation's owner can submit it for assurance.")
    covering_note = (covering_note or "").strip()
    with guarded(recommendation, expected_version):
        missing = missing_for_submission(recommendation)
        if missing:
            raise AssuranceError("The recommendation cannot be submitted yet: " + " ".join(missing))
        round_number = len(recommendation.submissions) + 1
        vouched = vouched_for(recommendation)
        submission = Submission(
            recommendation=recommendation,
            submitted_by_id=actor.id,
            state=SUBMITTED,
            lead_id=recommendation.lead_id,
            covering_note=covering_note,
        )
        db.session.add(submission)
        _touch(recommendation)
        db.session.flush()
        summary = ("Resubmitted" if round_number > 1 else "Submitted") + (
            f" the recommendation for assurance: {pluralise(len(recommendation.actions), 'action')} complete, "
            f"{pluralise(len(vouched), 'evidence item')}"
        )
        if covering_note:
            summary += f". Covering note: {covering_note}"
        _audit(
            actor,
            recommendation,
            "submission",
            submission.id,
            "submit",
            summary,
            round=round_number,
            evidence_ids=[item.id for item in vouched],
            covering_note=covering_note,
        )
        events.submitted_for_review(actor, recommendation, reviewers(recommendation, submission), covering_note)
        db.session.commit()
    return submission


def _check_reviewer(actor, recommendation, submission: Submission | None) -> Submission:
    """The submission, once the actor may decide on it: refused when none waits or they may not review it."""
    if submission is None:
        raise AssuranceError("The recommendation is not waiting for review.")
    if not rules.holds_reviewer_role(actor, recommendation):
        raise AssuranceError("Only the recommendation's reviewer can do this.")
    reason = rules.conflict_of_interest(actor, recommendation, submission)
    if reason:
        raise AssuranceError(reason)
    return submission


class EvidenceDecisionError(AssuranceError):
    """A decision on one evidence item refused; names the item, so the page can put the message beside it."""

    def __init__(self, evidence, message: str):
        super().__init__(message)
        self.evidence = evidence


def _record_decision(
    actor,
    recommendation,
    submission,
    evidence,
    decision: str,
    comment: str,
    expected_version=None,
    summary_suffix: str = "",
) -> EvidenceReview:
    """One decision and its audit event, flushed but not committed: the caller owns the transaction."""
    comment = (comment or "").strip()
    if decision not in DECISIONS:
        raise EvidenceDecisionError(evidence, "Select accept or reject")
    if decision == REJECTED and not comment:
        raise EvidenceDecisionError(evidence, "Explain why the evidence is rejected")
    if evidence.recommendation_id != recommendation.id:
        raise EvidenceDecisionError(evidence, "That evidence belongs to another recommendation")
    if evidence.uploaded_by_id is not None and evidence.uploaded_by_id == actor.id:
        raise EvidenceDecisionError(evidence, "You added this evidence, so someone else must decide on it.")
    with guarded(evidence, expected_version):
        review = EvidenceReview(
            submission=submission, evidence=evidence, decision=decision, comment=comment, reviewed_by_id=actor.id
        )
        db.session.add(review)
        # bumps the evidence's version, so a second reviewer deciding from the same page is refused
        flag_modified(evidence, "title")
        db.session.flush()
    verb = "Accepted" if decision == ACCEPTED else "Rejected"
    _audit(
        actor,
        recommendation,
        "evidence_review",
        review.id,
        decision,
        f"{verb} evidence {quoted(evidence.title)}{summary_suffix}" + (f": {comment}" if comment else ""),
        evidence_id=evidence.id,
        comment=comment,
    )
    if decision == REJECTED:
        events.evidence_rejected(actor, evidence, comment)
    return review


def decide_evidence(
    actor, recommendation, evidence, decision: str, comment: str, expected_version=None
) -> EvidenceReview:
    """Accept or reject one evidence item; a rejection must say why. Checked against the evidence's version."""
    submission = _check_reviewer(actor, recommendation, open_submission(recommendation))
    review = _record_decision(actor, recommendation, submission, evidence, decision, comment, expected_version)
    db.session.commit()
    return review


def _remaining(actor, recommendation, decisions, skip=()) -> list:
    """Evidence not yet decided, leaving out what the reviewer added (someone else must decide on that)."""
    return [
        item
        for item in recommendation.evidence
        if item.id not in decisions
        and item.id not in skip
        and not (item.uploaded_by_id is not None and item.uploaded_by_id == actor.id)
    ]


@dataclass
class Remaining:
    """The items "Accept all remaining" would decide for this reviewer: those they have opened, and the rest,
    which it leaves undecided until they open them."""

    opened: list[Evidence]
    not_opened: list[Evidence]


def remaining_for(actor, recommendation, decisions=None, skip=(), opened=None) -> Remaining:
    """`opened`: evidence_services.opened_by for the reviewer, when the caller has it already."""
    decisions = latest_decisions(recommendation) if decisions is None else decisions
    items = _remaining(actor, recommendation, decisions, skip)
    if opened is None:
        opened = evidence_services.opened_by(actor, [item.id for item in items])
    return Remaining([item for item in items if item.id in opened], [item for item in items if item.id not in opened])


def decide_evidence_items(actor, recommendation, answers, accept_rest: bool = False) -> list[EvidenceReview]:
    """The reviewer's decisions on several items, as (evidence, decision, comment, expected version), and with
    `accept_rest` every other item still undecided that the reviewer has opened accepted (the rest stay
    undecided): one transaction, so all are saved or none."""
    submission = _check_reviewer(actor, recommendation, open_submission(recommendation))
    decisions = latest_decisions(recommendation)
    try:
        reviews = [
            _record_decision(actor, recommendation, submission, evidence, decision, comment, version)
            for evidence, decision, comment, version in answers
        ]
        if accept_rest:
            answered = {evidence.id for evidence, *_ in answers}
            reviews += [
                _record_decision(
                    actor,
                    recommendation,
                    submission,
                    evidence,
                    ACCEPTED,
                    "",
                    summary_suffix=" (with every remaining item)",
                )
                for evidence in remaining_for(actor, recommendation, decisions, answered).opened
            ]
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    return reviews


def rejected_this_round(recommendation, submission, decisions=None) -> list[EvidenceReview]:
    """The reviewer's rejections that stand in this round, in the evidence's order (what a return is about)."""
    decisions = latest_decisions(recommendation) if decisions is None else decisions
    return [
        decisions[item.id]
        for item in recommendation.evidence
        if item.id in decisions
        and decisions[item.id].decision == REJECTED
        and not set_aside(item, decisions, submission)
    ]


def reasons_from_rejections(recommendation, submission, decisions=None) -> str:
    """The reasons a return starts from: one line for each rejected item, with the reviewer's comment on it."""
    return "\n".join(
        f"{quoted(review.evidence.title)} is rejected: {review.comment}"
        for review in rejected_this_round(recommendation, submission, decisions)
    )


def blockers_to_assurance(recommendation, submission, decisions=None) -> list[str]:
    """What stops the reviewer assuring: anything short of the submission's conditions, then undecided or rejected
    evidence in this round."""
    decisions = latest_decisions(recommendation) if decisions is None else decisions
    blockers = unmet_conditions(recommendation, submission)
    for item in recommendation.evidence:
        if set_aside(item, decisions, submission):
            continue
        decision = decisions.get(item.id)
        if decision is None:
            blockers.append(f"Accept or reject the evidence {quoted(item.title)}.")
        elif decision.decision == REJECTED:
            blockers.append(f"The evidence {quoted(item.title)} is rejected: return the recommendation instead.")
    if not recommendation.evidence:
        blockers.append("There is no evidence to accept.")
    return blockers


def reread_under_lock(recommendation) -> str | None:
    """Lock the recommendation, then read its submission, actions and evidence afresh from the database: a change
    another session committed since this one loaded them counts, and none can commit until this transaction ends."""
    state = fresh_state(recommendation)
    for model in (Action, Evidence):
        db.session.scalars(
            select(model).where(model.recommendation_id == recommendation.id).execution_options(populate_existing=True)
        ).all()
    db.session.expire(recommendation, ["actions", "evidence", "response"])
    return state


def assure_recommendation(actor, recommendation, comment: str = "", expected_version=None) -> Submission:
    submission = _check_reviewer(actor, recommendation, open_submission(recommendation))
    with guarded(recommendation, expected_version):
        if reread_under_lock(recommendation) != SUBMITTED:
            raise AssuranceError("The recommendation is no longer waiting for review.")
        if any(item.uploaded_by_id == actor.id for item in recommendation.evidence):
            raise AssuranceError("You added evidence to this recommendation, so someone else must assure it.")
        blockers = blockers_to_assurance(recommendation, submission)
        if blockers:
            raise AssuranceError("The recommendation cannot be assured yet: " + " ".join(blockers))
        comment = (comment or "").strip()
        submission.state, submission.decided_by_id, submission.decided_at = ASSURED, actor.id, utcnow()
        submission.decision_reason = comment
        _touch(recommendation)
        _audit(
            actor,
            recommendation,
            "submission",
            submission.id,
            "assure",
            "Assured the recommendation: all evidence accepted" + (f". {comment}" if comment else ""),
            comment=comment,
        )
        events.assured(actor, recommendation, submission)
        db.session.commit()
    return submission


def return_recommendation(actor, recommendation, reasons: str, expected_version=None) -> Submission:
    submission = _check_reviewer(actor, recommendation, open_submission(recommendation))
    reasons = (reasons or "").strip()
    if not reasons:
        raise AssuranceError("Enter the reasons for returning the recommendation")
    with guarded(recommendation, expected_version):
        submission.state, submission.decided_by_id, submission.decided_at = RETURNED, actor.id, utcnow()
        submission.decision_reason = reasons
        _touch(recommendation)
        submitter = submission.submitted_by.name if submission.submitted_by else "the owner"
        _audit(
            actor,
            recommendation,
            "submission",
            submission.id,
            "return",
            f"Returned the recommendation to {submitter}: {reasons}",
            reasons=reasons,
        )
        events.returned(actor, recommendation, submission)
        db.session.commit()
    return submission


def can_reopen(user, recommendation) -> bool:
    latest = latest_submission(recommendation)
    return latest is not None and latest.state == ASSURED and rules.can_review(user, recommendation, latest)


def reopen_recommendation(actor, recommendation, reason: str | None, expected_version=None) -> Submission:
    """The reviewer reopens an assured recommendation; the submission and every decision stay on record."""
    latest = latest_submission(recommendation)
    if latest is None or latest.state != ASSURED:
        raise AssuranceError("Only an assured recommendation can be reopened.")
    _check_reviewer(actor, recommendation, latest)
    reason = (reason or "").strip()
    if not reason:
        raise AssuranceError("Enter the reason for reopening the recommendation")
    with guarded(recommendation, expected_version):
        latest.state, latest.reopened_by_id, latest.reopened_at, latest.reopen_reason = (
            REOPENED,
            actor.id,
            utcnow(),
            reason,
        )
        _touch(recommendation)
        _audit(
            actor,
            recommendation,
            "submission",
            latest.id,
            "reopen",
            f"Reopened the assured recommendation: {reason}",
            reason=reason,
        )
        db.session.commit()
    return latest


def may_withdraw(user, recommendation) -> bool:
    """The submitter, or anyone who may manage the recommendation, may take back a submission still waiting."""
    latest = latest_submission(recommendation)
    is_submitter = latest is not None and latest.submitted_by_id == getattr(user, "id", None)
    return is_submitter or can_manage_recommendation(user, recommendation)


def withdraw_submission(actor, recommendation, expected_version=None) -> Submission:
    """Take a submission back before the reviewer decides, so the owner can change what it vouched for."""
    if not may_withdraw(actor, recommendation):
        raise AssuranceError("Only the submitter or the recommendation's owner or lead can withdraw the submission.")
    submission = open_submission(recommendation) if fresh_state(recommendation) == SUBMITTED else None
    if submission is None:
        raise AssuranceError("The recommendation is not waiting for review, so there is nothing to withdraw.")
    with guarded(recommendation, expected_version):
        submission.state, submission.decided_by_id, submission.decided_at = WITHDRAWN, actor.id, utcnow()
        _touch(recommendation)
        _audit(
            actor,
            recommendation,
            "submission",
            submission.id,
            "withdraw",
            "Withdrew the submission for assurance, to make changes",
            state=WITHDRAWN,
        )
        db.session.commit()
    return submission


def awaiting_review(user) -> list[Recommendation]:
    """Recommendations submitted for assurance that this user may review, oldest submission first."""
    if not user.is_authenticated:
        return []
    scopes: list[ColumnElement[bool]] = []
    regions = user.orgs_with_role(REGIONAL_DIRECTOR)
    if regions:
        scopes.append((Organisation.kind == PDU) & Organisation.parent_id.in_(regions))
    if user.orgs_with_role(HMPPS_LEAD):
        scopes.append(Organisation.kind != PDU)
    if not scopes:
        return []
    submissions = db.session.scalars(
        select(Submission)
        .join(Submission.recommendation)
        .join(Organisation, Recommendation.owner_org_id == Organisation.id)
        .where(Submission.state == SUBMITTED, or_(*scopes))
        .options(selectinload(Submission.recommendation).selectinload(Recommendation.inspection))
        .order_by(Submission.submitted_at, Submission.id)
    )
    return [s.recommendation for s in submissions if rules.can_review(user, s.recommendation, s)]


def _accepted_evidence_ids():
    latest = select(func.max(EvidenceReview.id)).group_by(EvidenceReview.evidence_id)
    return select(EvidenceReview.evidence_id).where(EvidenceReview.id.in_(latest), EvidenceReview.decision == ACCEPTED)


def evidence_review_counts(recommendation_ids) -> dict[int, tuple[int, int]]:
    """{recommendation id: (evidence items whose latest decision is accepted, all evidence items)}, in one query.

    `recommendation_ids` is a list of ids or a select of them; ids with no evidence map to (0, 0)."""
    rows = db.session.execute(
        select(
            Evidence.recommendation_id,
            func.sum(case((Evidence.id.in_(_accepted_evidence_ids()), 1), else_=0)),
            func.count(Evidence.id),
        )
        .where(Evidence.recommendation_id.in_(recommendation_ids))
        .group_by(Evidence.recommendation_id)
    )
    counts = {rec_id: (int(accepted or 0), int(total)) for rec_id, accepted, total in rows}
    if isinstance(recommendation_ids, list | tuple | set):
        return {rec_id: counts.get(rec_id, (0, 0)) for rec_id in recommendation_ids}
    return counts


def evidence_accepted_count(scope) -> int:
    """Evidence items whose latest review accepted them, for an Inspection or a list (or select) of
    recommendation ids; one query."""
    if hasattr(scope, "recommendations") and hasattr(scope, "id"):
        scope = select(Recommendation.id).where(Recommendation.inspection_id == scope.id)
    return sum(accepted for accepted, _ in evidence_review_counts(scope).values())


def reviewers(recommendation, submission) -> list[User]:
    """Everyone who may review this submission: the region's director for a PDU's recommendation, an HMPPS lead
    otherwise; those whose own work it is are left out by the same rule that stops them reviewing it."""
    role = rules.reviewer_role(recommendation)
    query = (
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == role, User.is_active)
        .order_by(User.id)
    )
    if role == REGIONAL_DIRECTOR:
        query = query.where(RoleAssignment.organisation_id == recommendation.owner_org.parent_id)
    else:
        query = query.where(RoleAssignment.role == HMPPS_LEAD)
    return [user for user in db.session.scalars(query).unique() if rules.can_review(user, recommendation, submission)]
