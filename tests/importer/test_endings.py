"""A recommendation that may have lost its last words with a line of the report: refused when its last word cannot
end a sentence, held for an administrator's check when the layout or a stranded preposition puts it in doubt, and
complete reports in every wrapping still import."""

import json
import re

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, soup_of, text_of
from tests.importer.conftest import FIXTURE_NAMES, report_bytes, row_counts
from tests.importer.test_completeness import NEWHAM_TEXT
from tests.importer.test_deleted_lines import CARDIFF_TEXT, import_or_refuse, wrapped
from tests.importer.test_views import error_summary, inspection_for, save, upload
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.importer.extract import extract_text
from tracker.importer.parser import parse_report

RECOMMENDATION_3 = "3. improve the effectiveness of quality assurance and management oversight of all casework"
FULL_1 = "improve the quality of work to assess, plan for, manage and review the risk of harm"
#: the shipped report wrapped at 60 characters, with the continuation of recommendation 1 lost
CUT_AT_MARGIN = wrapped(NEWHAM_TEXT).replace("manage\nand review the risk of harm\n", "manage\n")
WIDTHS = (40, 60, 80, 100)


def ending_3_with(words: str) -> str:
    return NEWHAM_TEXT.replace(RECOMMENDATION_3, RECOMMENDATION_3.removesuffix(" all casework") + words)


@pytest.mark.parametrize("ending", [" the", " all casework and", " all casework, including", " all casework,",
                                    " multi-", " all casework (", " their", " all casework:"])
def test_a_recommendation_ending_where_no_sentence_can_is_refused(ending):
    extraction = parse_report(ending_3_with(ending))
    assert any(problem.startswith("Recommendation 3 ends '…") and "cannot be the end of a sentence" in problem
               and "check it against the report" in problem for problem in extraction.problems)


@pytest.mark.parametrize("ending", [" all casework; and", " all casework;", " all casework they lead"])
def test_a_finished_clause_is_not_refused(ending):
    extraction = parse_report(ending_3_with(ending))
    assert extraction.problems == []
    assert extraction.unconfirmed_endings == []


def test_a_recommendation_ending_with_a_preposition_is_held_for_a_check_not_refused():
    extraction = parse_report(ending_3_with(" all casework they respond to"))
    assert extraction.problems == []
    assert extraction.unconfirmed_endings == [3]
    assert extraction.warnings[0].startswith(
        "Recommendation 3 may be cut short: it ends with 'to', which usually has more words after it. Check in the "
        "report that it ends '…management oversight of all casework they respond to'")


def test_one_recommendation_a_line_says_nothing_about_the_layout():
    assert parse_report(NEWHAM_TEXT).unconfirmed_endings == []


def test_a_line_breaking_before_a_word_that_would_have_fitted_is_held_for_a_check():
    # From recommendation 9 to the first line of 10 lost: 10's other lines now carry on recommendation 8, after a
    # line ("practitioners") that "for" would have fitted on
    lost = ("9. review the allocation of approved premises\nplaces in Wales.\n\nCardiff and Vale University Health "
            "Board should:\n\n10. improve access to mental health assessments\n")
    damaged = wrapped(CARDIFF_TEXT, 50).replace(lost, "")
    assert lost not in damaged
    extraction = parse_report(damaged)
    assert extraction.problems == []
    assert 8 in extraction.unconfirmed_endings
    assert any(warning.startswith(
        "Recommendation 8 may have lost words: one of its lines ends before a word that would have fitted on it, so "
        "the line after it may have been lost. Check in the report that it reads 'make sure that the national "
        "recruitment campaign reflects the need for Welsh-speaking practitioners for people on probation")
        for warning in extraction.warnings)


def complete_text(name: str) -> str:
    """The fixture's text as read from its file; the shipped report renamed, as the demo data already holds it."""
    return extract_text(*report_bytes(name)).replace("Barking, Dagenham and Havering", "Newham")


def complete_variants():
    for name in FIXTURE_NAMES:
        text = complete_text(name)
        yield name, None, text
        for width in WIDTHS:
            yield name, width, wrapped(text, width)


VARIANTS = list(complete_variants())


def test_complete_reports_in_every_wrapping_are_never_refused_and_import_intact(app):
    """The false positives, measured: no complete report is refused; some need a recommendation's ending accepted
    (10 of the 30 here: the Newham PDF and the Lewisham layout, as they are and wrapped at 100, which leaves them
    unchanged; and 6 of the 16 wrappings of the four reports printed one recommendation a line)."""
    held = []
    for name, width, text in VARIANTS:
        extraction = parse_report(text)
        assert extraction.problems == [], (name, width)
        expected = [(r.number, r.text) for r in parse_report(complete_text(name)).recommendations]
        saved, warnings = import_or_refuse(text, accept_endings=True)
        assert saved == expected, (name, width)
        if extraction.unconfirmed_endings:
            held.append((name, width))
            assert import_or_refuse(text)[0] is None, "saved without the ending being accepted"
            for number in extraction.unconfirmed_endings:
                assert any(re.match(f"Recommendation {number} may (be cut short|have lost words):", w)
                           for w in warnings)
    assert len(held) <= len(VARIANTS) // 2, held


@pytest.fixture
def run(app, report_file):
    runner = app.test_cli_runner()

    def invoke(path, *options: str):
        return runner.invoke(args=["tracker", "import-report", str(path), *options])

    return invoke


def test_the_command_refuses_a_doubtful_ending_until_accepted(run, report_file):
    path = report_file("cut.txt", CUT_AT_MARGIN.encode())
    before = row_counts()
    refused = run(path)
    assert refused.exit_code == 1
    assert ("Warning: Recommendation 1 may be cut short: its last line reaches the right margin with no full stop"
            in refused.output)
    assert "Check in the report that it ends '…quality of work to assess, plan for, manage'" in refused.output
    assert ("Recommendation 1 may be cut short (see the warnings above). Check how each ends in the report; if the "
            "report ends it there too, run again with --accept-endings. Nothing was saved.") in refused.output
    assert row_counts() == before
    as_json = run(path, "--json")
    assert as_json.exit_code == 1
    data = json.loads(as_json.stdout)
    assert data["unconfirmed_endings"] == [1]
    assert data["warnings"][0].startswith("Recommendation 1 may be cut short")
    assert row_counts() == before


def test_the_newham_pdf_imports_once_its_first_ending_is_accepted(run, report_file):
    path = report_file("newham-2023")
    before = row_counts()
    assert run(path).exit_code == 1
    assert row_counts() == before
    accepted = run(path, "--accept-endings")
    assert accepted.exit_code == 0, accepted.output
    inspection = inspection_for("Newham")
    assert inspection.recommendations[0].text.endswith("when circumstances change")
    accepted = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "accept",
                                                          AuditEvent.inspection_id == inspection.id))
    assert accepted.summary == ("Accepted as checked against the report the ending of recommendation 1, which the "
                                "report's layout or wording put in doubt")


@pytest.fixture
def admin(as_user):
    return as_user(ADMIN)


def test_the_review_page_names_the_recommendation_and_saves_only_once_ticked(admin):
    url = upload(admin, "cut.txt", CUT_AT_MARGIN.encode(), "cut.txt").headers["Location"]
    warnings = [text_of(w) for w in soup_of(admin.get(url)).select("#warning-list .govuk-warning-text__text")]
    assert any("Recommendation 1 may be cut short: its last line reaches the right margin" in warning
               and "it ends '…quality of work to assess, plan for, manage'" in warning for warning in warnings)
    before = row_counts()
    assert error_summary(save(admin, url)) == ["Confirm that you have checked each warning against the report"]
    assert row_counts() == before
    assert save(admin, url, accept_warnings=True).status_code == 302
    assert inspection_for("Newham").recommendations[0].text == FULL_1.removesuffix(" and review the risk of harm")
