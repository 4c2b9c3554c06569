"""What needs a person's attention: their overdue and due-soon actions and the recommendations they own."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.actions.lists import owned_recommendation_condition
from tracker.actions.models import COMPLETE, Action
from tracker.extensions import db
from tracker.recommendations.models import Recommendation

DUE_SOON_DAYS = 14
#: the home page is for what needs attention now; a national lead's full list belongs on the dashboard
HOME_LIMIT = 25


@dataclass
class Attention:
    overdue: list[Action] = field(default_factory=list)
    due_soon: list[Action] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    #: how many open recommendations the user owns in all; the page lists the first HOME_LIMIT
    recommendations_total: int = 0


def owned_recommendations_query(user):
    """Open recommendations the user owns through a role at the owning organisation, or leads."""
    from tracker.assurance.models import ASSURED, Submission

    # Assured recommendations are closed: they no longer need their owner's attention.
    assured = select(Submission.id).where(Submission.recommendation_id == Recommendation.id,
                                          Submission.state == ASSURED).exists()
    return (
        select(Recommendation)
        .where(owned_recommendation_condition(user), ~assured)
        .options(selectinload(Recommendation.actions), selectinload(Recommendation.inspection))
        .order_by(Recommendation.inspection_id, Recommendation.number)
    )


def attention_for(user, on: date) -> Attention:
    open_actions = db.session.scalars(
        select(Action)
        .where(Action.owner_id == user.id, Action.status != COMPLETE)
        .options(selectinload(Action.recommendation))
        .order_by(Action.target_on)
    ).all()
    horizon = on + timedelta(days=DUE_SOON_DAYS)
    owned = owned_recommendations_query(user)
    total = db.session.scalar(select(func.count()).select_from(owned.order_by(None).subquery()))
    return Attention(
        overdue=[a for a in open_actions if a.target_on < on],
        due_soon=[a for a in open_actions if on <= a.target_on <= horizon],
        recommendations=list(db.session.scalars(owned.limit(HOME_LIMIT))),
        recommendations_total=total,
    )


#: templates other features add to the home page (e.g. what awaits my review); each reads `current_user`
HOME_PANELS: list[str] = []


def home_panels() -> list[str]:
    return list(HOME_PANELS)
