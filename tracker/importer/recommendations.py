"""Finds the numbered recommendations and the addressee heading each one sits under."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.importer.cleaning import is_footnote, squash, strip_markers
from tracker.importer.endings import Layout
from tracker.importer.schema import RecommendationData

_SECTION_RE = re.compile(r"^[#\s]*(?:our\s+)?recommendations\s*:?\s*(?:\(\s*back to top\s*\))?$", re.IGNORECASE)
_ADDRESSEE_RE = re.compile(r"^(?!\d)[#*\s]*(.{2,150}?)\s+should(?:\s+to)?\s*:\**$", re.IGNORECASE)
_ITEM_RE = re.compile(r"^\(?(\d{1,2})[.)](?:\s+(.*))?$")
# Headings that follow the recommendations in the inspectorate's reports; any of them ends the list.
_END_RE = re.compile(
    r"^[#\s]*(?:\d\.\s+)?(?:Background|Introduction|Context|Contextual facts|Annexe|Annex|Appendix|Domain|"
    r"Organisational delivery|Court work|Methodology|Glossary|Acknowledgements|Contents|Ratings|Foreword|"
    r"Executive summary|Summary|Key findings|Findings|Case supervision)\b[^.]{0,80}$"
)
_BACK_TO_TOP_RE = re.compile(r"\(\s*back to top\s*\)", re.IGNORECASE)
_PDU_WORDS_RE = re.compile(r"\b(?:the|pdu|probation delivery unit)\b")


@dataclass
class _Item:
    number: int
    addressee: str | None
    parts: list[str] = field(default_factory=list)
    #: the lines the item was printed on, to see where the report's right margin is
    lines: list[str] = field(default_factory=list)

    def text(self) -> str:
        joined = ""
        for part in self.parts:
            # A word hyphenated across a line break is joined back without a space.
            if joined.endswith("-") and joined[-2:-1].isalpha() and part[:1].islower():
                joined += part
            else:
                joined = f"{joined} {part}" if joined else part
        return squash(strip_markers(joined))


def find_recommendations(
    lines: list[str], pdu_name: str | None, problems: list[str], layout: Layout | None = None
) -> list[RecommendationData]:
    """Read the first recommendations section that has numbered items, listing repeats and headings without
    recommendations as reasons the report cannot be saved (a recommendation without a heading is one of
    completeness.recommendation_problems, as it can be corrected before saving), and in `layout` the lines each was
    printed on (see endings.text_doubts and pages.pdf_findings)."""
    items: list[_Item] = []
    empty: list[str] = []
    for start in _section_starts(lines):
        items, empty = _read_section(_merge_split_headings(lines[start + 1 :]))
        if items:
            break
    problems.extend(f"The heading '{heading} should:' has no recommendations under it" for heading in empty)
    if layout is not None:
        first_of_each = {item.number: item.lines for item in reversed(items)}
        layout.printed = dict(sorted(first_of_each.items()))
    return _to_recommendations(items, pdu_name, problems)


def _section_starts(lines: list[str]) -> list[int]:
    starts = [index for index, line in enumerate(lines) if _SECTION_RE.match(line)]
    # Without a "Recommendations" heading, start just before the first addressee heading.
    first_addressee = next((index for index, line in enumerate(lines) if _ADDRESSEE_RE.match(line)), None)
    if first_addressee is not None:
        starts.append(first_addressee - 1)
    return starts


def _merge_split_headings(lines: list[str]) -> list[str]:
    """Join an addressee heading whose "should:" wrapped onto a line of its own."""
    merged: list[str] = []
    for line in lines:
        if line.lower().strip(" *") == "should:" and merged:
            previous = merged.pop()
            merged.append(f"{previous} {line}" if previous else line)
        else:
            merged.append(line)
    return merged


def _read_section(lines: list[str]) -> tuple[list[_Item], list[str]]:
    """The numbered items, and the addressee headings that have none under them."""
    items: list[_Item] = []
    headings: list[str] = []
    current: _Item | None = None
    addressee: str | None = None
    after_blank = False
    for line in lines:
        if not line:
            after_blank = True
            continue
        if _is_end(line):
            break
        heading = _ADDRESSEE_RE.match(line)
        item = _ITEM_RE.match(line)
        if heading:
            addressee, current = squash(heading[1].strip("#* ")), None
            headings.append(addressee)
        elif item:
            current = _Item(int(item[1]), addressee, [item[2]] if item[2] else [], [line])
            items.append(current)
        elif current and not is_footnote(line) and _continues(current, line, after_blank):
            current.parts.append(line)
            current.lines.append(line)
        else:
            current = None
        after_blank = False
    used = {item.addressee for item in items}
    return items, [heading for heading in headings if heading not in used] if items else []


def _is_end(line: str) -> bool:
    if _END_RE.match(line):
        return True
    # On web pages every section heading carries a "(Back to top)" link.
    return bool(_BACK_TO_TOP_RE.search(line)) and not _SECTION_RE.match(line)


def _continues(item: _Item, line: str, after_blank: bool) -> bool:
    """Whether a line carries on the current recommendation rather than starting unrelated prose."""
    if not item.parts:
        return True
    finished = item.parts[-1].rstrip("¹²³⁴⁵⁶⁷⁸⁹⁰0123456789").endswith(".")
    return not (after_blank and finished and line[:1].isupper())


def _to_recommendations(items: list[_Item], pdu_name: str | None, problems: list[str]) -> list[RecommendationData]:
    recommendations: list[RecommendationData] = []
    seen: set[int] = set()
    for item in items:
        if item.number in seen:
            problems.append(f"Recommendation {item.number} appears twice")
            continue
        seen.add(item.number)
        kind = classify_addressee(item.addressee or "", pdu_name)
        recommendations.append(RecommendationData(item.number, item.text(), kind, item.addressee or ""))
    return recommendations


def classify_addressee(heading: str, pdu_name: str | None) -> str:
    """Say whether a heading addresses the PDU, the region, HMPPS or another body."""
    if _is_pdu(heading, pdu_name):
        return "pdu"
    lowered = heading.lower()
    if re.search(r"\bregion", lowered):
        return "region"
    if "hmpps" in lowered or "prison and probation service" in lowered:
        return "hmpps"
    return "other"


def _is_pdu(heading: str, pdu_name: str | None) -> bool:
    key = _name_key(heading)
    if key == "" and re.search(r"\b(?:pdu|probation delivery unit)\b", heading.lower()):
        return True
    if pdu_name:
        return key == _name_key(pdu_name)
    return heading.strip().upper().endswith(" PDU")


def _name_key(name: str) -> str:
    """Compare names ignoring case, punctuation, "the", "PDU" and "&" versus "and"."""
    lowered = name.lower().replace("&", " and ")
    lowered = _PDU_WORDS_RE.sub(" ", re.sub(r"[^a-z ]", " ", lowered))
    return squash(lowered)
