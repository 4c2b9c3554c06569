"""The recommendations list: every recommendation a person may see, narrowed to an organisation, an inspection,
an addressee and a derived status, so that every recommendation count on a dashboard or readiness page leads to
the recommendations it counts. Statuses are derived (never stored), so they are worked out on plain values, in a
fixed number of queries whatever the data."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased

from tracker.extensions import db
from tracker.inspections.lists import current_inspection_condition, organisation_condition, visibility_condition
from tracker.inspections.models import Inspection
from tracker.organisations.models import PDU, Organisation, display_name_of
from tracker.readiness.facts import recommendation_facts
from tracker.recommendations.models import ADDRESSEE_KINDS, Recommendation, addressee_label
from tracker.recommendations.services import owned_recommendation_condition
from tracker.recommendations.status import Status, recommendation_status
from tracker.shared.paging import PAGE_SIZE


@dataclass
class RecommendationFilters:
    organisation_id: int | None = None
    inspection_id: int | None = None
    #: only each PDU's current (latest published) inspection, as the dashboards count
    current_only: bool = False
    addressee: str = ""
    #: a derived status key (see tracker.recommendations.status)
    status: str = ""
    #: only recommendations the person owns or leads
    mine: bool = False


@dataclass
class RecommendationRow:
    id: int
    number: int
    text: str
    addressee_kind: str
    inspection_id: int
    inspection_title: str
    pdu_name: str
    addressee_name: str = ""
    owner_name: str = ""
    owner_kind: str = ""
    status: Status | None = None

    @property
    def addressee(self) -> str:
        """Who the recommendation is for (addressee_label): its PDU, or its region, HMPPS or another body."""
        owner = display_name_of(self.owner_name, self.owner_kind)
        return addressee_label(self.addressee_kind, self.addressee_name, owner, display_name_of(self.pdu_name, PDU))


@dataclass
class RecommendationPage:
    rows: list[RecommendationRow]
    total: int
    page: int
    pages: int


def _inspection_ids(user, filters: RecommendationFilters):
    """The inspections in scope, as a subquery (a national list need not carry every id through Python)."""
    query = select(Inspection.id).where(visibility_condition(user))
    if filters.organisation_id:
        query = query.where(organisation_condition(filters.organisation_id))
    if filters.inspection_id:
        query = query.where(Inspection.id == filters.inspection_id)
    if filters.current_only:
        query = query.where(current_inspection_condition())
    return query


def matching(user, filters: RecommendationFilters, on: date) -> list[tuple[int, Status]]:
    """(id, status) of every matching recommendation, in the order the list shows them."""
    where = owned_recommendation_condition(user) if filters.mine else None
    found = []
    for rec in recommendation_facts(_inspection_ids(user, filters), where):
        if filters.addressee in ADDRESSEE_KINDS and rec.addressee_kind != filters.addressee:
            continue
        status = recommendation_status(rec, on)
        if filters.status and status.key != filters.status:
            continue
        found.append((rec.id, status))
    return found


def count_recommendations(user, filters: RecommendationFilters, on: date) -> int:
    return len(matching(user, filters, on))


def list_recommendations(user, filters: RecommendationFilters, on: date, page: int = 1) -> RecommendationPage:
    found = matching(user, filters, on)
    pdu, owner = aliased(Organisation), aliased(Organisation)
    ids = [rec_id for rec_id, _ in found]
    statuses = dict(found)
    rows_query = (
        select(
            Recommendation.id,
            Recommendation.number,
            Recommendation.text,
            Recommendation.addressee_kind,
            Inspection.id,
            Inspection.title,
            pdu.name,
            Recommendation.addressee_name,
            owner.name,
            owner.kind,
        )
        .join(Inspection, Recommendation.inspection_id == Inspection.id)
        .join(pdu, Inspection.pdu_id == pdu.id)
        .join(owner, Recommendation.owner_org_id == owner.id)
        .where(Recommendation.id.in_(ids))
        .order_by(pdu.name, Inspection.id, Recommendation.number)
    )
    pages = max(1, -(-len(ids) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = [
        RecommendationRow(*row)
        for row in db.session.execute(rows_query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    ]
    for row in rows:
        row.status = statuses[row.id]
    return RecommendationPage(rows, len(ids), page, pages)
