"""Gets plain text out of an uploaded report, whether it is a PDF, a saved web page or a text file, and for a PDF
where each line sits on its page (see tracker.importer.pages)."""

from __future__ import annotations

import io
import multiprocessing
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from bs4 import BeautifulSoup, NavigableString
from flask import current_app, has_app_context
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from tracker.importer.errors import ReportError
from tracker.pdfs import pdf_library_quiet

_HTML_RE = re.compile(rb"<!doctype\s+html|<html[\s>]|<body[\s>]|<(?:p|div|h[1-6]|table|ol|ul)[\s>]", re.IGNORECASE)
_DROPPED_TAGS = ("script", "style", "nav", "header", "footer", "head", "noscript", "template", "svg", "button")
_BLOCK_TAGS = (
    "address",
    "article",
    "aside",
    "blockquote",
    "caption",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "ul",
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
#: drawing instructions (content-stream operators) a PDF may hold, on one page and in all; reading text costs
#: time for each, more than in proportion on a crowded page, and a report's pages hold a few thousand at most
MAX_PDF_PAGE_OPERATORS = 20_000
MAX_PDF_OPERATORS = 200_000
MAX_PDF_CONTENT_BYTES = 64 * 1024 * 1024
DEFAULT_EXTRACT_SECONDS = 20
BUSY_MESSAGE = "An import is already being read. Try again in a moment."
# Only one report is read at a time in each process, so uploads cannot take every worker and CPU at once.
_READING = threading.Lock()
# Comments, the raw text of scripts and styles, and tags, as Python's HTML parser (BeautifulSoup's
# "html.parser") tells them apart.
_MARKUP = re.compile(
    rb"<!--.*?(?:-->|\Z)|<(script|style)\b[^>]*>.*?(?:</\1\s*>|\Z)|<(/?)([a-zA-Z][^\s/>]*)[^>]*?(/?)>",
    re.IGNORECASE | re.DOTALL,
)
# The elements BeautifulSoup's HTML builders treat as empty: everything else nests until it is closed.
_VOID = {
    b"area",
    b"base",
    b"basefont",
    b"bgsound",
    b"br",
    b"col",
    b"command",
    b"embed",
    b"frame",
    b"hr",
    b"image",
    b"img",
    b"input",
    b"isindex",
    b"keygen",
    b"link",
    b"menuitem",
    b"meta",
    b"nextid",
    b"param",
    b"source",
    b"spacer",
    b"track",
    b"wbr",
}
# PDF content streams: each string shown and each operator is one instruction for the reader to work through.
_PDF_INSTRUCTION = re.compile(
    rb"\([^()\\]*+(?:\\.[^()\\]*+)*+\)|<[0-9A-Fa-f\s]*+>|(?<![A-Za-z0-9/#.*'\"_-])[A-Za-z'\"][A-Za-z0-9*'\"]*+",
    re.DOTALL,
)


@dataclass
class PdfLine:
    """One line of a PDF page as its text layer draws it: the words, and where the line sits on the page."""

    text: str
    #: the baseline's height above the foot of the page, in points
    y: float
    #: where the line starts from the left of the page, in points
    x: float


@dataclass
class PdfPage:
    """A page of a PDF: its lines from top to bottom as read, with their positions."""

    lines: list[PdfLine] = field(default_factory=list)


@dataclass
class Source:
    """What a file gave: its text, its kind, and for a PDF the layout of each page (see tracker.importer.pages)."""

    text: str
    kind: Literal["pdf", "html", "text"] = "text"
    pages: list[PdfPage] = field(default_factory=list)


def extract_text_in_time(data: bytes, filename: str | None = None, seconds: float | None = None) -> str:
    """extract_text in a child process that is stopped after `seconds` (`[importer] extract_seconds`), so that a
    report built to be slow to read is refused instead of holding a web worker."""
    return read_source_in_time(data, filename, seconds).text


def read_source_in_time(data: bytes, filename: str | None = None, seconds: float | None = None) -> Source:
    """read_source within the time allowed, one report at a time in each process (see extract_text_in_time)."""
    if not _READING.acquire(blocking=False):
        raise ReportError(BUSY_MESSAGE)
    try:
        return _extract_in_child(data, filename, seconds)
    finally:
        _READING.release()


def _extract_in_child(data: bytes, filename: str | None, seconds: float | None) -> Source:
    if seconds is None:
        seconds = float(
            current_app.config.get("IMPORTER_EXTRACT_SECONDS", DEFAULT_EXTRACT_SECONDS)
            if has_app_context()
            else DEFAULT_EXTRACT_SECONDS
        )
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_extract_into, args=(sender, data, filename), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise ReportError(
                f"{_label(filename)} took more than {seconds:g} seconds to read, so it was not imported. {_UPLOAD_HINT}"
            )
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
        result: tuple[str, Source | str] = ("source", read_source(data, filename))
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
        raise ReportError(
            f"{label} holds far more text than an inspection report ({len(text):,} characters), so "
            f"it was not imported. {_UPLOAD_HINT}"
        )
    return text


def is_pdf(data: bytes) -> bool:
    """Whether the bytes are a PDF (by its header, as readers find it, not by the file's name)."""
    return b"%PDF-" in data[:1024]


def extract_text(data: bytes, filename: str | None = None) -> str:
    """Return the report's text, detecting the format from the content rather than the file name."""
    return read_source(data, filename).text


def read_source(data: bytes, filename: str | None = None) -> Source:
    """The report's text and what kind of file gave it (with a PDF's page layout), detected from the content
    rather than the file name."""
    label = f"'{filename}'" if filename else "The file"
    if not data or not data.strip():
        raise ReportError(f"{label} is empty. {_UPLOAD_HINT}")
    if is_pdf(data):
        return _pdf_source(data, label)
    for magic, kind in _OTHER_FORMATS:
        if data.startswith(magic):
            raise ReportError(f"{label} looks like {kind}, which cannot be read. {_UPLOAD_HINT}")
    if _HTML_RE.search(data[:4096]):
        if _nesting_depth(data) > MAX_HTML_DEPTH:
            raise ReportError(
                f"{label} is a web page nested far more deeply than a report, so it was not imported. {_UPLOAD_HINT}"
            )
        return Source(_too_long(_html_text(data), label), "html")
    return Source(_too_long(_decode(data, label), label), "text")


def _nesting_depth(data: bytes) -> int:
    """How deeply the page's elements nest, counted from its tags in one pass as the HTML parser nests them (its
    own cost grows with the square of the depth, so this is checked first). Nothing closes itself: `<p>x<p>y`
    puts one paragraph inside the other; a closing tag closes the latest open element of its name and all opened
    after it, and one with nothing of its name open is ignored."""
    stack: list[bytes] = []
    open_count: dict[bytes, int] = {}
    deepest = 0
    for match in _MARKUP.finditer(data):
        raw, closing, self_closing = match.group(3), match.group(2), match.group(4)
        if raw is None:
            # a comment or a whole script or style: one element deeper at most, and nothing inside counts
            deepest = max(deepest, len(stack) + 1)
            continue
        name = raw.lower()
        if closing:
            if open_count.get(name):
                while True:
                    popped = stack.pop()
                    open_count[popped] -= 1
                    if popped == name:
                        break
        elif name not in _VOID and not self_closing:
            stack.append(name)
            open_count[name] = open_count.get(name, 0) + 1
            deepest = max(deepest, len(stack))
    return deepest


def _pdf_source(data: bytes, label: str) -> Source:
    # A file the library had to repair may have lost pages: the completeness and page checks then show it.
    with pdf_library_quiet():
        return _read_pdf(data, label)


def _read_pdf(data: bytes, label: str) -> Source:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReportError(f"{label} is a password-protected PDF. Please upload an unprotected copy.")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise ReportError(
                f"{label} has {len(reader.pages)} pages; an inspection report has far fewer than "
                f"{MAX_PDF_PAGES}, so it was not imported. {_UPLOAD_HINT}"
            )
        _check_drawing_budget(reader, label)
        pages: list[str] = []
        layouts: list[PdfPage] = []
        for page in reader.pages:
            text_of_page, layout = _page_text(page)
            pages.append(text_of_page)
            layouts.append(layout)
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
    return Source(text, "pdf", layouts)


def _page_text(page) -> tuple[str, PdfPage]:
    """The page's text as the PDF library reads it, and each of its lines with where the line sits: the pieces of
    text the library puts together, each with the position it is drawn at."""
    pieces: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size) -> None:
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        pieces.append((text, x, y))

    text = page.extract_text(visitor_text=visit) or ""
    layout = PdfPage()
    current: list[tuple[str, float, float]] = []
    for piece, x, y in pieces + [("\n", 0.0, 0.0)]:
        parts = piece.split("\n")
        for index, part in enumerate(parts):
            if part:
                current.append((part, x, y))
            if index < len(parts) - 1:
                layout.lines.append(_pdf_line(current))
                current = []
    if "".join(piece for piece, _, _ in pieces) != text:
        # the pieces do not add up to the text read, so where its lines sit is not known
        layout.lines = []
    return text, layout


def _pdf_line(pieces: list[tuple[str, float, float]]) -> PdfLine:
    """A line from its pieces: at the height most of its letters are drawn at (a footnote marker is raised), from
    where its first words start."""
    words = [(text, x, y) for text, x, y in pieces if text.strip()]
    if not words:
        return PdfLine("".join(text for text, _, _ in pieces), 0.0, 0.0)
    heights: Counter[float] = Counter()
    for text, _, y in words:
        heights[round(y, 1)] += len(text.strip())
    return PdfLine("".join(text for text, _, _ in pieces), heights.most_common(1)[0][0], min(x for _, x, _ in words))


def _check_drawing_budget(reader: PdfReader, label: str) -> None:
    """Refuse a PDF whose pages hold more drawing instructions than a report's, counted from the content streams
    before any text is read (a stream shared by many pages is decoded and counted once)."""
    counted: dict[tuple[int, int], tuple[int, int]] = {}
    budget = {"bytes": 0}
    total = 0
    for number, page in enumerate(reader.pages, start=1):
        operators, calls = _stream_cost(page.get("/Contents"), counted, budget, label)
        forms = _forms_of(page)
        if calls and forms:
            # each use of a drawn form (an XObject) reads its instructions again
            operators += calls * max(_stream_cost(form, counted, budget, label)[0] for form in forms)
        if operators > MAX_PDF_PAGE_OPERATORS:
            raise ReportError(
                f"{label} has far more drawing instructions on page {number} than an inspection "
                f"report has on any page, so it was not imported. {_UPLOAD_HINT}"
            )
        total += operators
        if total > MAX_PDF_OPERATORS:
            raise ReportError(
                f"{label} has far more drawing instructions (over {MAX_PDF_OPERATORS:,}) than an "
                f"inspection report, so it was not imported. {_UPLOAD_HINT}"
            )


def _forms_of(page) -> list:
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else {}
    xobjects = resources.get("/XObject") if hasattr(resources, "get") else None
    if xobjects is None:
        return []
    xobjects = xobjects.get_object()
    forms = []
    for reference in list(xobjects.values())[:1000]:
        xobject = reference.get_object()
        if hasattr(xobject, "get") and xobject.get("/Subtype") == "/Form":
            forms.append(reference)
    return forms


def _stream_cost(contents, counted: dict, budget: dict, label: str, nested: bool = False) -> tuple[int, int]:
    """(operators, uses of forms) in a page's or form's content, one stream or an array of them."""
    if contents is None:
        return 0, 0
    key = (contents.idnum, contents.generation) if hasattr(contents, "idnum") else None
    if key in counted:
        return counted[key]
    resolved = contents.get_object()
    if isinstance(resolved, list) and not nested:
        parts = [_stream_cost(part, counted, budget, label, nested=True) for part in resolved[:10_000]]
        cost = (sum(part[0] for part in parts), sum(part[1] for part in parts))
    elif hasattr(resolved, "get_data"):
        data = resolved.get_data()
        budget["bytes"] += len(data)
        if budget["bytes"] > MAX_PDF_CONTENT_BYTES:
            raise ReportError(
                f"{label} holds far more drawing instructions than an inspection report, so it was "
                f"not imported. {_UPLOAD_HINT}"
            )
        cost = _count_instructions(data)
    else:
        cost = (0, 0)
    if key is not None:
        counted[key] = cost
    return cost


def _count_instructions(data: bytes) -> tuple[int, int]:
    """(instructions, uses of forms) in one decoded content stream, counting no further than a page may hold."""
    instructions = calls = 0
    for match in _PDF_INSTRUCTION.finditer(data):
        instructions += 1
        if match.group() == b"Do":
            calls += 1
        if instructions > MAX_PDF_PAGE_OPERATORS:
            break
    return instructions, calls


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
    _flatten_list_items(soup)
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(["td", "th"]):
        tag.append("\t")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (line.strip(" \t") for line in soup.get_text().split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _flatten_list_items(soup: BeautifulSoup) -> None:
    """Make each item of an ordered list one line, whatever it holds (paragraphs, line breaks, spans, nested
    markup): on the page an item is one recommendation, however its words are marked up."""
    for item in soup.find_all("li"):
        if item.find_parent("li") is not None or item.find_parent("ol") is None:
            continue
        for tag in item.find_all(["br", *_BLOCK_TAGS]):
            tag.insert_before(" ")
            tag.insert_after(" ")
        words = " ".join(item.get_text().split())
        item.clear()
        item.append(words)


def _number_list_items(soup: BeautifulSoup) -> None:
    """Write out the numbers a browser would show for ordered lists, since recommendations are numbered lists."""
    for ordered in soup.find_all("ol"):
        number = _whole_number(ordered.get("start"), 1)
        for item in ordered.find_all("li", recursive=False):
            # an item's own value renumbers it and those after it, as a browser shows them
            number = _whole_number(item.get("value"), number)
            if not re.match(r"\s*\d{1,2}[.)]\s", item.get_text()):
                item.insert(0, f"{number}. ")
            number += 1


def _whole_number(written, default: int) -> int:
    text = str(written if written is not None else "").strip()
    return int(text) if re.fullmatch(r"[0-9]{1,6}", text) else default


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
