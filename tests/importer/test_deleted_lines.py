"""Property: deleting any spans of lines from a complete report never saves a truncated recommendation. The
importer either refuses the damaged report, saving nothing, or saves every recommendation it keeps word for word
as the complete report has it."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.importer.conftest import row_counts
from tests.importer.test_completeness import NEWHAM_TEXT
from tracker.extensions import db
from tracker.importer import services
from tracker.importer.errors import ImportProblem, ReportError
from tracker.importer.parser import parse_report

LINES = NEWHAM_TEXT.split("\n")
COMPLETE = {r.number: r.text for r in parse_report(NEWHAM_TEXT).recommendations}
#: the lines from the start of the recommendations to the end of the report's main text, where damage matters most
FIRST_RECOMMENDATION = next(i for i, line in enumerate(LINES) if line.startswith("1. improve"))

spans = st.lists(st.tuples(st.integers(0, len(LINES) - 1), st.integers(1, 40)), min_size=1, max_size=3)
near_recommendations = st.lists(st.tuples(st.integers(FIRST_RECOMMENDATION - 5, FIRST_RECOMMENDATION + 25),
                                          st.integers(1, 6)), min_size=1, max_size=2)


def without(deleted: list[tuple[int, int]]) -> str:
    gone = {line for start, length in deleted for line in range(start, start + length)}
    return "\n".join(line for index, line in enumerate(LINES) if index not in gone)


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


def check(deleted: list[tuple[int, int]]) -> None:
    before = row_counts()
    saved = import_or_refuse(without(deleted))
    if saved is not None:
        assert saved, "an import saved no recommendations"
        for number, text in saved:
            assert text == COMPLETE[number], f"recommendation {number} was saved as {text!r}"
        assert [number for number, _ in saved] == list(range(1, len(saved) + 1))
    assert row_counts() == before


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(deleted=spans)
def test_deleting_spans_of_lines_anywhere_never_saves_a_truncated_text(app, deleted):
    check(deleted)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(deleted=near_recommendations)
def test_deleting_lines_in_and_around_the_recommendations_never_saves_a_truncated_text(app, deleted):
    check(deleted)


def test_the_complete_report_is_saved_by_the_same_steps(app):
    saved = import_or_refuse(NEWHAM_TEXT)
    assert saved == sorted(COMPLETE.items())
