"""`--update` shows a word diff of every change before saving, and never shortens a text to its own beginning
without `--accept-shorter`."""

import pytest

from tests.importer.conftest import BARKING_TEXT, row_counts
from tests.importer.test_cli import inspection_for, revised_barking
from tracker.extensions import db
from tracker.importer.diffing import is_shorter_prefix, word_diff

FULL_4 = (
    "ensure that interventions necessary to improve desistance and reduce reoffending and risk of harm are "
    "provided in all cases"
)
SHORT_4 = "ensure that interventions necessary to improve desistance"


@pytest.fixture
def run(app, report_file):
    runner = app.test_cli_runner()

    def invoke(text: str, *options: str):
        return runner.invoke(
            args=["tracker", "import-report", str(report_file("barking.txt", text.encode())), *options]
        )

    return invoke


def recommendation_text(number: int) -> str:
    db.session.expire_all()
    inspection = inspection_for("Barking, Dagenham and Havering")
    return next(r.text for r in inspection.recommendations if r.number == number)


def test_word_diff_marks_removed_and_added_words():
    assert (
        word_diff(
            "increase quality assurance activity at PDU level.",
            "increase quality assurance at PDU level, including peer review.",
        )
        == "increase quality assurance [-activity-] at PDU [-level.-] {+level, including peer review.+}"
    )


@pytest.mark.parametrize(
    ("old", "new", "shorter"),
    [
        (FULL_4, SHORT_4, True),
        ("increase quality assurance activity at PDU level.", "increase quality assurance activity at PDU level", True),
        ("increase quality assurance activity.", "increase quality assurance act", False),
        (FULL_4, FULL_4, False),
        (SHORT_4, FULL_4, False),
        (FULL_4, "ensure that services are provided", False),
    ],
)
def test_is_shorter_prefix(old, new, shorter):
    assert is_shorter_prefix(old, new) is shorter


def test_update_prints_a_word_diff_of_every_change_before_saving(run):
    result = run(revised_barking(), "--update")
    assert result.exit_code == 0, result.output
    output = result.output
    diff = "Recommendation 11: increase quality assurance activity at PDU [-level.-] {+level, including peer review.+}"
    assert diff in output
    assert "Standard 2.2 key questions: 65%, 68%, 43% → 65%, 68%, 44%" in output
    assert output.index(diff) < output.index("Updated '")
    assert recommendation_text(11) == "increase quality assurance activity at PDU level, including peer review."


def test_update_refuses_a_text_cut_to_its_beginning_without_accept_shorter(run):
    shortened = BARKING_TEXT.replace(FULL_4, SHORT_4)
    before = row_counts()
    refused = run(shortened, "--update")
    assert refused.exit_code == 1
    assert "recommendation 4 is only the beginning of the saved text" in refused.output
    assert "--accept-shorter" in refused.output and "Nothing was saved." in refused.output
    assert f"Recommendation 4: {SHORT_4} [-and reduce reoffending" in refused.output
    assert row_counts() == before
    assert recommendation_text(4) == FULL_4

    accepted = run(shortened, "--update", "--accept-shorter")
    assert accepted.exit_code == 0, accepted.output
    assert recommendation_text(4) == SHORT_4


def test_update_with_a_report_cut_short_changes_nothing(run):
    cut = BARKING_TEXT[: BARKING_TEXT.index("3. improve the effectiveness") + len("3. improve the effective")]
    before = row_counts()
    result = run(cut, "--update")
    assert result.exit_code == 1
    assert "does not end as a sentence" in result.output
    assert row_counts() == before
    assert (
        recommendation_text(3) == "improve the effectiveness of quality assurance and management oversight of "
        "all casework"
    )
