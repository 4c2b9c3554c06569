"""Damaged variants of complete reports (cut short, tables missing, numbers repeated or skipped) are refused with
every reason listed and save nothing; the complete reports import with every recommendation intact."""

import json
import re

import pytest

from tests.importer.conftest import BARKING_TEXT, FIXTURES, row_counts
from tests.importer.test_cli import inspection_for
from tracker.importer.parser import parse_report

# The shipped report renamed to a PDU with no inspection yet, so a complete copy would be saved.
NEWHAM_TEXT = BARKING_TEXT.replace("Barking, Dagenham and Havering", "Newham")
ENFIELD_TEXT = (FIXTURES / "enfield-haringey-2024.txt").read_text(encoding="utf-8")
#: reports written for these tests in the inspectorate's layouts: 7 to 15 recommendations, other addressees
#: (the police, local authorities, a health board), 21- and 24-point scores
GENERATED = {
    name: (FIXTURES / f"{file}.txt").read_text(encoding="utf-8")
    for name, file in (
        ("enfield", "enfield-haringey-2024"),
        ("cardiff", "cardiff-vale-2023"),
        ("lewisham", "lewisham-bromley-2022"),
    )
}
REPORTS = {"shipped": NEWHAM_TEXT, **GENERATED}
_ITEM_RE = re.compile(r"\d{1,2}\. [a-z]")


@pytest.fixture
def run(app, report_file):
    runner = app.test_cli_runner()

    def invoke(text: str, *options: str):
        path = report_file("report.txt", text.encode())
        return runner.invoke(args=["tracker", "import-report", str(path), *options])

    return invoke


def recommendation_lines(text: str) -> list[int]:
    lines = text.split("\n")
    return [index for index, line in enumerate(lines) if _ITEM_RE.match(line)]


def cuts(name: str) -> list[tuple[str, str]]:
    """The report cut just after each recommendation, and in the middle of each recommendation's sentence."""
    lines = REPORTS[name].split("\n")
    variants = []
    for index in recommendation_lines(REPORTS[name]):
        number = lines[index].split(".")[0]
        variants.append((f"{name}-after-{number}", "\n".join(lines[: index + 1]) + "\n"))
        words = lines[index].split()
        variants.append((f"{name}-inside-{number}", "\n".join(lines[:index] + [" ".join(words[: len(words) // 2])])))
    return variants


def damaged(name: str) -> list[tuple[str, str, str]]:
    text = REPORTS[name]
    numbered = [text.split("\n")[i] for i in recommendation_lines(text)]
    key_table = _first_key_question_table(text)
    return [
        (f"{name}-no-ratings-table", re.sub(r"\nScore[^\n]*\n", "\n", text), "No score was found"),
        (
            f"{name}-no-key-question-table",
            text.replace(key_table, "") if key_table else "",
            "No key-question table was found for standard",
        ),
        (
            f"{name}-repeated-number",
            text.replace(numbered[3], numbered[3].replace("4.", "3.", 1)),
            "Recommendation 3 appears twice",
        ),
        (
            f"{name}-skipped-number",
            text.replace(numbered[4] + "\n", ""),
            "Recommendation numbers are not consecutive from 1: missing 5",
        ),
        (
            f"{name}-heading-without-recommendations",
            _without_last_addressees_recommendations(text),
            "has no recommendations under it",
        ),
    ]


def _first_key_question_table(text: str) -> str | None:
    """The first key-question table of a rated standard, from its heading row to the blank line after it, in any
    of the layouts."""
    tables = re.finditer(r"^[| ]*Key question\W+Percentage 'Yes'.*?(?=\n\s*\n)", text, re.MULTILINE | re.DOTALL)
    return next((table[0] for table in tables if re.search(r"\d+(?:%|\*\*| per cent)", table[0])), None)


def _without_last_addressees_recommendations(text: str) -> str:
    lines = text.split("\n")
    last_heading = max(i for i, line in enumerate(lines) if line.endswith("should:"))
    numbered = set(recommendation_lines(text))
    return "\n".join(line for i, line in enumerate(lines) if not (i > last_heading and i in numbered))


ALL_CUTS = [cut for name in REPORTS for cut in cuts(name)]
ALL_DAMAGED = [variant for name in REPORTS for variant in damaged(name)]


def test_the_complete_reports_have_no_problems():
    for text in REPORTS.values():
        assert parse_report(text).problems == []


@pytest.mark.parametrize(("name", "text"), ALL_CUTS, ids=[c[0] for c in ALL_CUTS])
def test_a_report_cut_short_exits_1_and_saves_nothing(run, name, text):
    before = row_counts()
    result = run(text)
    assert result.exit_code == 1, result.output
    assert "Nothing was saved." in result.output
    assert "Traceback" not in result.output
    assert row_counts() == before


@pytest.mark.parametrize("name", list(REPORTS))
def test_cut_reports_say_why_they_are_refused(name):
    for label, text in cuts(name):
        problems = parse_report(text).problems
        if "inside" in label:
            assert any("does not end as a sentence" in problem for problem in problems), label
        assert any("No key-question table was found" in problem for problem in problems), label


@pytest.mark.parametrize(("name", "text", "reason"), ALL_DAMAGED, ids=[d[0] for d in ALL_DAMAGED])
def test_a_damaged_report_is_refused_with_its_reasons_and_saves_nothing(run, name, text, reason):
    assert text, "the fixture changed; update the test"
    before = row_counts()
    result = run(text, "--json")
    assert result.exit_code == 1, result.output
    problems = json.loads(result.stdout)["problems"]
    assert any(reason in problem for problem in problems), problems
    assert all(f"Problem: {problem}" in result.stderr for problem in problems)
    assert "is incomplete or inconsistent" in result.stderr and "Nothing was saved." in result.stderr
    assert row_counts() == before


def test_a_dry_run_of_a_damaged_report_also_exits_1(run):
    result = run(NEWHAM_TEXT.replace("\n5. ensure staff", "\n6. ensure staff"), "--dry-run")
    assert result.exit_code == 1
    assert "Problem: Recommendation 6 appears twice" in result.output


@pytest.mark.parametrize("name", ["shipped", "enfield"])
def test_the_complete_report_imports_every_recommendation_intact(run, name):
    result = run(REPORTS[name])
    assert result.exit_code == 0, result.output
    expected = parse_report(REPORTS[name]).recommendations
    saved = inspection_for("Newham" if name == "shipped" else "Enfield and Haringey").recommendations
    assert [(r.number, r.text, r.addressee_kind) for r in saved] == [
        (r.number, r.text, r.addressee_kind) for r in expected
    ]


def test_a_score_that_does_not_add_up_is_refused():
    problems = parse_report(NEWHAM_TEXT.replace("Score **5/24**", "Score **6/24**")).problems
    assert (
        "The score 6/24 does not match the standards' ratings, which add up to 5/24: a rating or the score was "
        "misread" in problems
    )


def test_a_rating_outside_its_band_is_refused_but_discretion_only_warns():
    discretion = parse_report(NEWHAM_TEXT)
    assert discretion.problems == []
    assert any(
        "Standard 2.4 Implementation and delivery is rated Requires improvement although its lowest "
        "key-question score, 48%" in warning
        for warning in discretion.warnings
    )
    far = parse_report(
        NEWHAM_TEXT.replace(
            "Does the implementation and delivery of services effectively support the safety of other people?\t48%",
            "Does the implementation and delivery of services effectively support the safety of other people?\t30%",
        )
    )
    assert (
        "The rating of standard 2.4 Implementation and delivery (Requires improvement) does not agree with its "
        "lowest key-question score, 30%, which is in the Inadequate band" in far.problems
    )


def test_a_recommendation_that_runs_on_into_the_prose_after_a_lost_span_is_refused(run):
    """Found by the property test: with recommendations 2 to 13 and the headings after them lost, recommendation 1
    ran straight on into the Background section's first paragraph and ended as a sentence."""
    lines = NEWHAM_TEXT.split("\n")
    first, prose = (
        recommendation_lines(NEWHAM_TEXT)[0],
        lines.index(next(line for line in lines if line.startswith("We conducted fieldwork in Newham PDU"))),
    )
    text = "\n".join(lines[: first + 1] + lines[prose:])
    before = row_counts()
    result = run(text, "--json")
    assert result.exit_code == 1, result.output
    problems = json.loads(result.stdout)["problems"]
    assert any(problem.startswith("Recommendation 1 runs on past the end of its sentence ('…") for problem in problems)
    assert row_counts() == before
