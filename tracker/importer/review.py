"""An upload under review: the report as corrected so far, section by section, and the PDU it is for.

The extraction as read stays on the draft untouched; corrections go to `draft.review`, and what must and should
hold is checked again on the corrected copy, so an administrator who adds a recommendation the reader missed
clears the gap it left, and one who changes a rating sees whether it now agrees with its key questions."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from tracker.audit.services import record_event
from tracker.extensions import db
from tracker.importer import completeness, services
from tracker.importer.models import ReportImportDraft
from tracker.importer.owners import default_owner_kind
from tracker.importer.parser import missing_warnings
from tracker.importer.schema import RecommendationData, ReportExtraction
from tracker.organisations.models import PDU, REGION, Organisation
from tracker.recommendations.models import ADDRESSEE_HMPPS, ADDRESSEE_PDU, ADDRESSEE_REGION

NEW_PDU = "new"
HMPPS_HEADING = "HM Prison and Probation Service (HMPPS)"


@dataclass
class Review:
    """The report as corrected so far, and the PDU chosen for it: an id, NEW_PDU, or "" when none is known."""

    extraction: ReportExtraction
    pdu: str
    new_pdu_name: str
    new_pdu_region: str

    def target(self) -> services.PduTarget | None:
        if self.pdu == NEW_PDU:
            region = db.session.get(Organisation, int(self.new_pdu_region)) if self.new_pdu_region else None
            if region is None or region.kind != REGION or not self.new_pdu_name:
                return None
            return services.PduTarget(new_name=self.new_pdu_name, region=region)
        pdu = db.session.get(Organisation, int(self.pdu)) if self.pdu else None
        return services.PduTarget(pdu=pdu, region=pdu.parent) if pdu is not None and pdu.kind == PDU else None

    def to_dict(self) -> dict:
        return {
            "extraction": self.extraction.to_dict(),
            "pdu": self.pdu,
            "new_pdu_name": self.new_pdu_name,
            "new_pdu_region": self.new_pdu_region,
        }


def review_of(draft: ReportImportDraft, suggested: services.PduTarget | None) -> Review:
    """The draft as corrected so far, with its problems and warnings checked again."""
    read = ReportExtraction.from_dict(draft.extraction)
    if draft.review:
        saved = draft.review
        review = Review(
            ReportExtraction.from_dict(saved["extraction"]),
            saved["pdu"],
            saved["new_pdu_name"],
            saved["new_pdu_region"],
        )
    else:
        review = Review(copy.deepcopy(read), *_suggested_choice(read, suggested))
    recheck(read, review.extraction)
    return review


def _suggested_choice(read: ReportExtraction, suggested: services.PduTarget | None) -> tuple[str, str, str]:
    if suggested is not None and suggested.pdu is not None:
        return str(suggested.pdu.id), "", ""
    region = str(suggested.region.id) if suggested is not None and suggested.region is not None else ""
    name = (suggested.new_name if suggested else None) or services.clean_pdu_name(read.pdu_name or "")
    return NEW_PDU, name, region


def recheck(read: ReportExtraction, corrected: ReportExtraction) -> None:
    """Put the problems and warnings of the corrected copy on it: those the reader found in the report's text
    (a repeated number, a heading with nothing under it) stand; those about the figures are worked out again."""
    figures_problems = completeness.problems_in(read)
    figures_warnings = completeness.warnings_in(read) + missing_warnings(read)
    corrected.problems = [p for p in read.problems if p not in figures_problems] + completeness.problems_in(corrected)
    corrected.warnings = (
        [w for w in read.warnings if w not in figures_warnings]
        + completeness.warnings_in(corrected)
        + missing_warnings(corrected)
    )


def keep(draft: ReportImportDraft, review: Review, actor, what: str, before: dict, after: dict) -> None:
    """Store a corrected section, audited, in one transaction."""
    draft.review = review.to_dict()
    record_event(
        actor,
        "report_import_draft",
        draft.id,
        "change",
        f"Changed {what} of '{draft.filename}' before saving",
        before=before,
        after=after,
    )
    db.session.commit()


def heading_for(kind: str, target: services.PduTarget | None, current: str) -> str:
    """The addressee wording to show once a reviewer has moved a recommendation to another addressee."""
    if kind == ADDRESSEE_PDU and target is not None:
        return f"{target.pdu.name if target.pdu else target.new_name} PDU"
    if kind == ADDRESSEE_REGION and target is not None and target.region is not None:
        return f"{target.region.name} region"
    if kind == ADDRESSEE_HMPPS:
        return HMPPS_HEADING
    return current


def owner_kind_of(recommendation: RecommendationData) -> str | None:
    return recommendation.owner_kind or default_owner_kind(recommendation.addressee_kind)


def owners_missing(extraction: ReportExtraction) -> list[RecommendationData]:
    """Recommendations to another body that nobody in the service has been chosen to follow up yet."""
    return [r for r in extraction.recommendations if owner_kind_of(r) is None]


def fixable_problems(extraction: ReportExtraction) -> dict[int, list[str]]:
    """The reasons the report cannot be saved that are about one recommendation's own words or heading, by its
    number: each is corrected on the page (that recommendation's Change page), and goes once it is."""
    found = completeness.recommendation_problems(extraction)
    fixable = {number: [p for p in problems if p in extraction.problems] for number, problems in found.items()}
    return {number: problems for number, problems in fixable.items() if problems}


def refusals(extraction: ReportExtraction) -> list[str]:
    """The reasons the report cannot be saved that no correction on the page can answer: a page, a heading or a
    recommendation missing from the file, a file cut short, the ratings table missing or misread."""
    fixable = {problem for problems in fixable_problems(extraction).values() for problem in problems}
    return [problem for problem in extraction.problems if problem not in fixable]


def headings(extraction: ReportExtraction) -> list[tuple[str, str]]:
    """The addressee headings of the report, in its order, each with the kind of addressee it names."""
    found: dict[str, str] = {}
    for recommendation in extraction.recommendations:
        found.setdefault(recommendation.addressee_name, recommendation.addressee_kind)
    return list(found.items())


def change_recommendation(
    review: Review, number: int, text: str, addressee_kind: str, owner_kind: str | None
) -> RecommendationData:
    recommendation = next(r for r in review.extraction.recommendations if r.number == number)
    recommendation.text = text
    if addressee_kind != recommendation.addressee_kind:
        recommendation.addressee_kind = addressee_kind
        recommendation.addressee_name = heading_for(addressee_kind, review.target(), recommendation.addressee_name)
    recommendation.owner_kind = owner_kind
    return recommendation


def add_recommendation(
    review: Review, number: int, heading: str, text: str, owner_kind: str | None
) -> RecommendationData:
    """Add a recommendation the reader missed under one of the report's headings, in its place by number."""
    kind = dict(headings(review.extraction)).get(heading, "other")
    added = RecommendationData(
        number=number, text=text, addressee_kind=kind, addressee_name=heading, owner_kind=owner_kind
    )
    recommendations = review.extraction.recommendations
    position = next((i for i, r in enumerate(recommendations) if r.number > number), len(recommendations))
    recommendations.insert(position, added)
    return added


def discard(draft: ReportImportDraft, actor) -> str:
    """Delete an upload nobody will save, audited; returns its file name for the notice."""
    filename = draft.filename
    record_event(
        actor,
        "report_import_draft",
        draft.id,
        "delete",
        f"Discarded the upload '{filename}' without saving it",
        before={"filename": filename, "uploaded_at": draft.created_at.isoformat()},
    )
    db.session.delete(draft)
    db.session.commit()
    return filename
