"""Saving an extracted report as an inspection with its standards, key questions and recommendations."""

import hashlib

from sqlalchemy import select

from tracker.audit.services import record_event
from tracker.extensions import db
from tracker.inspections.models import Inspection, KeyQuestion, Standard
from tracker.organisations import services as organisations
from tracker.organisations.models import Organisation
from tracker.recommendations.models import ADDRESSEE_HMPPS, ADDRESSEE_REGION, Recommendation


class DuplicateReport(ValueError):
    """The same report has already been imported."""

    def __init__(self, inspection: Inspection):
        super().__init__(f"This report has already been imported as '{inspection.title}'.")
        self.inspection = inspection


def fingerprint(text: str) -> str:
    """Identifies a report by its words, so the same report saved as text, HTML or PDF is still recognised."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def existing_import(sha256: str) -> Inspection | None:
    return db.session.scalar(select(Inspection).where(Inspection.source_sha256 == sha256))


def owner_for(addressee_kind: str, pdu: Organisation) -> Organisation:
    """PDU and partner recommendations are tracked by the PDU; region ones by its region; HMPPS ones nationally."""
    if addressee_kind == ADDRESSEE_REGION:
        return pdu.parent
    if addressee_kind == ADDRESSEE_HMPPS:
        return organisations.national()
    return pdu


def default_title(extraction, pdu: Organisation) -> str:
    when = extraction.published_on or extraction.fieldwork_on
    suffix = f", {when:%B %Y}" if when else ""
    return f"Inspection of probation services: {pdu.name} PDU{suffix}"


def build_inspection(extraction, pdu: Organisation, sha256: str | None, actor=None) -> Inspection:
    """Add the inspection to the session (no commit), so callers can make it part of a larger transaction."""
    if sha256 and (duplicate := existing_import(sha256)) is not None:
        raise DuplicateReport(duplicate)
    inspection = Inspection(
        pdu=pdu, title=extraction.title or default_title(extraction, pdu),
        fieldwork_on=extraction.fieldwork_on, published_on=extraction.published_on,
        overall_rating=extraction.overall_rating, score=extraction.score, score_max=extraction.score_max,
        outcomes_question=extraction.outcomes_question, outcomes_percentage=extraction.outcomes_percentage,
        source_sha256=sha256,
    )
    for position, data in enumerate(extraction.standards):
        standard = Standard(code=data.code, name=data.name, domain=data.domain, rating=data.rating,
                            position=position)
        standard.key_questions = [KeyQuestion(text=q.text, percentage=q.percentage, position=i)
                                  for i, q in enumerate(data.key_questions)]
        inspection.standards.append(standard)
    for data in extraction.recommendations:
        inspection.recommendations.append(Recommendation(
            number=data.number, text=data.text, addressee_kind=data.addressee_kind,
            addressee_name=data.addressee_name, owner_org=owner_for(data.addressee_kind, pdu),
        ))
    db.session.add(inspection)
    db.session.flush()
    record_event(actor, "inspection", inspection.id, "import",
                 f"Imported '{inspection.title}' with {len(inspection.recommendations)} recommendations",
                 after={"recommendations": len(inspection.recommendations),
                        "standards": len(inspection.standards)},
                 inspection_id=inspection.id)
    for recommendation in inspection.recommendations:
        record_event(actor, "recommendation", recommendation.id, "create",
                     f"Recommendation {recommendation.number} imported from the report, addressed to "
                     f"{recommendation.addressee_name}",
                     after={"text": recommendation.text, "owner": recommendation.owner_org.display_name},
                     recommendation_id=recommendation.id, inspection_id=inspection.id)
    return inspection
