"""Finds the standards, their ratings and key questions, the outcomes figure, the score and the overall rating."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.importer.cleaning import (
    PERCENT_PATTERN,
    QUOTES,
    RATING_PATTERN,
    SUPERSCRIPTS,
    canonical_rating,
    rating_in_line,
    rating_only,
    squash,
    strip_superscripts,
)
from tracker.importer.schema import KeyQuestionData, StandardData

_HEADING_RE = re.compile(r"^[#\s]*([12])\.(\d)\.?\s+(\S.*)$")
_BACK_TO_TOP_RE = re.compile(r"\(\s*back to top\s*\)", re.IGNORECASE)
_NAME_WITH_RATING_RE = re.compile(
    rf"^(.*?)[\s:|*_{QUOTES}-]+({RATING_PATTERN})[\s*_.{QUOTES}{SUPERSCRIPTS}]*$", re.IGNORECASE
)
# Standard names are short title-case phrases; this rejects contents entries ("Leadership 7") and prose.
_NAME_RE = re.compile(r"^[A-Z][A-Za-z,'’&()\- ]{1,58}$")
# Lines that end the search for a standard's rating: the next section has started.
_STOP_RE = re.compile(r"^[#\s]*(?:\d\.\s+[A-Z]|recommendations\b|overall rating\b|score\b)", re.IGNORECASE)
_TABLE_HEADER_RE = re.compile(rf"percentage(?:\s+of\s+cases)?\s*[{QUOTES}]?\s*yes\s*[{QUOTES}]?", re.IGNORECASE)
_ROW_RE = re.compile(rf"\s*\**([A-Z][^?]{{5,400}}\?)[*\s]*(?:{PERCENT_PATTERN}|([Nn]ot [Aa]pplicable))?\**")
# A percentage printed beside the first line of a question that wraps onto a second line.
_INNER_PERCENT_RE = re.compile(rf"[*\s]+\**{PERCENT_PATTERN}\**(?=\s)")
_OUTCOMES_TABLE_RE = re.compile(r"^outcomes?\s+percentage", re.IGNORECASE)
_SCORE_RE = re.compile(r"\bscore\b[\s:*]*(\d{1,2})\s*/\s*(\d{1,2})\b", re.IGNORECASE)
_OVERALL_RE = re.compile(r"^[#*\s]*overall rating\b[\s:*]*(.*)$", re.IGNORECASE)
_OVERALL_PROSE_RE = re.compile(
    rf"overall,?\s+we\s+(?:have\s+)?rated\s+[^.]{{0,80}}?[{QUOTES}*]+({RATING_PATTERN})", re.IGNORECASE
)
_RATING_WINDOW = 6


@dataclass
class _Heading:
    index: int
    code: str
    name: str
    rating: str | None

    @property
    def key(self) -> tuple[int, int]:
        major, minor = self.code.split(".")
        return int(major), int(minor)

    @property
    def is_outcomes(self) -> bool:
        return "outcome" in self.name.lower()


@dataclass
class RatingsResult:
    standards: list[StandardData]
    outcomes_question: str | None
    outcomes_percentage: int | None


def find_ratings(lines: list[str], warnings: list[str]) -> RatingsResult:
    """Read the standards from the first ratings summary, checking them against any later repetition."""
    headings = _find_headings(lines)
    runs = _runs(headings)
    summary = next((run for run in runs if any(h.rating for h in run)), runs[0] if runs else [])
    standards = []
    for code in _codes_in_order(summary, runs, warnings):
        same_code = [h for h in headings if h.code == code]
        standard = _build_standard(lines, headings, same_code, summary, warnings)
        if standard:
            standards.append(standard)
    question, percentage = _find_outcomes(lines, headings)
    return RatingsResult(standards, question, percentage)


def _find_headings(lines: list[str]) -> list[_Heading]:
    headings = []
    for index, line in enumerate(lines):
        heading = _parse_heading(index, line)
        if heading:
            if not heading.rating:
                heading.rating = _rating_after(lines, index)
            headings.append(heading)
    return headings


def _parse_heading(index: int, line: str) -> _Heading | None:
    match = _HEADING_RE.match(line)
    if not match:
        return None
    rest = strip_superscripts(_BACK_TO_TOP_RE.sub("", match[3])).strip(" *_\t")
    rating = None
    with_rating = _NAME_WITH_RATING_RE.match(rest)
    if with_rating and with_rating[1].strip():
        rest, rating = with_rating[1], canonical_rating(with_rating[2])
    name = rest.strip(" *_:\t-–")
    if not _NAME_RE.match(name) or len(name.split()) > 7:
        return None
    return _Heading(index, f"{match[1]}.{match[2]}", name, rating)


def _rating_after(lines: list[str], index: int) -> str | None:
    """The rating printed just below a heading, before the next section starts."""
    seen = 0
    for line in lines[index + 1 :]:
        if not line:
            continue
        if _HEADING_RE.match(line) or _STOP_RE.match(line):
            return None
        rating = rating_in_line(line)
        if rating:
            return rating
        seen += 1
        if seen >= _RATING_WINDOW:
            return None
    return None


def _runs(headings: list[_Heading]) -> list[list[_Heading]]:
    """Split headings into runs in ascending code order: the ratings summary first, then the body."""
    runs: list[list[_Heading]] = []
    current: list[_Heading] = []
    for heading in headings:
        if current and heading.key <= current[-1].key:
            runs.append(current)
            current = []
        current.append(heading)
    if current:
        runs.append(current)
    return runs


def _codes_in_order(summary: list[_Heading], runs: list[list[_Heading]], warnings: list[str]) -> list[str]:
    codes = [h.code for h in summary if not h.is_outcomes]
    # A court work section marked 'Not applicable' in the body only is not a missing standard.
    extra = sorted(
        {h.code: h for run in runs for h in run if _is_extra(h, codes)}.values(),
        key=lambda h: h.key,
    )
    for heading in extra:
        warnings.append(f"Standard {heading.code} {heading.name} appears in the body but not in the ratings summary")
    return sorted(codes + [h.code for h in extra], key=lambda code: tuple(int(p) for p in code.split(".")))


def _is_extra(heading: _Heading, codes: list[str]) -> bool:
    rated = heading.rating not in (None, "Not applicable")
    return rated and not heading.is_outcomes and heading.code not in codes


def _build_standard(
    lines: list[str],
    headings: list[_Heading],
    same_code: list[_Heading],
    summary: list[_Heading],
    warnings: list[str],
) -> StandardData | None:
    first = next((h for h in same_code if h in summary), same_code[0])
    label = f"{first.code} {first.name}"
    rating = first.rating or next((h.rating for h in same_code if h.rating), None)
    if not rating:
        warnings.append(f"No rating found for standard {label}")
        return None
    for other in same_code:
        if other.rating and other.rating != rating:
            warnings.append(
                f"Standard {label} is rated '{rating}' in the ratings summary but '{other.rating}' elsewhere; "
                "the summary rating was used"
            )
    questions = _questions_for(lines, headings, same_code)
    return StandardData(first.code, first.name, first.key[0], rating, questions)


def _questions_for(lines: list[str], headings: list[_Heading], same_code: list[_Heading]) -> list[KeyQuestionData]:
    for heading in same_code:
        end = next((h.index for h in headings if h.index > heading.index), len(lines))
        questions = _key_questions(lines[heading.index + 1 : end])
        if questions:
            return questions
    return []


def _key_questions(segment: list[str]) -> list[KeyQuestionData]:
    """Read the 'Key question / Percentage Yes' table rows, however the cells were wrapped."""
    text = strip_superscripts(" ".join(segment))
    header = _TABLE_HEADER_RE.search(text)
    if not header:
        return []
    questions = []
    position = header.end()
    while match := _ROW_RE.match(text, position):
        question, percentage = match[1], match[2]
        inner = _INNER_PERCENT_RE.search(question)
        if percentage is None and inner:
            question, percentage = question[: inner.start()] + " " + question[inner.end() :], inner[1]
        if percentage is None and match[3] is None:
            break
        if percentage is not None:
            questions.append(KeyQuestionData(squash(question), int(percentage)))
        position = match.end()
    return questions


def _find_outcomes(lines: list[str], headings: list[_Heading]) -> tuple[str | None, int | None]:
    starts = [h.index for h in headings if h.is_outcomes]
    starts += [index - 1 for index, line in enumerate(lines) if _OUTCOMES_TABLE_RE.match(line)]
    for start in starts:
        end = next((h.index for h in headings if h.index > start + 1), len(lines))
        questions = _key_questions(lines[start + 1 : end])
        if questions:
            return questions[0].text, questions[0].percentage
    return None, None


def find_score(text: str) -> tuple[int | None, int | None]:
    match = _SCORE_RE.search(text)
    return (int(match[1]), int(match[2])) if match else (None, None)


def find_overall_rating(lines: list[str], warnings: list[str]) -> str | None:
    """The rating under the first 'Overall rating' label, falling back to the foreword's wording."""
    found = [rating for index in range(len(lines)) if (rating := _overall_at(lines, index))]
    for other in found[1:]:
        if other != found[0]:
            warnings.append(f"The overall rating is given as '{found[0]}' and elsewhere as '{other}'; used the first")
            break
    if found:
        return found[0]
    prose = _OVERALL_PROSE_RE.search("\n".join(lines))
    return canonical_rating(prose[1]) if prose else None


def _overall_at(lines: list[str], index: int) -> str | None:
    match = _OVERALL_RE.match(lines[index])
    if not match:
        return None
    if match[1]:
        return rating_only(match[1])
    following = [line for line in lines[index + 1 : index + 6] if line][:2]
    return next((rating for line in following if (rating := rating_only(line))), None)
