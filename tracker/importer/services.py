"""Saving an extracted report as an inspection with its standards, key questions and recommendations."""

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select

from tracker.audit.services import record_event
from tracker.extensions import db
from tracker.importer import completeness
from tracker.importer.endings import listed_numbers
from tracker.importer.errors import ImportProblem
from tracker.importer.owners import OWNER_KINDS, owner_for
from tracker.importer.updating import update_inspection
from tracker.inspections.models import Inspection, KeyQuestion, Standard
from tracker.organisations import services as organisations
from tracker.organisations.models import PDU, REGION, Organisation
from tracker.recommendations.models import ADDRESSEE_KINDS, Recommendation
from tracker.templating import pluralise


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


def default_title(extraction, pdu: Organisation) -> str:
    when = extraction.published_on or extraction.fieldwork_on
    suffix = f", {when:%B %Y}" if when else ""
    return f"Inspection of probation services: {pdu.name} PDU{suffix}"


def build_inspection(extraction, pdu: Organisation, sha256: str | None, actor=None) -> Inspection:
    """Add the inspection to the session (no commit), so callers can make it part of a larger transaction."""
    if sha256 and (duplicate := existing_import(sha256)) is not None:
        raise DuplicateReport(duplicate)
    inspection = Inspection(
        pdu=pdu,
        title=extraction.title or default_title(extraction, pdu),
        fieldwork_on=extraction.fieldwork_on,
        published_on=extraction.published_on,
        is_fieldwork_month_only=extraction.is_fieldwork_month_only,
        is_published_month_only=extraction.is_published_month_only,
        overall_rating=extraction.overall_rating,
        score=extraction.score,
        score_max=extraction.score_max,
        outcomes_question=extraction.outcomes_question,
        outcomes_percentage=extraction.outcomes_percentage,
        source_sha256=sha256,
    )
    for position, data in enumerate(extraction.standards):
        standard = Standard(code=data.code, name=data.name, domain=data.domain, rating=data.rating, position=position)
        standard.key_questions = [
            KeyQuestion(text=q.text, percentage=q.percentage, position=i) for i, q in enumerate(data.key_questions)
        ]
        inspection.standards.append(standard)
    for data in extraction.recommendations:
        inspection.recommendations.append(
            Recommendation(
                number=data.number,
                text=data.text,
                addressee_kind=data.addressee_kind,
                addressee_name=data.addressee_name,
                owner_org=owner_for(data.owner_kind or data.addressee_kind, pdu),
            )
        )
    db.session.add(inspection)
    db.session.flush()
    record_event(
        actor,
        "inspection",
        inspection.id,
        "import",
        f"Imported '{inspection.title}' with {pluralise(len(inspection.recommendations), 'recommendation')}",
        after={"recommendations": len(inspection.recommendations), "standards": len(inspection.standards)},
        inspection_id=inspection.id,
    )
    for recommendation in inspection.recommendations:
        record_event(
            actor,
            "recommendation",
            recommendation.id,
            "create",
            f"Recommendation {recommendation.number} imported from the report, addressed to "
            f"{recommendation.addressee_name}",
            after={"text": recommendation.text, "owner": recommendation.owner_org.display_name},
            recommendation_id=recommendation.id,
            inspection_id=inspection.id,
        )
    return inspection


@dataclass
class PduTarget:
    """The PDU a report is saved against: an existing one, or a new one to be created under a region."""

    pdu: Organisation | None = None
    new_name: str | None = None
    region: Organisation | None = None

    @property
    def is_new(self) -> bool:
        return self.pdu is None

    @property
    def description(self) -> str:
        if self.pdu is not None:
            return self.pdu.display_name
        assert self.region is not None  # a target without an existing PDU names the region for the new one
        return f"{self.new_name} PDU (new, in the {self.region.name} region)"


@dataclass
class ImportResult:
    inspection: Inspection
    #: False when an existing inspection was updated in place
    created: bool
    new_pdu: Organisation | None = None
    #: one sentence per change made by an update, or per thing an update left alone
    changes: list[str] = field(default_factory=list)


def count_changes(result: "ImportResult") -> str:
    count = len(result.changes)
    return "no changes" if count == 0 else f"{count} change{'' if count == 1 else 's'}"


def clean_pdu_name(name: str) -> str:
    return " ".join(name.split()).removesuffix(" PDU").removesuffix(" (PDU)").strip()


def find_target(pdu_name: str | None, region_name: str | None) -> PduTarget:
    """The PDU by name, else where a PDU of that name would be created; raises ImportProblem when neither works."""
    if not pdu_name or not pdu_name.strip():
        raise ImportProblem("No PDU name was found in the report. Say which PDU it is for.")
    pdu = organisations.find_pdu(clean_pdu_name(pdu_name))
    if pdu is not None:
        return PduTarget(pdu=pdu, region=pdu.parent)
    name = clean_pdu_name(pdu_name)
    if not region_name or not region_name.strip():
        raise ImportProblem(
            f"The PDU '{name}' is not in the tracker and no region was found in the report, "
            "so it cannot be created. Say which region it belongs to."
        )
    region = organisations.find_region(region_name)
    if region is None:
        raise ImportProblem(
            f"The PDU '{name}' is not in the tracker, and neither is a region called "
            f"'{region_name.strip()}'. Regions: {', '.join(region_names())}."
        )
    return PduTarget(new_name=name, region=region)


def region_names() -> list[str]:
    return list(
        db.session.scalars(select(Organisation.name).where(Organisation.kind == REGION).order_by(Organisation.name))
    )


def same_report(sha256: str | None, pdu: Organisation | None, extraction) -> Inspection | None:
    """An inspection already imported from this report: the same words, or the same PDU and inspection.

    One report, one inspection, whatever the format: a PDF, a web page and a text copy differ in words and in how
    precisely they date themselves ("June 2025" against "26 June 2025"), so inspections are compared by month:
    the fieldwork month when both give one, else the publication month."""
    if sha256 and (existing := existing_import(sha256)) is not None:
        return existing
    if pdu is None or pdu.id is None:
        return None
    inspections = db.session.scalars(select(Inspection).where(Inspection.pdu_id == pdu.id).order_by(Inspection.id))
    return next((inspection for inspection in inspections if same_inspection(inspection, extraction)), None)


def same_inspection(inspection: Inspection, extraction) -> bool:
    if inspection.fieldwork_on and extraction.fieldwork_on:
        return _month(inspection.fieldwork_on) == _month(extraction.fieldwork_on)
    if inspection.published_on and extraction.published_on:
        return _month(inspection.published_on) == _month(extraction.published_on)
    return False


def _month(value) -> tuple[int, int]:
    return value.year, value.month


class IncompleteReport(ImportProblem):
    """The report is cut short, damaged or inconsistent: every reason is listed, and nothing is saved."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"This report is incomplete or inconsistent, so it cannot be saved: {'; '.join(problems)}.")
        self.problems = problems


class UncheckedEndings(ImportProblem):
    """Recommendations whose words could not be confirmed from the report, and nobody has said they checked."""

    def __init__(self, numbers: list[int]) -> None:
        many = len(numbers) > 1
        super().__init__(
            f"Recommendation{'s' if many else ''} {listed_numbers(numbers)} may have lost words (see "
            f"the warnings): check {'each' if many else 'it'} against the report, then accept the "
            "warnings to save it."
        )
        self.numbers = numbers


def check_endings(extraction, accept_endings: bool) -> None:
    """Refuse to save a recommendation whose words are in doubt until an administrator has checked it."""
    if extraction.unconfirmed_endings and not accept_endings:
        raise UncheckedEndings(extraction.unconfirmed_endings)


def check_extraction(extraction) -> None:
    """Refuse data the tracker cannot hold, whether it came from the parser or from an administrator's corrections."""
    problems = list(extraction.problems) or completeness.problems_in(extraction)
    if problems:
        raise IncompleteReport(problems)
    numbers = [r.number for r in extraction.recommendations]
    if not numbers:
        raise ImportProblem("There are no recommendations to save.")
    if len(set(numbers)) != len(numbers):
        raise ImportProblem("Two recommendations have the same number.")
    for recommendation in extraction.recommendations:
        if not recommendation.text.strip():
            raise ImportProblem(f"Recommendation {recommendation.number} has no text.")
        if recommendation.addressee_kind not in ADDRESSEE_KINDS:
            raise ImportProblem(f"Recommendation {recommendation.number} has no addressee.")
        if recommendation.owner_kind not in (None, *OWNER_KINDS):
            raise ImportProblem(f"Recommendation {recommendation.number} has no owner the tracker knows.")
    percentages = [q.percentage for s in extraction.standards for q in s.key_questions]
    if any(p is None or not 0 <= p <= 100 for p in percentages):
        raise ImportProblem("Every key-question percentage must be between 0 and 100.")


def create_pdu(target: PduTarget, actor) -> Organisation:
    name, region = target.new_name, target.region
    assert name is not None and region is not None  # a target without an existing PDU names the new one's
    if organisations.find_pdu(name) is not None:
        raise ImportProblem(f"There is already a PDU called '{name}'. Choose it instead of creating it.")
    pdu = Organisation(kind=PDU, name=name, parent=region)
    db.session.add(pdu)
    db.session.flush()
    record_event(
        actor,
        "organisation",
        pdu.id,
        "create",
        f"Created {pdu.display_name} in the {region.name} region to import its inspection report",
        after={"name": pdu.name, "region": region.name},
    )
    return pdu


def add_report(
    extraction,
    sha256: str | None,
    target: PduTarget,
    actor=None,
    *,
    update: bool = False,
    accept_shorter: bool = False,
    accept_endings: bool = False,
) -> ImportResult:
    """Add the import to the session without committing, so a caller can add its own changes to the transaction.

    `accept_endings` says an administrator checked against the report each recommendation whose words are in doubt
    (`unconfirmed_endings`, each with its reason in `doubts`); without it such a report is refused."""
    check_extraction(extraction)
    check_endings(extraction, accept_endings)
    existing = same_report(sha256, target.pdu, extraction)
    if existing is not None and not update:
        raise DuplicateReport(existing)
    if existing is not None:
        changes = update_inspection(existing, extraction, actor, accept_shorter=accept_shorter)
        record_accepted_endings(existing, extraction, actor)
        return ImportResult(existing, created=False, changes=changes)
    new_pdu = create_pdu(target, actor) if target.is_new else None
    pdu = new_pdu or target.pdu
    assert pdu is not None  # the target's PDU, or the one just created for it
    inspection = build_inspection(extraction, pdu, sha256, actor)
    record_accepted_endings(inspection, extraction, actor)
    return ImportResult(inspection, created=True, new_pdu=new_pdu)


def record_accepted_endings(inspection: Inspection, extraction, actor) -> None:
    """Who said the recommendations in doubt were checked against the report, so a shortened text can be traced."""
    if not extraction.unconfirmed_endings:
        return
    numbers = extraction.unconfirmed_endings
    listed = ("recommendations " if len(numbers) > 1 else "recommendation ") + listed_numbers(numbers)
    record_event(
        actor,
        "inspection",
        inspection.id,
        "accept",
        f"Accepted as checked against the report the words of {listed}, which the report's layout or "
        "wording put in doubt",
        after={"unconfirmed_endings": numbers, "doubts": {str(n): why for n, why in extraction.doubts.items()}},
        inspection_id=inspection.id,
    )


def import_report(
    extraction,
    sha256: str | None,
    target: PduTarget,
    actor=None,
    *,
    update: bool = False,
    accept_shorter: bool = False,
    accept_endings: bool = False,
) -> ImportResult:
    """Save an extracted report as an inspection (or, with update, refresh the one already imported from it)
    in one transaction; nothing is saved when it raises."""
    try:
        result = add_report(
            extraction,
            sha256,
            target,
            actor,
            update=update,
            accept_shorter=accept_shorter,
            accept_endings=accept_endings,
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result
