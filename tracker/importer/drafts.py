"""Uploads awaiting review: reading an uploaded report into a draft, correcting it, and saving it."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from tracker.audit.services import record_event
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.importer import services
from tracker.importer.models import ReportImportDraft
from tracker.importer.parser import read_upload
from tracker.importer.schema import ReportExtraction
from tracker.organisations.models import PDU, REGION, Organisation
from tracker.templating import pluralise


def create_draft(actor, filename: str, data: bytes) -> ReportImportDraft:
    """Read the upload and keep what was found for review; raises ReportError (saving nothing) when unreadable."""
    text, extraction = read_upload(data, filename or None)
    draft = ReportImportDraft(
        filename=(filename or "report")[:255],
        extraction=extraction.to_dict(),
        source_sha256=services.fingerprint(text),
        uploaded_by=actor,
    )
    db.session.add(draft)
    db.session.flush()
    record_event(
        actor,
        "report_import_draft",
        draft.id,
        "upload",
        f"Uploaded '{draft.filename}' for review: {pluralise(len(extraction.recommendations), 'recommendation')} found",
        after={"filename": draft.filename, "pdu": extraction.pdu_name},
    )
    db.session.commit()
    return draft


def extraction_of(draft: ReportImportDraft) -> ReportExtraction:
    return ReportExtraction.from_dict(draft.extraction)


def suggested_target(extraction: ReportExtraction) -> services.PduTarget | None:
    """The PDU the report names, or the region a new one would go in; None when the report names neither."""
    try:
        return services.find_target(extraction.pdu_name, extraction.region_name)
    except services.ImportProblem:
        region = db.session.scalar(
            select(Organisation).where(
                Organisation.kind == REGION, Organisation.name.ilike(extraction.region_name or "")
            )
        )
        return services.PduTarget(new_name=extraction.pdu_name, region=region) if region else None


def pdu_choices() -> list[tuple[str, str]]:
    pdus = db.session.scalars(select(Organisation).where(Organisation.kind == PDU, Organisation.is_active))
    ordered = sorted(pdus, key=lambda pdu: (pdu.parent.name if pdu.parent else "", pdu.name))
    return [(str(pdu.id), f"{pdu.name} ({pdu.parent.name if pdu.parent else 'no region'})") for pdu in ordered]


def region_choices() -> list[tuple[str, str]]:
    regions = db.session.scalars(select(Organisation).where(Organisation.kind == REGION).order_by(Organisation.name))
    return [(str(region.id), region.name) for region in regions]


def save_draft(
    draft: ReportImportDraft,
    extraction: ReportExtraction,
    target: services.PduTarget,
    actor,
    *,
    update: bool,
    accept_endings: bool = False,
) -> services.ImportResult:
    """Save the reviewed report and mark the draft as saved, in one transaction; nothing is saved when it raises."""
    try:
        result = services.add_report(
            extraction, draft.source_sha256, target, actor, update=update, accept_endings=accept_endings
        )
        draft.inspection = result.inspection
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def discard_unsaved_drafts(now: datetime | None = None) -> int:
    """Delete uploads that nobody saved within `[importer] unsaved_draft_days`: they hold a report's text and have
    no use once abandoned. Saved drafts stay, as the record of what was imported. Returns how many went."""
    days = int(current_app.config.get("IMPORTER_UNSAVED_DRAFT_DAYS", 14))
    cutoff = (now or utcnow()) - timedelta(days=days)
    stale = list(
        db.session.scalars(
            select(ReportImportDraft)
            .where(ReportImportDraft.inspection_id.is_(None), ReportImportDraft.created_at < cutoff)
            .order_by(ReportImportDraft.id)
        )
    )
    if not stale:
        return 0
    for draft in stale:
        db.session.delete(draft)
    record_event(
        None,
        "report_import_draft",
        None,
        "delete",
        f"Discarded {pluralise(len(stale), 'uploaded report')} not saved within {pluralise(days, 'day')}",
        before={
            "drafts": [{"id": d.id, "filename": d.filename, "uploaded_at": d.created_at.isoformat()} for d in stale]
        },
    )
    db.session.commit()
    return len(stale)
