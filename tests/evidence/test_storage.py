"""Storage backends: file bytes on disk or in the database, written with the evidence record and rolled back with
it; `tracker move-uploads` moves them across, resumably, checked by SHA-256."""

import hashlib
import shutil

import pytest
from sqlalchemy import func, select

from tests.conftest import OWNER
from tracker.auth.services import find_user
from tracker.cli import tracker_cli
from tracker.demo.services import minimal_pdf
from tracker.evidence import services, storage
from tracker.evidence.models import FILE, Evidence, EvidenceFile
from tracker.extensions import db
from tracker.recommendations.models import Recommendation


@pytest.fixture
def uploads(app, monkeypatch, tmp_path):
    """A folder of this test's own holding a copy of the demo's files, so moving them leaves the session's alone."""
    folder = tmp_path / "uploads"
    shutil.copytree(app.config["UPLOAD_PATH"], folder)
    monkeypatch.setitem(app.config, "UPLOAD_PATH", str(folder))
    return folder


@pytest.fixture
def use_backend(app, monkeypatch):
    return lambda name: monkeypatch.setitem(app.config, "UPLOADS_BACKEND", name)


def recommendation_one():
    return db.session.scalar(select(Recommendation).where(Recommendation.number == 1))


def add_pdf(title: str) -> Evidence:
    return services.add_file_evidence(
        find_user(OWNER), recommendation_one(), None, title, "", f"{title}.pdf", minimal_pdf(title)
    )


def test_database_backend_keeps_the_bytes_beside_the_record(app, as_user, uploads, use_backend):
    use_backend("database")
    before = set(uploads.iterdir())
    evidence = add_pdf("Case audit")
    stored = db.session.get(EvidenceFile, evidence.id)
    assert hashlib.sha256(stored.data).hexdigest() == evidence.sha256
    assert set(uploads.iterdir()) == before, "nothing written to the server's disk"
    download = as_user(OWNER).get(f"/evidence/{evidence.id}/download")
    assert download.status_code == 200 and download.data == minimal_pdf("Case audit")
    download.close()


@pytest.mark.parametrize("backend", storage.BACKENDS)
def test_a_rolled_back_upload_leaves_no_file(app, uploads, use_backend, backend):
    use_backend(backend)
    before = set(uploads.iterdir())
    rows = db.session.scalar(select(func.count()).select_from(EvidenceFile))
    evidence = services.build_file_evidence(
        find_user(OWNER), recommendation_one(), None, "Lost", "", "lost.pdf", minimal_pdf("lost")
    )
    assert evidence.id is not None
    db.session.rollback()  # as when the audit write or the commit fails
    assert set(uploads.iterdir()) == before
    assert db.session.scalar(select(func.count()).select_from(EvidenceFile)) == rows
    assert db.session.scalar(select(func.count()).select_from(Evidence).where(Evidence.title == "Lost")) == 0


def test_removing_evidence_removes_its_bytes_from_the_database(app, uploads, use_backend):
    use_backend("database")
    evidence = add_pdf("Added by mistake")
    evidence_id = evidence.id
    services.remove_evidence(find_user(OWNER), evidence)
    assert db.session.get(EvidenceFile, evidence_id) is None


def file_ids() -> list[int]:
    return list(db.session.scalars(select(Evidence.id).where(Evidence.kind == FILE).order_by(Evidence.id)))


def test_move_uploads_to_the_database_and_back(app, as_user, uploads, use_backend):
    first, second = add_pdf("First").id, add_pdf("Second").id
    everything = file_ids()
    result = app.test_cli_runner().invoke(tracker_cli, ["move-uploads", "--to", "database"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"moved {len(everything)} files to the database; 0 were there already")
    names = {e.stored_name for e in db.session.scalars(select(Evidence).where(Evidence.kind == FILE))}
    assert not names & {p.name for p in uploads.iterdir()}, "each file leaves the disk once its copy is verified"
    assert {row.evidence_id for row in db.session.scalars(select(EvidenceFile))} >= set(everything)
    use_backend("database")
    assert as_user(OWNER).get(f"/evidence/{first}/download").data == minimal_pdf("First")

    back = storage.move_uploads("filesystem")
    assert back.moved == everything and db.session.scalar(select(func.count()).select_from(EvidenceFile)) == 0
    assert (uploads / db.session.get(Evidence, second).stored_name).read_bytes() == minimal_pdf("Second")


def test_an_interrupted_move_resumes_and_a_damaged_file_stays(app, uploads, use_backend):
    copied, damaged = add_pdf("Copied before the stop"), add_pdf("Damaged on disk")
    # the first run stopped after committing this copy but before removing the file from disk
    storage.DatabaseStorage().save(copied, minimal_pdf("Copied before the stop"))
    db.session.commit()
    (uploads / damaged.stored_name).write_bytes(b"%PDF-1.4 not what was uploaded")
    copied_id, damaged_id = copied.id, damaged.id

    result = storage.move_uploads("database")
    assert copied_id in result.already and copied_id not in result.moved
    assert result.mismatched == [damaged_id]
    assert (uploads / db.session.get(Evidence, damaged_id).stored_name).exists(), "left where it was"
    assert db.session.get(EvidenceFile, damaged_id) is None
    outcome = app.test_cli_runner().invoke(tracker_cli, ["move-uploads", "--to", "database"])
    assert outcome.exit_code == 1
    assert f"1 file not matching its checksum (evidence {damaged_id})" in outcome.output


def test_download_finds_a_file_in_either_place_while_moving(app, as_user, uploads, use_backend):
    evidence_id = add_pdf("Still on disk").id
    use_backend("database")
    download = as_user(OWNER).get(f"/evidence/{evidence_id}/download")
    assert download.data == minimal_pdf("Still on disk")
    download.close()
