"""Who tracks an imported recommendation: shared by saving a new report and updating one already saved."""

from tracker.organisations import services as organisations
from tracker.organisations.models import Organisation
from tracker.recommendations.models import ADDRESSEE_HMPPS, ADDRESSEE_PDU, ADDRESSEE_REGION

#: the organisations that may track a recommendation, as a reviewer chooses them
OWNER_KINDS = (ADDRESSEE_PDU, ADDRESSEE_REGION, ADDRESSEE_HMPPS)


def owner_for(addressee_kind: str, pdu: Organisation) -> Organisation:
    """PDU and partner recommendations are tracked by the PDU; region ones by its region; HMPPS ones nationally."""
    if addressee_kind == ADDRESSEE_REGION:
        region = pdu.parent
        assert region is not None  # every PDU sits in a region
        return region
    if addressee_kind == ADDRESSEE_HMPPS:
        hmpps = organisations.national()
        assert hmpps is not None  # seeded with the organisations, before any report is imported
        return hmpps
    return pdu


def default_owner_kind(addressee_kind: str) -> str | None:
    """The owner a reviewer starts from: the addressee itself, or nobody for another body (the police, a council),
    whose recommendation someone in the service must be chosen to follow up."""
    return addressee_kind if addressee_kind in OWNER_KINDS else None
