"""Event notifications: an action assigned to you, a recommendation submitted for your review, returned to you,
assured, or evidence of yours rejected. Each is recorded in the transaction of the change it tells of, then told
once: gathered per person over `[notifications] event_batch_minutes` into one message, or folded into the
person's daily or weekly message if that is what they chose. Nobody is told of their own change."""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, or_, select, update

from tracker.auth.models import EVENTS_IMMEDIATE, EVENTS_WITH_REMINDERS, User
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.mail.content import Links, PlannedMessage, Recipient, render_parts, shorten
from tracker.mail.models import EVENTS
from tracker.notifications.scope import scope_name
from tracker.notifications.sight import Sight
from tracker.recommendations.models import SUBMITTED, Submission
from tracker.templating import pluralise
from tracker.work_events.models import (
    ASSIGNED,
    ASSURED_YOURS,
    DATE_AGREEMENT,
    DATE_DECIDED,
    DATE_REQUESTED,
    EVENT_KINDS,
    EVIDENCE_REJECTED,
    OVERTAKEN,
    RETURNED_TO_YOU,
    SUBMITTED_FOR_REVIEW,
    NotificationEvent,
)

log = logging.getLogger("tracker.jobs")

#: how each kind is counted in a subject line: (singular, plural, what happened)
SUBJECT_WORDS = {
    ASSIGNED: ("action", "actions", "assigned to you"),
    SUBMITTED_FOR_REVIEW: ("recommendation", "recommendations", "submitted for your review"),
    RETURNED_TO_YOU: ("recommendation", "recommendations", "returned to you"),
    ASSURED_YOURS: ("recommendation", "recommendations", "assured"),
    EVIDENCE_REJECTED: ("evidence item", "evidence items", "rejected"),
    DATE_REQUESTED: ("new target date", "new target dates", "asked of you"),
    DATE_AGREEMENT: ("new target date", "new target dates", "for your agreement"),
    DATE_DECIDED: ("target date request", "target date requests", "decided"),
}


def batch_window() -> timedelta:
    return timedelta(minutes=float(current_app.config.get("NOTIFICATIONS_EVENT_BATCH_MINUTES", 10)))


@dataclass(frozen=True)
class EventItem:
    """One event as an email shows it."""

    kind: str
    actor_name: str
    recommendation_number: int
    recommendation_words: str
    addressee: str
    inspection_name: str
    action_description: str
    evidence_title: str
    comment: str
    link: str


def item_of(event: NotificationEvent, links: Links) -> EventItem:
    recommendation, action = event.recommendation, event.action
    if action is not None and event.kind in (ASSIGNED, EVIDENCE_REJECTED, DATE_REQUESTED, DATE_AGREEMENT, DATE_DECIDED):
        link = links.action(action.id)
    elif event.kind == SUBMITTED_FOR_REVIEW:
        link = links.review(recommendation.id)
    else:
        link = links.recommendation(recommendation.id)
    return EventItem(
        kind=event.kind,
        actor_name=event.actor.name if event.actor else "Someone",
        recommendation_number=recommendation.number,
        recommendation_words=shorten(recommendation.text),
        addressee=recommendation.owner_org.display_name,
        inspection_name=recommendation.inspection.pdu.name,
        action_description=action.description if action is not None else "",
        evidence_title=event.evidence.title if event.evidence is not None else "",
        comment=event.comment,
        link=link,
    )


def grouped(events: list[NotificationEvent], links: Links | None = None) -> dict[str, list[EventItem]]:
    """{kind: items}, in the order a message lists the kinds; kinds with nothing are left out."""
    links = links or Links()
    by_kind: dict[str, list[EventItem]] = defaultdict(list)
    for event in sorted(events, key=lambda e: e.id):
        by_kind[event.kind].append(item_of(event, links))
    return {kind: by_kind[kind] for kind in EVENT_KINDS if by_kind.get(kind)}


def subject_words(groups: dict[str, list[EventItem]]) -> list[str]:
    """['1 action assigned to you', '2 recommendations returned to you']"""
    words = []
    for kind, items in groups.items():
        singular, plural, happened = SUBJECT_WORDS[kind]
        words.append(f"{pluralise(len(items), singular, plural)} {happened}")
    return words


def still_waiting():
    """A condition on events, false only for a "submitted for your review" whose round no longer waits for review:
    the recommendation's open submission must be one made before the event (a later round has an event of its
    own)."""
    same_round = (
        select(Submission.id)
        .where(
            Submission.recommendation_id == NotificationEvent.recommendation_id,
            Submission.state == SUBMITTED,
            Submission.submitted_at <= NotificationEvent.created_at,
        )
        .correlate(NotificationEvent)
    )
    return or_(NotificationEvent.kind != SUBMITTED_FOR_REVIEW, exists(same_round))


def overtaken() -> list[int]:
    """The untold "submitted for your review" events whose review is over already: decided or withdrawn within the
    gathering window. A reviewer is not asked to review what was decided meanwhile."""
    return list(
        db.session.scalars(
            select(NotificationEvent.id).where(NotificationEvent.message_key.is_(None), ~still_waiting())
        )
    )


def drop(event_ids) -> int:
    """Mark these events as never to be told (OVERTAKEN), those still untold; in the caller's transaction."""
    if not event_ids:
        return 0
    dropped = db.session.execute(
        update(NotificationEvent)
        .where(NotificationEvent.id.in_(list(event_ids)), NotificationEvent.message_key.is_(None))
        .values(message_key=OVERTAKEN)
        .returning(NotificationEvent.id)
    )
    return len(dropped.scalars().all())


def unsent(preference: str, user_ids=None) -> dict[int, list[NotificationEvent]]:
    """Events not yet told, by recipient, for people with this preference (and among these people, if given);
    a "submitted for your review" whose review is over is left out (`overtaken`)."""
    query = (
        select(NotificationEvent)
        .join(User, User.id == NotificationEvent.recipient_id)
        .where(
            NotificationEvent.message_key.is_(None),
            User.event_preference == preference,
            User.is_active,
            still_waiting(),
        )
        .order_by(NotificationEvent.id)
    )
    if user_ids is not None:
        query = query.where(NotificationEvent.recipient_id.in_(list(user_ids)))
    sight = Sight()
    events: dict[int, list[NotificationEvent]] = defaultdict(list)
    for event in db.session.scalars(query):
        # an event about a recommendation the recipient may no longer see is never told
        if sight.may_see(event.recipient, event.recommendation_id):
            events[event.recipient_id].append(event)
    return events


def for_reminders(user_ids) -> dict[int, list[NotificationEvent]]:
    """What the daily or weekly message folds in for those who chose that."""
    return unsent(EVENTS_WITH_REMINDERS, user_ids)


def closed_batch(events: list[NotificationEvent], now: datetime, window: timedelta) -> list[NotificationEvent]:
    """The events of a person's first window, once it has closed: from their first untold event, `window` long.
    The batch is fixed by its first event, so two workers at once build the same message under the same key."""
    if not events or now < events[0].created_at + window:
        return []
    end = events[0].created_at + window
    return [event for event in events if event.created_at < end]


def plan_due(now: datetime | None = None) -> list[PlannedMessage]:
    """One message per person whose window has closed, for those who hear of events straight away."""
    now = now or utcnow()
    window = batch_window()
    links = Links()
    planned = []
    for pending in unsent(EVENTS_IMMEDIATE).values():
        batch = closed_batch(pending, now, window)
        if batch:
            planned.append(plan_message(batch[0].recipient, batch, links))
    return planned


def plan_message(user: User, batch: list[NotificationEvent], links: Links) -> PlannedMessage:
    groups = grouped(batch, links)
    scope = scope_name(user, [item.addressee for items in groups.values() for item in items])
    subject = f"{scope}: " + ", ".join(subject_words(groups))
    text, html = render_parts("events", user=user, groups=groups, subject=subject, links=links)
    return PlannedMessage(
        key=f"{EVENTS}:user:{user.id}:{batch[0].id}",
        kind=EVENTS,
        recipient=Recipient(user.id, user.email, user.name),
        subject=subject,
        body_text=text,
        body_html=html,
        event_ids=tuple(event.id for event in batch),
    )
