"""Loads action plans for many inspections in a fixed number of queries, whatever the number of rows."""

from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from tracker.actions.models import Action
from tracker.auth.models import User
from tracker.extensions import db
from tracker.loading import attach, attach_collection
from tracker.recommendations.models import Recommendation


def _one_to_many(relationship) -> bool:
    return relationship.direction.name == "ONETOMANY" and len(relationship.local_remote_pairs) == 1


def load_recommendations(inspection_ids, skip: tuple[str, ...] = ()) -> list[Recommendation]:
    """Recommendations of the given inspections (a list or a select of ids) with every collection attached.

    Every one-to-many collection of Recommendation is filled, including those other features add later (the
    assurance reviews a status rule may read), so status rules never trigger a lazy load per recommendation.
    """
    recommendations = list(
        db.session.scalars(
            select(Recommendation)
            .where(Recommendation.inspection_id.in_(inspection_ids))
            # Collections declared selectin elsewhere would be chunked per 500 rows; they are attached below instead.
            .options(lazyload("*"), joinedload(Recommendation.owner_org))
            .order_by(Recommendation.inspection_id, Recommendation.number)
        )
    )
    rec_ids = select(Recommendation.id).where(Recommendation.inspection_id.in_(inspection_ids))
    for relationship in inspect(Recommendation).relationships:
        if _one_to_many(relationship) and relationship.key not in skip:
            attach_collection(recommendations, relationship, rec_ids)
    actions = [action for rec in recommendations for action in rec.actions]
    by_id = {rec.id: rec for rec in recommendations}
    for action in actions:
        set_committed_value(action, "recommendation", by_id[action.recommendation_id])
    if "evidence" not in skip:
        evidence = [item for rec in recommendations for item in rec.evidence]
        attach(actions, "evidence", [item for item in evidence if item.action_id], lambda item: item.action_id)
        _load_owners(actions)
    return recommendations


def _load_owners(actions: list[Action]) -> None:
    """Owners in one query (always issued, so the count does not depend on the data)."""
    owner_ids = {action.owner_id for action in actions if action.owner_id}
    owners = {
        user.id: user
        for user in db.session.scalars(select(User).where(User.id.in_(owner_ids)).options(lazyload(User.roles)))
    }
    for action in actions:
        set_committed_value(action, "owner", owners.get(action.owner_id) if action.owner_id is not None else None)
