"""Gets plain text out of an uploaded report, whether it is a PDF, a saved web page or a text file."""

from __future__ import annotations

import io
import re

from bs4 import BeautifulSoup, NavigableString
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from tracker.importer.errors import ReportError

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


def extract_text(data: bytes, filename: str | None = None) -> str:
    """Return the report's text, detecting the format from the content rather than the file name."""
    label = f"'{filename}'" if filename else "The file"
    if not data or not data.strip():
        raise ReportError(f"{label} is empty. {_UPLOAD_HINT}")
    if b"%PDF-" in data[:1024]:
        return _pdf_text(data, label)
    for magic, kind in _OTHER_FORMATS:
        if data.startswith(magic):
            raise ReportError(f"{label} looks like {kind}, which cannot be read. {_UPLOAD_HINT}")
    if _HTML_RE.search(data[:4096]):
        return _html_text(data)
    return _decode(data, label)


def _pdf_text(data: bytes, label: str) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReportError(f"{label} is a password-protected PDF. Please upload an unprotected copy.")
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
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
        start = int(ordered.get("start", 1)) if str(ordered.get("start", "1")).isdigit() else 1
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
