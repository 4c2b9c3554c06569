"""A deactivated person's open actions and led recommendations, and moving several of them to a new owner at once:
each move audited on its recommendation's history, and one email to the new owner."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import aliased

from tracker.actions.models import Action
from tracker.audit.services import record_event
from tracker.auth.models import User
from tracker.auth.permissions import can_reassign_work
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.mail.content import Links, PlannedMessage, Recipient, render_parts
from tracker.mail.models import REASSIGNED
from tracker.mail.outbox import enqueue
from tracker.recommendations.models import Recommendation
from tracker.recommendations.services import assignable_users
from tracker.recommendations.status import COMPLETE


class HandoverError(ValueError):
    """Refused; the message is shown on the form."""


@dataclass(frozen=True)
class Item:
    """One piece of work whose owner (an action's) or lead (a recommendation's) has left."""

    kind: str
    record: Action | Recommendation
    leaver: User

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.record.id}"

    @property
    def recommendation(self) -> Recommendation:
        return self.record.recommendation if self.kind == "action" else self.record

    @property
    def label(self) -> str:
        rec = self.recommendation
        if self.kind == "action":
            return f"Action on recommendation {rec.number} ({rec.inspection.pdu.name}): {self.record.description}"
        return f"Lead of recommendation {rec.number} ({rec.inspection.pdu.name}): {rec.text}"


def _work(whose) -> list[Item]:
    """Open actions owned by, and recommendations led by, the people `whose(user_alias)` selects."""
    person = aliased(User)
    actions = db.session.execute(select(Action, person).join(person, Action.owner_id == person.id)
                                 .where(whose(person), Action.status != COMPLETE).order_by(Action.id))
    recommendations = db.session.execute(
        select(Recommendation, person).join(person, Recommendation.lead_id == person.id)
        .where(whose(person)).order_by(Recommendation.id))
    return [Item("action", a, u) for a, u in actions] + [Item("recommendation", r, u) for r, u in recommendations]


def unowned_work(user) -> list[Item]:
    """What has lost its owner to a deactivation and this person may reassign."""
    return [item for item in _work(lambda person: ~person.is_active)
            if can_reassign_work(user, item.recommendation)]


def open_work_of(owner: User) -> list[Item]:
    """What someone owns or leads and would need a new owner if they left."""
    return _work(lambda person: person.id == owner.id)


def owner_choices(items: list[Item]) -> list[tuple[int, str]]:
    people: dict[int, str] = {}
    for recommendation in {item.recommendation.id: item.recommendation for item in items}.values():
        people.update((u.id, u.name) for u in assignable_users(recommendation))
    return sorted(people.items(), key=lambda pair: pair[1])


def _move(actor, item: Item, new_owner: User) -> None:
    rec = item.recommendation
    if item.kind == "action":
        item.record.owner_id = new_owner.id
        what, field = f"action “{item.record.description}”", "owner_id"
    else:
        item.record.lead_id = new_owner.id
        what, field = "the lead of the recommendation", "lead_id"
    record_event(actor, item.kind, item.record.id, "reassign",
                 f"Reassigned {what} from {item.leaver.name} (left) to {new_owner.name}",
                 before={field: item.leaver.id}, after={field: new_owner.id},
                 recommendation_id=rec.id, inspection_id=rec.inspection_id)


def reassign(actor, keys: list[str], new_owner_id: int) -> list[Item]:
    """Move exactly the chosen items, all or none; the new owner must have a role where each one is owned."""
    available = {item.key: item for item in unowned_work(actor)}
    chosen = [available[key] for key in dict.fromkeys(keys) if key in available]
    if not chosen or len(chosen) != len(set(keys)):
        raise HandoverError("Some of the work you chose no longer needs a new owner. Check the list and try again")
    new_owner = db.session.get(User, new_owner_id)
    for item in chosen:
        if new_owner is None or new_owner not in assignable_users(item.recommendation):
            raise HandoverError(f"{new_owner.name if new_owner else 'That person'} has no role where recommendation "
                                f"{item.recommendation.number} ({item.recommendation.inspection.pdu.name}) is owned")
    for item in chosen:
        _move(actor, item, new_owner)
    _email_new_owner(actor, new_owner, chosen)
    db.session.commit()
    return chosen


def _email_new_owner(actor, new_owner: User, items: list[Item]) -> None:
    links = Links()
    subject = f"{len(items)} {'item' if len(items) == 1 else 'items'} of work reassigned to you"
    text, html = render_parts("reassigned", user=new_owner, subject=subject, actor=actor, links=links,
                              items=[(item, links.action(item.record.id) if item.kind == "action"
                                      else links.recommendation(item.record.id)) for item in items],
                              service_name=current_app.config.get("APP_SERVICE_NAME", "tracker"))
    enqueue([PlannedMessage(key=f"reassigned:{new_owner.id}:{utcnow().isoformat()}:{items[0].key}",
                            kind=REASSIGNED, recipient=Recipient(new_owner.id, new_owner.email, new_owner.name),
                            subject=subject, body_text=text, body_html=html)])
