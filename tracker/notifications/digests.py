"""The parts of a message beyond actions: the region's week for a director, the readiness summaries due
before a re-inspection, and the closing summary once it has happened."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.assurance import services as assurance
from tracker.audit.models import AuditEvent
from tracker.auth.models import HEAD_OF_PDU, HMPPS_LEAD, REGIONAL_DIRECTOR
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.organisations.models import Organisation
from tracker.readiness.summary import Readiness, readiness_for
from tracker.recommendations.models import Recommendation
from tracker.recommendations.status import recommendation_status

LONDON = ZoneInfo("Europe/London")
#: changes listed per PDU in a region's week; the rest are counted
CHANGES_SHOWN = 10


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=LONDON).astimezone(UTC)


def load_inspections(where) -> list[Inspection]:
    query = (
        select(Inspection)
        .where(where)
        .options(selectinload(Inspection.recommendations).selectinload(Recommendation.actions))
        .order_by(Inspection.id)
    )
    return list(db.session.scalars(query))


@dataclass
class PduDigest:
    pdu: Organisation
    inspections: list[Inspection] = field(default_factory=list)
    by_status: Counter = field(default_factory=Counter)
    overdue: int = 0
    #: open actions whose target has moved past the date first agreed
    slipped: int = 0
    changes: list[AuditEvent] = field(default_factory=list)
    change_count: int = 0
    #: the report's number for each recommendation the changes were made to, so that a change names its own
    recommendation_numbers: dict[int, int] = field(default_factory=dict)


def changes_since(since: datetime, inspection_ids: list[int]) -> dict[int, list[AuditEvent]]:
    """Audit events of the week by inspection, whether recorded against the inspection or a recommendation."""
    if not inspection_ids:
        return {}
    inspection_id = func.coalesce(AuditEvent.inspection_id, Recommendation.inspection_id)
    query = (
        select(AuditEvent, inspection_id)
        .outerjoin(Recommendation, Recommendation.id == AuditEvent.recommendation_id)
        .where(AuditEvent.occurred_at >= since, inspection_id.in_(inspection_ids))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    grouped: dict[int, list[AuditEvent]] = defaultdict(list)
    for event, owner_id in db.session.execute(query):
        grouped[owner_id].append(event)
    return grouped


def region_week(region_ids: list[int], as_of: date) -> dict[int, list[PduDigest]]:
    """For each region: its PDUs' recommendations by status, overdue count and the week's changes."""
    if not region_ids:
        return {}
    pdu_region = {
        pdu_id: region_id
        for pdu_id, region_id in db.session.execute(
            select(Organisation.id, Organisation.parent_id).where(Organisation.parent_id.in_(region_ids))
        )
        if region_id is not None
    }
    inspections = load_inspections(Inspection.pdu_id.in_(list(pdu_region)))
    changes = changes_since(start_of_day(as_of - timedelta(days=7)), [i.id for i in inspections])
    regions: dict[int, dict[int, PduDigest]] = defaultdict(dict)
    for inspection in inspections:
        digest = regions[pdu_region[inspection.pdu_id]].setdefault(inspection.pdu_id, PduDigest(inspection.pdu))
        digest.inspections.append(inspection)
        for recommendation in inspection.recommendations:
            digest.recommendation_numbers[recommendation.id] = recommendation.number
            digest.by_status[recommendation_status(recommendation, as_of).label] += 1
            digest.overdue += sum(1 for a in recommendation.actions if a.is_overdue(as_of))
            digest.slipped += sum(1 for a in recommendation.actions if a.is_slipped)
        events = changes.get(inspection.id, [])
        digest.change_count += len(events)
        digest.changes += events[:CHANGES_SHOWN]
    return {rid: sorted(pdus.values(), key=lambda d: d.pdu.name) for rid, pdus in regions.items()}


def lead_days() -> list[int]:
    return sorted({int(d) for d in current_app.config.get("SCHEDULER_READINESS_LEAD_DAYS", [90, 60, 30, 14])})


def milestones(reinspection_on: date, settings) -> dict[date, int]:
    """{day the summary goes: lead time}: the nearest working day on or before each lead time."""
    return {settings.working_day_on_or_before(reinspection_on - timedelta(days=lead)): lead for lead in lead_days()}


@dataclass
class RecommendationReadiness:
    recommendation: Recommendation
    status: object
    complete: int
    total: int
    accepted: int
    evidence: int
    overdue: list


@dataclass
class ReadinessSummary:
    inspection: Inspection
    lead: int
    days_left: int
    rows: list[RecommendationReadiness]
    #: the readiness page's own figures: projected ratings, the latest internal audit, what must happen
    readiness: Readiness

    @property
    def behind(self) -> int:
        """How far behind: overdue actions and things still to do."""
        return sum(len(row.overdue) for row in self.rows) + len(self.readiness.must_happen)

    @property
    def projection(self):
        latest = self.readiness.latest
        return latest.projection if latest else self.readiness.baseline


def readiness_rows(inspection: Inspection, evidence: dict, as_of: date) -> list[RecommendationReadiness]:
    rows = []
    for recommendation in inspection.recommendations:
        actions = recommendation.actions
        accepted, count = evidence.get(recommendation.id, (0, 0))
        rows.append(
            RecommendationReadiness(
                recommendation,
                recommendation_status(recommendation, as_of),
                sum(1 for a in actions if a.is_complete),
                len(actions),
                accepted,
                count,
                [a for a in actions if a.is_overdue(as_of)],
            )
        )
    return rows


def readiness_recipients(inspection: Inspection, holders) -> list:
    pdu = inspection.pdu
    region_id = pdu.parent_id
    national_id = pdu.parent.parent_id if pdu.parent is not None else None
    people = (
        holders.get((HEAD_OF_PDU, pdu.id), [])
        + holders.get((REGIONAL_DIRECTOR, region_id), [])
        + holders.get((HMPPS_LEAD, national_id), [])
    )
    return list({user.id: user for user in people}.values())


def _days_left(inspection: Inspection, as_of: date) -> int:
    reinspection_on = inspection.reinspection_on
    assert reinspection_on is not None  # the inspections summarised are chosen by their re-inspection date
    return (reinspection_on - as_of).days


def summaries(inspections: list[Inspection], as_of: date, lead_for) -> list[ReadinessSummary]:
    evidence = assurance.evidence_review_counts([r.id for i in inspections for r in i.recommendations])
    return [
        ReadinessSummary(
            i, lead_for(i), _days_left(i, as_of), readiness_rows(i, evidence, as_of), readiness_for(i, as_of)
        )
        for i in inspections
    ]


def readiness_due(days: list[date], as_of: date, settings) -> list[ReadinessSummary]:
    """Summaries for the inspections with a milestone on one of `days`."""
    if not days or not lead_days():
        return []
    reinspection = func.coalesce(Inspection.confirmed_reinspection_on, Inspection.expected_reinspection_on)
    candidates = load_inspections(reinspection.between(min(days), max(days) + timedelta(days=max(lead_days()) + 7)))
    due = {}
    for inspection in candidates:
        reinspection_on = inspection.reinspection_on
        assert reinspection_on is not None  # chosen by it
        if reinspection_on <= as_of:
            continue
        hits = [lead for day, lead in milestones(reinspection_on, settings).items() if day in days]
        if hits:
            due[inspection.id] = min(hits)
    return summaries([i for i in candidates if i.id in due], as_of, lambda i: due[i.id])


def closing_due(days: list[date], as_of: date) -> list[ReadinessSummary]:
    """Inspections whose confirmed re-inspection date passed on one of `days`: one closing summary each."""
    ended = [day - timedelta(days=1) for day in days if day <= as_of]
    if not ended:
        return []
    inspections = load_inspections(Inspection.confirmed_reinspection_on.in_(ended))
    return summaries(inspections, as_of, lambda i: 0)


def closing_recipients(summary: ReadinessSummary, holders) -> list:
    owners = [a.owner for r in summary.inspection.recommendations for a in r.actions if a.owner and a.owner.is_active]
    people = readiness_recipients(summary.inspection, holders) + owners
    return list({user.id: user for user in people}.values())
