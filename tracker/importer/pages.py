"""What a PDF's pages show about damage: a page missing by its numbering or the contents, a page without text, a
line's space left empty among the recommendations, and where the pages carry no numbers, a recommendation running
over a page break that a lost page would not show.

A line cannot drop out of the middle of a PDF's page while the page still reads: the page is drawn whole or not at
all. So a PDF whose pages are all there, in order, is trusted as printed however its recommendations wrap, and a
PDF is held or refused only for one of these signs. Why and how: docs/importer.md, "How recommendation endings are
judged".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median

from tracker.importer.cleaning import is_furniture, tidy
from tracker.importer.endings import cut_short, is_finished, lost_words
from tracker.importer.extract import PdfLine, PdfPage
from tracker.importer.schema import RecommendationData

_PAGE_OF_RE = re.compile(r"\bpage\s+(\d{1,3})\s*(?:of|/)\s*(\d{1,3})\b", re.IGNORECASE)
_PAGE_RE = re.compile(r"\bpage\s+(\d{1,3})\s*$", re.IGNORECASE)
_OF_RE = re.compile(r"^(\d{1,3})\s*(?:of|/)\s*(\d{1,3})$", re.IGNORECASE)
_BARE_RE = re.compile(r"^[-–]?\s*(\d{1,3})\s*[-–]?$")
_CONTENTS_RE = re.compile(r"^[#*\s]*(?:table of\s+)?contents[*\s]*$", re.IGNORECASE)
_ENTRY_RE = re.compile(r"^(?P<title>.*?[A-Za-z].*?)[\s.…·_]*[\t ](?P<page>\d{1,3})$")
#: a gap between two lines of one recommendation wider than this many times its usual line spacing leaves room for
#: a lost line (one lost leaves twice the spacing)
GAP_SHARE = 1.6
#: a gap after a recommendation wider than the usual gap between recommendations by this share of a line's spacing
#: leaves room for its lost last line
AFTER_SHARE = 0.6


@dataclass
class PageFindings:
    """What the pages say: reasons the file cannot be saved, warnings, and doubts by recommendation number."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    doubts: dict[int, str] = field(default_factory=dict)
    #: False when the recommendations' lines could not all be found on the pages: then only their text is judged
    is_placed: bool = True


@dataclass
class _Numbering:
    """The numbers printed on the pages, by page of the file (None where none was found)."""

    numbers: list[int | None]
    totals: list[int | None]

    @property
    def is_reliable(self) -> bool:
        """Enough pages are numbered, and the numbers never run backwards (a misread number would)."""
        known = [(index, number) for index, number in enumerate(self.numbers) if number is not None]
        if len(known) < 2 or len(known) * 2 < len(self.numbers):
            return False
        return all(nb > na for (_, na), (_, nb) in pairwise(known))

    def last_page(self) -> int:
        """The number the file's last page has, counted on from the last page with a number printed."""
        index, number = next((i, n) for i, n in reversed(list(enumerate(self.numbers))) if n is not None)
        return number + (len(self.numbers) - 1 - index)


def page_numbers(pages: list[PdfPage]) -> _Numbering:
    """The number printed at the head or foot of each page ("Page 4", "4 of 12", "4")."""
    numbers: list[int | None] = []
    totals: list[int | None] = []
    for page in pages:
        edges = sorted((line for line in page.lines if line.text.strip()), key=lambda line: -line.y)
        candidates = edges[-2:][::-1] + edges[:2]
        number = total = None
        for line in candidates:
            text = " ".join(line.text.split())
            # a number alone counts only as the very first or last line of the page, where page numbers sit
            bare = _BARE_RE.match(text) if line in (edges[0], edges[-1]) else None
            if match := _PAGE_OF_RE.search(text) or _OF_RE.match(text):
                number, total = int(match[1]), int(match[2])
                break
            if match := _PAGE_RE.search(text) or bare:
                number = int(match[1])
                break
        numbers.append(number)
        totals.append(total)
    return _Numbering(numbers, totals)


def missing_pages(numbering: _Numbering) -> list[str]:
    """Pages the numbering shows are missing: a jump between pages, a first page numbered past its place, or a
    last page short of the count the pages give ("of 12")."""
    if not numbering.is_reliable:
        return []
    known = [(index, number) for index, number in enumerate(numbering.numbers) if number is not None]
    problems = []
    first_index, first_number = known[0]
    if first_number > first_index + 1:
        problems.append(
            f"{_pages(1, first_number - first_index - 1)} missing from the file: its page {first_index + 1} is "
            f"numbered {first_number}"
        )
    for (index_a, number_a), (index_b, number_b) in pairwise(known):
        lost = (number_b - number_a) - (index_b - index_a)
        if lost > 0:
            problems.append(
                f"{_pages(number_b - lost, number_b - 1)} missing from the file: its pages are numbered "
                f"{number_a} then {number_b}"
            )
    total = max((t for t in numbering.totals if t is not None), default=None)
    expected_last = numbering.last_page()
    if total is not None and expected_last < total:
        problems.append(
            f"{_pages(expected_last + 1, total)} missing from the file: its pages are numbered to {total}, but it "
            f"ends at page {expected_last}"
        )
    return problems


def _pages(first: int, last: int) -> str:
    return f"Page {first} is" if first == last else f"Pages {first} to {last} are"


def contents_entries(lines: list[str]) -> tuple[list[tuple[str, int]], int]:
    """The report's own contents ("Recommendations ........ 5"), and the index of the line after it."""
    start = next((index for index, line in enumerate(lines) if _CONTENTS_RE.match(line)), None)
    if start is None:
        return [], 0
    entries: list[tuple[str, int]] = []
    index = start + 1
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if not line:
            continue
        match = _ENTRY_RE.match(line)
        if not match:
            break
        entries.append((match["title"].strip(" .…·_\t"), int(match["page"])))
    else:
        index = len(lines)
    return entries, index


def missing_sections(lines: list[str], numbering: _Numbering | None = None) -> list[str]:
    """Sections the report's contents lists that the file lacks, or lists on a page past the file's last."""
    entries, after = contents_entries(lines)
    keys = [_key(line) for line in lines[after:]]
    joined = [a + b for a, b in pairwise(keys + [""])]
    problems = []
    last = numbering.last_page() if numbering is not None and numbering.is_reliable else None
    for title, page in entries:
        key = _key(title)
        if not key:
            continue
        if last is not None and page > last:
            problems.append(
                f"The contents lists '{title}' on page {page}, but the file ends at page {last}: its last pages "
                "are missing"
            )
        elif not any(line.startswith(key) for line in joined if line):
            problems.append(f"The contents lists '{title}' (page {page}), but the file has no such section")
    return problems


def _key(text: str) -> str:
    """A heading compared by its letters and digits only, "(Back to top)" and all punctuation aside."""
    return re.sub(r"[^a-z0-9]", "", re.sub(r"\(\s*back to top\s*\)", "", text.lower()))


def pdf_findings(
    pages: list[PdfPage],
    recommendations: list[RecommendationData],
    printed: dict[int, list[str]],
) -> PageFindings:
    """Everything the pages of a PDF say about damage to the report and its recommendations."""
    findings = PageFindings()
    numbering = page_numbers(pages)
    findings.problems += missing_pages(numbering)
    places = _place(pages, recommendations, printed)
    if places is None:
        findings.is_placed = False
        return findings
    by_number = {r.number: r for r in recommendations}
    _empty_pages(pages, places, by_number, findings)
    if not numbering.is_reliable:
        _page_breaks(pages, places, by_number, findings)
    _gaps(pages, places, by_number, findings)
    return findings


def _place(
    pages: list[PdfPage], recommendations: list[RecommendationData], printed: dict[int, list[str]]
) -> dict[int, list[tuple[int, int]]] | None:
    """Where each recommendation's lines are: (page, line) in the file, found in reading order; None when any
    cannot be found (then nothing is said from the layout)."""
    order = [
        (page_index, line_index, tidy(line.text))
        for page_index, page in enumerate(pages)
        for line_index, line in enumerate(page.lines)
    ]
    places: dict[int, list[tuple[int, int]]] = {}
    cursor = 0
    for recommendation in recommendations:
        found = []
        for wanted in printed.get(recommendation.number, []):
            at = next((i for i in range(cursor, len(order)) if order[i][2] == wanted), None)
            if at is None:
                return None
            found.append(order[at][:2])
            cursor = at + 1
        if not found:
            return None
        places[recommendation.number] = found
    return places


def _empty_pages(
    pages: list[PdfPage],
    places: dict[int, list[tuple[int, int]]],
    by_number: dict[int, RecommendationData],
    findings: PageFindings,
) -> None:
    """A page without text among the recommendations may have held words of the one before it; elsewhere it may
    be a picture, so it is only a warning."""
    first_page = min(page for spots in places.values() for page, _ in spots)
    last_page = max(page for spots in places.values() for page, _ in spots)
    for index, page in enumerate(pages):
        if any(line.text.strip() and not _is_furniture(line) for line in page.lines):
            continue
        before = [number for number, spots in places.items() if spots[0][0] < index]
        if first_page < index <= last_page + 1 and before:
            number = max(before)
            findings.doubts.setdefault(
                number,
                lost_words(
                    by_number[number],
                    f"page {index + 1} of the file, after the page it is printed on, has no text, so the rest of "
                    "it may have been lost with that page",
                ),
            )
        else:
            findings.warnings.append(
                f"Page {index + 1} of the file has no text: check that it is a picture or a blank page in the "
                "report, not a page whose text was lost"
            )


def _page_breaks(
    pages: list[PdfPage],
    places: dict[int, list[tuple[int, int]]],
    by_number: dict[int, RecommendationData],
    findings: PageFindings,
) -> None:
    """Where the pages carry no numbers, a lost page would not show: a recommendation running over a page break,
    or ending at the foot of a page without a full stop, may have lost words with a page."""
    numbers = sorted(places)
    for number in numbers:
        spots = places[number]
        recommendation = by_number[number]
        if len({page for page, _ in spots}) > 1:
            findings.doubts.setdefault(
                number,
                lost_words(
                    recommendation,
                    f"it runs from page {spots[0][0] + 1} onto page {spots[-1][0] + 1}, and the file's pages "
                    "carry no numbers to show that none is missing between them",
                ),
            )
            continue
        page, line = spots[-1]
        if line == _last_text_line(pages[page]) and not is_finished(recommendation.text) and number != numbers[-1]:
            findings.doubts.setdefault(
                number,
                cut_short(
                    recommendation,
                    f"it ends at the foot of page {page + 1} without a full stop, and the file's pages carry no "
                    "numbers to show that none is missing after it",
                ),
            )


def _last_text_line(page: PdfPage) -> int:
    shown = [index for index, line in enumerate(page.lines) if line.text.strip() and not _is_furniture(line)]
    return max(shown, default=-1)


def _is_furniture(line: PdfLine) -> bool:
    """A running header or footer, or a page number: not part of what the page says."""
    return is_furniture(tidy(line.text))


def _gaps(
    pages: list[PdfPage],
    places: dict[int, list[tuple[int, int]]],
    by_number: dict[int, RecommendationData],
    findings: PageFindings,
) -> None:
    """A line's space left empty: between two lines of a recommendation, or after one, more space than the list's
    own spacing allows. What follows a recommendation is compared with what follows the others: the next
    recommendation, or a heading."""
    within, after = _spacings(pages, places)
    # a line's spacing: between the lines of a recommendation, or else the least between two recommendations
    if len(within) >= 2:
        step = median(gap for gap, _, _ in within)
    elif after["recommendation"]:
        step = min(gap for gap, _, _ in after["recommendation"])
    else:
        return
    if step <= 0:
        return
    for gap, number, page in within:
        if gap > step * GAP_SHARE:
            findings.doubts.setdefault(
                number,
                lost_words(
                    by_number[number],
                    f"on page {page + 1} of the file a line's space is empty between two of its lines, so a line "
                    "of it may have been lost there",
                ),
            )
    for kind in after.values():
        usual = min((gap for gap, _, _ in kind), default=0.0)
        for gap, number, page in kind if len(kind) >= 2 else []:
            if gap > usual + step * AFTER_SHARE:
                findings.doubts.setdefault(
                    number,
                    cut_short(
                        by_number[number],
                        f"on page {page + 1} of the file more space follows it than follows the other "
                        "recommendations, so its last line may have been lost",
                    ),
                )


_Gap = tuple[float, int, int]


def _spacings(
    pages: list[PdfPage], places: dict[int, list[tuple[int, int]]]
) -> tuple[list[_Gap], dict[str, list[_Gap]]]:
    """The gaps (drop, recommendation, page) between lines of one recommendation next to each other on a page, and
    after each recommendation's last line, by what follows it: the next recommendation, or a heading."""
    # lines next to each other on a page, with nothing but blank lines and page furniture between them
    following: dict[tuple[int, int], int] = {}
    for page_index, page in enumerate(pages):
        shown = [index for index, line in enumerate(page.lines) if line.text.strip() and not _is_furniture(line)]
        following.update({(page_index, a): b for a, b in pairwise(shown)})
    starts = {spots[0] for spots in places.values()}
    within: list[_Gap] = []
    after: dict[str, list[_Gap]] = {"recommendation": [], "heading": []}
    for number, spots in places.items():
        for (page_a, line_a), (page_b, line_b) in pairwise(spots):
            if page_a == page_b and following.get((page_a, line_a)) == line_b:
                within.append((_drop(pages[page_a], line_a, line_b), number, page_a))
        last_page, last_line = spots[-1]
        next_line = following.get((last_page, last_line))
        if next_line is None:
            continue
        gap = _drop(pages[last_page], last_line, next_line)
        if (last_page, next_line) in starts:
            after["recommendation"].append((gap, number, last_page))
        elif tidy(pages[last_page].lines[next_line].text).endswith("should:"):
            after["heading"].append((gap, number, last_page))
    return within, after


def _drop(page: PdfPage, first: int, second: int) -> float:
    return page.lines[first].y - page.lines[second].y
