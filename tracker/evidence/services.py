"""Storing evidence: files checked by their content, kept outside static under random names; or links."""

import codecs
import hashlib
import io
import re
import secrets
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import filetype
from flask import current_app
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy import select

from tracker.audit.services import quoted, record_event, snapshot
from tracker.caching.services import fragments
from tracker.evidence import inflation, storage
from tracker.evidence.models import FILE, LINK, Evidence
from tracker.extensions import db
from tracker.pdfs import pdf_library_quiet
from tracker.recommendations.locking import ensure_unlocked
from tracker.recommendations.models import EvidenceReview

EVIDENCE_FIELDS = (
    "kind",
    "title",
    "description",
    "url",
    "original_filename",
    "content_type",
    "size_bytes",
    "action_id",
)

#: allowed kinds: what the content must look like, and the extensions a name may carry for it
KINDS = {
    "pdf": ("application/pdf", (".pdf",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",)),
    "odt": ("application/vnd.oasis.opendocument.text", (".odt",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (".ods",)),
    "png": ("image/png", (".png",)),
    "jpg": ("image/jpeg", (".jpg", ".jpeg")),
    "gif": ("image/gif", (".gif",)),
    "csv": ("text/csv", (".csv",)),
    "txt": ("text/plain", (".txt",)),
}
ZIP_KINDS = {"docx", "xlsx", "pptx", "odt", "ods"}
#: the part every genuine Office or OpenDocument file of each kind holds
ZIP_MARKERS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
    "odt": "mimetype",
    "ods": "mimetype",
}
#: beyond these an archive is a decompression bomb, not a document
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_UNPACKED_BYTES = 256 * 1024 * 1024
ZIP_MAX_RATIO = 100
#: the most an OpenDocument `mimetype` entry may declare, and so the most the check ever unpacks
ZIP_MAX_MIMETYPE_BYTES = 256
TEXT_KINDS = {"csv", "txt"}
#: blank space and byte-order marks, then the `<` that opens any tag, comment or XML declaration
_MARKUP_START = re.compile(r"[\s\ufeff]*<")


class EvidenceError(ValueError):
    """Evidence refused; the message says why, for the error summary."""


@dataclass
class CheckedFile:
    kind: str
    content_type: str


def _kind_for_name(filename: str) -> str | None:
    suffix = Path(filename).suffix.lower()
    return next((kind for kind, (_, suffixes) in KINDS.items() if suffix in suffixes), None)


def _looks_like_text(data: bytes) -> bool:
    """UTF-8 text that no browser would take for markup.

    A browser that sniffs content treats a file starting with `<` (after any byte-order mark and blank space) as
    HTML or XML, whatever tag follows (`<body`, `<!--`, `<?xml ...><svg`), so no text or CSV file may start so."""
    if b"\x00" in data[:8192]:
        return False
    try:
        start = codecs.getincrementaldecoder("utf-8")().decode(data[:65536], final=False)
    except UnicodeDecodeError:
        return False
    return _MARKUP_START.match(start) is None


def _content_matches(kind: str, data: bytes) -> bool:
    if kind in TEXT_KINDS:
        return _looks_like_text(data)
    guessed = filetype.guess(data)
    if guessed is None:
        return False
    if kind in ZIP_KINDS:
        # Office files are zip archives; filetype recognises most by their inner names.
        return (guessed.mime == KINDS[kind][0] or guessed.extension == "zip") and _zip_is_document(kind, data)
    return guessed.mime == KINDS[kind][0]


#: said of an archive that unpacks (or says it unpacks) to more than any document needs, or at a bomb's ratio
UNPACKS_TOO_LARGE = (
    "The selected file unpacks to far more than a document needs (more than "
    f"{ZIP_MAX_UNPACKED_BYTES // (1024 * 1024)} MB, or too much for its size), so it was not kept. "
    "Save the document again, or as a PDF, and upload that"
)


def _is_bomb(entries: list[zipfile.ZipInfo]) -> bool:
    """Judged on the sizes the archive declares, before anything is unpacked (zipfile never unpacks an entry
    beyond its declared size, so these also cap what any reader of the file can be made to unpack)."""
    if len(entries) > ZIP_MAX_ENTRIES or sum(e.file_size for e in entries) > ZIP_MAX_UNPACKED_BYTES:
        return True
    return any(e.file_size > 1024 * 1024 and e.file_size > ZIP_MAX_RATIO * max(e.compress_size, 1) for e in entries)


def _opendocument_type_matches(kind: str, archive: zipfile.ZipFile) -> bool:
    """OpenDocument's `mimetype` entry is its type and nothing else: one that declares more is refused unread,
    and only the bytes the comparison needs are ever unpacked."""
    expected = KINDS[kind][0].encode()
    if archive.getinfo("mimetype").file_size > ZIP_MAX_MIMETYPE_BYTES:
        return False
    with archive.open("mimetype") as entry:
        return entry.read(ZIP_MAX_MIMETYPE_BYTES + 1).strip() == expected


def _zip_is_document(kind: str, data: bytes) -> bool:
    """A zip passes only if it holds the document's own part and would not unpack to something enormous: judged
    first on the sizes it declares, then on what every entry really inflates to (inflation.real_total), which
    stops at the limit however small the declared sizes are."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if ZIP_MARKERS[kind] not in {e.filename for e in entries}:
                return False
            if _is_bomb(entries):
                raise inflation.TooLarge("the sizes the archive declares")
            inflation.real_total(data, entries, ZIP_MAX_UNPACKED_BYTES, ZIP_MAX_RATIO, 1024 * 1024)
            return kind not in ("odt", "ods") or _opendocument_type_matches(kind, archive)
    except inflation.TooLarge:  # a ValueError: caught before the ValueError below that means "not a zip"
        raise EvidenceError(UNPACKS_TOO_LARGE) from None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        KeyError,
        ValueError,
        OSError,
        EOFError,
        RuntimeError,
        zlib.error,
    ):
        # RuntimeError: encrypted or an unsupported compression method; zlib.error: a corrupt stream
        return False


def check_file(filename: str, data: bytes) -> CheckedFile:
    """Accept a file only when its name and its content agree on an allowed kind."""
    if not data:
        raise EvidenceError("The selected file is empty")
    allowed = current_app.config["UPLOADS_ALLOWED_TYPES"]
    kind = _kind_for_name(filename or "")
    if kind is None or kind not in allowed:
        raise EvidenceError("The selected file must be a " + ", ".join(k.upper() for k in allowed))
    if not _content_matches(kind, data):
        raise EvidenceError(f"The selected file is not a real {kind.upper()} file: its content does not match its name")
    return CheckedFile(kind, KINDS[kind][0])


#: what a browser may be shown inline: kinds it renders without running anything the file carries
PREVIEW_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/gif")
#: how much of a PDF the review page shows as text: its first pages, up to this many characters
PREVIEW_PAGES, PREVIEW_CHARACTERS = 2, 4000


def preview_type(data: bytes | None) -> str | None:
    """The type to show a stored file as inline, decided by its content (never its name), or None."""
    guessed = filetype.guess(data) if data else None
    return guessed.mime if guessed is not None and guessed.mime in PREVIEW_TYPES else None


def pdf_preview_text(data: bytes | None) -> str:
    """The text of a PDF's first pages, for a preview; empty when it has none or cannot be read."""
    if data is None or preview_type(data) != "application/pdf":
        return ""
    try:
        with pdf_library_quiet():
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                return ""
            text = "\n\n".join((page.extract_text() or "").strip() for page in reader.pages[:PREVIEW_PAGES])
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return ""
    text = text.strip()
    return text if len(text) <= PREVIEW_CHARACTERS else text[:PREVIEW_CHARACTERS].rstrip() + "…"


@dataclass
class Preview:
    """How a page shows an evidence file inline: an image, or a PDF's frame and the text of its first pages."""

    mimetype: str
    text: str = ""

    @property
    def is_image(self) -> bool:
        return self.mimetype.startswith("image/")


def previews(items) -> dict[int, Preview]:
    """Previews of the file evidence a browser can show inline, by evidence id. Images are known by the type their
    content was checked as on upload; a PDF is read, for the text of its first pages, once per worker for each
    content (kept by its SHA-256, so a file never changes under its key)."""
    result = {}
    for item in items:
        if item.kind != FILE or item.content_type not in PREVIEW_TYPES:
            continue
        if item.content_type != "application/pdf":
            result[item.id] = Preview(item.content_type)
        elif (preview := _pdf_preview(item)) is not None:
            result[item.id] = preview
    return result


def _pdf_preview(item: Evidence) -> Preview | None:
    cache = fragments() if item.sha256 and current_app.config.get("CACHE_ENABLED", True) else None
    key = ("pdf-preview", item.sha256)
    if cache is not None and (kept := cache.get(key)) is not None:
        return kept
    data = storage.load_file(item)
    if data is None or not preview_type(data):
        return None  # nothing kept: the file may yet be put back
    preview = Preview("application/pdf", pdf_preview_text(data))
    if cache is not None:
        cache.put(key, preview)
    return preview


def stored_path(evidence: Evidence) -> Path:
    """Where the filesystem backend keeps (or would keep) the file."""
    return storage.filesystem_storage().path(evidence)


def _audit(actor, evidence: Evidence) -> None:
    # named, not numbered: the history is read by people, who know the action by what it says
    target = f"the action {quoted(evidence.action.description, 60)}" if evidence.action else "the recommendation"
    record_event(
        actor,
        "evidence",
        evidence.id,
        "create",
        f"Added evidence '{evidence.title}' to {target}",
        after=snapshot(evidence, EVIDENCE_FIELDS),
        recommendation_id=evidence.recommendation_id,
        inspection_id=evidence.recommendation.inspection_id,
    )


def build_file_evidence(
    actor, recommendation, action, title: str, description: str, filename: str, data: bytes
) -> Evidence:
    checked = check_file(filename, data)
    evidence = Evidence(
        recommendation=recommendation,
        action=action,
        kind=FILE,
        title=title.strip(),
        description=description.strip(),
        stored_name=secrets.token_hex(16),
        original_filename=Path(filename).name[:255],
        content_type=checked.content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(evidence)
    storage.configured_storage().save(evidence, data)
    db.session.flush()
    _audit(actor, evidence)
    return evidence


def check_link(url: str) -> str:
    url = url.strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise EvidenceError("Enter a link starting with https:// or http://")
    return url


def build_link_evidence(actor, recommendation, action, title: str, description: str, url: str) -> Evidence:
    evidence = Evidence(
        recommendation=recommendation,
        action=action,
        kind=LINK,
        title=title.strip(),
        description=description.strip(),
        url=check_link(url),
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(evidence)
    db.session.flush()
    _audit(actor, evidence)
    return evidence


def add_file_evidence(actor, recommendation, action, title, description, filename, data) -> Evidence:
    ensure_unlocked(recommendation)
    evidence = build_file_evidence(actor, recommendation, action, title, description, filename, data)
    db.session.commit()
    return evidence


def add_link_evidence(actor, recommendation, action, title, description, url) -> Evidence:
    ensure_unlocked(recommendation)
    evidence = build_link_evidence(actor, recommendation, action, title, description, url)
    db.session.commit()
    return evidence


def removal_blocker(evidence: Evidence) -> str | None:
    """Evidence a reviewer has decided on is part of the assurance record and stays."""
    reviewed = db.session.scalar(select(EvidenceReview.id).where(EvidenceReview.evidence_id == evidence.id))
    return "This evidence has been reviewed for assurance, so it stays on the record" if reviewed else None


def remove_evidence(actor, evidence: Evidence) -> None:
    """Remove evidence added by mistake (and its file), unless it has been reviewed."""
    ensure_unlocked(evidence.recommendation)
    if reason := removal_blocker(evidence):
        raise EvidenceError(reason)
    on_disk = storage.storage_named("filesystem") if evidence.kind == FILE and evidence.stored_name else None
    record_event(
        actor,
        "evidence",
        evidence.id,
        "delete",
        f"Removed evidence '{evidence.title}'",
        before=snapshot(evidence, EVIDENCE_FIELDS),
        recommendation_id=evidence.recommendation_id,
        inspection_id=evidence.recommendation.inspection_id,
    )
    db.session.delete(evidence)
    db.session.commit()  # bytes kept in the database go with the record
    if on_disk is not None:
        on_disk.delete(evidence)
