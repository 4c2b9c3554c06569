"""Work that has lost its owner, and moving several pieces of it to a new owner at once: each move audited on its
recommendation's history, and one email to the new owner.

Work loses its owner when the person who owns the action (or leads the recommendation) is deactivated, or when they
may no longer see it: their role at its PDU was removed, or the PDU moved out of the region where they hold theirs.
Such work is theirs no longer (their home and their emails leave it out) until someone gives it a new owner; the
notifications about it still waiting for them then go to the new owner instead."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from tracker.actions.models import Action
from tracker.audit.services import record_event
from tracker.auth.models import ADMIN, RoleAssignment, User
from tracker.auth.permissions import can_reassign_work
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.mail.content import Links, PlannedMessage, Recipient, render_parts
from tracker.mail.models import REASSIGNED
from tracker.mail.outbox import enqueue
from tracker.organisations.models import Organisation
from tracker.organisations.services import save_organisation
from tracker.recommendations.models import Recommendation
from tracker.recommendations.services import assignable_users
from tracker.recommendations.status import COMPLETE
from tracker.work_events.services import pass_on


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
        return self.record.recommendation if isinstance(self.record, Action) else self.record

    @property
    def moved(self) -> bool:
        """The owner is still here but may no longer see this work (as opposed to having left)."""
        return self.leaver.is_active

    @property
    def label(self) -> str:
        rec = self.recommendation
        if isinstance(self.record, Action):
            return f"Action on recommendation {rec.number} ({rec.inspection.pdu.name}): {self.record.description}"
        return f"Lead of recommendation {rec.number} ({rec.inspection.pdu.name}): {rec.text}"


def _sees(person, inspection_pdu):
    """SQL: `person` holds a role covering the inspected PDU (at it, its region or HMPPS), or is an administrator;
    as auth.permissions.can_see_org decides, for every row at once."""
    region = aliased(Organisation)
    covering = (
        select(RoleAssignment.id)
        .outerjoin(region, region.id == inspection_pdu.parent_id)
        .where(
            RoleAssignment.user_id == person.id,
            or_(
                RoleAssignment.role == ADMIN,
                RoleAssignment.organisation_id == inspection_pdu.id,
                RoleAssignment.organisation_id == inspection_pdu.parent_id,
                and_(region.parent_id.is_not(None), RoleAssignment.organisation_id == region.parent_id),
            ),
        )
    )
    return covering.exists()


def _work(whose) -> list[Item]:
    """Open actions owned by, and recommendations led by, the people `whose(user_alias, sees)` selects, where
    `sees` says whether that person may see the work."""
    person, pdu = aliased(User), aliased(Organisation)
    sees = _sees(person, pdu)
    actions = db.session.execute(
        select(Action, person)
        .join(person, Action.owner_id == person.id)
        .join(Recommendation, Action.recommendation_id == Recommendation.id)
        .join(Inspection, Recommendation.inspection_id == Inspection.id)
        .join(pdu, Inspection.pdu_id == pdu.id)
        .where(whose(person, sees), Action.status != COMPLETE)
        .order_by(Action.id)
    )
    recommendations = db.session.execute(
        select(Recommendation, person)
        .join(person, Recommendation.lead_id == person.id)
        .join(Inspection, Recommendation.inspection_id == Inspection.id)
        .join(pdu, Inspection.pdu_id == pdu.id)
        .where(whose(person, sees))
        .order_by(Recommendation.id)
    )
    return [Item("action", a, u) for a, u in actions] + [Item("recommendation", r, u) for r, u in recommendations]


def unowned_work(user) -> list[Item]:
    """What has lost its owner (to a deactivation, or to a move out of its scope) and this person may reassign."""
    return [
        item
        for item in _work(lambda person, sees: or_(~person.is_active, ~sees))
        if can_reassign_work(user, item.recommendation)
    ]


def open_work_of(owner: User) -> list[Item]:
    """What someone owns or leads and would need a new owner if they left."""
    return _work(lambda person, sees: person.id == owner.id)


def out_of_sight() -> set[str]:
    """Keys of the work whose owner is still active but may no longer see it."""
    return {item.key for item in _work(lambda person, sees: and_(person.is_active, ~sees))}


def record_lost_owners(actor, before: set[str], reason: str) -> list[Item]:
    """After a change of roles or organisations (flushed, not yet committed): audit each piece of work that has
    just gone out of its owner's sight, on its recommendation's history, as needing a new owner."""
    lost = [item for item in _work(lambda person, sees: and_(person.is_active, ~sees)) if item.key not in before]
    for item in lost:
        rec = item.recommendation
        what = (
            f"action “{item.record.description}”"
            if isinstance(item.record, Action)
            else f"the lead of recommendation {rec.number}"
        )
        field = "owner_id" if item.kind == "action" else "lead_id"
        record_event(
            actor,
            item.kind,
            item.record.id,
            "needs_new_owner",
            f"The {what} needs a new owner: {item.leaver.name} {reason}",
            before={field: item.leaver.id},
            after={"needs_new_owner": True},
            recommendation_id=rec.id,
            inspection_id=rec.inspection_id,
        )
    return lost


def owner_choices(items: list[Item]) -> list[tuple[int, str]]:
    people: dict[int, str] = {}
    for recommendation in {item.recommendation.id: item.recommendation for item in items}.values():
        people.update((u.id, u.name) for u in assignable_users(recommendation))
    return sorted(people.items(), key=lambda pair: pair[1])


def _move(actor, item: Item, new_owner: User) -> None:
    rec = item.recommendation
    if isinstance(item.record, Action):
        item.record.owner_id = new_owner.id
        what, field = f"action “{item.record.description}”", "owner_id"
    else:
        item.record.lead_id = new_owner.id
        what, field = "the lead of the recommendation", "lead_id"
    record_event(
        actor,
        item.kind,
        item.record.id,
        "reassign",
        f"Reassigned {what} from {item.leaver.name} ({'moved' if item.moved else 'left'}) to {new_owner.name}",
        before={field: item.leaver.id},
        after={field: new_owner.id},
        recommendation_id=rec.id,
        inspection_id=rec.inspection_id,
    )


@dataclass(frozen=True)
class Reassigned:
    items: list[Item]
    #: how many notifications waiting for the people who left the work now go to the new owner
    notifications_passed: int


def reassign(actor, keys: list[str], new_owner_id: int) -> Reassigned:
    """Move exactly the chosen items, all or none; the new owner must have a role where each one is owned. The
    notifications about them that were waiting for the leaver go to the new owner, audited on the leaver's page."""
    available = {item.key: item for item in unowned_work(actor)}
    chosen = [available[key] for key in dict.fromkeys(keys) if key in available]
    if not chosen or len(chosen) != len(set(keys)):
        raise HandoverError("Some of the work you chose no longer needs a new owner. Check the list and try again")
    new_owner = db.session.get(User, new_owner_id)
    for item in chosen:
        if new_owner is None or new_owner not in assignable_users(item.recommendation):
            raise HandoverError(
                f"{new_owner.name if new_owner else 'That person'} has no role where recommendation "
                f"{item.recommendation.number} ({item.recommendation.inspection.pdu.name}) is owned"
            )
    assert new_owner is not None  # refused above, `chosen` never being empty
    for item in chosen:
        _move(actor, item, new_owner)
    db.session.flush()
    passed = sum(_pass_notifications(actor, leaver, items, new_owner) for leaver, items in _by_leaver(chosen))
    _email_new_owner(actor, new_owner, chosen)
    db.session.commit()
    return Reassigned(chosen, passed)


def _by_leaver(items: list[Item]) -> list[tuple[User, list[Item]]]:
    groups: dict[int, tuple[User, list[Item]]] = {}
    for item in items:
        groups.setdefault(item.leaver.id, (item.leaver, []))[1].append(item)
    return list(groups.values())


def _pass_notifications(actor, leaver: User, items: list[Item], new_owner: User) -> int:
    """The notifications waiting for `leaver` about the work just handed over go to the new owner, audited."""
    passed = pass_on(
        leaver.id,
        new_owner.id,
        action_ids=[item.record.id for item in items if item.kind == "action"],
        recommendation_ids=[item.record.id for item in items if item.kind == "recommendation"],
        still_theirs=db.session.scalars(select(Action.id).where(Action.owner_id == leaver.id)).all(),
    )
    if passed:
        record_event(
            actor,
            "user",
            leaver.id,
            "pass_notifications",
            f"Passed {len(passed)} {'notification' if len(passed) == 1 else 'notifications'} waiting for "
            f"{leaver.name} to {new_owner.name}, with the work reassigned to them",
            before={"recipient_id": leaver.id, "notification_event_ids": passed},
            after={"recipient_id": new_owner.id, "notification_event_ids": passed},
        )
    return len(passed)


def _email_new_owner(actor, new_owner: User, items: list[Item]) -> None:
    links = Links()
    subject = f"{len(items)} {'item' if len(items) == 1 else 'items'} of work reassigned to you"
    text, html = render_parts(
        "reassigned",
        user=new_owner,
        subject=subject,
        actor=actor,
        links=links,
        items=[
            (item, links.action(item.record.id) if item.kind == "action" else links.recommendation(item.record.id))
            for item in items
        ],
        service_name=current_app.config.get("APP_SERVICE_NAME", "tracker"),
    )
    enqueue(
        [
            PlannedMessage(
                key=f"reassigned:{new_owner.id}:{utcnow().isoformat()}:{items[0].key}",
                kind=REASSIGNED,
                recipient=Recipient(new_owner.id, new_owner.email, new_owner.name),
                subject=subject,
                body_text=text,
                body_html=html,
                action_ids=tuple(item.record.id for item in items if item.kind == "action"),
                recommendation_ids=tuple(item.recommendation.id for item in items),
            )
        ]
    )


def save_organisation_handing_over(
    actor, org: Organisation | None, kind: str, name: str, parent_id: int, is_active: bool
) -> Organisation:
    """Save an organisation; if it moved (a PDU to another region), the work that people may no longer see since
    then needs a new owner at once, each piece audited, in the same transaction."""
    moved = org is not None and org.parent_id != parent_id
    unseen_before = out_of_sight() if moved else set()
    saved = save_organisation(actor, org, kind, name, parent_id, is_active, commit=False)
    if moved:
        record_lost_owners(actor, unseen_before, f"may no longer see it since {saved.display_name} moved")
    db.session.commit()
    return saved
