"""Reading inspections for the pages and the API, and setting re-inspection dates."""

from datetime import date

from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload, selectinload

from tracker.audit.services import changed, record_event, snapshot
from tracker.auth.permissions import visible_pdu_filter
from tracker.date_rules import check_reinspection_date
from tracker.extensions import db
from tracker.inspections.models import Inspection, Standard
from tracker.loading import attach_collection
from tracker.organisations.models import Organisation


def visible_inspections(user, with_ratings: bool = False) -> list[Inspection]:
    """Inspections the user may see, newest first; with their ratings, in the same number of queries at any size."""
    query = select(Inspection).options(joinedload(Inspection.pdu).joinedload(Organisation.parent))
    pdu_ids = visible_pdu_filter(user)
    if pdu_ids is not None:
        query = query.where(Inspection.pdu_id.in_(pdu_ids))
    inspections = list(db.session.scalars(query.order_by(Inspection.published_on.desc(), Inspection.id.desc())))
    if with_ratings:
        inspection_ids = query.with_only_columns(Inspection.id)
        standards = attach_collection(inspections, inspect(Inspection).relationships["standards"], inspection_ids)
        standard_ids = select(Standard.id).where(Standard.inspection_id.in_(inspection_ids))
        attach_collection(standards, inspect(Standard).relationships["key_questions"], standard_ids)
    return inspections


def load_inspection(inspection_id: int) -> Inspection | None:
    """One inspection with its ratings; tracker.recommendations.services loads one with its recommendations."""
    return db.session.scalar(
        select(Inspection)
        .where(Inspection.id == inspection_id)
        .options(selectinload(Inspection.standards).selectinload(Standard.key_questions))
    )


def set_reinspection_dates(
    actor, inspection: Inspection, expected_on: date | None, confirmed_on: date | None
) -> Inspection:
    for on, label in ((expected_on, "Expected re-inspection date"), (confirmed_on, "Confirmed re-inspection date")):
        if on is not None and (problem := check_reinspection_date(on, inspection, label)):
            raise ValueError(problem)
    fields = ("expected_reinspection_on", "confirmed_reinspection_on")
    before = snapshot(inspection, fields)
    inspection.expected_reinspection_on = expected_on
    inspection.confirmed_reinspection_on = confirmed_on
    old, new = changed(before, snapshot(inspection, fields))
    if new:
        record_event(
            actor,
            "inspection",
            inspection.id,
            "update",
            "Changed the re-inspection dates",
            before=old,
            after=new,
            inspection_id=inspection.id,
        )
    db.session.commit()
    return inspection
