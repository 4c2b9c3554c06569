"""Gets plain text out of an uploaded report, whether it is a PDF, a saved web page or a text file."""

from __future__ import annotations

import io
import multiprocessing
import re

from bs4 import BeautifulSoup, NavigableString
from flask import current_app, has_app_context
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from tracker.importer.errors import ReportError
from tracker.pdfs import pdf_library_quiet

_HTML_RE = re.compile(rb"<!doctype\s+html|<html[\s>]|<body[\s>]|<(?:p|div|h[1-6]|table|ol|ul)[\s>]", re.IGNORECASE)
_DROPPED_TAGS = ("script", "style", "nav", "header", "footer", "head", "noscript", "template", "svg", "button")
_BLOCK_TAGS = (
    "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section", "table", "tbody",
    "thead", "tfoot", "tr", "ul",
)
# Formats people upload by mistake, named so the message can say what to upload instead.
_OTHER_FORMATS = (
    (b"PK\x03\x04", "a Word document or other zipped file"),
    (b"\xd0\xcf\x11\xe0", "an old-style Word or Excel document"),
    (b"\x89PNG", "an image"),
    (b"\xff\xd8\xff", "an image"),
    (b"GIF8", "an image"),
    (b"{\\rtf", "a rich text (RTF) document"),
)
_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_UPLOAD_HINT = "Please upload the report as a PDF, a saved web page (HTML) or a text file."


#: a hostile file must not tie up the server: limits on what is read, and on how long reading may take
MAX_PDF_PAGES = 400
MAX_TEXT_CHARACTERS = 3_000_000
MAX_HTML_DEPTH = 400
DEFAULT_EXTRACT_SECONDS = 20
_TAG = re.compile(rb"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
_VOID = {b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"source",
         b"track", b"wbr", b"p", b"li", b"td", b"th", b"tr", b"option", b"dt", b"dd"}


def extract_text_in_time(data: bytes, filename: str | None = None, seconds: float | None = None) -> str:
    """extract_text in a child process that is stopped after `seconds` (`[importer] extract_seconds`), so that a
    report built to be slow to read is refused instead of holding a web worker."""
    if seconds is None:
        seconds = float(current_app.config.get("IMPORTER_EXTRACT_SECONDS", DEFAULT_EXTRACT_SECONDS)
                        if has_app_context() else DEFAULT_EXTRACT_SECONDS)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_extract_into, args=(sender, data, filename), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise ReportError(f"{_label(filename)} took more than {seconds:g} seconds to read, so it was not "
                              f"imported. {_UPLOAD_HINT}")
        kind, value = receiver.recv()
    except EOFError as error:
        raise ReportError(f"{_label(filename)} could not be read. {_UPLOAD_HINT}") from error
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if kind == "error":
        raise ReportError(value)
    return value


def _extract_into(sender, data: bytes, filename: str | None) -> None:
    try:
        result = ("text", extract_text(data, filename))
    except ReportError as error:
        result = ("error", error.message)
    except Exception:  # noqa: BLE001 (anything a hostile file provokes is a refusal, reported in the parent)
        result = ("error", f"{_label(filename)} could not be read. {_UPLOAD_HINT}")
    sender.send(result)
    sender.close()


def _label(filename: str | None) -> str:
    return f"'{filename}'" if filename else "The file"


def _too_long(text: str, label: str) -> str:
    if len(text) > MAX_TEXT_CHARACTERS:
        raise ReportError(f"{label} holds far more text than an inspection report ({len(text):,} characters), so "
                          f"it was not imported. {_UPLOAD_HINT}")
    return text


def is_pdf(data: bytes) -> bool:
    """Whether the bytes are a PDF (by its header, as readers find it, not by the file's name)."""
    return b"%PDF-" in data[:1024]


def extract_text(data: bytes, filename: str | None = None) -> str:
    """Return the report's text, detecting the format from the content rather than the file name."""
    label = f"'{filename}'" if filename else "The file"
    if not data or not data.strip():
        raise ReportError(f"{label} is empty. {_UPLOAD_HINT}")
    if is_pdf(data):
        return _pdf_text(data, label)
    for magic, kind in _OTHER_FORMATS:
        if data.startswith(magic):
            raise ReportError(f"{label} looks like {kind}, which cannot be read. {_UPLOAD_HINT}")
    if _HTML_RE.search(data[:4096]):
        if _nesting_depth(data) > MAX_HTML_DEPTH:
            raise ReportError(f"{label} is a web page nested far more deeply than a report, so it was not imported. "
                              f"{_UPLOAD_HINT}")
        return _too_long(_html_text(data), label)
    return _too_long(_decode(data, label), label)


def _nesting_depth(data: bytes) -> int:
    """How deeply the page's elements nest, counted from its tags in one pass (the HTML parser's own cost grows
    with the square of the depth, so this is checked first)."""
    depth = deepest = 0
    for closing, name, self_closing in _TAG.findall(data):
        if name.lower() in _VOID or self_closing:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _pdf_text(data: bytes, label: str) -> str:
    # A file the library had to repair may have lost pages: the completeness checks then refuse what is missing.
    with pdf_library_quiet():
        return _read_pdf(data, label)


def _read_pdf(data: bytes, label: str) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReportError(f"{label} is a password-protected PDF. Please upload an unprotected copy.")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise ReportError(f"{label} has {len(reader.pages)} pages; an inspection report has far fewer than "
                              f"{MAX_PDF_PAGES}, so it was not imported. {_UPLOAD_HINT}")
        pages = []
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            if sum(map(len, pages)) > MAX_TEXT_CHARACTERS:
                _too_long("".join(pages), label)
        text = "\n".join(pages)
    except ReportError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        # pypdf raises a variety of exceptions on damaged files; all mean the same to the uploader.
        raise ReportError(f"{label} could not be read as a PDF (it may be damaged). {_UPLOAD_HINT}") from error
    if not text.strip():
        raise ReportError(
            "This PDF has no text layer (it may be a scanned image), so its ratings and recommendations cannot "
            "be read. Please upload the PDF published by HM Inspectorate of Probation, or the report's web page."
        )
    return text


def _html_text(data: bytes) -> str:
    soup = BeautifulSoup(data, "html.parser")
    for tag in soup(_DROPPED_TAGS):
        tag.decompose()
    # Source line breaks inside a paragraph are not line breaks on screen; only block elements are.
    for string in soup.find_all(string=True):
        if type(string) is NavigableString and string.parent and string.parent.name != "pre":
            string.replace_with(re.sub(r"\s+", " ", str(string)))
    _number_list_items(soup)
    # Footnote markers become superscript digits again, so the parser can drop them without guessing.
    for tag in soup.find_all("sup"):
        marker = tag.get_text().strip()
        if marker.isdigit():
            tag.replace_with(marker.translate(_SUPERSCRIPT_DIGITS))
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(["td", "th"]):
        tag.append("\t")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (line.strip(" \t") for line in soup.get_text().split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _number_list_items(soup: BeautifulSoup) -> None:
    """Write out the numbers a browser would show for ordered lists, since recommendations are numbered lists."""
    for ordered in soup.find_all("ol"):
        written = str(ordered.get("start", "1")).strip()
        start = int(written) if re.fullmatch(r"[0-9]{1,6}", written) else 1
        for offset, item in enumerate(ordered.find_all("li", recursive=False)):
            if not re.match(r"\s*\d{1,2}[.)]\s", item.get_text()):
                item.insert(0, f"{start + offset}. ")


def _decode(data: bytes, label: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data:
        raise ReportError(f"{label} is not readable text (it looks like binary data). {_UPLOAD_HINT}")
    else:
        text = _decode_8bit(data, label)
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    if controls > max(2, len(text) // 200) or text.count("\ufffd") > max(2, len(text) // 200):
        raise ReportError(f"{label} is not readable text (it looks like binary data). {_UPLOAD_HINT}")
    return text


def _decode_8bit(data: bytes, label: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Text saved from Word on Windows is often cp1252 ("smart" quotes as single bytes).
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ReportError(f"{label} is not readable text (it looks like binary data). {_UPLOAD_HINT}") from error
