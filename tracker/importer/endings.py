"""Whether each recommendation is saved with all its words, or may have lost some with a line of the report.

Why and how it is judged: docs/importer.md, "How recommendation endings are judged" (measured in docs/performance.md).
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
_FINISHED_RE = re.compile(r"[.!?;][\"'’”)\]]*$")
# "...; and" closes a list item in the house style of many public bodies: the clause is finished.
_LIST_JOIN_RE = re.compile(r";\s*(?:and|or)$", re.IGNORECASE)
_LAST_WORD_RE = re.compile(r"([A-Za-z’']+)\W*$")

#: at least this many lines must be seen wrapped (followed by more of their recommendation) to infer a margin
MIN_WRAPPED_LINES = 2
#: a proportional font fits more narrow letters on a line than wide ones, so a PDF's full lines differ by a few
#: characters: this share of the margin (and at least MIN_SLACK characters) is allowed for it
SLACK_SHARE = 0.06
MIN_SLACK = 2
#: a last line reaches the margin when at least this share of the list's words would not have fitted after it
WRAP_SHARE = 0.25
#: a line breaks early when the next word, with this share of the margin to spare, would have fitted on it: in a
#: proportional font a word of wide letters takes the room of a longer one of narrow letters
EARLY_SHARE = 0.15
AT_MARGIN, BROKEN_EARLY = "at margin", "broken early"


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


def wrapped_margin(printed: dict[int, list[str]]) -> int | None:
    """The right margin the recommendations are wrapped at, or None when the list is not wrapped at one width.

    `printed` gives the lines each recommendation was printed on. A line followed by more of its recommendation
    was wrapped: the margin is at least its length, and less than its length with the next line's first word
    added (that word did not fit). A list with too few wrapped lines gives no margin to read, and one with a line
    well beyond the margin was not wrapped at one width (a web page, one recommendation a line)."""
    wrapped = _wrapped_lines(printed)
    if len(wrapped) < MIN_WRAPPED_LINES:
        return None
    margin = _margin(wrapped)
    slack = max(MIN_SLACK, round(margin * SLACK_SHARE))
    if any(len(line) > margin + slack for lines in printed.values() for line in lines):
        return None
    return margin


def layout_doubts(printed: dict[int, list[str]]) -> dict[int, str]:
    """The recommendations whose lines, as printed, suggest a line of the report was lost: AT_MARGIN when the last
    line reaches the right margin, BROKEN_EARLY when a line breaks before a word that would have fitted on it.
    A list not wrapped at one width (see wrapped_margin) says nothing.

    A last line reaches the margin when at least WRAP_SHARE of the list's words would not have fitted after it:
    had a line been lost after it, that is how likely the lost line's first word was one of those. The lower the
    share, the more cuts are caught and the more complete recommendations are questioned. A line that breaks early
    is followed by words that are not its own: the line after it was lost, and the words now following belong
    further on, or to another recommendation whose number was lost."""
    margin = wrapped_margin(printed)
    words = [len(word) for lines in printed.values() for word in " ".join(lines).split()[1:]]
    if margin is None or not words:
        return {}
    needed = sorted((length + 1 for length in words), reverse=True)
    room = max(MIN_SLACK, needed[min(len(needed) - 1, int(len(needed) * WRAP_SHARE))] - 1)
    longest = max(length for length, _ in _wrapped_lines(printed))
    doubts = {number: AT_MARGIN for number, lines in printed.items() if lines and margin - len(lines[-1]) < room}
    early = round(margin * EARLY_SHARE)
    for number, lines in printed.items():
        if any(
            following.split() and len(line) + 1 + len(following.split()[0]) <= longest - early
            for line, following in pairwise(lines)
        ):
            doubts[number] = BROKEN_EARLY
    return doubts


def _wrapped_lines(printed: dict[int, list[str]]) -> list[tuple[int, int]]:
    """Each line followed by more of its recommendation: its length, and the length of the next line's first word."""
    return [
        (len(line), len(following.split()[0]))
        for lines in printed.values()
        for line, following in pairwise(lines)
        if following.split()
    ]


def _margin(wrapped: list[tuple[int, int]]) -> int:
    """The widest the list's lines could be: below every wrapped line with its next word added, but no narrower
    than the longest wrapped line (a PDF's proportional letters break the first bound by a character or two)."""
    longest = max(length for length, _ in wrapped)
    return max(longest, min(length + word for length, word in wrapped))


@dataclass
class Layout:
    """What the way the recommendations are printed says about lines lost from them."""

    #: a recommendation runs over more than one line, or the text came from a PDF, so a line lost inside any of
    #: them may not show
    is_wrapped: bool = False
    #: AT_MARGIN or BROKEN_EARLY by recommendation number (see layout_doubts)
    doubts: dict[int, str] = field(default_factory=dict)


def read_layout(printed: dict[int, list[str]]) -> Layout:
    """Any line followed by more of its recommendation shows the list wrapped, even where no margin can be read
    from it (see wrapped_margin): the line lost may have been one of the few that would have shown it."""
    return Layout(is_wrapped=bool(_wrapped_lines(printed)), doubts=layout_doubts(printed))


def unconfirmed(recommendations: list[RecommendationData], layout: Layout) -> list[int]:
    """Recommendations whose words an administrator must check against the report before they are saved: every
    one of a wrapped list; in a list printed one recommendation a line, one ending with a stranded word."""
    if layout.is_wrapped:
        return sorted({r.number for r in recommendations})
    return _doubted(recommendations, layout.doubts)


def _doubted(recommendations: list[RecommendationData], doubts: dict[int, str]) -> list[int]:
    """Recommendations with a pointed reason to doubt their ending: a doubt from the layout (at the margin only
    when the text has no full stop), or a stranded last word."""
    last = max((r.number for r in recommendations), default=None)
    open_ended = {
        r.number
        for r in recommendations
        if r.number != last and r.text.strip() and not _FINISHED_RE.search(r.text.strip())
    }
    from_layout = {number for number, doubt in doubts.items() if doubt == BROKEN_EARLY or number in open_ended}
    return sorted(from_layout | set(stranded_numbers(recommendations)))


def unconfirmed_warnings(recommendations: list[RecommendationData], layout: Layout) -> list[str]:
    """A warning for each recommendation with a pointed reason to doubt its ending, then, for a wrapped list, one
    naming every recommendation in it."""
    doubted = _doubted(recommendations, layout.doubts)
    warnings = [unconfirmed_warning(r, layout.doubts.get(r.number)) for r in recommendations if r.number in doubted]
    if layout.is_wrapped and recommendations:
        warnings.append(wrapped_warning(sorted(r.number for r in recommendations)))
    return warnings


def wrapped_warning(numbers: list[int]) -> str:
    """Names the recommendations of a wrapped list: a line lost from inside one would not show."""
    many = len(numbers) > 1
    return (
        f"Recommendation{'s' if many else ''} {listed_numbers(numbers)} {'are' if many else 'is'} printed as a "
        f"PDF prints {'them' if many else 'it'}, wrapped over several lines. A line lost from inside "
        f"{'one' if many else 'it'} leaves words that still read as a whole recommendation, and nothing in the "
        f"file shows it. Check that {'each' if many else 'it'} reads as in the report before saving; if a line "
        "is missing, import the complete report instead"
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


def unconfirmed_warning(recommendation: RecommendationData, doubt: str | None) -> str:
    """Names the recommendation, why its words are in doubt and what to check."""
    if doubt == BROKEN_EARLY:
        return (
            f"Recommendation {recommendation.number} may have lost words: one of its lines ends before a word "
            "that would have fitted on it, so the line after it may have been lost. Check in the report that "
            f"it reads '{recommendation.text}'; if not, a line is missing from the file, so import the complete "
            "report instead"
        )
    if doubt == AT_MARGIN:
        why = (
            "its last line reaches the right margin with no full stop, so the line after it may have been lost "
            "(a recommendation can end at the margin by chance)"
        )
    else:
        why = f"it ends with '{_last_word(recommendation.text)}', which usually has more words after it"
    return (
        f"Recommendation {recommendation.number} may be cut short: {why}. Check in the report that it ends "
        f"'…{_tail(recommendation.text)}'; if it goes on, a line is missing from the file, so import the complete "
        "report instead"
    )


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
