"""Property: deleting any spans of lines from a complete text report never saves a truncated recommendation
silently. The importer refuses the damaged report, saving nothing; or it refuses until an administrator accepts a
warning naming each recommendation whose words are in doubt (then saves what the file holds); or it saves every
recommendation it keeps word for word as the complete report has it. Plain text shows nothing but its own lines,
so a list wrapped over several lines keeps every recommendation a line could be lost from in doubt."""

import re
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.importer.conftest import FIXTURES, row_counts
from tests.importer.test_completeness import NEWHAM_TEXT
from tracker.extensions import db
from tracker.importer import services
from tracker.importer.errors import ImportProblem, ReportError
from tracker.importer.parser import parse_report


def wrapped(text: str, width: int = 60) -> str:
    """The report with each recommendation wrapped over several lines, as a PDF lays it out, so that deleting a
    line can cut one part-way through."""
    return "\n".join(
        "\n".join(textwrap.wrap(line, width)) if re.match(r"\d{1,2}\. [a-z]", line) else line
        for line in text.split("\n")
    )


CARDIFF_TEXT = (FIXTURES / "cardiff-vale-2023.txt").read_text(encoding="utf-8")
#: the shipped report (renamed to a PDU with no inspection yet) and a generated one with a health board among its
#: addressees, each recommendation on a line of its own as the inspectorate's text and web page give them, and
#: each wrapped as a PDF lays it out (and Cardiff narrower, where a cut can leave a short last line)
REPORTS = {
    "shipped": NEWHAM_TEXT,
    "cardiff": CARDIFF_TEXT,
    "shipped-wrapped": wrapped(NEWHAM_TEXT),
    "cardiff-wrapped": wrapped(CARDIFF_TEXT),
    "cardiff-wrapped-50": wrapped(CARDIFF_TEXT, 50),
}
PROPERTY_REPORTS = list(REPORTS)
LINES = {name: text.split("\n") for name, text in REPORTS.items()}
COMPLETE = {name: {r.number: r.text for r in parse_report(text).recommendations} for name, text in REPORTS.items()}


def around_recommendations(name: str):
    """Spans of a few lines starting in or just before the recommendations, where damage matters most."""
    first = next(i for i, line in enumerate(LINES[name]) if re.match(r"1\. [a-z]", line))
    return st.lists(st.tuples(st.integers(first - 5, first + 40), st.integers(1, 6)), min_size=1, max_size=2)


def anywhere(name: str):
    return st.lists(st.tuples(st.integers(0, len(LINES[name]) - 1), st.integers(1, 40)), min_size=1, max_size=3)


def without(name: str, deleted: list[tuple[int, int]]) -> str:
    gone = {line for start, length in deleted for line in range(start, start + length)}
    return "\n".join(line for index, line in enumerate(LINES[name]) if index not in gone)


def import_or_refuse(text: str, accept_endings: bool = False) -> tuple[list[tuple[int, str]] | None, list[str]]:
    """The recommendations saved from the text (written, not committed: `add_report` is `import_report` without
    its commit), or None when it was refused, with the warnings shown (each doubt about a recommendation, then the
    others); always undone afterwards."""
    try:
        try:
            extraction = parse_report(text)
            target = services.find_target(extraction.pdu_name, extraction.region_name)
            result = services.add_report(extraction, services.fingerprint(text), target, accept_endings=accept_endings)
        except (ReportError, ImportProblem):
            return None, []
        db.session.expire_all()
        shown = [*extraction.doubts.values(), *extraction.warnings]
        return [(r.number, r.text) for r in result.inspection.recommendations], shown
    finally:
        db.session.rollback()


def check(name: str, deleted: list[tuple[int, int]]) -> str:
    """Imports the report without those lines; returns "refused", "saved" (every recommendation intact) or
    "accepted" (refused until a warning naming each changed recommendation was accepted)."""
    before = row_counts()
    text = without(name, deleted)
    saved, _ = import_or_refuse(text)
    outcome = "refused" if saved is None else "saved"
    if saved is None:
        # What an administrator who accepts every warning unread would save: each changed text was named.
        saved, warnings = import_or_refuse(text, accept_endings=True)
        outcome = "refused" if saved is None else "accepted"
    if saved is not None:
        assert saved, "an import saved no recommendations"
        for number, saved_text in saved:
            if saved_text != COMPLETE[name][number]:
                assert outcome == "accepted" and number in named(warnings), (
                    f"recommendation {number} was saved as {saved_text!r}"
                )
        assert [number for number, _ in saved] == list(range(1, len(saved) + 1))
    assert row_counts() == before
    return outcome


_ONE_RE = re.compile(r"Recommendation (\d+) may (?:be cut short|have lost words|have lost its heading):")


def named(warnings: list[str]) -> set[int]:
    """The recommendations the warnings name as possibly missing words, one by one ("Recommendation 3 may be cut
    short: ...")."""
    return {int(match[1]) for warning in warnings if (match := _ONE_RE.match(warning))}


def test_the_warnings_name_each_recommendation():
    assert named(
        [
            "Recommendation 3 may be cut short: it ends with 'to'",
            "Recommendation 4 may have lost words: …",
            "Recommendation 6 may have lost its heading: …",
        ]
    ) == {3, 4, 6}
    assert named(["No key questions found", "Recommendations 1 to 3 were read"]) == set()


def multi_line(text: str) -> set[int]:
    """The recommendations printed over more than one line of the text."""
    numbers: set[int] = set()
    current = None
    for line in text.split("\n"):
        if match := re.match(r"(\d{1,2})\. [a-z]", line):
            current = int(match[1])
        elif current is not None and line[:1].islower():
            numbers.add(current)
        else:
            current = None
    return numbers


def outcomes_of(name: str, strategy) -> list[str]:
    """Runs the property over the strategy's examples and returns each example's outcome."""
    outcomes: list[str] = []
    EXAMPLES(given(deleted=strategy)(lambda deleted: outcomes.append(check(name, deleted))))()
    return outcomes


EXAMPLES = settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("name", PROPERTY_REPORTS)
def test_deleting_spans_of_lines_anywhere_never_saves_a_truncated_text(app, name):
    """Truncated: a recommendation saved without some of its words. A one-line-a-recommendation report never loses
    a line from inside one; a wrapped one can, and then every recommendation of the list waits for a check."""
    outcomes = outcomes_of(name, anywhere(name))
    # the property held on every example, and the examples did damage the importer had to refuse
    assert "refused" in outcomes


@pytest.mark.parametrize("name", PROPERTY_REPORTS)
def test_deleting_lines_in_and_around_the_recommendations_never_saves_a_truncated_text(app, name):
    outcomes = outcomes_of(name, around_recommendations(name))
    assert "refused" in outcomes


@pytest.mark.parametrize("name", list(REPORTS))
def test_the_complete_reports_are_saved_by_the_same_steps(app, name):
    """One recommendation a line, they are saved as they are; wrapped, once each recommendation a line could be lost
    from unseen is checked: every one printed over more than one line is named, and no other is refused."""
    extraction = parse_report(REPORTS[name])
    assert extraction.problems == []
    is_wrapped = "wrapped" in name
    doubted = set(extraction.unconfirmed_endings)
    if is_wrapped:
        assert multi_line(REPORTS[name]) <= doubted
        assert multi_line(REPORTS[name])
    else:
        assert doubted == set()
    saved, warnings = import_or_refuse(REPORTS[name], accept_endings=is_wrapped)
    assert saved == sorted(COMPLETE[name].items())
    assert named(warnings) == doubted
    if is_wrapped:
        assert import_or_refuse(REPORTS[name])[0] is None


def test_a_line_lost_inside_a_wrapped_recommendation_before_the_last(app):
    """The continuation of recommendation 1 lost: "…plan for, manage" is left, with no full stop, but its line
    reaches the right margin, so the import waits for an administrator to check how it ends in the report."""
    lines = LINES["shipped-wrapped"]
    continuation = next(i for i, line in enumerate(lines) if re.match(r"1\. [a-z]", line)) + 1
    assert check("shipped-wrapped", [(continuation, 1)]) == "accepted"
    extraction = parse_report(without("shipped-wrapped", [(continuation, 1)]))
    assert extraction.doubts[1].startswith(
        "Recommendation 1 may be cut short: its line reaches the report's right margin with no full stop"
    )
    assert "Check in the report that it ends '…quality of work to assess, plan for, manage'" in extraction.doubts[1]


def test_a_line_lost_from_the_middle_of_a_wrapped_recommendation_is_held_for_a_check(app):
    """What is left keeps its start and its true end, so neither the numbering, nor the last word, nor where the
    lines end shows the gap: only that it runs over more than one line of a wrapped list, which puts it in doubt."""
    lines = LINES["shipped-wrapped"]
    middle = next(i for i, line in enumerate(lines) if re.match(r"5\. [a-z]", line)) + 1
    assert lines[middle] == "have the skills, knowledge and time to undertake the work"
    assert check("shipped-wrapped", [(middle, 1)]) == "accepted"
    extraction = parse_report(without("shipped-wrapped", [(middle, 1)]))
    assert "have the skills" not in extraction.recommendations[4].text
    assert extraction.doubts[5].startswith(
        "Recommendation 5 may have lost words: it runs over 2 lines of text wrapped at a margin, as text copied "
        "from a PDF is, and a line lost from inside it would leave words that still read as a whole"
    )


def test_a_line_lost_after_a_short_wrapped_line_is_held_for_a_check(app):
    """Cut where its line is well short of the margin (only a long next word, "campaign", pushed the line break so
    early), recommendation 8 reads as one that ended there; but a longer word than any left after it would still
    have fitted, so its line may have wrapped, and it is in doubt."""
    lines = LINES["cardiff-wrapped-50"]
    first = next(i for i, line in enumerate(lines) if re.match(r"8\. [a-z]", line))
    assert lines[first] == "8. make sure that the national recruitment"
    assert check("cardiff-wrapped-50", [(first + 1, 2)]) == "accepted"
    extraction = parse_report(without("cardiff-wrapped-50", [(first + 1, 2)]))
    assert extraction.recommendations[7].text == "make sure that the national recruitment"
    assert 8 in extraction.doubts
