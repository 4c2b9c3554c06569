"""Storing evidence: files checked by their content, kept outside static under random names; or links."""

import codecs
import hashlib
import io
import re
import secrets
import threading
import zipfile
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

import filetype
from flask import current_app
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from tracker import pdfs
from tracker.audit.services import quoted, record_event, snapshot
from tracker.auth.permissions import holds_reviewer_role
from tracker.caching.services import fragments
from tracker.db_types import utcnow
from tracker.evidence import inflation, storage
from tracker.evidence.models import FILE, LINK, Evidence, EvidenceOpening
from tracker.extensions import db
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
PDF = "application/pdf"
#: how much of a PDF the review page shows: its first pages drawn as images, and their text up to this many characters
PREVIEW_PAGES, PREVIEW_CHARACTERS = 2, 4000
#: said of a file of a kind no page shows inline
NOT_SHOWN = "only PDFs and images are shown in the page. Download the file to read it."
#: the most the drawn pages kept in each web worker may take, in bytes
PAGE_IMAGE_CACHE_BYTES = 32 * 1024 * 1024


def preview_type(data: bytes | None) -> str | None:
    """The type to show a stored file as inline, decided by its content (never its name), or None."""
    guessed = filetype.guess(data) if data else None
    return guessed.mime if guessed is not None and guessed.mime in PREVIEW_TYPES else None


def pdf_preview_text(data: bytes | None) -> str:
    """The text of a PDF's first pages, for a preview; empty when it has none or cannot be read."""
    if data is None or preview_type(data) != PDF:
        return ""
    try:
        with pdfs.pdf_library_quiet():
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                return ""
            text = "\n\n".join((page.extract_text() or "").strip() for page in reader.pages[:PREVIEW_PAGES])
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return ""
    text = text.strip()
    return text if len(text) <= PREVIEW_CHARACTERS else text[:PREVIEW_CHARACTERS].rstrip() + "…"


@dataclass(frozen=True)
class Preview:
    """How a page shows an evidence file inline: an image; a PDF's first pages drawn as images beside their text;
    or, with `problem`, why there is nothing to show (the page says "No preview: " and the problem)."""

    mimetype: str
    text: str = ""
    #: how many of the PDF's first pages are drawn (PREVIEW_PAGES, or fewer in a shorter PDF)
    pages: int = 0
    #: how many pages the PDF has in all
    page_count: int = 0
    problem: str = ""

    @property
    def is_image(self) -> bool:
        return self.mimetype.startswith("image/") and not self.problem


def preview_budget() -> pdfs.Budget:
    """What reading or drawing one PDF for a preview may take: `[uploads] preview_seconds` and
    `preview_memory_mb`."""
    config = current_app.config
    return pdfs.Budget(
        float(config.get("UPLOADS_PREVIEW_SECONDS", 10)), int(config.get("UPLOADS_PREVIEW_MEMORY_MB", 512)) * 1024**2
    )


def previews(items) -> dict[int, Preview]:
    """Previews of the file evidence, by evidence id: an image is known by the type its content was checked as on
    upload; a PDF is read in a child process held to `preview_budget` for its page count and the text of its first
    pages, once per worker for each content (kept by its SHA-256, so a file never changes under its key); any
    other kind says it is not shown."""
    result = {}
    for item in items:
        if item.kind != FILE:
            continue
        if item.content_type not in PREVIEW_TYPES:
            result[item.id] = Preview(item.content_type or "", problem=NOT_SHOWN)
        elif item.content_type != PDF:
            result[item.id] = Preview(item.content_type)
        else:
            result[item.id] = _pdf_preview(item)
    return result


def _read_pdf(data: bytes) -> tuple[int, str]:
    """In the child: the page count (PdfProblem when the PDF cannot be opened) and the first pages' text."""
    return pdfs.count_pages(data), pdf_preview_text(data)


def _pdf_preview(item: Evidence) -> Preview:
    cache = fragments() if item.sha256 and current_app.config.get("CACHE_ENABLED", True) else None
    key = ("pdf-preview", item.sha256)
    if cache is not None and (kept := cache.get(key)) is not None:
        return kept
    data = storage.load_file(item)
    if data is None:
        # nothing kept: the file may yet be put back
        return Preview(PDF, problem="the file cannot be found in storage. Ask an administrator to restore it.")
    if preview_type(data) != PDF:
        return Preview(PDF, problem="the stored file is not a PDF. Download it to see what it holds.")
    try:
        page_count, text = pdfs.in_child(_read_pdf, data, budget=preview_budget())
    except pdfs.PdfProblem as problem:
        preview = Preview(PDF, problem=f"{problem} Download the file to read it.")
        if not problem.lasting:
            return preview  # not kept: it may pass
    else:
        preview = Preview(PDF, text=text, pages=min(page_count, PREVIEW_PAGES), page_count=page_count)
    if cache is not None:
        cache.put(key, preview)
    return preview


class DrawnPages:
    """Drawn pages by (file's SHA-256, page), least recently used dropped first once they pass `max_bytes`; safe
    to share between a worker's threads."""

    def __init__(self, max_bytes: int = PAGE_IMAGE_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int]) -> bytes | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
            return self._items.get(key)

    def put(self, key: tuple[str, int], image: bytes) -> None:
        with self._lock:
            self._size += len(image) - len(self._items.pop(key, b""))
            self._items[key] = image
            while self._size > self.max_bytes and self._items:
                self._size -= len(self._items.popitem(last=False)[1])


def drawn_pages() -> DrawnPages | None:
    if not current_app.config.get("CACHE_ENABLED", True):
        return None
    cache = current_app.extensions.get("tracker_drawn_pages")
    if cache is None:
        cache = current_app.extensions["tracker_drawn_pages"] = DrawnPages()
    return cache


def page_image(evidence: Evidence, page: int) -> bytes:
    """One of a PDF's first pages (from 1) as a PNG, drawn in a child process held to `preview_budget` and kept
    by the file's SHA-256; PdfProblem when there is none to show."""
    if evidence.content_type != PDF or not 1 <= page <= PREVIEW_PAGES:
        raise pdfs.PdfProblem(NOT_SHOWN)
    cache = drawn_pages() if evidence.sha256 else None
    key = (evidence.sha256 or "", page)
    if cache is not None and (kept := cache.get(key)) is not None:
        return kept
    data = storage.load_file(evidence)
    if data is None or preview_type(data) != PDF:
        raise pdfs.PdfProblem("the stored file is not a PDF.", lasting=False)
    image = pdfs.in_child(pdfs.draw_page, data, page - 1, budget=preview_budget())
    if cache is not None:
        cache.put(key, image)
    return image


def note_opened(user, evidence: Evidence) -> None:
    """The reviewer followed the item's link, downloaded it or opened its preview: recorded the first time, for
    "Accept all remaining". Anyone else opening it is not recorded."""
    if not holds_reviewer_role(user, evidence.recommendation):
        return
    opened = select(EvidenceOpening.id).where(
        EvidenceOpening.evidence_id == evidence.id, EvidenceOpening.user_id == user.id
    )
    if db.session.scalar(opened) is not None:
        return
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    # two requests at once (the page's image and a click) may both get here: the database keeps one
    db.session.execute(
        insert(EvidenceOpening)
        .values(evidence_id=evidence.id, user_id=user.id, opened_at=utcnow())
        .on_conflict_do_nothing(index_elements=["evidence_id", "user_id"])
    )
    db.session.commit()


def opened_by(user, evidence_ids) -> dict[int, datetime]:
    """{evidence id: when this person first opened it} for those of the items they have opened, in one query."""
    ids = list(evidence_ids)
    if not ids or not getattr(user, "is_authenticated", False):
        return {}
    rows = db.session.execute(
        select(EvidenceOpening.evidence_id, EvidenceOpening.opened_at).where(
            EvidenceOpening.user_id == user.id, EvidenceOpening.evidence_id.in_(ids)
        )
    )
    return {evidence_id: opened_at for evidence_id, opened_at in rows}


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
