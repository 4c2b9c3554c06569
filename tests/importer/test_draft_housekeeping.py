"""Uploaded reports that nobody saved are discarded after [importer] unsaved_draft_days by the nightly
housekeeping job; saved ones stay as the record of the import."""

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import ADMIN
from tracker.audit.models import AuditEvent
from tracker.auth.services import find_user
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.importer.drafts import discard_unsaved_drafts
from tracker.importer.models import ReportImportDraft
from tracker.inspections.models import Inspection
from tracker.notifications.jobs import housekeeping_job


def draft(filename: str, age_days: int, saved: bool = False) -> ReportImportDraft:
    item = ReportImportDraft(
        filename=filename,
        extraction={},
        source_sha256="0" * 64,
        uploaded_by=find_user(ADMIN),
        created_at=utcnow() - timedelta(days=age_days),
        inspection_id=db.session.scalar(select(Inspection.id)) if saved else None,
    )
    db.session.add(item)
    db.session.commit()
    return item


def remaining() -> list[str]:
    return sorted(db.session.scalars(select(ReportImportDraft.filename)))


def test_only_unsaved_drafts_past_the_limit_are_discarded_and_the_trail_says_which(app):
    before = remaining()
    stale = draft("abandoned.pdf", 15)
    draft("still-being-reviewed.pdf", 13)
    draft("imported-long-ago.pdf", 400, saved=True)

    assert discard_unsaved_drafts() == 1
    assert remaining() == sorted([*before, "still-being-reviewed.pdf", "imported-long-ago.pdf"])
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.entity_type, event.verb, event.actor_id) == ("report_import_draft", "delete", None)
    assert event.summary == "Discarded 1 uploaded report not saved within 14 days"
    assert event.before["drafts"][0]["id"] == stale.id
    assert event.before["drafts"][0]["filename"] == "abandoned.pdf"


def test_the_limit_is_configurable_and_nothing_to_do_records_nothing(app):
    draft("a-week-old.pdf", 7)
    events = db.session.scalar(select(db.func.count(AuditEvent.id)))
    assert discard_unsaved_drafts() == 0
    assert db.session.scalar(select(db.func.count(AuditEvent.id))) == events
    app.config["IMPORTER_UNSAVED_DRAFT_DAYS"] = 5
    try:
        assert discard_unsaved_drafts() == 1
    finally:
        app.config["IMPORTER_UNSAVED_DRAFT_DAYS"] = 14
    assert "a-week-old.pdf" not in remaining()


def test_the_nightly_job_discards_them(app):
    draft("abandoned.pdf", 30)
    housekeeping_job(app)
    assert "abandoned.pdf" not in remaining()
