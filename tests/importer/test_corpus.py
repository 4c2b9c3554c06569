"""The corpus: complete reports of many shapes (text, web pages with several kinds of list markup, PDFs from three
generators), and damaged copies of each, imported as an administrator would.

Measured and asserted: no complete report is held or refused; no damaged copy is saved with anything the complete
report does not say; every hold names each recommendation it doubts and why, and accepting it unread saves nothing
wrong that it did not name. The counts are the confusion table in docs/importer.md."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, soup_of, text_of
from tests.importer.conftest import row_counts
from tests.importer.damage import NAMES, Report, Variant, load, variants
from tests.importer.test_views import upload
from tracker.extensions import db
from tracker.importer import services
from tracker.importer.errors import ImportProblem, ReportError
from tracker.importer.parser import read_report
from tracker.importer.schema import ReportExtraction
from tracker.inspections.models import Inspection
from tracker.organisations import services as organisations

#: outcome of every file of the corpus, (complete or damaged, outcome): saved, held until its recommendations are
#: accepted as checked, or refused. The two damaged copies saved each lost its last page, an annex holding nothing
#: the tracker keeps, from a PDF that neither numbers its pages out of a total nor lists its contents: each saved
#: exactly what the complete report says.
TABLE = {
    ("complete", "saved"): 14,
    ("complete", "held"): 0,
    ("complete", "refused"): 0,
    ("damaged", "saved"): 2,
    ("damaged", "held"): 66,
    ("damaged", "refused"): 214,
}
#: the damaged copies by kind of damage and outcome
BY_DAMAGE = {
    ("cut mid-list", "refused"): 20,
    ("missing page", "saved"): 2,
    ("missing page", "refused"): 55,
    ("lost line", "held"): 66,
    ("lost line", "refused"): 111,
    ("merged items", "refused"): 14,
    ("renumbered items", "refused"): 14,
}
_DOUBT_RE = re.compile(r"^Recommendation (\d+) may (?:have lost words|be cut short|have lost its heading): (.+)$")


@cache
def readings() -> list[tuple[Report, Variant | None, ReportExtraction | str]]:
    """Every file of the corpus as read: the complete report (no variant), then each damaged copy; a file that
    cannot be read as a report gives the message it is refused with."""
    read: list[tuple[Report, Variant | None, ReportExtraction | str]] = []
    for name in NAMES:
        report = load(name)
        for variant in [None, *variants(report)]:
            data = report.data if variant is None else variant.data
            try:
                read.append((report, variant, read_report(data, report.filename)))
            except ReportError as error:
                read.append((report, variant, error.message))
    return read


def saved(report: Report) -> list[tuple[int, str, str]]:
    return [(r["number"], r["addressee_name"], r["text"]) for r in report.expected["recommendations"]]


def complete(report: Report) -> tuple:
    """What saving the complete report keeps: its recommendations, its score, its PDU and region."""
    expected = report.expected
    return (
        saved(report),
        (expected["score"], expected["score_max"]),
        (expected["pdu_name"], expected["region_name"]),
    )


def import_as_read(extraction: ReportExtraction | str, accept_endings: bool = False):
    """("saved", what was saved), ("held", None) or ("refused", None), as `import-report FILE --yes` would end
    (written, not committed, and undone)."""
    if isinstance(extraction, str):
        return "refused", None
    try:
        target = services.find_target(extraction.pdu_name, extraction.region_name)
        result = services.add_report(extraction, None, target, accept_endings=accept_endings)
        db.session.flush()
        inspection = result.inspection
        return "saved", (
            [(r.number, r.addressee_name, r.text) for r in inspection.recommendations],
            (inspection.score, inspection.score_max),
            (inspection.pdu.name, inspection.pdu.parent.name),
        )
    except services.UncheckedEndings:
        return "held", None
    except ImportProblem:
        return "refused", None
    finally:
        db.session.rollback()


def test_the_corpus_has_every_shape_asked_for():
    reports = [load(name) for name in NAMES]
    assert len(reports) >= 12
    shapes = Counter(report.expected["shape"].split("-")[0] for report in reports)
    assert shapes["text"] >= 3 and shapes["html"] >= 3 and shapes["pdf"] >= 4
    generators = {report.expected["shape"].split("-")[1] for report in reports if report.kind == "pdf"}
    assert {"chromium", "libreoffice", "makepdf"} <= generators
    assert all(6 <= len(report.texts) <= 15 for report in reports)
    assert {report.expected["score_max"] for report in reports} == {21, 24, 27}
    assert any(report.expected["region_name"] == "Wales" for report in reports)
    assert any(report.expected["region_name"] != "Wales" for report in reports)
    addressees = " ".join(r["addressee_name"] for report in reports for r in report.expected["recommendations"])
    assert "Health Board" in addressees and "Police" in addressees and "Council" in addressees
    for report in reports:
        assert len(report.data) < 60_000, report.filename


def test_the_corpus_is_measured_no_false_hold_and_no_silent_damage(app):
    table: Counter[tuple[str, str]] = Counter()
    by_damage: Counter[tuple[str, str]] = Counter()
    for report, variant, extraction in readings():
        outcome, kept = import_as_read(extraction)
        if variant is None:
            table[("complete", outcome)] += 1
            assert outcome == "saved", (report.name, extraction)
            assert kept == complete(report), report.name
            assert isinstance(extraction, ReportExtraction) and extraction.warnings == [], report.name
            continue
        table[("damaged", outcome)] += 1
        by_damage[(variant.damage, outcome)] += 1
        label = (report.name, variant.damage, variant.detail)
        if outcome == "saved":
            # the damage touched nothing the tracker keeps: what was saved is what the complete report says
            assert kept == complete(report), label
        if outcome == "held":
            assert isinstance(extraction, ReportExtraction)
            doubted = check_doubts_are_named(extraction, label)
            # what accepting the doubts unread would save: every difference was named
            accepted, kept = import_as_read(extraction, accept_endings=True)
            assert accepted == "saved", label
            printed = {number: (heading, text) for number, heading, text in saved(report)}
            for number, heading, text in kept[0]:
                if printed.get(number) != (heading, text):
                    assert number in doubted, (label, number, text)
    assert dict(table) == {key: count for key, count in TABLE.items() if count}
    assert dict(by_damage) == BY_DAMAGE


def check_doubts_are_named(extraction: ReportExtraction, label) -> set[int]:
    """Each doubt names its recommendation and says why, and they are the recommendations held."""
    assert extraction.unconfirmed_endings == sorted(extraction.doubts), label
    for number, doubt in extraction.doubts.items():
        match = _DOUBT_RE.match(doubt)
        assert match and int(match[1]) == number, (label, doubt)
        assert "Check in the report" in match[2], (label, doubt)
    return set(extraction.doubts)


@pytest.fixture
def run(app, report_file):
    """`flask tracker import-report FILE --yes`, as an administrator runs it."""
    runner = app.test_cli_runner()

    def invoke(filename: str, data: bytes):
        return runner.invoke(args=["tracker", "import-report", str(report_file(filename, data)), "--yes"])

    return invoke


@pytest.mark.parametrize("name", NAMES)
def test_each_complete_report_is_saved_by_the_command_exactly_as_printed(run, name):
    report = load(name)
    result = run(report.filename, report.data)
    assert result.exit_code == 0, result.output
    assert "Warning:" not in result.output and "--accept-endings" not in result.output
    pdu = organisations.find_pdu(report.expected["pdu_name"])
    assert pdu is not None and pdu.parent.name == report.expected["region_name"]
    inspection = db.session.scalar(select(Inspection).where(Inspection.pdu_id == pdu.id))
    assert [(r.number, r.addressee_name, r.text) for r in inspection.recommendations] == saved(report)
    assert (inspection.score, inspection.score_max) == (report.expected["score"], report.expected["score_max"])


def damaged(name: str, damage: str, detail: str) -> Variant:
    return next(v for v in variants(load(name)) if v.damage == damage and v.detail.startswith(detail))


def test_a_pdf_missing_a_page_is_refused_naming_the_page(run):
    variant = damaged("north-wales-2023", "missing page", "page 6")
    before = row_counts()
    refused = run("north-wales-2023.pdf", variant.data)
    assert refused.exit_code == 1
    assert "Problem: Page 6 is missing from the file: its pages are numbered 5 then 7" in refused.output
    assert row_counts() == before


def test_a_pdf_line_lost_from_a_recommendation_is_held_naming_it(run):
    """Its last line taken out of the page: the page still reads, one line short, with the line's space left."""
    variant = damaged("north-wales-2023", "lost line", "there are concerns about domestic abuse or")
    before = row_counts()
    held = run("north-wales-2023.pdf", variant.data)
    assert held.exit_code == 1
    assert (
        "Warning: Recommendation 1 may be cut short: on page 5 of the file more space follows it than follows the "
        "other recommendations, so its last line may have been lost. Check in the report that it ends "
        "'…reviewing to keep other people safe, especially where'" in held.output
    )
    assert (
        "Recommendation 1 may have lost words (see the warnings above). Check it against the report; if the report "
        "reads the same, run again with --accept-endings. Nothing was saved." in held.output
    )
    assert row_counts() == before


@pytest.fixture
def admin(as_user):
    return as_user(ADMIN)


def test_the_review_page_shows_a_doubt_only_beside_its_recommendation(admin):
    report = load("wolverhampton-2023")
    complete = soup_of(admin.get(upload(admin, report.filename, report.data, report.filename).headers["Location"]))
    assert text_of(complete.h1) == "Check the report before saving"
    assert complete.select(".recommendation-doubt") == [] and complete.select_one("#no-warnings") is not None
    variant = next(v for v in variants(report) if v.damage == "lost line" and v.detail.startswith("probation and the"))
    url = upload(admin, "damaged.pdf", variant.data, "damaged.pdf").headers["Location"]
    page = soup_of(admin.get(url))
    assert text_of(page.h1) == "Check the report before saving"
    doubts = {
        row["id"]: text_of(row.select_one(".recommendation-doubt"))
        for row in page.select("[id^=recommendation-]")
        if row.select_one(".recommendation-doubt")
    }
    assert list(doubts) == ["recommendation-1"]
    assert "Recommendation 1 may be cut short" in doubts["recommendation-1"]
    assert "Recommendation 1 may" not in " ".join(text_of(w) for w in page.select("#warning-list li"))
