"""One report, one inspection: the same report as text, web page and PDF is imported once, whatever the order;
dates keep the precision the report gives; metadata is found wherever the report states it."""

from html import escape
from itertools import permutations

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, soup_of, text_of
from tests.importer import make_pdf
from tests.importer.conftest import BARKING_TEXT, FIXTURES, row_counts
from tests.importer.test_cli import inspection_for
from tracker.extensions import db
from tracker.importer.extract import extract_text
from tracker.importer.parser import parse_report, read_report
from tracker.inspections.models import Inspection

LAMBETH_HTML = (FIXTURES / "lambeth-2023.html").read_text(encoding="utf-8")
WEEK = "over the week beginning 13 March 2023"


def lambeth_formats() -> dict[str, tuple[str, bytes]]:
    """Lambeth as its web page (dated 14 June 2023), as text dated only "June 2023" with only the fieldwork
    month, and as a PDF that gives no fieldwork date at all: three sets of words, one inspection."""
    page_text = extract_text(LAMBETH_HTML.encode())
    text = page_text.replace("Published: 14 June 2023", "Published: June 2023").replace(WEEK, "")
    pdf_text = page_text.replace("Fieldwork started March 2023", "").replace(WEEK, "")
    return {
        "html": ("lambeth.html", LAMBETH_HTML.encode()),
        "text": ("lambeth.txt", text.encode()),
        "pdf": ("lambeth.pdf", make_pdf.text_pdf(pdf_text)),
    }


FORMATS = lambeth_formats()


@pytest.fixture
def run(app, report_file):
    runner = app.test_cli_runner()

    def invoke(kind: str, *options: str):
        filename, data = FORMATS[kind]
        # a complete PDF is saved as printed, with no check asked for, as the text and the web page are
        return runner.invoke(args=["tracker", "import-report", str(report_file(filename, data)), *options])

    return invoke


def test_the_three_formats_differ_in_words_and_dates():
    read = {kind: read_report(data, filename) for kind, (filename, data) in FORMATS.items()}
    assert (read["html"].published_on.isoformat(), read["html"].is_published_month_only) == ("2023-06-14", False)
    assert (read["text"].published_on.isoformat(), read["text"].is_published_month_only) == ("2023-06-01", True)
    assert (read["text"].fieldwork_on.isoformat(), read["text"].is_fieldwork_month_only) == ("2023-03-01", True)
    assert read["pdf"].fieldwork_on is None
    assert len({text for _, text in FORMATS.values()}) == 3


@pytest.mark.parametrize(("first", "second"), list(permutations(FORMATS, 2)), ids="-then-".join)
def test_the_same_report_in_another_format_is_refused_naming_the_first(run, first, second):
    assert run(first).exit_code == 0
    inspection = inspection_for("Lambeth")
    before = row_counts()
    result = run(second)
    assert result.exit_code == 1, result.output
    assert f"already been imported as '{inspection.title}' (inspection {inspection.id}," in result.output
    assert row_counts() == before


def test_another_format_with_update_refreshes_the_first_inspection(run):
    assert run("text").exit_code == 0
    inspection = inspection_for("Lambeth")
    result = run("html", "--update")
    assert result.exit_code == 0, result.output
    assert "Published: 2023-06-01 → 2023-06-14" in result.output
    db.session.expire_all()
    assert db.session.scalars(select(Inspection).where(Inspection.pdu_id == inspection.pdu_id)).all() == [inspection]
    assert (inspection.published_on.isoformat(), inspection.is_published_month_only) == ("2023-06-14", False)


def test_a_month_only_date_is_stored_and_shown_as_a_month(app, report_file, as_user):
    text = BARKING_TEXT.replace("Barking, Dagenham and Havering", "Newham").replace(
        " in the week beginning 26 September 2022", ""
    )
    result = app.test_cli_runner().invoke(
        args=["tracker", "import-report", str(report_file("newham.txt", text.encode()))]
    )
    assert result.exit_code == 0, result.output
    inspection = inspection_for("Newham")
    assert (inspection.fieldwork_on.isoformat(), inspection.is_fieldwork_month_only) == ("2022-09-01", True)
    assert (inspection.published_on.isoformat(), inspection.is_published_month_only) == ("2022-11-01", True)
    page = soup_of(as_user(ADMIN).get(f"/inspections/{inspection.id}"))
    assert text_of(page.select_one("#fieldwork")) == "September 2022"
    assert text_of(page.select_one("#published")) == "November 2022"


def test_a_day_is_shown_as_a_day(as_user):
    barking = inspection_for("Barking, Dagenham and Havering")
    page = soup_of(as_user(ADMIN).get(f"/inspections/{barking.id}"))
    assert text_of(page.select_one("#fieldwork")) == "26 September 2022"


# --- metadata wherever the report states it ---------------------------------------------------------------------


def lambeth_with(old: str, new: str) -> bytes:
    assert old in LAMBETH_HTML, "the fixture changed; update the test"
    return LAMBETH_HTML.replace(old, new).replace(WEEK, "").encode()


@pytest.mark.parametrize(
    ("place", "html"),
    [
        ("line of its own", lambeth_with("x", "x")),
        (
            "caption after other words",
            lambeth_with('<tr><td colspan="2">Fieldwork started March 2023</td></tr>', "").replace(
                b'<table class="ratings">',
                b'<table class="ratings"><caption>Ratings for Lambeth PDU. Fieldwork started March 2023</caption>',
            ),
        ),
        (
            "table cell after other words",
            lambeth_with(
                '<tr><td colspan="2">Fieldwork started March 2023</td></tr>',
                '<tr><td colspan="2">Lambeth PDU, London region: fieldwork began in March 2023</td></tr>',
            ),
        ),
        (
            "mid-sentence",
            lambeth_with('<tr><td colspan="2">Fieldwork started March 2023</td></tr>', "").replace(
                b"At the time of our fieldwork", b"Fieldwork started March 2023, and at that time"
            ),
        ),
    ],
)
def test_the_fieldwork_month_is_found_wherever_it_is_stated(place, html):
    extraction = read_report(html, "lambeth.html")
    assert extraction.fieldwork_on is not None, place
    assert (extraction.fieldwork_on.isoformat(), extraction.is_fieldwork_month_only) == ("2023-03-01", True)
    assert extraction.fieldwork_text == "March 2023"


@pytest.mark.parametrize(
    ("place", "html"),
    [
        (
            "caption",
            lambeth_with('<p class="meta">Published: 14 June 2023</p>', "").replace(
                b'<table class="ratings">',
                b'<table class="ratings"><caption>Lambeth PDU ratings, published 14 June 2023</caption>',
            ),
        ),
        (
            "mid-line",
            lambeth_with(
                '<p class="meta">Published: 14 June 2023</p>',
                '<p class="meta">Crown copyright. This report was published on 14 June 2023.</p>',
            ),
        ),
    ],
)
def test_the_publication_date_is_found_wherever_it_is_stated(place, html):
    extraction = read_report(html, "lambeth.html")
    assert (extraction.published_on.isoformat(), extraction.is_published_month_only) == ("2023-06-14", False), place


def test_a_fieldwork_day_given_mid_line_is_kept_as_a_day():
    extraction = parse_report(BARKING_TEXT)
    assert (extraction.fieldwork_on.isoformat(), extraction.is_fieldwork_month_only) == ("2022-09-26", False)


# --- the shipped report in three formats --------------------------------------------------------------------------


def shipped_as_web_page(text: str) -> bytes:
    """The report as a web page: prose as paragraphs, tab-separated lines as table rows."""
    body = []
    for line in text.split("\n"):
        cells = line.split("\t")
        if len(cells) > 1:
            body.append("<table><tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr></table>")
        elif line.strip():
            body.append(f"<p>{escape(line)}</p>")
    return f"<!doctype html><html><body><main>{''.join(body)}</main></body></html>".encode()


SHIPPED = BARKING_TEXT.replace("Barking, Dagenham and Havering", "Newham")
SHIPPED_FORMATS = {
    "text": ("newham.txt", SHIPPED.encode()),
    # the web page gives the fieldwork month only; the PDF is laid out in pages of its own
    "html": ("newham.html", shipped_as_web_page(SHIPPED.replace(" in the week beginning 26 September 2022", ""))),
    "pdf": ("newham.pdf", make_pdf.text_pdf(SHIPPED)),
}


def test_the_shipped_report_reads_the_same_in_every_format():
    read = {kind: read_report(data, filename) for kind, (filename, data) in SHIPPED_FORMATS.items()}
    assert all(extraction.problems == [] for extraction in read.values()), {k: e.problems for k, e in read.items()}
    texts = {kind: [(r.number, r.text) for r in extraction.recommendations] for kind, extraction in read.items()}
    assert texts["html"] == texts["text"] == texts["pdf"] and len(texts["text"]) == 13
    assert read["html"].is_fieldwork_month_only and not read["text"].is_fieldwork_month_only
    assert len({extract_text(data, filename) for filename, data in SHIPPED_FORMATS.values()}) == 3


@pytest.mark.parametrize(("first", "second"), list(permutations(SHIPPED_FORMATS, 2)), ids="-then-".join)
def test_the_shipped_report_in_another_format_is_refused_naming_the_first(app, report_file, first, second):
    runner = app.test_cli_runner()

    def run(kind):
        filename, data = SHIPPED_FORMATS[kind]
        return runner.invoke(args=["tracker", "import-report", str(report_file(filename, data))])

    assert run(first).exit_code == 0
    inspection = inspection_for("Newham")
    before = row_counts()
    result = run(second)
    assert result.exit_code == 1, result.output
    assert f"already been imported as '{inspection.title}' (inspection {inspection.id}," in result.output
    assert row_counts() == before


def test_a_pdf_of_a_report_imported_already_is_refused_as_that_before_its_words_are_questioned(app, report_file):
    """Nobody is asked to check a PDF's recommendations against the report only to be told it is a duplicate."""
    runner = app.test_cli_runner()
    text_name, text = FORMATS["text"]
    assert runner.invoke(args=["tracker", "import-report", str(report_file(text_name, text))]).exit_code == 0
    inspection = inspection_for("Lambeth")
    before = row_counts()
    pdf_name, pdf = FORMATS["pdf"]
    result = runner.invoke(args=["tracker", "import-report", str(report_file(pdf_name, pdf))])
    assert result.exit_code == 1
    assert f"already been imported as '{inspection.title}' (inspection {inspection.id}," in result.output
    assert "--accept-endings" not in result.output.split("Error:")[-1]
    assert row_counts() == before
