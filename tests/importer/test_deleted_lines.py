"""Property: deleting any spans of lines from a complete report never saves a truncated recommendation. The
importer either refuses the damaged report, saving nothing, or saves every recommendation it keeps word for word
as the complete report has it."""

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
    return "\n".join("\n".join(textwrap.wrap(line, width)) if re.match(r"\d{1,2}\. [a-z]", line) else line
                     for line in text.split("\n"))


#: the shipped report (renamed to a PDU with no inspection yet) and a generated one with a health board among its
#: addressees, each recommendation on a line of its own as the inspectorate's text and web page give them
REPORTS = {"shipped": NEWHAM_TEXT, "cardiff": (FIXTURES / "cardiff-vale-2023.txt").read_text(encoding="utf-8"),
           "shipped-wrapped": wrapped(NEWHAM_TEXT)}
PROPERTY_REPORTS = ["shipped", "cardiff"]
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


def import_or_refuse(text: str) -> list[tuple[int, str]] | None:
    """The recommendations saved from the text (written, not committed: `add_report` is `import_report` without
    its commit), or None when it was refused; always undone afterwards."""
    try:
        try:
            extraction = parse_report(text)
            target = services.find_target(extraction.pdu_name, extraction.region_name)
            result = services.add_report(extraction, services.fingerprint(text), target)
        except (ReportError, ImportProblem):
            return None
        db.session.expire_all()
        return [(r.number, r.text) for r in result.inspection.recommendations]
    finally:
        db.session.rollback()


def check(name: str, deleted: list[tuple[int, int]]) -> str:
    """Imports the report without those lines; returns "refused" or "saved" (every recommendation intact)."""
    before = row_counts()
    saved = import_or_refuse(without(name, deleted))
    if saved is not None:
        assert saved, "an import saved no recommendations"
        for number, text in saved:
            assert text == COMPLETE[name][number], f"recommendation {number} was saved as {text!r}"
        assert [number for number, _ in saved] == list(range(1, len(saved) + 1))
    assert row_counts() == before
    return "refused" if saved is None else "saved"


def outcomes_of(name: str, strategy) -> list[str]:
    """Runs the property over the strategy's examples and returns each example's outcome."""
    outcomes: list[str] = []
    EXAMPLES(given(deleted=strategy)(lambda deleted: outcomes.append(check(name, deleted))))()
    return outcomes


EXAMPLES = settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("name", PROPERTY_REPORTS)
def test_deleting_spans_of_lines_anywhere_never_saves_a_truncated_text(app, name):
    outcomes = outcomes_of(name, anywhere(name))
    # the property held on every example, and the examples did damage the importer had to refuse
    assert "refused" in outcomes


@pytest.mark.parametrize("name", PROPERTY_REPORTS)
def test_deleting_lines_in_and_around_the_recommendations_never_saves_a_truncated_text(app, name):
    outcomes = outcomes_of(name, around_recommendations(name))
    assert "refused" in outcomes


@pytest.mark.parametrize("name", list(REPORTS))
def test_the_complete_reports_are_saved_by_the_same_steps(app, name):
    assert parse_report(REPORTS[name]).problems == []
    assert import_or_refuse(REPORTS[name]) == sorted(COMPLETE[name].items())


@pytest.mark.xfail(strict=True, reason="a line lost from the middle of a wrapped recommendation that is not the "
                   "last leaves a text the report's structure cannot tell from a complete one")
def test_a_line_lost_inside_a_wrapped_recommendation_before_the_last(app):
    lines = LINES["shipped-wrapped"]
    continuation = next(i for i, line in enumerate(lines) if re.match(r"1\. [a-z]", line)) + 1
    check("shipped-wrapped", [(continuation, 1)])
