"""The readiness page on the Barking demo: figures agree with the data, the projection with the bands, the charts'
tables with the page, and the printable report carries the same sections."""

from collections import Counter

from sqlalchemy import select

from tests.conftest import HEAD, soup_of, text_of
from tests.readiness.conftest import AUDIT_COUNTS, AUDIT_SAMPLES, round_form
from tracker.actions.models import Action
from tracker.db_types import today
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.recommendations.models import Recommendation
from tracker.recommendations.status import recommendation_status


def page_with_round(client, inspection):
    client.post(
        f"/inspections/{inspection.id}/audit-rounds/new",
        data=round_form(inspection, counts=AUDIT_COUNTS, samples=AUDIT_SAMPLES, self_ratings={"1.1": "Good"}),
    )
    response = client.get(f"/inspections/{inspection.id}/readiness")
    assert response.status_code == 200
    return soup_of(response)


def cell(page, code: str, round_number: int = 1):
    return text_of(page.select_one(f'#projection-table tr[data-standard="{code}"] td[data-round="{round_number}"]'))


def test_projected_ratings_bands_and_flags(as_user, inspection):
    page = page_with_round(as_user(HEAD), inspection)
    assert page.h1.get_text(strip=True) == "Readiness for re-inspection: Barking, Dagenham and Havering PDU"
    assert cell(page, "2.2").startswith("Good lowest key question 70%")
    assert "5 points above the 65% boundary" in cell(page, "2.2")
    assert cell(page, "2.3").startswith("Requires improvement lowest key question 50%")
    assert "exactly on the 50% boundary: professional discretion may apply" in cell(page, "2.3")
    assert cell(page, "2.4").startswith("Inadequate lowest key question 48%")
    assert "2 points below the 50% boundary: professional discretion may apply" in cell(page, "2.4")
    assert cell(page, "2.5").startswith("Outstanding lowest key question 80%")
    assert "a small fall would make it Good" in cell(page, "2.5")
    assert cell(page, "1.1") == "Good Self-assessed"
    assert cell(page, "1.2") == "Requires improvement Not audited: inspection rating carried forward"
    baseline = text_of(page.select_one('#projection-table tr[data-standard="2.4"] td'))
    assert baseline == "Requires improvement lowest key question 48%"
    # the projected score says how much of it rests on the head's own judgement and on carried-forward ratings
    assert text_of(page.select_one("#projection-score")) == (
        "Score 5 out of 24 11 out of 24, of which 2 self-assessed and 3 carried forward from the inspection"
    )
    assert text_of(page.select_one("#projection-overall")) == "Overall rating Requires improvement Requires improvement"
    figure = text_of(page.select_one("#figure-projection"))
    assert figure.startswith("Projected overall rating Requires improvement (score 11 out of 24")


def figure_value(page, figure_id: str) -> str:
    return text_of(page.select_one(f"#{figure_id} .tracker-figure-value"))


def test_figures_agree_with_the_data_and_are_defined_in_words(as_user, inspection):
    page = page_with_round(as_user(HEAD), inspection)
    on = today()
    actions = list(
        db.session.scalars(select(Action).join(Recommendation).where(Recommendation.inspection_id == inspection.id))
    )
    assert figure_value(page, "figure-days") == str((inspection.reinspection_on - on).days)
    assert figure_value(page, "figure-actions") == str(sum(a.is_complete for a in actions))
    assert figure_value(page, "figure-overdue") == str(sum(a.is_overdue(on) for a in actions))
    evidence = db.session.scalars(
        select(Evidence).join(Recommendation).where(Recommendation.inspection_id == inspection.id)
    ).all()
    assert str(len(evidence)) in text_of(page.select_one("#figure-evidence"))
    statuses = Counter(recommendation_status(r, on).label.lower() for r in inspection.recommendations)
    shown = {
        text_of(li).split(" ", 1)[1]: int(text_of(li).split(" ", 1)[0]) for li in page.select("#figure-statuses li")
    }
    assert shown == dict(statuses)
    for row in page.select("#readiness-figures .govuk-summary-list__row"):
        assert row.select_one(".govuk-hint") is not None, text_of(row)
    overdue_rows = page.select("#overdue-table tbody tr")
    assert len(overdue_rows) == sum(a.is_overdue(on) for a in actions)
    steps = [text_of(li) for li in page.select("#must-happen li")]
    assert any(step.startswith("Complete the overdue action for recommendation") for step in steps)
    assert any("Improve 2.4 Implementation and delivery" in step for step in steps)


def table_rows(page, table_id):
    return [[text_of(c) for c in tr.select("th, td")] for tr in page.select(f"#{table_id} tbody tr")]


def test_chart_tables_agree_with_the_page(as_user, inspection):
    page = page_with_round(as_user(HEAD), inspection)
    svg = page.select_one("#chart-kq-2-2 svg")
    assert svg["role"] == "img" and svg.title.get_text() and svg.desc.get_text()
    assert not page.select("[style]"), "no inline styles: the CSP forbids them"
    rows = table_rows(page, "chart-kq-2-2-table")
    assert rows[0][1:] == ["65%", "68%", "43%"]
    assert rows[1][0] == "Audit 1 (12 November 2026)"
    assert rows[1][1:] == ["75% (15 of 20)", "80% (16 of 20)", "70% (14 of 20)"]
    assert "Safety 70%" in svg.desc.get_text()
    status_rows = table_rows(page, "chart-status-by-addressee-table")
    by_kind = Counter(r.addressee_kind for r in inspection.recommendations)
    labels = {"PDU": "pdu", "Region": "region", "HMPPS": "hmpps"}
    assert {labels[row[0]]: int(row[-1]) for row in status_rows} == dict(by_kind)
    head = [text_of(th) for th in page.select("#chart-status-by-addressee-table thead th")][1:-1]
    totals = {label.lower(): sum(int(row[i + 1]) for row in status_rows) for i, label in enumerate(head)}
    shown = {
        text_of(li).split(" ", 1)[1]: int(text_of(li).split(" ", 1)[0]) for li in page.select("#figure-statuses li")
    }
    assert totals == shown
    action_rows = table_rows(page, "chart-actions-over-time-table")
    known = [row for row in action_rows if row[3] != "Not yet"]
    assert int(known[-1][3]) == int(figure_value(page, "figure-actions"))
    assert int(action_rows[-1][2]) == sum(len(r.actions) for r in inspection.recommendations)


def test_without_a_round_the_inspection_is_the_baseline(as_user, inspection):
    page = soup_of(as_user(HEAD).get(f"/inspections/{inspection.id}/readiness"))
    assert figure_value(page, "figure-projection") == "No audit yet"
    assert "Run an internal case audit" in text_of(page.select_one("#must-happen"))
    assert text_of(page.select_one("#projection-score")) == "Score 5 out of 24"


def test_printable_report_has_page_sections(as_user, inspection):
    client = as_user(HEAD)
    page_with_round(client, inspection)
    page = soup_of(client.get(f"/inspections/{inspection.id}/readiness/print"))
    sections = page.select("section.tracker-print-section")
    assert [s["id"] for s in sections] == [
        "section-summary",
        "section-recommendations",
        "section-projection",
        "section-delivery",
    ]
    assert page.select_one('link[media="print"]')["href"].endswith("print.css")
    assert len(page.select("#section-recommendations h3")) == len(inspection.recommendations)
    assert "11 out of 24" in text_of(page.select_one("#projection-score"))


def test_chart_text_is_escaped(as_user, inspection):
    inspection.standards[4].name = "<script>alert(1)</script>"
    db.session.commit()
    response = as_user(HEAD).get(f"/inspections/{inspection.id}/readiness")
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    title = soup_of(response).select_one("#chart-kq-2-2 svg title").get_text()
    assert title.startswith("2.2 <script>alert(1)</script>")


def test_each_projected_percentage_shows_its_sample_and_interval(as_user, inspection):
    page = page_with_round(as_user(HEAD), inspection)
    assert "lowest key question 70% (14 of 20 cases)" in cell(page, "2.2")
    assert "90% interval 52% to 84%: could be Requires improvement to Outstanding" in cell(page, "2.2")
    assert "lowest key question 48% (10 of 21 cases)" in cell(page, "2.4")
    assert "90% interval 31% to 65%: could be Inadequate to Good" in cell(page, "2.4")
    for code in ("2.2", "2.3", "2.4", "2.5"):
        assert " of 2" in text_of(
            page.select_one(f'#projection-table tr[data-standard="{code}"] td[data-round="1"] .tracker-sample')
        ), code


def test_six_cases_are_too_few_to_project_and_leave_the_score(as_user, inspection):
    client = as_user(HEAD)
    client.post(
        f"/inspections/{inspection.id}/audit-rounds/new",
        data=round_form(
            inspection,
            counts={**AUDIT_COUNTS, "2.5": (5, 5, 4)},
            samples={**AUDIT_SAMPLES, "2.5": 6},
            self_ratings={"1.1": "Good"},
        ),
    )
    page = soup_of(client.get(f"/inspections/{inspection.id}/readiness"))
    reviewing = cell(page, "2.5")
    # 4 of 6 is 67%, Good by the bands alone: shown as data, not as a rating
    assert reviewing.startswith("Too few cases to project lowest key question 67% (4 of 6 cases)")
    assert "Fewer than 20 cases: left out of the projected score." in reviewing
    assert "Good" not in reviewing.split("could be")[0]
    # without 2.5: 1.1 Good 2 (self-assessed), 1.2-1.4 carried 3, 2.2 Good 2, 2.3 RI 1, 2.4 Inadequate 0
    score = text_of(page.select_one('#projection-score td[data-round="1"]'))
    assert score.startswith("8 out of 21, of which 2 self-assessed")
    assert "Left out for too few cases: 2.5 Reviewing (6 cases)." in score
    assert "2.5 Reviewing (6 cases)" in text_of(page.select_one("#figure-projection"))
    tasks = [text_of(li) for li in page.select("#must-happen li")]
    assert any(t.startswith("Audit at least 20 cases for 2.5 Reviewing: 6 were audited") for t in tasks)


def test_audited_and_self_assessed_carry_tags_of_the_same_weight(as_user, inspection):
    page = page_with_round(as_user(HEAD), inspection)
    tags = {
        code: page.select_one(f'#projection-table tr[data-standard="{code}"] td[data-round="1"] .tracker-basis')
        for code in ("1.1", "2.2")
    }
    assert text_of(tags["1.1"]) == "Self-assessed" and text_of(tags["2.2"]) == "Audited"
    assert tags["1.1"].name == tags["2.2"].name == "strong"
    assert "govuk-tag" in tags["1.1"]["class"] and "govuk-tag" in tags["2.2"]["class"]
    assert "govuk-body-s" not in tags["1.1"]["class"]
