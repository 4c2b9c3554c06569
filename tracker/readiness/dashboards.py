"""Dashboard figures for many PDUs at once, in a fixed number of queries whatever the number of PDUs.

A PDU's row is about its current inspection (the latest published), since that is the one it is preparing
to be re-inspected on; a region's row adds up its PDUs' rows.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.auth.permissions import visible_pdu_filter
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.organisations.models import PDU, REGION, Organisation
from tracker.readiness import facts, services
from tracker.readiness.projection import project
from tracker.recommendations import status as status_rules

#: what "awaiting review" counts: recommendations submitted for assurance and not yet reviewed
AWAITING_REVIEW = "submitted"


@dataclass(frozen=True)
class Rag:
    """A row's colour status: red while anything is overdue, amber while anything has slipped, else green."""

    key: str
    label: str
    colour: str
    rank: int


RED = Rag("red", "Overdue", "red", 0)
AMBER = Rag("amber", "Slipping", "orange", 1)
GREEN = Rag("green", "On track", "green", 2)


@dataclass
class Filters:
    #: a recommendation status key: only rows with at least one recommendation in it
    status: str = ""
    #: an addressee kind (pdu, region, hmpps): only recommendations addressed to that level are counted
    owner: str = ""
    #: count open actions due on or before this date
    due_by: date | None = None


@dataclass
class Row:
    name: str
    href: str
    organisation: Organisation | None
    inspection: Inspection | None = None
    counts: Counter = field(default_factory=Counter)
    overdue: int = 0
    #: open actions whose target has moved past the date first agreed, overdue or not
    slipped: int = 0
    due_by: int = 0
    days_to_reinspection: int | None = None
    score: int = 0
    score_max: int = 0
    #: the part of the score from the head of PDU's self-assessment, and standards left out for too few cases
    self_assessed: int = 0
    too_few: int = 0
    pdus: int = 0
    #: how many of the PDUs added up have an inspection
    inspected: int = 0
    #: the filters of the actions and recommendations lists that show what this row counts
    list_args: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """A PDU with no inspection recorded, or a region none of whose PDUs has one: it has no figures, which is
        not the same as zeros."""
        if self.organisation is None:
            return False
        if self.organisation.kind == PDU:
            return self.inspection is None
        return self.organisation.kind == REGION and not self.inspected

    @property
    def recommendations(self) -> int:
        return sum(self.counts.values())

    @property
    def rag(self) -> Rag:
        if self.overdue:
            return RED
        return AMBER if self.slipped else GREEN

    @property
    def awaiting_review(self) -> int:
        return self.counts.get(AWAITING_REVIEW, 0)

    @property
    def score_fraction(self) -> float | None:
        return self.score / self.score_max if self.score_max else None

    def add(self, other: "Row") -> None:
        self.counts.update(other.counts)
        self.overdue += other.overdue
        self.slipped += other.slipped
        self.due_by += other.due_by
        self.score += other.score
        self.score_max += other.score_max
        self.self_assessed += other.self_assessed
        self.too_few += other.too_few
        self.pdus += 1
        self.inspected += 1 if other.inspection is not None else other.inspected
        if other.days_to_reinspection is not None and (
            self.days_to_reinspection is None or other.days_to_reinspection < self.days_to_reinspection
        ):
            self.days_to_reinspection = other.days_to_reinspection


def visible_pdus(user, region_id: int | None = None) -> list[Organisation]:
    allowed = visible_pdu_filter(user)
    query = select(Organisation).where(Organisation.kind == PDU).options(joinedload(Organisation.parent))
    if region_id is not None:
        query = query.where(Organisation.parent_id == region_id)
    pdus = list(db.session.scalars(query.order_by(Organisation.name)).unique())
    return pdus if allowed is None else [pdu for pdu in pdus if pdu.id in allowed]


def inspections_of(pdu_ids: list[int]) -> list[Inspection]:
    return list(
        db.session.scalars(
            select(Inspection)
            .where(Inspection.pdu_id.in_(pdu_ids))
            .order_by(Inspection.pdu_id, Inspection.published_on, Inspection.id)
        ).unique()
    )


def current_inspections(inspections: list[Inspection]) -> list[Inspection]:
    latest: dict[int, Inspection] = {}
    for inspection in inspections:
        latest[inspection.pdu_id] = inspection
    return list(latest.values())


def inspection_rows(inspections: list[Inspection], on: date, filters: Filters, href_for) -> list[Row]:
    """A row per inspection: its recommendations by status, overdue actions and projected score."""
    ids = [i.id for i in inspections]
    recommendations = facts.recommendation_facts(ids)
    latest_rounds = facts.projection_facts(ids)
    bands = services.bands()
    rows = {
        i.id: Row(
            i.pdu.name,
            href_for(i),
            i.pdu,
            i,
            days_to_reinspection=((i.reinspection_on - on).days if i.reinspection_on else None),
            list_args={"inspection": i.id},
        )
        for i in inspections
    }
    for rec in recommendations:
        if filters.owner and rec.addressee_kind != filters.owner:
            continue
        row = rows[rec.inspection_id]
        row.counts[status_rules.recommendation_status(rec, on).key] += 1
        row.overdue += sum(1 for action in rec.actions if action.is_overdue(on))
        row.slipped += sum(1 for action in rec.actions if action.is_slipped)
        if filters.due_by:
            row.due_by += sum(1 for a in rec.actions if not a.is_complete and a.target_on <= filters.due_by)
    for inspection_id, (standards, audit_round) in latest_rounds.items():
        projection = project(services.standard_inputs(standards, audit_round), bands)
        row = rows[inspection_id]
        row.score, row.score_max = projection.score, projection.score_max
        row.self_assessed, row.too_few = projection.self_assessed_score, len(projection.too_few)
    return [row for row in rows.values() if not filters.status or row.counts.get(filters.status)]


def all_regions() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.kind == REGION).order_by(Organisation.name)))


def region_rows(regions: list[Organisation], pdu_rows: list[Row], href_for) -> list[Row]:
    """A row per region, adding up its PDUs' rows; a region with no PDUs yet still has its row."""
    totals = {
        region.id: Row(region.name, href_for(region), region, list_args={"organisation": region.id, "current": "1"})
        for region in regions
    }
    for row in pdu_rows:
        assert row.organisation is not None  # each row is a PDU's
        region_id = row.organisation.parent_id
        if region_id in totals:
            totals[region_id].add(row)
    return list(totals.values())


def regions_user_directs(user) -> list[int]:
    return [a.organisation_id for a in user.roles if a.organisation.kind == REGION]


SORT_KEYS = {
    "name": lambda row: row.name.lower(),
    #: worst first: red before amber before green, the most overdue and slipped first within each
    "rag": lambda row: (row.rag.rank, -row.overdue, -row.slipped, row.name.lower()),
    "overdue": lambda row: row.overdue,
    "slipped": lambda row: row.slipped,
    "awaiting": lambda row: row.awaiting_review,
    "due_by": lambda row: row.due_by,
    "days": lambda row: (row.days_to_reinspection is None, row.days_to_reinspection or 0),
    "score": lambda row: (row.score_fraction is None, row.score_fraction or 0),
}


def sort_rows(rows: list[Row], key: str, descending: bool) -> list[Row]:
    """Sorted by the chosen column (worst first unless another is chosen); PDUs with no inspection always come
    last, in name order."""
    if key.startswith("status-"):
        status_key = key.removeprefix("status-")
        ordered = sorted(rows, key=lambda row: row.counts.get(status_key, 0), reverse=descending)
    else:
        ordered = sorted(rows, key=SORT_KEYS.get(key, SORT_KEYS["rag"]), reverse=descending)
    return [row for row in ordered if not row.is_empty] + [row for row in ordered if row.is_empty]


def totals_row(rows: list[Row], list_args: dict) -> Row:
    """Every row added up; its counts lead to the same lists with the scope's filters."""
    total = Row("Total", "", None, list_args=list_args)
    for row in rows:
        if not row.is_empty:
            total.add(row)
    total.pdus = sum(row.pdus for row in rows)
    return total
