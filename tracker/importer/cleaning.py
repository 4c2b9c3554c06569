"""Text clean-up and small value readers (ratings, dates, percentages) shared by the report parser."""

from __future__ import annotations

import re
from datetime import date

RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate", "Not applicable")
RATING_POINTS = {"Outstanding": 3, "Good": 2, "Requires improvement": 1, "Inadequate": 0}
RATING_PATTERN = r"outstanding|good|requires\s+improvement|inadequate|not\s+applicable"
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
QUOTES = "'\"‘’“”`´"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH_PATTERN = "|".join(MONTHS)
PERCENT_PATTERN = r"(\d{1,3})\s*(?:%|per\s*cent\b|percent\b)"

_RATING_BY_KEY = {rating.lower(): rating for rating in RATINGS}
_RATING_ONLY_RE = re.compile(rf"^[\s*_{QUOTES}]*({RATING_PATTERN})[\s*_.{QUOTES}{SUPERSCRIPTS}]*$", re.IGNORECASE)
# A rating printed at the end of a description line ("... person on probation. **Inadequate**") or in a table cell.
_RATING_TAIL_RE = re.compile(
    rf"(?:[.:]\s+|\t|\*\*\s*|\s{{2,}})[*_{QUOTES}]*({RATING_PATTERN})[\s*_.{QUOTES}{SUPERSCRIPTS}]*$", re.IGNORECASE
)
_SPACE_TRANSLATION = str.maketrans(
    {
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": None,
        "\u00ad": None,
        "\ufeff": None,
        # ligatures a PDF's font draws as one letter ("oﬀending"), read back as the letters they join
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
    }
)
# Page furniture that PDF and print exports interleave with the text: running headers, footers and page numbers.
_FURNITURE_RES = (
    re.compile(r"^[-–]?\s*\d{1,3}\s*[-–]?$"),
    re.compile(r"^(?:.{0,120}\S\s+)?page\s+\d{1,3}(?:\s+of\s+\d{1,3})?$", re.IGNORECASE),
    re.compile(r"^inspection of probation services\b", re.IGNORECASE),
    re.compile(r"^.{1,80}\(continued\)$", re.IGNORECASE),
    re.compile(r"^(?:hm inspectorate of probation|official(?:[- ]sensitive)?|\(?back to top\)?)$", re.IGNORECASE),
)
_FOOTNOTE_RE = re.compile(rf"^(?:[{SUPERSCRIPTS}]+\s*\S|\d{{1,2}}\s+(?!(?:{MONTH_PATTERN})\b)[A-Z])")
_SUPERSCRIPT_RE = re.compile(f"[{SUPERSCRIPTS}]+")
# Footnote numbers that lost their superscript in a PDF: "all staff2" or "in place.3".
_GLUED_NUMBER_RE = re.compile(r"(?<=[a-z]{2})\d{1,2}(?=[\s,;:.)]|$)|(?<=[.;)])\d{1,2}$")


def clean_lines(text: str) -> list[str]:
    """Split text into tidy lines, dropping page furniture so that wrapped sentences join up again."""
    text = text.translate(_SPACE_TRANSLATION).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    lines = (_tidy(line) for line in text.split("\n"))
    return [line for line in lines if not is_furniture(line)]


def tidy(line: str) -> str:
    """One line as clean_lines gives it (odd spaces, tabs and Markdown table rows tidied), to match lines read
    from elsewhere, such as a PDF's layout, with the lines the parser read."""
    return _tidy(line.translate(_SPACE_TRANSLATION))


def _tidy(line: str) -> str:
    line = _markdown_row(line.strip())
    line = re.sub(r" *\t[\t ]*", "\t", line)
    return re.sub(r" {2,}", " ", line).strip()


def _markdown_row(line: str) -> str:
    """Turn a Markdown table row into tab-separated cells, as tables arrive from other exports."""
    if len(line) < 2 or not (line.startswith("|") and line.endswith("|")):
        return line
    cells = [cell.strip() for cell in line[1:-1].split("|")]
    if all(re.fullmatch(r":?-{3,}:?", cell) for cell in cells):
        return ""
    return "\t".join(cells)


def is_furniture(line: str) -> bool:
    """Whether a line is a running header, footer or page number rather than report content."""
    return bool(line) and any(pattern.match(line) for pattern in _FURNITURE_RES)


def is_footnote(line: str) -> bool:
    """Whether a line starts a footnote ("¹ Progress against ..." or, from a PDF, "1 Progress against ...")."""
    return bool(_FOOTNOTE_RE.match(line))


def strip_superscripts(text: str) -> str:
    return _SUPERSCRIPT_RE.sub("", text)


def strip_markers(text: str) -> str:
    """Remove footnote markers, whether superscript or plain digits glued to a word."""
    return _GLUED_NUMBER_RE.sub("", strip_superscripts(text))


def squash(text: str) -> str:
    """Collapse runs of whitespace to single spaces."""
    return " ".join(text.split())


def canonical_rating(word: str) -> str | None:
    return _RATING_BY_KEY.get(" ".join(word.lower().split()))


def rating_only(line: str) -> str | None:
    """The rating when a line holds nothing but a rating (quotes, bold markers and case ignored)."""
    match = _RATING_ONLY_RE.match(line)
    return canonical_rating(match[1]) if match else None


def rating_in_line(line: str) -> str | None:
    """The rating on a line that is only a rating or ends with one after a full stop, tab or bold marker."""
    found = rating_only(line)
    if found:
        return found
    match = _RATING_TAIL_RE.search(line)
    return canonical_rating(match[1]) if match else None


def month_number(name: str) -> int:
    return MONTHS.index(name.capitalize()) + 1


def make_date(year: str, month: str, day: str | None = None) -> date | None:
    """Build a date from printed parts; None when the parts do not form a real date."""
    try:
        return date(int(year), month_number(month), int(day) if day else 1)
    except ValueError:
        return None
