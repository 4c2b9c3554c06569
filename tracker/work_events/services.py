"""Recording what happened to people's work, in the caller's transaction, and marking events as told by the message
that tells them (the outbox calls these as it queues a message)."""

from sqlalchemy import ColumnElement, and_, or_, select, update

from tracker.auth.models import User
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.work_events.models import (
    ASSIGNED,
    ASSURED_YOURS,
    DATE_AGREEMENT,
    DATE_DECIDED,
    DATE_REQUESTED,
    EVIDENCE_REJECTED,
    RETURNED_TO_YOU,
    SUBMITTED_FOR_REVIEW,
    NotificationEvent,
)


def record(kind: str, recipients, actor, recommendation, action=None, evidence=None, comment: str = "") -> None:
    """Add one event per person told, in the caller's transaction; the actor and leavers are left out."""
    told = set()
    for user in recipients:
        if user is None or not user.is_active or user.id == getattr(actor, "id", None) or user.id in told:
            continue
        told.add(user.id)
        db.session.add(
            NotificationEvent(
                kind=kind,
                recipient_id=user.id,
                actor_id=getattr(actor, "id", None),
                recommendation=recommendation,
                action=action,
                evidence=evidence,
                comment=(comment or "").strip(),
                created_at=utcnow(),
            )
        )


def action_assigned(actor, action) -> None:
    if action.owner_id is not None:
        record(ASSIGNED, [db.session.get(User, action.owner_id)], actor, action.recommendation, action=action)


def submitted_for_review(actor, recommendation, reviewers, covering_note: str = "") -> None:
    """`reviewers`: everyone who may review the submission (tracker.assurance.services.reviewers); the message
    tells them the submitter's covering note."""
    record(SUBMITTED_FOR_REVIEW, reviewers, actor, recommendation, comment=covering_note)


def returned(actor, recommendation, submission) -> None:
    record(
        RETURNED_TO_YOU,
        [submission.submitted_by, recommendation.lead],
        actor,
        recommendation,
        comment=submission.decision_reason,
    )


def assured(actor, recommendation, submission) -> None:
    record(
        ASSURED_YOURS,
        [submission.submitted_by, recommendation.lead],
        actor,
        recommendation,
        comment=submission.decision_reason,
    )


def evidence_rejected(actor, evidence, comment: str) -> None:
    owner = evidence.action.owner if evidence.action is not None else None
    record(
        EVIDENCE_REJECTED,
        [evidence.uploaded_by, owner],
        actor,
        evidence.recommendation,
        action=evidence.action,
        evidence=evidence,
        comment=comment,
    )


def date_requested(actor, request, recipients) -> None:
    """The owner asked for a new date: the recommendation's lead (or its owners) are asked to decide."""
    record(
        DATE_REQUESTED,
        recipients,
        actor,
        request.action.recommendation,
        action=request.action,
        comment=_date_words(request),
    )


def date_agreement_needed(actor, request, recipients) -> None:
    record(
        DATE_AGREEMENT,
        recipients,
        actor,
        request.action.recommendation,
        action=request.action,
        comment=_date_words(request),
    )


def date_decided(actor, request, recipients) -> None:
    outcome = "approved" if request.state == "approved" else "refused"
    record(
        DATE_DECIDED,
        recipients,
        actor,
        request.action.recommendation,
        action=request.action,
        comment=f"{outcome}: {_date_words(request)}"
        + (f". {request.decision_reason}" if request.decision_reason else ""),
    )


def _date_words(request) -> str:
    return f"from {request.current_on:%d/%m/%Y} to {request.new_on:%d/%m/%Y}, because {request.reason}"


def pass_on(leaver_id: int, new_owner_id: int, action_ids, recommendation_ids, still_theirs=()) -> list[int]:
    """Work handed from a leaver to a new owner: the events waiting to be told to the leaver about it are told to
    the new owner instead. An event follows its action when the leaver owned that action (`action_ids`), else its
    recommendation when the leaver led that (`recommendation_ids`), unless it is about an action the leaver still
    owns (`still_theirs`: it follows that action when it is handed over). One the new owner caused is left, as
    nobody is told of their own change. Returns the ids of the events passed on."""
    about: list[ColumnElement[bool]] = []
    if action_ids:
        about.append(NotificationEvent.action_id.in_(list(action_ids)))
    if recommendation_ids:
        about.append(
            and_(
                NotificationEvent.recommendation_id.in_(list(recommendation_ids)),
                or_(NotificationEvent.action_id.is_(None), NotificationEvent.action_id.not_in(list(still_theirs))),
            )
        )
    if not about:
        return []
    passed = db.session.execute(
        update(NotificationEvent)
        .where(
            NotificationEvent.recipient_id == leaver_id,
            NotificationEvent.message_key.is_(None),
            or_(NotificationEvent.actor_id.is_(None), NotificationEvent.actor_id != new_owner_id),
            or_(*about),
        )
        .values(recipient_id=new_owner_id)
        .returning(NotificationEvent.id)
    )
    return sorted(passed.scalars())


def mark_told(key: str, event_ids) -> list[int]:
    """In the transaction that queues the message: these events are told, by that message. Returns the ids of
    those that were still untold."""
    if not event_ids:
        return []
    told = db.session.execute(
        update(NotificationEvent)
        .where(NotificationEvent.id.in_(list(event_ids)), NotificationEvent.message_key.is_(None))
        .values(message_key=key)
        .returning(NotificationEvent.id)
    )
    return list(told.scalars())


def told_elsewhere(key: str, event_ids) -> int:
    """How many of these events another message (another key) has told."""
    return len(
        db.session.scalars(
            select(NotificationEvent.id).where(
                NotificationEvent.id.in_(list(event_ids)),
                NotificationEvent.message_key.is_not(None),
                NotificationEvent.message_key != key,
            )
        ).all()
    )


def release(event_ids) -> None:
    """Undo `mark_told` for events of a message that is not queued after all."""
    if event_ids:
        db.session.execute(
            update(NotificationEvent).where(NotificationEvent.id.in_(list(event_ids))).values(message_key=None)
        )
