"""Finds a report's title, PDU, region, fieldwork date and publication date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tracker.importer.cleaning import MONTH_PATTERN, make_date, squash, strip_superscripts

_BACK_TO_TOP_RE = re.compile(r"\s*\(\s*back to top\s*\)", re.IGNORECASE)
_TITLE_RE = re.compile(r"^[#*\s]*(an inspection of probation services in)\b\s*(:?)\s*(.*)$", re.IGNORECASE)
_TITLE_START_RE = re.compile(r"^[#*\s]*an inspection of probation(?:\s+services)?\s*$", re.IGNORECASE)
_PDU_END_RE = re.compile(r"^[A-Z][A-Za-z,'’&\- ]{0,60}\s(?:PDU|Probation Delivery Unit)$")
_PDU_SUFFIX_RE = re.compile(r"\s*(?:\(PDU\)|PDU|probation delivery unit)\s*$", re.IGNORECASE)
_PDU_LINE_RE = re.compile(r"^(?!the\b|an?\b|inspection\b)([A-Z][A-Za-z,'’&\- ]{1,78}?)\s+PDU$")
_REGION_LINE_RE = re.compile(
    r"^[#*\s]*(?:the\s+)?probation service\s*(?:[–—:-]|\bin\b)?\s*(?:the\s+)?(.+?)(?:\s+region)?\s*$", re.IGNORECASE
)
_REGION_IN_HEADING_RE = re.compile(r"^(?:the\s+)?(.+?)\s+region\b", re.IGNORECASE)
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_DATE = rf"{_DAY}(?:\s*(?:-|–|to|and)\s*\d{{1,2}}(?:st|nd|rd|th)?)?\s+({MONTH_PATTERN})\s+(\d{{4}})"
_WEEK_RE = re.compile(rf"week\s+(?:beginning|commencing|starting)\s+(?:on\s+)?(?:\w+day\s+)?{_DATE}", re.IGNORECASE)
_FIELDWORK_DATE_RE = re.compile(rf"fieldwork\b[^.]{{0,100}}?\b{_DATE}", re.IGNORECASE)
_FIELDWORK_LABEL_RE = re.compile(
    r"^[#*\s]*fieldwork\s+(?:started|starts|began|commenced|dates?|date of)\b\s*:?\s*(.{3,60}?)[*\s]*$",
    re.IGNORECASE,
)
# The same label after other words on a line, as in a table caption: "Ratings for Lambeth PDU. Fieldwork started …".
_FIELDWORK_MIDLINE_RE = re.compile(
    rf"\bfieldwork\s+(?:started|starts|began|commenced|dates?|date of|took place)\b\s*(?:in|on)?\s*:?\s*"
    rf"((?:{_DAY}\s+)?(?:{MONTH_PATTERN})\s+\d{{4}})",
    re.IGNORECASE,
)
_MONTH_YEAR_RE = re.compile(rf"\b({MONTH_PATTERN})\s+(\d{{4}})\b", re.IGNORECASE)
_PUBLISHED_RES = (
    re.compile(
        rf"\bpublish(?:ed|ing date|ication date)(?:\s+on)?\s*:?\s*(?:{_DAY}\s+)?({MONTH_PATTERN})\s+(\d{{4}})",
        re.IGNORECASE,
    ),
    re.compile(rf"HM Inspectorate of Probation\s*[,–-]\s*(?:{_DAY}\s+)?({MONTH_PATTERN})\s+(\d{{4}})", re.IGNORECASE),
)
_HEAD_LINES = 80


@dataclass
class Identity:
    title: str | None
    pdu_name: str | None
    region_name: str | None


def find_identity(lines: list[str]) -> Identity:
    """Read the title block: "An inspection of probation services in: X PDU / The Probation Service – Y region"."""
    title, pdu_name, after = _find_title(lines)
    if pdu_name is None:
        pdu_name = next((_pdu_from_line(line) for line in lines[:_HEAD_LINES] if _PDU_LINE_RE.match(line)), None)
    region_name = None
    for line in lines[after : after + _HEAD_LINES]:
        match = _REGION_LINE_RE.match(_BACK_TO_TOP_RE.sub("", line))
        if match and "should" not in line.lower() and len(match[1].split()) <= 5:
            region_name = _region_name(match[1])
            break
    return Identity(title, pdu_name, region_name)


def _find_title(lines: list[str]) -> tuple[str | None, str | None, int]:
    for index, line in enumerate(lines):
        match = _TITLE_RE.match(_BACK_TO_TOP_RE.sub("", line))
        if not match and _TITLE_START_RE.match(line) and index + 1 < len(lines):
            # a title wrapped on a cover page: "An inspection of probation" / "services in: Newham PDU"
            match = _TITLE_RE.match(_BACK_TO_TOP_RE.sub("", f"{line} {lines[index + 1]}"))
            index += 1
        if not match:
            continue
        if match[3]:
            name, after = match[3], index + 1
            # a name wrapped on a cover page: "An inspection of probation services in: North" / "Wales PDU"
            if not _PDU_SUFFIX_RE.search(name) and after < len(lines) and _PDU_END_RE.match(lines[after]):
                name, after = f"{name} {lines[after]}", after + 1
            return squash(f"{match[1]}{match[2]} {name}"), _pdu_from_line(name), after
        following = next((i for i in range(index + 1, min(index + 6, len(lines))) if lines[i]), None)
        if following is not None:
            name_line = _BACK_TO_TOP_RE.sub("", lines[following])
            return squash(f"{match[1]}{match[2]} {name_line}"), _pdu_from_line(name_line), following + 1
    return None, None, 0


def _pdu_from_line(line: str) -> str:
    return squash(_PDU_SUFFIX_RE.sub("", strip_superscripts(line)).strip(" *#"))


def _region_name(raw: str) -> str:
    name = re.sub(r"\s+region$", "", squash(raw.strip(" *#")), flags=re.IGNORECASE)
    return re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)


def region_from_headings(addressees: list[str]) -> str | None:
    """Fall back on a "London region should:" heading when the title block names no region."""
    for addressee in addressees:
        match = _REGION_IN_HEADING_RE.match(addressee)
        if match:
            return _region_name(match[1])
    return None


@dataclass
class StatedDate:
    """A date as the report states it: `is_month_only` when it gives a month and year but no day."""

    on: date | None = None
    is_month_only: bool = False
    #: the wording as printed, for the reviewer
    text: str | None = None


def find_fieldwork(text: str, lines: list[str]) -> StatedDate:
    """The day fieldwork began (or only its month, when that is all the report gives), and its wording."""
    label = next((m[1] for line in lines if (m := _FIELDWORK_LABEL_RE.match(line))), None)
    label = label or next((m[1] for line in lines if (m := _FIELDWORK_MIDLINE_RE.search(line))), None)
    for pattern in (_WEEK_RE, _FIELDWORK_DATE_RE):
        match = pattern.search(text)
        if match and (on := make_date(match[3], match[2], match[1])):
            return StatedDate(on, False, label or squash(match[0]))
    month = _MONTH_YEAR_RE.search(label) if label else None
    on = make_date(month[2], month[1]) if month else None
    return StatedDate(on, on is not None, label)


def find_published(text: str) -> StatedDate:
    for pattern in _PUBLISHED_RES:
        match = pattern.search(text)
        if match and (on := make_date(match[3], match[2], match[1])):
            return StatedDate(on, match[1] is None)
    return StatedDate()
