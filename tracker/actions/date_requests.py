"""Re-dating under governance: the owner asks for a new target date with a reason, the recommendation's lead
approves or refuses, and a date moved again once slipped, or by more than `[actions] redate_limit_days`, also
needs the reviewer's agreement. Every step is audited and told through the event notifications."""

from datetime import date

from flask import current_app
from sqlalchemy import select

from tracker.actions.models import APPROVED, AWAITING_AGREEMENT, REFUSED, REQUESTED, Action, DateChangeRequest
from tracker.actions.services import ActionError, record_revision
from tracker.audit.services import quoted, record_event
from tracker.auth.models import REGIONAL_DIRECTOR, RoleAssignment, User
from tracker.auth.permissions import OWNER_ROLE_FOR_KIND, reviewer_role
from tracker.date_rules import check_revised_date
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.recommendations.locking import ensure_unlocked
from tracker.shared.conflicts import guarded
from tracker.work_events import services as events


def redate_limit_days() -> int:
    return int(current_app.config.get("ACTIONS_REDATE_LIMIT_DAYS", 28))


def needs_agreement(action: Action, new_on: date) -> bool:
    """Moving an action that has already slipped, or moving it later by more than the limit."""
    return action.is_slipped or (new_on - action.target_on).days > redate_limit_days()


def open_request(action: Action) -> DateChangeRequest | None:
    return db.session.scalar(
        select(DateChangeRequest)
        .where(DateChangeRequest.action_id == action.id, DateChangeRequest.state.in_((REQUESTED, AWAITING_AGREEMENT)))
        .order_by(DateChangeRequest.id.desc())
    )


def _holders(role: str, organisation_id: int | None = None) -> list[User]:
    query = (
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == role, User.is_active)
    )
    if organisation_id is not None:
        query = query.where(RoleAssignment.organisation_id == organisation_id)
    return list(db.session.scalars(query.order_by(User.id)).unique())


def leads_of(action: Action) -> list[User]:
    """Who decides: the recommendation's named lead, or without one whoever owns it by role."""
    recommendation = action.recommendation
    if recommendation.lead is not None:
        return [recommendation.lead]
    role = OWNER_ROLE_FOR_KIND.get(recommendation.owner_org.kind)
    return _holders(role, recommendation.owner_org_id) if role else []


def reviewers_of(action: Action) -> list[User]:
    recommendation = action.recommendation
    role = reviewer_role(recommendation)
    return _holders(role, recommendation.owner_org.parent_id if role == REGIONAL_DIRECTOR else None)


def _named(request: DateChangeRequest) -> str:
    """The action the request is about, as the summary names it (the recommendation's history lists every action's)."""
    return quoted(request.action.description, 60)


def _date_for(request: DateChangeRequest) -> str:
    return f"{request.new_on.isoformat()} for {_named(request)}"


def _audit(actor, request: DateChangeRequest, verb: str, summary: str, before=None) -> None:
    action = request.action
    record_event(
        actor,
        "date_change_request",
        request.id,
        verb,
        summary,
        before=before,
        after={
            "state": request.state,
            "current_on": request.current_on.isoformat(),
            "new_on": request.new_on.isoformat(),
            "reason": request.reason,
            "decision_reason": request.decision_reason,
        },
        recommendation_id=action.recommendation_id,
        inspection_id=action.recommendation.inspection_id,
    )


def _check(action: Action, new_on: date, reason: str) -> str:
    ensure_unlocked(action.recommendation)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("Enter the reason for changing the target date")
    if problem := check_revised_date(new_on, action.target_on):
        raise ActionError(problem)
    if open_request(action) is not None:
        raise ActionError("A new date is already waiting for a decision on this action")
    return reason


def request_new_date(actor, action: Action, new_on: date, reason: str) -> DateChangeRequest:
    """The owner asks; the lead is told and decides."""
    reason = _check(action, new_on, reason)
    request = DateChangeRequest(
        action=action,
        requested_by_id=actor.id,
        current_on=action.target_on,
        new_on=new_on,
        reason=reason,
        state=REQUESTED,
    )
    db.session.add(request)
    db.session.flush()
    _audit(
        actor,
        request,
        "create",
        f"Asked to move the target date of {_named(request)} from {request.current_on.isoformat()} to "
        f"{new_on.isoformat()}: {reason}",
    )
    events.date_requested(actor, request, leads_of(action))
    db.session.commit()
    return request


def ask_for_agreement(actor, action: Action, new_on: date, reason: str, expected_version=None) -> DateChangeRequest:
    """The lead re-dates an action beyond what they may do alone: it waits for the reviewer's agreement. Refused
    with ConflictError when the action changed since `expected_version` was read."""
    with guarded(action, expected_version):
        return _ask_for_agreement(actor, action, new_on, reason)


def _ask_for_agreement(actor, action: Action, new_on: date, reason: str) -> DateChangeRequest:
    reason = _check(action, new_on, reason)
    request = DateChangeRequest(
        action=action,
        requested_by_id=actor.id,
        current_on=action.target_on,
        new_on=new_on,
        reason=reason,
        state=AWAITING_AGREEMENT,
        approved_by_id=actor.id,
        approved_at=utcnow(),
    )
    db.session.add(request)
    db.session.flush()
    _audit(
        actor,
        request,
        "create",
        f"Asked for agreement to move the target date of {_named(request)} from "
        f"{request.current_on.isoformat()} to {new_on.isoformat()}: {reason}",
    )
    events.date_agreement_needed(actor, request, reviewers_of(action))
    db.session.commit()
    return request


def _apply(actor, request: DateChangeRequest, comment: str) -> None:
    record_revision(actor, request.action, request.new_on, request.reason)
    request.state, request.decided_by_id, request.decided_at = APPROVED, actor.id, utcnow()
    request.decision_reason = comment


def _refuse(actor, request: DateChangeRequest, reason: str) -> None:
    if not reason:
        raise ActionError("Enter why the new date is refused")
    request.state, request.decided_by_id, request.decided_at = REFUSED, actor.id, utcnow()
    request.decision_reason = reason


def decide_request(actor, request: DateChangeRequest, approve: bool, comment: str = "") -> DateChangeRequest:
    """The lead's decision. Approved, it takes effect at once, or goes on to the reviewer when it needs agreement."""
    if request.state != REQUESTED:
        raise ActionError("This request has already been decided")
    ensure_unlocked(request.action.recommendation)
    comment = (comment or "").strip()
    before = {"state": request.state}
    told = [request.requested_by]
    if not approve:
        _refuse(actor, request, comment)
        _audit(actor, request, "refuse", f"Refused the new target date {_date_for(request)}: {comment}", before)
    elif needs_agreement(request.action, request.new_on):
        request.state, request.approved_by_id, request.approved_at = AWAITING_AGREEMENT, actor.id, utcnow()
        request.decision_reason = comment
        _audit(
            actor,
            request,
            "approve",
            f"Approved the new target date {_date_for(request)}, which now needs the reviewer's agreement",
            before,
        )
        events.date_agreement_needed(actor, request, reviewers_of(request.action))
        db.session.commit()
        return request
    else:
        _apply(actor, request, comment)
        _audit(actor, request, "approve", f"Approved the new target date {_date_for(request)}", before)
    events.date_decided(actor, request, told)
    db.session.commit()
    return request


def agree_request(actor, request: DateChangeRequest, agree: bool, comment: str = "") -> DateChangeRequest:
    """The reviewer agrees (the date takes effect) or refuses; the requester and the lead are told."""
    if request.state != AWAITING_AGREEMENT:
        raise ActionError("This request is not waiting for agreement")
    ensure_unlocked(request.action.recommendation)
    comment = (comment or "").strip()
    before = {"state": request.state}
    if agree:
        _apply(actor, request, comment)
        _audit(actor, request, "agree", f"Agreed the new target date {_date_for(request)}", before)
    else:
        _refuse(actor, request, comment)
        _audit(
            actor,
            request,
            "refuse",
            f"Refused to agree the new target date {_date_for(request)}: {comment}",
            before,
        )
    events.date_decided(actor, request, [request.requested_by, request.approved_by])
    db.session.commit()
    return request
