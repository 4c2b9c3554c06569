"""Nobody is mailed about a recommendation they may not see. A message records the recommendations it mentions
(its own, its actions', its events'); it is not queued, and a queued one is not sent, while the recipient may
not see every one of them (their role there was removed, or its PDU moved out of their region)."""

from __future__ import annotations

from sqlalchemy import select

from tracker.actions.models import Action
from tracker.auth.models import User
from tracker.auth.permissions import can_view_recommendation
from tracker.extensions import db
from tracker.recommendations.models import Recommendation
from tracker.work_events.models import NotificationEvent


class Sight:
    """Answers "may this person see that recommendation?" for a whole run, reading each one once."""

    def __init__(self):
        self._recommendations: dict[int, Recommendation | None] = {}
        self._answers: dict[tuple[int, int], bool] = {}

    def may_see(self, user: User | None, recommendation_id: int) -> bool:
        if user is None:
            return False
        key = (user.id, recommendation_id)
        if key not in self._answers:
            if recommendation_id not in self._recommendations:
                self._recommendations[recommendation_id] = db.session.get(Recommendation, recommendation_id)
            recommendation = self._recommendations[recommendation_id]
            self._answers[key] = recommendation is not None and can_view_recommendation(user, recommendation)
        return self._answers[key]

    def may_see_all(self, user: User | None, recommendation_ids) -> bool:
        return all(self.may_see(user, rec_id) for rec_id in recommendation_ids)


def mentioned(recommendation_ids=(), action_ids=(), event_ids=(), message_key: str | None = None) -> set[int]:
    """Every recommendation a message mentions: named, through its actions, or through its events (by id, or
    marked as told by the message with this key)."""
    found = {int(rec_id) for rec_id in recommendation_ids or ()}
    if action_ids:
        found.update(
            db.session.scalars(select(Action.recommendation_id).where(Action.id.in_([int(a) for a in action_ids])))
        )
    if event_ids:
        found.update(
            db.session.scalars(
                select(NotificationEvent.recommendation_id).where(NotificationEvent.id.in_([int(e) for e in event_ids]))
            )
        )
    if message_key:
        found.update(
            db.session.scalars(
                select(NotificationEvent.recommendation_id).where(NotificationEvent.message_key == message_key)
            )
        )
    return found


def unseen(user_id: int | None, recommendation_ids: set[int], sight: Sight | None = None) -> list[int]:
    """Those of the recommendations the recipient may not see (none for a message to an address, not a person)."""
    if user_id is None or not recommendation_ids:
        return []
    user = db.session.get(User, user_id)
    sight = sight or Sight()
    return sorted(rec_id for rec_id in recommendation_ids if not sight.may_see(user, rec_id))
