"""Damaged copies of the corpus's complete reports, made as the damage happens: a file cut short, a page lost, a
line lost, two recommendations run together, a number printed wrong.

Text and web pages are damaged in their own words or markup. A PDF is damaged in the file itself, with pypdf: its
pages dropped, or the drawing of a line or a list number taken out of a page's content (the page still reads, as a
page whose text layer lost a line does). The PDFs written by tracker.demo.pdf draw each line with its number in one
piece, so for those a number is changed in the text they are made from instead."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream

from tests.importer import make_pdf
from tracker.importer.cleaning import is_furniture, tidy
from tracker.importer.extract import read_source

CORPUS = Path(__file__).parent / "corpus"
NAMES = sorted(path.name.removesuffix(".expected.json") for path in CORPUS.glob("*.expected.json"))
_SHOW = (b"Tj", b"TJ", b"'", b'"')


@dataclass
class Report:
    """A complete report of the corpus: its file, and what reading it must give."""

    name: str
    filename: str
    data: bytes
    expected: dict
    #: the text a tracker.demo.pdf PDF is made from, so it can be made again with a change
    pdf_text: str | None = None

    @property
    def kind(self) -> str:
        return "pdf" if self.filename.endswith(".pdf") else "html" if self.filename.endswith(".html") else "text"

    @property
    def texts(self) -> list[str]:
        return [r["text"] for r in self.expected["recommendations"]]


@dataclass
class Variant:
    report: Report
    #: "cut mid-list", "missing page", "lost line", "merged items" or "renumbered items"
    damage: str
    #: which one, for reading a failure
    detail: str
    data: bytes


def load(name: str) -> Report:
    expected = json.loads((CORPUS / f"{name}.expected.json").read_text(encoding="utf-8"))
    if (CORPUS / f"{name}.pdf.txt").exists():
        text = (CORPUS / f"{name}.pdf.txt").read_text(encoding="utf-8")
        return Report(name, f"{name}.pdf", make_pdf.text_pdf(text), expected, pdf_text=text)
    for suffix in (".pdf", ".html", ".txt"):
        if (CORPUS / f"{name}{suffix}").exists():
            return Report(name, f"{name}{suffix}", (CORPUS / f"{name}{suffix}").read_bytes(), expected)
    raise FileNotFoundError(name)


def variants(report: Report) -> list[Variant]:
    """Every damaged copy of the report: each kind of damage that its kind of file can suffer."""
    makers = {
        "text": (_cut_words, _lost_text_lines, _merged_text, _renumbered_text),
        "html": (_cut_words, _merged_html, _renumbered_html),
        "pdf": (_cut_pdf, _missing_pages, _lost_pdf_lines, _merged_pdf, _renumbered_pdf),
    }[report.kind]
    return [variant for make in makers for variant in make(report)]


# --- text and web pages -----------------------------------------------------------------------------------------


def _middle(report: Report) -> str:
    return report.texts[(len(report.texts) - 1) // 2]


def _cut_words(report: Report) -> list[Variant]:
    """The file ends halfway through the words of its middle recommendation, as a download cut short does."""
    words = _middle(report).split()
    source = report.data.decode("utf-8")
    # the first words as they appear in the file (a web page may put markup between later ones)
    start = source.index(" ".join(words[:3]))
    at = source.index(words[len(words) // 2], start)
    return [Variant(report, "cut mid-list", f"after '{' '.join(words[: len(words) // 2])}'", source[:at].encode())]


def _recommendation_lines(source: str) -> range:
    """The lines from the first heading saying who should act to the last recommendation."""
    lines = source.split("\n")
    first = next(i for i, line in enumerate(lines) if line.rstrip(" *").endswith("should:"))
    end = next(i for i in range(first, len(lines)) if re.match(r"^[#\s]*Background\b", lines[i]))
    last = max(i for i in range(first, end) if lines[i].strip())
    return range(first, last + 1)


def _after_headings(source: str) -> int:
    return source.index("should:")


def _lost_text_lines(report: Report) -> list[Variant]:
    """Each line carrying a recommendation or a heading saying who should act, lost in turn."""
    source = report.data.decode("utf-8")
    lines = source.split("\n")
    return [
        Variant(report, "lost line", lines[index][:60], "\n".join(lines[:index] + lines[index + 1 :]).encode())
        for index in _recommendation_lines(source)
        if lines[index].strip()
    ]


def _merged_text(report: Report) -> list[Variant]:
    """Recommendations 1 and 2 run together: the number of 2 lost, its words carrying on 1's."""
    source = report.data.decode("utf-8")
    at = _after_headings(source)
    merged = source[:at] + re.sub(r"\n2[.)]( |\n)", "\n", source[at:], count=1)
    assert merged != source
    return [Variant(report, "merged items", "1 and 2", merged.encode())]


def _renumbered_text(report: Report) -> list[Variant]:
    """Recommendation 2 printed with the number 3."""
    source = report.data.decode("utf-8")
    at = _after_headings(source)
    changed = source[:at] + re.sub(r"\n2([.)])", r"\n3\1", source[at:], count=1)
    assert changed != source
    return [Variant(report, "renumbered items", "2 printed as 3", changed.encode())]


def _merged_html(report: Report) -> list[Variant]:
    source = report.data.decode("utf-8")
    if "<ol" in source[source.index('id="recommendations"') :]:
        first = source.index("<li>", source.index("<ol", source.index('id="recommendations"')))
        closing = source.index("</li>", first)
        following = source.index("<li>", closing)
        merged = source[:closing] + " " + source[following + len("<li>") :]
    else:
        merged = source.replace("<strong>2.</strong> ", "", 1)
    assert merged != source
    return [Variant(report, "merged items", "1 and 2", merged.encode())]


def _renumbered_html(report: Report) -> list[Variant]:
    source = report.data.decode("utf-8")
    if "<ol" in source[source.index('id="recommendations"') :]:
        first = source.index("<li>", source.index("<ol", source.index('id="recommendations"')))
        second = source.index("<li>", first + 1)
        changed = source[:second] + '<li value="3">' + source[second + len("<li>") :]
    else:
        changed = source.replace("<strong>2.</strong>", "<strong>3.</strong>", 1)
    assert changed != source
    return [Variant(report, "renumbered items", "2 printed as 3", changed.encode())]


# --- PDFs -------------------------------------------------------------------------------------------------------


def _write(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _page_of(report: Report, text: str) -> int:
    words = " ".join(text.split()[:4])
    reader = PdfReader(io.BytesIO(report.data))
    return next(i for i, page in enumerate(reader.pages) if words in " ".join((page.extract_text() or "").split()))


def _cut_pdf(report: Report) -> list[Variant]:
    """The file ends on the page its middle recommendation starts on (the pages after it lost), and the file cut
    at half its bytes."""
    keep = _page_of(report, _middle(report))
    writer = PdfWriter(clone_from=io.BytesIO(report.data))
    for index in range(len(writer.pages) - 1, keep, -1):
        writer.remove_page(index)
    half = report.data[: len(report.data) // 2]
    return [
        Variant(report, "cut mid-list", f"pages after page {keep + 1} lost", _write(writer)),
        Variant(report, "cut mid-list", "file cut at half its bytes", half),
    ]


def _missing_pages(report: Report) -> list[Variant]:
    """Each page lost in turn."""
    count = len(PdfReader(io.BytesIO(report.data)).pages)
    found = []
    for index in range(count):
        writer = PdfWriter(clone_from=io.BytesIO(report.data))
        writer.remove_page(index)
        found.append(Variant(report, "missing page", f"page {index + 1}", _write(writer)))
    return found


def _positions(page) -> list[tuple[bytes, float, float]]:
    """Each content operation of the page with where it draws: (operator, x, y)."""
    seen: list[tuple[bytes, float, float]] = []

    def visit(operator, operands, cm, tm):
        seen.append((operator, cm[0] * tm[4] + cm[2] * tm[5] + cm[4], cm[1] * tm[4] + cm[3] * tm[5] + cm[5]))

    page.extract_text(visitor_operand_before=visit)
    return seen


@cache
def _page_content(data: bytes, index: int) -> tuple[list, list[tuple[bytes, float, float]]]:
    """A page's content operations, and where each draws."""
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[index]
    positions = _positions(page)
    operations = ContentStream(page["/Contents"].get_object(), reader, "bytes").operations
    assert len(operations) == len(positions), "the page's operations could not be followed"
    return operations, positions


@cache
def _reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def _edit_page(data: bytes, index: int, change) -> bytes:
    """The PDF with one page's content operations changed by `change(operations, positions)`."""
    operations, positions = _page_content(data, index)
    writer = PdfWriter(clone_from=_reader(data))
    content = ContentStream(None, writer)
    content.operations = change(list(operations), positions)
    writer.pages[index].replace_contents(content)
    return _write(writer)


def _list_lines(report: Report) -> list[tuple[int, float, str]]:
    """(page, height, text) of each line of the recommendations, from the first heading to the end of the last."""
    pages = read_source(report.data).pages
    ending = " ".join(report.texts[-1].split()[-3:])
    lines = []
    started = False
    for index, page in enumerate(pages):
        for line in page.lines:
            text = tidy(line.text)
            if not text or is_furniture(text):
                continue
            started = started or text.endswith("should:")
            if started:
                lines.append((index, line.y, text))
            if started and " ".join(text for _, _, text in lines[-3:]).endswith(ending):
                return lines
    raise AssertionError("the recommendations were not found")


def _lost_pdf_lines(report: Report) -> list[Variant]:
    """Each line of the list with another of it below on its page, taken out of the page: it reads, one line short.
    (A line lost from the foot of a page leaves no space to show it: a PDF's pages do not lose lines that way.)"""
    lines = _list_lines(report)
    found = []
    for (page, y, text), (next_page, _, _) in zip(lines, lines[1:], strict=False):
        if page != next_page:
            continue

        def without(operations, positions, y=y):
            return [
                operation
                for operation, (operator, _, at) in zip(operations, positions, strict=True)
                if not (operator in _SHOW and abs(at - y) < 1.5)
            ]

        found.append(Variant(report, "lost line", text[:60], _edit_page(report.data, page, without)))
    return found


def _marker(report: Report, number: int) -> tuple[int, float, float, float]:
    """Where recommendation `number`'s list number is drawn: (page, height, from x, to x before its words)."""
    text = report.texts[number - 1]
    first = text.split()[0]
    pages = read_source(report.data).pages
    for index, page in enumerate(pages):
        for line in page.lines:
            if tidy(line.text).startswith(f"{number}. {first}") or tidy(line.text).startswith(f"{number}.\t{first}"):
                words = _word_start(PdfReader(io.BytesIO(report.data)).pages[index], line.y, first)
                return index, line.y, line.x - 1, words - 0.5
    raise AssertionError(f"recommendation {number} was not found")


def _word_start(page, y: float, word: str) -> float:
    starts = []

    def visit(text, cm, tm, font, size):
        at_y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        if abs(at_y - y) < 1.5 and text.strip().startswith(word):
            starts.append(cm[0] * tm[4] + cm[2] * tm[5] + cm[4])

    page.extract_text(visitor_text=visit)
    return min(starts)


def _marker_operations(positions, page_y: float, left: float, right: float) -> list[int]:
    return [
        index
        for index, (operator, x, y) in enumerate(positions)
        if operator in _SHOW and abs(y - page_y) < 1.5 and left <= x < right
    ]


def _merged_pdf(report: Report) -> list[Variant]:
    """Recommendations 1 and 2 run together: the list number of 2 taken out of its page."""
    if report.pdf_text is not None:
        changed = re.sub(r"\n2\. ", "\n", report.pdf_text, count=1)
        return [Variant(report, "merged items", "1 and 2", make_pdf.text_pdf(changed))]
    page, y, left, right = _marker(report, 2)

    def without(operations, positions):
        gone = set(_marker_operations(positions, y, left, right))
        assert gone, "the list number was not found on the page"
        return [operation for index, operation in enumerate(operations) if index not in gone]

    return [Variant(report, "merged items", "1 and 2", _edit_page(report.data, page, without))]


def _renumbered_pdf(report: Report) -> list[Variant]:
    """Recommendation 2 printed with the number 3: the drawing of 3's number copied onto 2's."""
    if report.pdf_text is not None:
        changed = re.sub(r"\n2\. ", "\n3. ", report.pdf_text, count=1)
        return [Variant(report, "renumbered items", "2 printed as 3", make_pdf.text_pdf(changed))]
    page_2, y_2, left_2, right_2 = _marker(report, 2)
    page_3, y_3, left_3, right_3 = _marker(report, 3)
    assert page_2 == page_3, "recommendations 2 and 3 are on different pages"

    def renumber(operations, positions):
        twos = _marker_operations(positions, y_2, left_2, right_2)
        threes = _marker_operations(positions, y_3, left_3, right_3)
        assert twos and len(twos) == len(threes), "the list numbers are drawn differently"
        changed = list(operations)
        for two, three in zip(twos, threes, strict=True):
            changed[two] = (operations[three][0], operations[two][1])
        return changed

    return [Variant(report, "renumbered items", "2 printed as 3", _edit_page(report.data, page_2, renumber))]
