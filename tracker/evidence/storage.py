"""Where evidence files' bytes live: one class per `[uploads] backend`. Both write inside the transaction that
creates the evidence record, so an upload that is rolled back leaves nothing behind."""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tracker.evidence.models import FILE, Evidence, EvidenceFile
from tracker.extensions import db

_WRITTEN = "tracker_uploads_written"


class FilesystemStorage:
    """Files under the upload folder, named by the evidence's random stored name (the default)."""

    name = "filesystem"

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def path(self, evidence) -> Path:
        return self.folder / evidence.stored_name

    def save(self, evidence, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path(evidence)
        path.write_bytes(data)
        # removed again if the transaction does not commit (see _discard_uncommitted_files)
        db.session.info.setdefault(_WRITTEN, []).append(path)

    def has(self, evidence) -> bool:
        return self.path(evidence).is_file()

    def load(self, evidence) -> bytes | None:
        return self.path(evidence).read_bytes() if self.has(evidence) else None

    def delete(self, evidence) -> None:
        """Only after the commit that no longer needs the file: a file cannot be rolled back."""
        self.path(evidence).unlink(missing_ok=True)


class DatabaseStorage:
    """Bytes in the evidence_files table, written and rolled back with the evidence record."""

    name = "database"

    def save(self, evidence, data: bytes) -> None:
        evidence.stored_file = EvidenceFile(data=data)
        db.session.add(evidence.stored_file)

    def has(self, evidence) -> bool:
        return (
            db.session.scalar(select(EvidenceFile.evidence_id).where(EvidenceFile.evidence_id == evidence.id))
            is not None
        )

    def load(self, evidence) -> bytes | None:
        return db.session.scalar(select(EvidenceFile.data).where(EvidenceFile.evidence_id == evidence.id))

    def delete(self, evidence) -> None:
        """Part of the caller's transaction."""
        stored = db.session.get(EvidenceFile, evidence.id)
        if stored is not None:
            db.session.delete(stored)


BACKENDS = ("filesystem", "database")


def filesystem_storage() -> FilesystemStorage:
    return FilesystemStorage(current_app.config["UPLOAD_PATH"])


def storage_named(name: str) -> FilesystemStorage | DatabaseStorage:
    if name == "database":
        return DatabaseStorage()
    if name == "filesystem":
        return filesystem_storage()
    raise ValueError(f"[uploads] backend must be one of {', '.join(BACKENDS)}, not {name!r}")


def configured_storage() -> FilesystemStorage | DatabaseStorage:
    return storage_named(str(current_app.config.get("UPLOADS_BACKEND", "filesystem")))


def load_file(evidence) -> bytes | None:
    """The configured backend first, then the other: while `move-uploads` runs, files are in both places."""
    first = configured_storage()
    other = storage_named(next(name for name in BACKENDS if name != first.name))
    data = first.load(evidence)
    return data if data is not None else other.load(evidence)


@event.listens_for(Session, "after_commit")
def _keep_committed_files(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_transaction_end")
def _discard_uncommitted_files(session: Session, transaction) -> None:
    """The outermost transaction ended without a commit (rolled back or closed): its files go too."""
    if transaction.parent is None:
        for path in session.info.pop(_WRITTEN, []):
            path.unlink(missing_ok=True)


@dataclass
class MoveResult:
    moved: list[int] = field(default_factory=list)
    #: already in the target from an earlier, interrupted run (verified, then removed from the source)
    already: list[int] = field(default_factory=list)
    #: in neither place, or whose bytes do not match the checksum taken at upload: left as they are
    missing: list[int] = field(default_factory=list)
    mismatched: list[int] = field(default_factory=list)


def _matches(data: bytes | None, evidence) -> bool:
    return data is not None and hashlib.sha256(data).hexdigest() == evidence.sha256


def move_file(evidence, source, target) -> str:
    """One file, in its own transactions, so a run stopped half-way resumes where it was: copied, committed,
    read back and checked against the upload's SHA-256, and only then removed from the source."""
    if target.has(evidence):
        if _matches(target.load(evidence), evidence):
            source.delete(evidence)
            db.session.commit()
            return "already"
        target.delete(evidence)  # a copy that does not match its checksum is redone
        db.session.commit()
    data = source.load(evidence)
    if data is None:
        return "missing"
    if not _matches(data, evidence):
        return "mismatched"
    target.save(evidence, data)
    db.session.commit()
    if not _matches(target.load(evidence), evidence):
        return "mismatched"
    source.delete(evidence)
    db.session.commit()
    return "moved"


def move_uploads(to: str) -> MoveResult:
    target = storage_named(to)
    source = storage_named(next(name for name in BACKENDS if name != to))
    result = MoveResult()
    ids = db.session.scalars(
        select(Evidence.id).where(Evidence.kind == FILE, Evidence.stored_name.is_not(None)).order_by(Evidence.id)
    ).all()
    for evidence_id in ids:
        evidence = db.session.get(Evidence, evidence_id)
        getattr(result, move_file(evidence, source, target)).append(evidence_id)
        db.session.expunge_all()  # one file's bytes in memory at a time
    return result
