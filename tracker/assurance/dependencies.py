"""Actions that wait on other actions, across levels (a PDU's training waits on the region's recruitment), kept
free of cycles so that every chain of waiting has an end."""

from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from tracker.actions.models import Action, ActionDependency
from tracker.assurance.services import quoted
from tracker.audit.services import record_event
from tracker.extensions import db
from tracker.recommendations.models import Recommendation
from tracker.recommendations.status import COMPLETE

#: the order levels are offered in when choosing what an action waits on: national first, then region, then PDU
LEVEL_ORDER = {"national": 0, "region": 1, "pdu": 2}


class DependencyError(ValueError):
    """A dependency the rules refuse; the message is shown in the error summary."""


def blockers_of(action: Action) -> list[ActionDependency]:
    return list(
        db.session.scalars(
            select(ActionDependency)
            .where(ActionDependency.action_id == action.id)
            .options(
                selectinload(ActionDependency.blocker).selectinload(Action.recommendation),
                selectinload(ActionDependency.blocker).selectinload(Action.owner),
            )
            .order_by(ActionDependency.id)
        )
    )


def dependents_of(action: Action) -> list[ActionDependency]:
    return list(
        db.session.scalars(
            select(ActionDependency)
            .where(ActionDependency.blocker_id == action.id)
            .options(selectinload(ActionDependency.action).selectinload(Action.recommendation))
            .order_by(ActionDependency.id)
        )
    )


def describe(action: Action) -> str:
    recommendation = action.recommendation
    return (
        f"Recommendation {recommendation.number} ({recommendation.owner_org.display_name}): "
        f"{quoted(action.description, 70)}"
    )


def candidate_blockers(action: Action) -> list[Action]:
    """Other actions of the same inspection it could wait on, higher levels first."""
    taken = {dependency.blocker_id for dependency in blockers_of(action)}
    actions = db.session.scalars(
        select(Action)
        .join(Recommendation)
        .where(Recommendation.inspection_id == action.recommendation.inspection_id, Action.id != action.id)
        .options(selectinload(Action.recommendation))
    )
    candidates = [a for a in actions if a.id not in taken]
    return sorted(
        candidates, key=lambda a: (LEVEL_ORDER.get(a.recommendation.owner_org.kind, 3), a.recommendation.number, a.id)
    )


def waits_on(start_id: int, target_id: int) -> bool:
    """True when the action `start_id` already waits, directly or through others, on `target_id`."""
    edges: dict[int, list[int]] = {}
    for action_id, blocker_id in db.session.execute(select(ActionDependency.action_id, ActionDependency.blocker_id)):
        edges.setdefault(action_id, []).append(blocker_id)
    seen, stack = set(), [start_id]
    while stack:
        current = stack.pop()
        if current == target_id:
            return True
        if current not in seen:
            seen.add(current)
            stack.extend(edges.get(current, []))
    return False


def build_dependency(actor, action: Action, blocker: Action) -> ActionDependency:
    """Check and add the dependency with its audit event, without committing (the demo loader batches these)."""
    if blocker.id == action.id:
        raise DependencyError("An action cannot wait on itself")
    if db.session.scalar(
        select(ActionDependency.id).where(
            ActionDependency.action_id == action.id, ActionDependency.blocker_id == blocker.id
        )
    ):
        raise DependencyError("This action already waits on that one")
    if waits_on(blocker.id, action.id):
        raise DependencyError(
            f"{describe(blocker)} already waits on this action, directly or through other "
            "actions, so this would make a circle in which neither could finish"
        )
    dependency = ActionDependency(action=action, blocker=blocker, created_by_id=getattr(actor, "id", None))
    db.session.add(dependency)
    db.session.flush()
    owner = blocker.owner.name if blocker.owner else "no owner"
    record_event(
        actor,
        "action_dependency",
        dependency.id,
        "create",
        f"Recorded that the action {quoted(action.description, 60)} waits on {describe(blocker)}, owned by {owner}",
        after={"action_id": action.id, "blocker_id": blocker.id},
        recommendation_id=action.recommendation_id,
        inspection_id=action.recommendation.inspection_id,
    )
    return dependency


def add_dependency(actor, action: Action, blocker: Action) -> ActionDependency:
    dependency = build_dependency(actor, action, blocker)
    db.session.commit()
    return dependency


def remove_dependency(actor, dependency: ActionDependency) -> None:
    action, blocker = dependency.action, dependency.blocker
    record_event(
        actor,
        "action_dependency",
        dependency.id,
        "delete",
        f"Removed the dependency of the action {quoted(action.description, 60)} on {describe(blocker)}",
        before={"action_id": action.id, "blocker_id": blocker.id},
        recommendation_id=action.recommendation_id,
        inspection_id=action.recommendation.inspection_id,
    )
    db.session.delete(dependency)
    db.session.commit()


def waiting_on(user) -> list[ActionDependency]:
    """Unfinished actions that wait on an unfinished action this user owns, for their home page."""
    if not user.is_authenticated:
        return []
    blocker = aliased(Action)
    dependent = aliased(Action)
    return list(
        db.session.scalars(
            select(ActionDependency)
            .join(blocker, ActionDependency.blocker_id == blocker.id)
            .join(dependent, ActionDependency.action_id == dependent.id)
            .where(blocker.owner_id == user.id, blocker.status != COMPLETE, dependent.status != COMPLETE)
            .options(
                selectinload(ActionDependency.action).selectinload(Action.recommendation),
                selectinload(ActionDependency.action).selectinload(Action.owner),
                selectinload(ActionDependency.blocker).selectinload(Action.recommendation),
            )
            .order_by(dependent.target_on)
        )
    )
