"""Seeding and looking up the organisation hierarchy; names are data an administrator can edit."""

from sqlalchemy import select

from tracker.audit.services import changed, record_event, snapshot
from tracker.extensions import db
from tracker.organisations.models import NATIONAL, PDU, REGION, Organisation

HMPPS_NAME = "HM Prison and Probation Service"

#: the 12 probation regions (domain.md)
REGIONS = (
    "Wales",
    "London",
    "Greater Manchester",
    "North West",
    "West Midlands",
    "East Midlands",
    "North East",
    "Yorkshire and the Humber",
    "East of England",
    "Kent, Surrey and Sussex",
    "South West",
    "South Central",
)

#: London's 18 PDUs (domain.md)
LONDON_PDUS = (
    "Barking, Dagenham and Havering",
    "Brent",
    "Camden and Islington",
    "Croydon",
    "Ealing and Hillingdon",
    "Enfield and Haringey",
    "Greenwich and Bexley",
    "Hackney and City",
    "Hammersmith, Fulham, Kensington, Chelsea and Westminster",
    "Harrow and Barnet",
    "Kingston, Richmond and Hounslow",
    "Lambeth",
    "Lewisham and Bromley",
    "Newham",
    "Redbridge and Waltham Forest",
    "Southwark",
    "Tower Hamlets",
    "Wandsworth, Merton and Sutton",
)


def national() -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.kind == NATIONAL))


def find(kind: str, name: str, parent: Organisation | None = None) -> Organisation | None:
    query = select(Organisation).where(Organisation.kind == kind, Organisation.name == name)
    if parent is not None:
        query = query.where(Organisation.parent_id == parent.id)
    return db.session.scalar(query)


def find_region(name: str) -> Organisation | None:
    cleaned = name.strip().removesuffix(" region").removesuffix(" Region").strip()
    return db.session.scalar(select(Organisation).where(Organisation.kind == REGION, Organisation.name.ilike(cleaned)))


def find_pdu(name: str) -> Organisation | None:
    cleaned = name.strip().removesuffix(" PDU").strip()
    return db.session.scalar(select(Organisation).where(Organisation.kind == PDU, Organisation.name.ilike(cleaned)))


def get_or_create(kind: str, name: str, parent: Organisation | None) -> Organisation:
    existing = find(kind, name, parent)
    if existing is not None:
        return existing
    org = Organisation(kind=kind, name=name, parent=parent)
    db.session.add(org)
    db.session.flush()
    return org


def seed_organisations() -> Organisation:
    """Create HMPPS, the 12 regions and London's 18 PDUs where missing; running it again changes nothing."""
    hmpps = national() or get_or_create(NATIONAL, HMPPS_NAME, None)
    regions = {name: get_or_create(REGION, name, hmpps) for name in REGIONS}
    for name in LONDON_PDUS:
        get_or_create(PDU, name, regions["London"])
    return hmpps


class OrganisationError(ValueError):
    """A change an administrator cannot make; the message is shown on the form."""


def regions() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.kind == REGION).order_by(Organisation.name)))


def parent_choices(kind: str) -> list[tuple[int, str]]:
    if kind == PDU:
        return [(r.id, r.name) for r in regions()]
    hmpps = national()
    return [(hmpps.id, hmpps.name)] if hmpps else []


def save_organisation(
    actor, org: Organisation | None, kind: str, name: str, parent_id: int, is_active: bool, commit: bool = True
) -> Organisation:
    """Create or rename an organisation; names stay unique within their parent. (Moving one hands over the work
    that may no longer be seen: tracker.handover.services.save_organisation_handing_over.)"""
    name = " ".join(name.split())
    clash = db.session.scalar(
        select(Organisation).where(Organisation.parent_id == parent_id, Organisation.name.ilike(name))
    )
    if clash is not None and clash is not org:
        raise OrganisationError(f"There is already an organisation called {name} there")
    fields = ("name", "parent_id", "is_active")
    before = snapshot(org, fields) if org else {}
    moved = org is not None and org.parent_id != parent_id
    if org is None:
        org = Organisation(kind=kind)
        db.session.add(org)
    org.name, org.parent_id, org.is_active = name, parent_id, is_active
    db.session.flush()
    if moved:
        db.session.expire(org, ["parent"])
    old, new = changed(before, snapshot(org, fields))
    record_event(
        actor,
        "organisation",
        org.id,
        "update" if before else "create",
        f"{'Changed' if before else 'Added'} {org.display_name}",
        before=old or None,
        after=new,
    )
    if commit:
        db.session.commit()
    return org
