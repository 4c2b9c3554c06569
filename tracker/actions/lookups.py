"""An action, or a recommendation with its actions' updates, revisions and owners, for a page: 404 when there is
none or the person may not see it."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.actions.models import Action
from tracker.auth import permissions
from tracker.extensions import db
from tracker.recommendations.lookups import recommendation_or_404
from tracker.recommendations.models import Recommendation
from tracker.shared.access import visible_or_404


def action_or_404(action_id: int) -> Action:
    action = db.session.get(Action, action_id)
    if action is None:
        abort(404)
    visible_or_404(permissions.can_view_recommendation(current_user, action.recommendation))
    return action


def load_recommendation_with_actions(recommendation_id: int) -> Recommendation | None:
    return db.session.scalar(
        select(Recommendation)
        .where(Recommendation.id == recommendation_id)
        .options(
            selectinload(Recommendation.actions).selectinload(Action.updates),
            selectinload(Recommendation.actions).selectinload(Action.revisions),
            selectinload(Recommendation.actions).selectinload(Action.owner),
            selectinload(Recommendation.evidence),
            selectinload(Recommendation.standards),
        )
    )


def recommendation_with_actions_or_404(recommendation_id: int) -> Recommendation:
    """For the pages that show a recommendation's actions with their updates, revisions and owners."""
    return recommendation_or_404(recommendation_id, load=load_recommendation_with_actions)
