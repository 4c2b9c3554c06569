"""Tests for reading inspection reports: the Barking report field by field, other formats, and bad uploads."""

from __future__ import annotations

import importlib.util
import json
import random
from datetime import date
from pathlib import Path

import pytest

from tracker.importer.errors import ReportError
from tracker.importer.extract import extract_text
from tracker.importer.parser import parse_report, read_report
from tracker.importer.recommendations import classify_addressee

FIXTURES = Path(__file__).parent / "fixtures"
BARKING = FIXTURES / "barking-dagenham-havering-2022.txt"
BARKING_NAME = "Barking, Dagenham and Havering"


def _load_make_pdf():
    # Loaded by path so the test needs no tests/importer/__init__.py and works in any pytest import mode.
    spec = importlib.util.spec_from_file_location("make_pdf", Path(__file__).parent / "make_pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_pdf = _load_make_pdf()


def _fixture_bytes(name: str) -> bytes:
    if (FIXTURES / f"{name}.pdf.txt").exists():
        return make_pdf.text_pdf((FIXTURES / f"{name}.pdf.txt").read_text(encoding="utf-8"))
    for suffix in (".txt", ".html"):
        if (FIXTURES / f"{name}{suffix}").exists():
            return (FIXTURES / f"{name}{suffix}").read_bytes()
    raise FileNotFoundError(name)


def _barking_text() -> str:
    return BARKING.read_text(encoding="utf-8")


# --- every fixture against its expected extraction -------------------------------------------------------------

FIXTURE_NAMES = sorted(path.name.removesuffix(".expected.json") for path in FIXTURES.glob("*.expected.json"))


def test_there_are_at_least_six_fixtures():
    assert len(FIXTURE_NAMES) >= 6


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_matches_expected_extraction(name):
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    actual = read_report(_fixture_bytes(name), filename=name).to_dict()
    assert set(actual) == set(expected)
    for field in expected:
        assert actual[field] == expected[field], field


def test_to_dict_is_json_serialisable():
    data = read_report(BARKING.read_bytes()).to_dict()
    assert json.loads(json.dumps(data)) == data


# --- Barking, Dagenham and Havering, every field explicitly ----------------------------------------------------

BARKING_RECOMMENDATIONS = [
    (1, "improve the quality of work to assess, plan for, manage and review the risk of harm"),
    (
        2,
        "ensure that domestic abuse and safeguarding checks are completed and utilised to inform assessment, "
        "planning and risk management",
    ),
    (3, "improve the effectiveness of quality assurance and management oversight of all casework"),
    (
        4,
        "ensure that interventions necessary to improve desistance and reduce reoffending and risk of harm are "
        "provided in all cases",
    ),
    (
        5,
        "ensure staff responsible for case management oversight have the skills, knowledge and time to undertake "
        "the work effectively",
    ),
    (
        6,
        "ensure that Professional Qualification in Probation (PQiP) learners have appropriate caseloads and "
        "management oversight to undertake their work effectively",
    ),
    (7, "ensure the work environment promotes professional boundaries and inclusivity for all staff."),
    (8, "ensure Barking, Dagenham and Havering PDU has sufficient staffing resources in place"),
    (
        9,
        "ensure effective arrangements are in place with the Metropolitan Police Service to obtain and share "
        "risk-related information",
    ),
    (
        10,
        "strengthen multi-agency public protection arrangements (MAPPA) to ensure there is consistency in the "
        "arrangements with local police",
    ),
    (11, "increase quality assurance activity at PDU level."),
    (12, "consider incentives to improve recruitment and retention of staff"),
    (
        13,
        "ensure that performance monitoring has a greater emphasis on the effectiveness and quality of service "
        "delivery.",
    ),
]

BARKING_STANDARDS = [
    ("1.1", "Leadership", 1, "Requires improvement"),
    ("1.2", "Staff", 1, "Requires improvement"),
    ("1.3", "Services", 1, "Requires improvement"),
    ("1.4", "Information and facilities", 1, "Requires improvement"),
    ("2.2", "Assessment", 2, "Inadequate"),
    ("2.3", "Planning", 2, "Inadequate"),
    ("2.4", "Implementation and delivery", 2, "Requires improvement"),
    ("2.5", "Reviewing", 2, "Inadequate"),
]

BARKING_KEY_QUESTIONS = {
    "2.2": [
        ("Does assessment focus sufficiently on engaging the person on probation?", 65),
        ("Does assessment focus sufficiently on the factors linked to offending and desistance?", 68),
        ("Does assessment focus sufficiently on keeping other people safe?", 43),
    ],
    "2.3": [
        ("Does planning focus sufficiently on engaging the person on probation?", 60),
        ("Does planning focus sufficiently on reducing reoffending and supporting desistance?", 73),
        ("Does planning focus sufficiently on keeping other people safe?", 43),
    ],
    "2.4": [
        (
            "Is the sentence or post-custody period implemented effectively with a focus on engaging the person on "
            "probation?",
            75,
        ),
        ("Does the implementation and delivery of services effectively support desistance?", 55),
        ("Does the implementation and delivery of services effectively support the safety of other people?", 48),
    ],
    "2.5": [
        (
            "Does reviewing focus sufficiently on supporting the compliance and engagement of the person on probation?",
            53,
        ),
        ("Does reviewing focus sufficiently on supporting desistance?", 43),
        ("Does reviewing focus sufficiently on keeping other people safe?", 38),
    ],
}


@pytest.fixture(scope="module")
def barking():
    return read_report(BARKING.read_bytes(), filename=BARKING.name)


def test_barking_identity_and_dates(barking):
    assert barking.pdu_name == BARKING_NAME
    assert barking.region_name == "London"
    assert barking.title == "An inspection of probation services in: Barking, Dagenham and Havering PDU"
    assert barking.fieldwork_on == date(2022, 9, 26)
    assert barking.fieldwork_text == "September 2022"
    assert barking.published_on == date(2022, 11, 1)


def test_barking_score_and_overall_rating(barking):
    assert barking.overall_rating == "Requires improvement"
    assert (barking.score, barking.score_max) == (5, 24)


def test_barking_standards(barking):
    assert [(s.code, s.name, s.domain, s.rating) for s in barking.standards] == BARKING_STANDARDS
    for standard in barking.standards:
        expected = BARKING_KEY_QUESTIONS.get(standard.code, [])
        assert [(q.text, q.percentage) for q in standard.key_questions] == expected, standard.code


def test_barking_outcomes_are_not_a_standard(barking):
    assert "2.6" not in [s.code for s in barking.standards]
    assert barking.outcomes_question == (
        "Do early outcomes demonstrate that reasonable progress has been made, in line with the personalised "
        "needs of the person on probation?"
    )
    assert barking.outcomes_percentage == 26


def test_barking_recommendations_verbatim(barking):
    assert [(r.number, r.text) for r in barking.recommendations] == BARKING_RECOMMENDATIONS


def test_barking_recommendation_addressees(barking):
    addressees = [(r.number, r.addressee_kind, r.addressee_name) for r in barking.recommendations]
    assert addressees == (
        [(n, "pdu", BARKING_NAME) for n in range(1, 8)]
        + [(n, "region", "London region") for n in range(8, 12)]
        + [(n, "hmpps", "HM Prison and Probation Service (HMPPS)") for n in (12, 13)]
    )


def test_barking_has_no_problems_and_one_warning_about_discretion(barking):
    assert barking.problems == []
    # 2.4's lowest score, 48%, is two points under the Requires improvement band: the inspectors' discretion.
    assert len(barking.warnings) == 1 and barking.warnings[0].startswith("Standard 2.4 Implementation and delivery")


# --- the same report in other clothes --------------------------------------------------------------------------


def test_barking_as_pdf_gives_the_same_extraction(barking):
    """The same, although the PDF wraps the recommendations over several lines: its pages show that none is lost."""
    from_pdf = read_report(make_pdf.text_pdf(_barking_text()), filename="barking.pdf").to_dict()
    assert from_pdf == barking.to_dict()
    assert from_pdf["unconfirmed_endings"] == [] and from_pdf["doubts"] == {}


def test_curly_quotes_per_cent_and_windows_line_endings(barking):
    text = _barking_text().replace("%", " per cent").replace("'Yes'", "‘Yes’").replace("\n", "\r\n")
    text = text.replace("\nRequires improvement\r", "\n‘REQUIRES IMPROVEMENT’\r")
    assert parse_report(text).to_dict() == barking.to_dict()


def test_cp1252_file_is_decoded(barking):
    data = _barking_text().replace("¹", "").replace("²", "").encode("cp1252", errors="replace")
    result = read_report(data)
    assert [r.text for r in result.recommendations] == [r.text for r in barking.recommendations]


def test_utf8_bom_and_utf16_are_decoded(barking):
    for data in (b"\xef\xbb\xbf" + BARKING.read_bytes(), _barking_text().encode("utf-16")):
        assert read_report(data).to_dict() == barking.to_dict()


# --- warnings for things missing or repeated -------------------------------------------------------------------


def _with_recommendations(block: str) -> str:
    start = _barking_text().index("Barking, Dagenham and Havering should:")
    end = _barking_text().index("¹ Progress against")
    return _barking_text()[:start] + block + "\n\n" + _barking_text()[end:]


def test_repeated_and_missing_recommendation_numbers_are_problems():
    text = _with_recommendations(
        "The PDU should:\n\n1. improve assessment\n2. improve planning\n4. improve reviewing.\n4. improve it again.\n"
    )
    result = parse_report(text)
    assert [r.number for r in result.recommendations] == [1, 2, 4]
    assert result.recommendations[0].addressee_kind == "pdu"
    assert result.problems == [
        "Recommendation 4 appears twice",
        "Recommendation numbers are not consecutive from 1: missing 3",
    ]


def test_missing_overall_rating_warns_and_missing_score_is_a_problem():
    text = _barking_text().replace("Score **5/24**", "").replace("Overall rating", "")
    text = text.replace("Overall, we rated the PDU 'Requires improvement'.", "")
    result = parse_report(text)
    assert result.overall_rating is None
    assert result.score is None
    assert "No overall rating found" in result.warnings
    assert result.problems == ["No score was found: the ratings table may be missing"]


def test_body_rating_that_differs_from_summary_warns():
    result = read_report(_fixture_bytes("lewisham-bromley-2022"))
    assert next(s for s in result.standards if s.code == "1.3").rating == "Requires improvement"
    assert any("1.3 Services" in warning and "summary rating was used" in warning for warning in result.warnings)


def test_footnote_markers_and_page_furniture_are_removed():
    result = read_report(_fixture_bytes("lewisham-bromley-2022"))
    texts = {r.number: r.text for r in result.recommendations}
    assert texts[4].endswith("used to review the risk of harm")
    assert texts[5] == "strengthen the multi-agency arrangements with children's social care in both boroughs."
    assert texts[6].endswith("Metropolitan Police Service")


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Barking, Dagenham and Havering", "pdu"),
        ("Barking, Dagenham & Havering PDU", "pdu"),
        ("The PDU", "pdu"),
        ("London region", "region"),
        ("The London region", "region"),
        ("The Regional Probation Director for Wales", "region"),
        ("HM Prison and Probation Service (HMPPS)", "hmpps"),
        ("HMPPS", "hmpps"),
        ("The Metropolitan Police Service", "other"),
        ("Local authorities", "other"),
    ],
)
def test_addressee_classification(heading, kind):
    assert classify_addressee(heading, BARKING_NAME) == kind


# --- uploads that are not (complete) reports -------------------------------------------------------------------


def test_empty_file_is_refused():
    for data in (b"", b"  \n\t\n"):
        with pytest.raises(ReportError, match="empty"):
            read_report(data, filename="report.txt")


def test_recipe_is_not_a_report():
    recipe = (
        "Victoria sponge\n\nIngredients\n\n200g caster sugar\n200g butter\n4 eggs\n200g self-raising flour\n\n"
        "Method\n\n1. Heat the oven to 190C.\n2. Cream the butter and sugar.\n3. Bake for 20 minutes until good.\n"
    )
    with pytest.raises(ReportError, match="no ratings and no recommendations were found"):
        read_report(recipe.encode())


def test_scanned_pdf_without_text_is_refused():
    with pytest.raises(ReportError, match="no text layer"):
        read_report(make_pdf.image_only_pdf(), filename="scan.pdf")


def test_truncated_report_names_the_missing_recommendations():
    text = _barking_text()
    cut = text[: text.index("\nRecommendations\n")]
    with pytest.raises(ReportError, match="No recommendations were found"):
        parse_report(cut)
    with pytest.raises(ReportError, match="No recommendations were found"):
        read_report(make_pdf.text_pdf(cut), filename="truncated.pdf")


def test_recommendations_without_ratings_names_the_missing_ratings():
    text = _barking_text()
    only_recommendations = text[text.index("\nRecommendations\n") : text.index("\nBackground\n")]
    with pytest.raises(ReportError, match="No ratings were found"):
        parse_report(only_recommendations)


def test_binary_junk_is_refused():
    junk = random.Random(7).randbytes(4096)
    with pytest.raises(ReportError, match="not readable text"):
        read_report(junk)


def test_control_characters_without_nul_are_refused():
    with pytest.raises(ReportError, match="not readable text"):
        read_report(bytes(range(1, 32)) * 20)


def test_word_document_and_damaged_pdf_are_refused_clearly():
    with pytest.raises(ReportError, match="Word document"):
        read_report(b"PK\x03\x04" + b"\x00" * 100, filename="report.docx")
    with pytest.raises(ReportError, match="could not be read as a PDF"):
        read_report(b"%PDF-1.7\nthis is not really a pdf", filename="report.pdf")


def test_report_error_is_a_value_error():
    assert issubclass(ReportError, ValueError)


# --- text extraction -------------------------------------------------------------------------------------------


def test_html_extraction_drops_page_chrome_and_keeps_blocks_apart():
    html = (
        b"<!doctype html><html><head><title>T</title><style>p{}</style></head><body>"
        b"<header>Site header</header><nav>Menu</nav><script>var x = 1;</script>"
        b"<h1>An inspection of probation services in Brent PDU</h1><p>First\n   paragraph</p><p>Second</p>"
        b"<ol start='3'><li>third item</li><li>fourth item</li></ol>"
        b"<table><tr><td>Question?</td><td>50%</td></tr></table><footer>Footer</footer></body></html>"
    )
    text = extract_text(html, "page.html")
    lines = [line for line in text.splitlines() if line]
    assert lines == [
        "An inspection of probation services in Brent PDU",
        "First paragraph",
        "Second",
        "3. third item",
        "4. fourth item",
        "Question?\t50%",
    ]


def test_pdf_extraction_reads_every_page():
    pdf = make_pdf.text_pdf("first page\fsecond page\fthird page")
    assert [line for line in extract_text(pdf).splitlines() if line] == ["first page", "second page", "third page"]


def test_a_list_item_is_one_recommendation_whatever_markup_it_holds():
    """A web page's list item is read as a browser shows it: one numbered recommendation, its paragraphs, line
    breaks, spans and spaces run together, numbered by `start` and by an item's own `value`."""
    html = (
        b"<html><body><h3>Brent PDU should:</h3><ol>"
        b"<li><p>improve the quality\n   of assessment</p></li>"
        b"<li><span>make sure</span> that <em>home <strong>visits</strong></em><br>take&nbsp;place</li>"
        b"<li>\n<div><p>review the plan.</p></div>\n</li></ol>"
        b"<h3>London region should:</h3><ol start='4'><li>fill vacant posts</li><li value='7'>agree a protocol.</li>"
        b"</ol></body></html>"
    )
    lines = [line for line in extract_text(html, "page.html").splitlines() if line]
    assert lines == [
        "Brent PDU should:",
        "1. improve the quality of assessment",
        "2. make sure that home visits take place",
        "3. review the plan.",
        "London region should:",
        "4. fill vacant posts",
        "7. agree a protocol.",
    ]


def test_a_pdf_title_wrapped_on_its_cover_and_ligatures_are_read_whole():
    text = _barking_text().replace(
        "An inspection of probation services in:\nBarking, Dagenham and Havering PDU",
        "An inspection of probation services in: Barking,\nDagenham and Havering PDU",
    )
    assert "in: Barking,\nDagenham" in text
    assert read_report(make_pdf.text_pdf(text), filename="barking.pdf").pdu_name == "Barking, Dagenham and Havering"
    # a font's ligature ("ﬀ" for "ff") is read as the letters it joins
    read = parse_report(text.replace("staff", "sta\ufb00"))
    assert any(r.text.startswith("ensure staff responsible") for r in read.recommendations)
    assert "\ufb00" not in " ".join(r.text for r in read.recommendations)
