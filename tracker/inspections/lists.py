"""Conditions every work list shares: what the person may see (the rule is tracker.auth.permissions'), which
organisation or current inspection a list is narrowed to, and the choices its filters offer."""

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from tracker.auth.permissions import visible_pdu_filter
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.organisations.models import PDU, REGION, Organisation


def visibility_condition(user):
    allowed = visible_pdu_filter(user)
    return Inspection.pdu_id.is_not(None) if allowed is None else Inspection.pdu_id.in_(sorted(allowed))


def organisation_condition(organisation_id: int):
    """The inspected PDU is the organisation, or in it (a region's PDUs, or every PDU under HMPPS)."""
    region = aliased(Organisation)
    pdus = (
        select(Organisation.id)
        .outerjoin(region, Organisation.parent_id == region.id)
        .where(
            Organisation.kind == PDU,
            or_(Organisation.id == organisation_id, region.id == organisation_id, region.parent_id == organisation_id),
        )
    )
    return Inspection.pdu_id.in_(pdus)


def current_inspection_condition():
    """The inspection is its PDU's latest published one (no published date counts as the earliest)."""
    other = aliased(Inspection)
    later = or_(
        and_(Inspection.published_on.is_(None), other.published_on.is_not(None)),
        other.published_on > Inspection.published_on,
        and_(
            or_(
                other.published_on == Inspection.published_on,
                and_(other.published_on.is_(None), Inspection.published_on.is_(None)),
            ),
            other.id > Inspection.id,
        ),
    )
    return ~select(other.id).where(other.pdu_id == Inspection.pdu_id, later).exists()


def organisation_choices(user) -> list[tuple[str, str]]:
    """HMPPS, the regions and the PDUs the user can see, in one query."""
    allowed = visible_pdu_filter(user)
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.kind, Organisation.parent_id).order_by(
            Organisation.kind, Organisation.name
        )
    ).all()
    if allowed is not None:
        regions = {parent for oid, _, kind, parent in rows if kind == PDU and oid in allowed}
        rows = [
            row for row in rows if (row.kind == PDU and row.id in allowed) or (row.kind == REGION and row.id in regions)
        ]
    labels = {"national": "{}", REGION: "{} region", PDU: "{} PDU"}
    order = {"national": 0, REGION: 1, PDU: 2}
    return [(str(row.id), labels[row.kind].format(row.name)) for row in sorted(rows, key=lambda r: order[r.kind])]


def inspection_label(inspection_id: int) -> str:
    """How a list's inspection filter reads: the inspection's title."""
    inspection = db.session.get(Inspection, inspection_id)
    return inspection.title if inspection else "Not found"
