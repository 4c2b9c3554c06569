"""Recommendations no one leads yet: an import saves every recommendation without a lead (a report names the
body that should act, not a person), so no person is named to be reminded of it. They are listed when the import
is done and on the administrators' home page until each has a lead."""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.auth.permissions import is_admin
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.recommendations.models import ASSURED, Recommendation, Submission

#: the home page lists this many; the rest are counted
HOME_LIMIT = 25


@dataclass
class WithoutLead:
    """The recommendations no one leads, as many as shown, and how many there are in all."""

    recommendations: list[Recommendation] = field(default_factory=list)
    total: int = 0

    def __bool__(self) -> bool:
        return self.total > 0


def _without_lead_query(inspection_id: int | None = None):
    """Open recommendations with no lead: an assured one is closed, and needs no reminders."""
    assured = (
        select(Submission.id)
        .where(Submission.recommendation_id == Recommendation.id, Submission.state == ASSURED)
        .exists()
    )
    query = select(Recommendation).where(Recommendation.lead_id.is_(None), ~assured)
    if inspection_id is not None:
        query = query.where(Recommendation.inspection_id == inspection_id)
    return query


def without_lead(inspection: Inspection) -> list[Recommendation]:
    """The inspection's open recommendations that no one leads, in its order."""
    return list(db.session.scalars(_without_lead_query(inspection.id).order_by(Recommendation.number)))


def all_without_lead(limit: int | None = None) -> WithoutLead:
    """Every open recommendation no one leads, the newest inspection's first: the first `limit` (HOME_LIMIT
    unless given), and how many in all. A fixed number of queries, however many there are."""
    query = _without_lead_query()
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    if not total:
        return WithoutLead()
    shown = db.session.scalars(
        query.options(selectinload(Recommendation.inspection))
        .order_by(Recommendation.inspection_id.desc(), Recommendation.number)
        .limit(limit or HOME_LIMIT)
    )
    return WithoutLead(list(shown), total)


def home_panel_for(user) -> WithoutLead:
    """What the home page lists for this person: every recommendation no one leads for an administrator, who
    imports reports; nothing for anyone else (each owner sees their own recommendations' leads on their pages)."""
    return all_without_lead() if is_admin(user) else WithoutLead()
