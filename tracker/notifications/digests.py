"""Plans the regional directors' weekly digest and the readiness summaries sent before a re-inspection."""

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
from tracker.notifications import rules
from tracker.notifications.content import Links, PlannedMessage, Recipient, render_parts, subject_counts
from tracker.notifications.models import DIRECTOR_DIGEST, READINESS
from tracker.notifications.reminders import role_holders
from tracker.organisations.models import Organisation
from tracker.recommendations.models import NOT_AGREED, Recommendation
from tracker.recommendations.status import recommendation_status
from tracker.templating import format_date, pluralise

LONDON = ZoneInfo("Europe/London")
#: changes listed per PDU in a digest; the rest are counted
CHANGES_SHOWN = 10


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=LONDON).astimezone(UTC)


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def awaiting_review_for(user) -> list[Recommendation]:
    """What the assurance feature says awaits this person's review."""
    return list(assurance.awaiting_review(user))


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
    overdue: list = field(default_factory=list)
    awaiting: list[Recommendation] = field(default_factory=list)
    changes: list[AuditEvent] = field(default_factory=list)
    change_count: int = 0


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


def build_region_digest(region: Organisation, inspections: list[Inspection], changes: dict, awaiting: list,
                        as_of: date) -> list[PduDigest]:
    pdus: dict[int, PduDigest] = {}
    for inspection in inspections:
        digest = pdus.setdefault(inspection.pdu_id, PduDigest(inspection.pdu))
        digest.inspections.append(inspection)
        for recommendation in inspection.recommendations:
            digest.by_status[recommendation_status(recommendation, as_of).label] += 1
            digest.overdue += [(recommendation, a) for a in recommendation.actions if a.is_overdue(as_of)]
        events = changes.get(inspection.id, [])
        digest.change_count += len(events)
        digest.changes += events[:CHANGES_SHOWN]
    for recommendation in awaiting:
        digest = pdus.get(recommendation.inspection.pdu_id)
        if digest is not None:
            digest.awaiting.append(recommendation)
    return sorted(pdus.values(), key=lambda d: d.pdu.name)


def plan_director_digests(as_of: date) -> list[PlannedMessage]:
    holders = role_holders()
    regions = {org_id for role, org_id in holders if role == REGIONAL_DIRECTOR}
    if not regions:
        return []
    pdu_region = dict(db.session.execute(
        select(Organisation.id, Organisation.parent_id).where(Organisation.parent_id.in_(regions))).all())
    inspections = load_inspections(Inspection.pdu_id.in_(list(pdu_region)))
    changes = changes_since(start_of_day(as_of - timedelta(days=7)), [i.id for i in inspections])
    by_region: dict[int, list[Inspection]] = defaultdict(list)
    for inspection in inspections:
        by_region[pdu_region[inspection.pdu_id]].append(inspection)
    messages = []
    directors = {u.id: u for (role, _), users in holders.items() if role == REGIONAL_DIRECTOR for u in users}
    for user in directors.values():
        region_ids = [org for (role, org), users in holders.items() if role == REGIONAL_DIRECTOR and user in users]
        awaiting = awaiting_review_for(user)
        sections = [(db.session.get(Organisation, rid), build_region_digest(
            db.session.get(Organisation, rid), by_region[rid], changes, awaiting, as_of)) for rid in sorted(region_ids)]
        sections = [(region, pdus) for region, pdus in sections if pdus]
        if sections:
            messages.append(digest_message(user, sections, as_of))
    return messages


def digest_message(user, sections, as_of: date) -> PlannedMessage:
    all_pdus = [pdu for _, pdus in sections for pdu in pdus]
    overdue = sum(len(p.overdue) for p in all_pdus)
    awaiting = sum(len(p.awaiting) for p in all_pdus)
    changes = sum(p.change_count for p in all_pdus)
    names = " and ".join(region.display_name for region, _ in sections)
    counts = subject_counts([(overdue, "overdue")])
    extra = [f"{awaiting} awaiting your review" if awaiting else "", f"{changes} changes this week" if changes else ""]
    summary = ", ".join(part for part in [counts or "no actions overdue", *extra] if part)
    subject = f"Tracker weekly digest for {names}: {summary}"
    text, html = render_parts("director-digest", user=user, sections=sections, as_of=as_of, subject=subject,
                              since=as_of - timedelta(days=7))
    return PlannedMessage(f"{DIRECTOR_DIGEST}:{week_key(as_of)}:user:{user.id}", DIRECTOR_DIGEST,
                          Recipient(user.id, user.email, user.name), subject, text, html)


def lead_days() -> list[int]:
    return sorted({int(d) for d in current_app.config.get("SCHEDULER_READINESS_LEAD_DAYS", [90, 60, 30, 14])})


def due_lead(days_left: int, leads: list[int]) -> int | None:
    """The smallest lead time not yet passed: a run missed at 90 days still sends the 90-day summary at 88."""
    passed = [lead for lead in leads if days_left <= lead]
    return min(passed) if passed and days_left >= 0 else None


def evidence_counts(recommendation_ids: list[int]) -> dict[int, tuple[int | None, int]]:
    """{recommendation id: (evidence accepted by a reviewer, all evidence)}."""
    if not recommendation_ids:
        return {}
    return assurance.evidence_review_counts(recommendation_ids)


@dataclass
class RecommendationReadiness:
    recommendation: Recommendation
    status: object
    complete: int
    total: int
    #: evidence accepted by a reviewer (None before assurance exists), and all evidence
    accepted: int | None
    evidence: int
    overdue: list
    still_to_do: list[tuple[str, str]]


def still_to_do(inspection: Inspection, recommendation: Recommendation, evidence: int, links: Links) -> list:
    """What must still happen before the inspectors return, each with the page where it is done."""
    todo = []
    page = links.recommendation(recommendation.id)
    if recommendation.response is None:
        todo.append(("Record the service's response to the recommendation", page))
    elif recommendation.response != NOT_AGREED and not recommendation.actions:
        todo.append(("Agree actions to deliver the recommendation", page))
    for action in recommendation.actions:
        if not action.is_complete:
            late = " – after the re-inspection date" if action.target_on > inspection.reinspection_on else ""
            todo.append((f"Complete “{action.description}” (due {format_date(action.target_on)}{late})",
                         links.action(action.id)))
    if recommendation.response != NOT_AGREED and not evidence:
        todo.append(("Add evidence that the recommendation has been delivered", page))
    return todo


def readiness_rows(inspection: Inspection, evidence: dict, as_of: date) -> list[RecommendationReadiness]:
    links = Links()
    rows = []
    for recommendation in inspection.recommendations:
        actions = recommendation.actions
        accepted, count = evidence.get(recommendation.id, (None, 0))
        rows.append(RecommendationReadiness(
            recommendation, recommendation_status(recommendation, as_of),
            sum(1 for a in actions if a.is_complete), len(actions), accepted, count,
            [a for a in actions if a.is_overdue(as_of)], still_to_do(inspection, recommendation, count, links),
        ))
    return rows


def readiness_recipients(inspection: Inspection, holders) -> list:
    pdu = inspection.pdu
    region_id = pdu.parent_id
    national_id = pdu.parent.parent_id if pdu.parent is not None else None
    people = (holders.get((HEAD_OF_PDU, pdu.id), []) + holders.get((REGIONAL_DIRECTOR, region_id), [])
              + holders.get((HMPPS_LEAD, national_id), []))
    unique = {user.id: user for user in people}
    return list(unique.values())


def plan_readiness(as_of: date) -> list[PlannedMessage]:
    settings = rules.ReminderSettings.from_config()
    leads = lead_days()
    if not settings.is_working_day(as_of) or not leads:
        return []
    reinspection = func.coalesce(Inspection.confirmed_reinspection_on, Inspection.expected_reinspection_on)
    inspections = load_inspections(reinspection.between(as_of, as_of + timedelta(days=max(leads))))
    evidence = evidence_counts([r.id for i in inspections for r in i.recommendations])
    holders = role_holders()
    links = Links()
    messages = []
    for inspection in inspections:
        days_left = (inspection.reinspection_on - as_of).days
        lead = due_lead(days_left, leads)
        if lead is None:
            continue
        rows = readiness_rows(inspection, evidence, as_of)
        overdue = sum(len(row.overdue) for row in rows)
        # ASCII only: Python's header folding doubles a space before an encoded word such as an en dash
        subject = (f"Tracker: readiness summary for {inspection.pdu.display_name}, re-inspection in {days_left} days"
                   + (f": {pluralise(overdue, 'action')} overdue" if overdue else ""))
        for user in readiness_recipients(inspection, holders):
            text, html = render_parts("readiness", user=user, inspection=inspection, rows=rows, lead=lead,
                                      days_left=days_left, as_of=as_of, subject=subject, links=links)
            messages.append(PlannedMessage(f"{READINESS}:inspection:{inspection.id}:{lead}-days:user:{user.id}",
                                           READINESS, Recipient(user.id, user.email, user.name), subject, text, html))
    return messages
