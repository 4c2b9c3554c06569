"""The Barking inspection as a head of PDU sees it: ratings, percentages and 13 recommendations verbatim."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import DIRECTOR, HEAD, VIEWER, soup_of, text_of
from tracker.extensions import db
from tracker.inspections.models import Inspection

REPORT = (
    Path(__file__).resolve().parents[2] / "tracker" / "demo" / "data" / "barking-dagenham-havering-2022.txt"
).read_text(encoding="utf-8")


def report_recommendations() -> dict[int, str]:
    """The numbered recommendations exactly as printed in the report's Recommendations section."""
    section = REPORT.split("Barking, Dagenham and Havering should:")[1].split("Background")[0]
    return {int(n): text.strip() for n, text in re.findall(r"^(\d+)\. (.+)$", section, re.M)}


@pytest.fixture
def inspection_page(app, as_user):
    with app.app_context():
        inspection_id = db.session.scalar(select(Inspection.id))
    return soup_of(as_user(HEAD).get(f"/inspections/{inspection_id}"))


def test_recommendations_grouped_by_addressee_verbatim(inspection_page):
    groups = inspection_page.select("table.recommendations-group")
    headings = [text_of(h) for h in inspection_page.select("h3")]
    assert headings == [
        "Barking, Dagenham and Havering should:",
        "London region should:",
        "HM Prison and Probation Service (HMPPS) should:",
    ]
    numbers = [[int(row["data-number"]) for row in group.select("tbody tr")] for group in groups]
    assert numbers == [[1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11], [12, 13]]
    shown = {
        int(row["data-number"]): text_of(row.select_one(".rec-text"))
        for row in inspection_page.select("table.recommendations-group tbody tr")
    }
    assert shown == report_recommendations()
    assert len(shown) == 13


def test_owners_shown_at_each_level(inspection_page):
    owners = [
        text_of(row.select("td")[2]).split(" Led by ")[0]
        for row in inspection_page.select("table.recommendations-group tbody tr")
    ]
    assert owners[:7] == ["Barking, Dagenham and Havering PDU"] * 7
    assert owners[7:11] == ["London region"] * 4
    assert owners[11:] == ["HM Prison and Probation Service"] * 2


def test_ratings_score_and_percentages_as_published(inspection_page):
    assert text_of(inspection_page.select_one("#overall-rating")) == "Requires improvement"
    assert text_of(inspection_page.select_one("#score")) == "5/24"
    ratings = {}
    percentages = {}
    for row in inspection_page.select("#standards tbody tr"):
        code = row["data-standard"]
        cells = row.select("td")
        if len(cells) == 3:
            ratings[code] = text_of(cells[2])
        if text_of(cells[1]):
            percentages.setdefault(code, []).append(int(text_of(cells[1]).rstrip("%")))
    assert ratings == {
        "1.1": "Requires improvement",
        "1.2": "Requires improvement",
        "1.3": "Requires improvement",
        "1.4": "Requires improvement",
        "2.2": "Inadequate",
        "2.3": "Inadequate",
        "2.4": "Requires improvement",
        "2.5": "Inadequate",
        "2.6": "Not rated",
    }
    assert percentages == {
        "2.2": [65, 68, 43],
        "2.3": [60, 73, 43],
        "2.4": [75, 55, 48],
        "2.5": [53, 43, 38],
        "2.6": [26],
    }


def test_viewer_sees_the_inspection_without_change_links(app, as_user):
    with app.app_context():
        inspection_id = db.session.scalar(select(Inspection.id))
    page = soup_of(as_user(VIEWER).get(f"/inspections/{inspection_id}"))
    assert len(page.select("table.recommendations-group tbody tr")) == 13
    assert page.find("a", string=re.compile("Change")) is None


def test_regional_director_can_set_a_confirmed_reinspection_date(app, as_user):
    with app.app_context():
        inspection_id = db.session.scalar(select(Inspection.id))
    client = as_user(DIRECTOR)
    response = client.post(
        f"/inspections/{inspection_id}/reinspection-dates",
        data={"expected_on": ["26", "3", "2027"], "confirmed_on": ["12", "4", "2027"]},
    )
    assert response.status_code == 302
    page = soup_of(client.get(f"/inspections/{inspection_id}"))
    assert text_of(page.select_one("#reinspection")) == "12 April 2027 (confirmed)"


def test_impossible_reinspection_date_is_refused_inline(app, as_user):
    with app.app_context():
        inspection_id = db.session.scalar(select(Inspection.id))
        before = db.session.get(Inspection, inspection_id).expected_reinspection_on
    page = soup_of(
        as_user(HEAD).post(
            f"/inspections/{inspection_id}/reinspection-dates", data={"expected_on": ["31", "2", "2027"]}
        )
    )
    assert page.select_one(".govuk-error-summary") is not None
    with app.app_context():
        assert db.session.get(Inspection, inspection_id).expected_reinspection_on == before


def test_unknown_inspection_is_a_styled_404(as_user):
    response = as_user(HEAD).get("/inspections/999999")
    assert response.status_code == 404
    assert text_of(soup_of(response).h1) == "Page not found"


def test_inspection_links_to_readiness_and_exports(inspection_page):
    links = [text_of(a) for a in inspection_page.select("#inspection-links a")]
    assert links == [
        "Readiness for re-inspection",
        "Download the action plan (XLSX)",
        "Download the action plan (CSV)",
        "Printable readiness report",
    ]
    published = inspection_page.find("dt", string="Published").find_next_sibling("dd")
    assert text_of(published) == "November 2022"
