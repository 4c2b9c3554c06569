"""Whether each recommendation is saved with all its words, or may have lost some with a line of the report.

What is doubted depends on what the file can show. A PDF's page layout shows a lost line or page (judged in
tracker.importer.pages); a web page's list items are whole by its structure; plain text shows nothing but its own
lines, so there the doubt stays wherever a line could be lost unseen. Why and how: docs/importer.md, "How
recommendation endings are judged".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from tracker.importer.schema import RecommendationData

# Words after which a sentence cannot stop. "Her", "this" and "that" can end one, so they are not here.
_UNFINISHED_WORDS = frozenset("a an the and or but nor their its our your whose which whom including than".split())
# Words after which a recommendation usually goes on, but a sentence may stop ("the services they are referred
# to"): a "should".
_STRANDABLE_WORDS = frozenset("to of for with in on by from at into about between within without".split())
_UNFINISHED_MARKS = (",", "-", "–", "(", "[", ":", "/", "&")
_FINISHED_RE = re.compile(r"[.!?][\"'’”)\]]*$")
# "...; and" closes a list item in the house style of many public bodies: the clause is finished.
_LIST_JOIN_RE = re.compile(r";\s*(?:and|or)$", re.IGNORECASE)
_LAST_WORD_RE = re.compile(r"([A-Za-z’']+)\W*$")
_NUMBER_ONLY_RE = re.compile(r"^\(?\d{1,2}[.)]$")

#: at least this many lines must be seen wrapped (followed by more of their sentence) to read a margin
MIN_WRAPPED_LINES = 3
#: a proportional font fits more narrow letters on a line than wide ones, so a line breaks early only when the next
#: word, with this share of the margin to spare, would have fitted on it
EARLY_SHARE = 0.15
MIN_SLACK = 2
#: in the inspectorate's house style only the last recommendation under a heading ends with a full stop; where no
#: more than this share of the others do, one that does marks the end of a heading's list
HOUSE_STYLE_SHARE = 0.25


@dataclass
class Layout:
    """How the recommendations were printed, and what that says about words lost from them."""

    #: "pdf", "html" or "text": what the file can show about a lost line
    kind: str = "text"
    #: the lines each recommendation was printed on, by number
    printed: dict[int, list[str]] = field(default_factory=dict)
    #: why each recommendation in doubt is doubted, by number
    doubts: dict[int, str] = field(default_factory=dict)


def unfinished_problems(recommendations: list[RecommendationData]) -> list[str]:
    """Recommendations that end where no sentence can end ("must" findings)."""
    return [
        f"Recommendation {r.number} ends '…{_tail(r.text)}', which cannot be the end of a sentence, so the "
        "rest of it is missing: a line of the report may be lost; check it against the report"
        for r in recommendations
        if _is_unfinished(r.text)
    ]


def stranded_numbers(recommendations: list[RecommendationData]) -> list[int]:
    """Recommendations ending with a word that usually has more after it ("respond to")."""
    return [r.number for r in recommendations if _last_word(r.text) in _STRANDABLE_WORDS and not _is_unfinished(r.text)]


def report_margin(printed: dict[int, list[str]], report_lines: list[str]) -> int | None:
    """The right margin the text was wrapped at, in characters, read from the report's own lines, or None when it
    was not wrapped (one paragraph, and one recommendation, a line).

    A wrapped line is one followed by more of its sentence: a line of a recommendation followed by more of it, or
    a line of prose followed by one starting in lower case. The recommendations' own wrapped lines give the margin
    when there are enough of them (a list is often indented, so narrower than the prose); else the prose's do."""
    in_list = [len(line) for lines in printed.values() for line, _ in _wrapped_pairs(lines)]
    if len(in_list) >= 2:
        return max(in_list)
    prose = [
        len(line)
        for line, following in pairwise(report_lines)
        if line and following[:1].islower() and not _NUMBER_ONLY_RE.match(line)
    ]
    if len(prose) + len(in_list) < MIN_WRAPPED_LINES:
        return None
    margin = max(prose + in_list)
    # lines of one width: most wrapped lines come close to the widest (a text of long lines has few that wrap)
    close = [length for length in prose + in_list if length >= margin * 0.75]
    return margin if len(close) * 2 >= len(prose + in_list) else None


def text_doubts(
    recommendations: list[RecommendationData], printed: dict[int, list[str]], report_lines: list[str]
) -> dict[int, str]:
    """The recommendations of a plain text whose words its lines cannot vouch for, and why.

    Printed one a line, a recommendation can lose a line only whole, which the numbering shows: none is doubted
    unless one runs onto a second line (the words after the break may be another recommendation whose number was
    lost) or ends with a stranded preposition. Wrapped at a margin, as text copied from a PDF is, a line lost from
    inside a recommendation leaves its start and its true end, so every recommendation over more than one line is
    doubted, and one on a single line reaching the margin without a full stop, whose next line may be lost."""
    margin = report_margin(printed, report_lines)
    longest = max((len(word) for r in recommendations for word in r.text.split()), default=0)
    doubts: dict[int, str] = {}
    for recommendation in recommendations:
        lines = _own_lines(printed.get(recommendation.number, []))
        reason = _line_doubt(recommendation, lines, margin, longest)
        if reason:
            doubts[recommendation.number] = reason
    for number in stranded_numbers(recommendations):
        recommendation = next(r for r in recommendations if r.number == number)
        doubts.setdefault(number, stranded_doubt(recommendation))
    return doubts


def _line_doubt(recommendation: RecommendationData, lines: list[str], margin: int | None, longest: int) -> str | None:
    if len(lines) > 1 and margin is None:
        return lost_words(
            recommendation,
            "it runs onto a second line although the report prints each recommendation on a line of its own, so "
            "the words after the break may belong to another recommendation whose number was lost",
        )
    if len(lines) > 1:
        assert margin is not None  # a wrapped text has a margin
        early = round(margin * EARLY_SHARE)
        if any(
            following.split() and len(line) + 1 + len(following.split()[0]) <= margin - max(MIN_SLACK, early)
            for line, following in pairwise(lines)
        ):
            return lost_words(
                recommendation,
                "one of its lines ends before a word that would have fitted on it, so the line after it may "
                "have been lost",
            )
        return lost_words(
            recommendation,
            f"it runs over {len(lines)} lines of text wrapped at a margin, as text copied from a PDF is, and a "
            "line lost from inside it would leave words that still read as a whole",
        )
    if margin is not None and lines and not _FINISHED_RE.search(recommendation.text.strip()):
        if margin - len(lines[0]) <= longest + 1:
            return cut_short(
                recommendation,
                "its line reaches the report's right margin with no full stop, so its next line may have been lost",
            )
    return None


def heading_doubts(recommendations: list[RecommendationData]) -> dict[int, str]:
    """Recommendations that may be under the wrong heading: in the house style only the last recommendation under
    a heading ends with a full stop, so one that does, followed by more under the same heading, marks where a
    heading (and who should act) may have been lost."""
    runs: list[list[RecommendationData]] = []
    for recommendation in recommendations:
        if runs and runs[-1][-1].addressee_name == recommendation.addressee_name:
            runs[-1].append(recommendation)
        else:
            runs.append([recommendation])
    inner = [r for run in runs for r in run[:-1]]
    stopped = [r for r in inner if _FINISHED_RE.search(r.text.strip())]
    # the house style shows: at least two recommendations that are not the last under their heading end without a
    # full stop, and few that are not the last end with one (a lost heading makes one)
    if len(inner) - len(stopped) < 2 or len(stopped) > max(1, len(inner) * HOUSE_STYLE_SHARE):
        return {}
    doubts: dict[int, str] = {}
    for run in runs:
        for before, after in pairwise(run):
            if before not in stopped:
                continue
            for recommendation in run[run.index(after) :]:
                doubts.setdefault(
                    recommendation.number,
                    f"Recommendation {recommendation.number} may have lost its heading: recommendation "
                    f"{before.number} ends with a full stop, as the last recommendation under a heading does, yet "
                    f"recommendation {after.number} follows it under '{after.addressee_name} should:', so a heading "
                    "saying who should act may be missing between them. Check in the report that recommendation "
                    f"{recommendation.number} is addressed to {after.addressee_name}; if not, a heading is missing "
                    "from the file, so import the complete report instead",
                )
    return doubts


def lost_words(recommendation: RecommendationData, why: str) -> str:
    """Names the recommendation, why words may be lost from it, and what to check."""
    return (
        f"Recommendation {recommendation.number} may have lost words: {why}. Check in the report that it reads "
        f"'{recommendation.text}'; if not, words are missing from the file, so import the complete report instead"
    )


def cut_short(recommendation: RecommendationData, why: str) -> str:
    """Names the recommendation, why its end may be lost, and what to check."""
    return (
        f"Recommendation {recommendation.number} may be cut short: {why}. Check in the report that it ends "
        f"'…{_tail(recommendation.text)}'; if it goes on, words are missing from the file, so import the complete "
        "report instead"
    )


def stranded_doubt(recommendation: RecommendationData) -> str:
    return cut_short(
        recommendation, f"it ends with '{_last_word(recommendation.text)}', which usually has more words after it"
    )


def listed_numbers(numbers: list[int]) -> str:
    """Numbers as a reader says them: "1 to 9", "2 and 5", "1, 2, 5 and 7 to 9" (runs of three or more as a range)."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts: list[str] = []
    for run in runs:
        parts.extend([f"{run[0]} to {run[-1]}"] if len(run) > 2 else map(str, run))
    return " and ".join(filter(None, [", ".join(parts[:-1]), *parts[-1:]]))


def is_finished(text: str) -> bool:
    """Whether the text ends a sentence (a full stop, question or exclamation mark)."""
    return bool(_FINISHED_RE.search(text.strip()))


def _own_lines(lines: list[str]) -> list[str]:
    """The lines holding a recommendation's words: a number printed on a line of its own is a label, not a line
    of the recommendation (a web page read as text prints "1." above its words)."""
    return lines[1:] if lines and _NUMBER_ONLY_RE.match(lines[0].strip()) else lines


def _wrapped_pairs(lines: list[str]) -> list[tuple[str, str]]:
    return [(line, following) for line, following in pairwise(_own_lines(lines)) if following.split()]


def _is_unfinished(text: str) -> bool:
    text = text.strip()
    if not text or _LIST_JOIN_RE.search(text):
        return False
    return text.endswith(_UNFINISHED_MARKS) or _last_word(text) in _UNFINISHED_WORDS and text[-1:].isalpha()


def _last_word(text: str) -> str:
    match = _LAST_WORD_RE.search(text.strip())
    return match[1].lower() if match and text.strip()[-1:].isalpha() else ""


def _tail(text: str) -> str:
    return " ".join(text.split()[-8:])
