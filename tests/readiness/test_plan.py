"""The region's action plan on one page: every recommendation of every inspected PDU in scope with its actions,
each flagged by the timeliness rule; scoped and filtered through the address; the same plan as an XLSX."""

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import DIRECTOR, HEAD, HMPPS, date_fields, soup_of, text_of
from tracker.actions.models import Action
from tracker.db_types import today
from tracker.extensions import db
from tracker.organisations.models import REGION, Organisation
from tracker.organisations.services import find_pdu


def expected_flag(rec) -> str:
    if rec.response == "not_agreed":
        return "not_agreed"
    flags = [action.timeliness(today()) for action in rec.actions]
    return min(flags, key=lambda flag: flag.rank).key if flags else "no_actions"


def test_the_director_sees_every_recommendation_with_its_flag(as_user, inspection):
    page = soup_of(as_user(DIRECTOR).get("/plan"))
    assert text_of(page.h1) == "London region"
    shown = {int(tbody["data-recommendation-id"]): tbody for tbody in page.select("tbody.tracker-plan-rec")}
    assert set(shown) == {rec.id for rec in inspection.recommendations}
    for rec in inspection.recommendations:
        assert shown[rec.id]["data-flag"] == expected_flag(rec), rec.number
        rows = shown[rec.id].select("tr.tracker-plan-action")
        assert [int(tr["data-action-id"]) for tr in rows] == [a.id for a in rec.actions]
        for tr, action in zip(rows, rec.actions, strict=True):
            assert tr["data-flag"] == action.timeliness(today()).key
            assert action.timeliness(today()).label in text_of(tr)
    assert text_of(page.select_one("#plan-uninspected")).startswith("17 PDUs have no open inspection")
    assert page.select_one("#plan-filter-panel[data-module=tracker-filter]") is not None


def test_a_re_dated_action_is_slipped_on_the_plan_and_the_filter_finds_it(as_user, inspection):
    action = db.session.scalar(select(Action).where(Action.description.startswith("Agree a domestic abuse call-out")))
    head = as_user(HEAD)
    response = head.post(
        f"/actions/{action.id}/revise-date",
        data={
            "target_on": date_fields(today() + timedelta(days=10)),
            "reason": "Police restructure.",
            "version": action.version_id,
        },
    )
    assert response.status_code == 302
    director = as_user(DIRECTOR)
    page = soup_of(director.get("/plan?flag=slipped"))
    row = page.select_one(f'tr[data-action-id="{action.id}"]')
    assert row is not None and row["data-flag"] == "slipped"
    assert "Slipped 20 days" in text_of(row) and "first agreed" in text_of(row)
    for tbody in page.select("tbody.tracker-plan-rec"):
        assert tbody.select('tr[data-flag="slipped"]'), "a recommendation with no slipped action was kept"
    assert "Slipped" in text_of(page.select_one("#selected-filters"))


def test_the_plan_is_scoped_through_the_address(as_user, inspection):
    pdu = find_pdu("Barking, Dagenham and Havering")
    head_page = soup_of(as_user(HEAD).get("/plan"))
    assert text_of(head_page.h1) == pdu.display_name
    national = soup_of(as_user(HMPPS).get("/plan"))
    assert text_of(national.h1) == "Every region"
    scoped = soup_of(as_user(HMPPS).get(f"/plan?organisation={pdu.id}"))
    assert text_of(scoped.h1) == pdu.display_name
    other = db.session.scalar(select(Organisation).where(Organisation.kind == REGION, Organisation.id != pdu.parent_id))
    refused = soup_of(as_user(DIRECTOR).get(f"/plan?organisation={other.id}"))
    assert text_of(refused.h1) == "London region"
    assert refused.select_one(".govuk-error-summary") is not None
    assert refused.title.get_text().startswith("Error: ")


def test_the_plan_downloads_as_the_xlsx_action_plan_with_the_same_flags(as_user, inspection):
    response = as_user(DIRECTOR).get("/plan.xlsx")
    assert response.status_code == 200 and response.headers["Content-Disposition"].endswith("london-region.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Barking, Dagenham and Havering"]
    sheet = workbook.active
    headings = [c.value for c in sheet[7]]
    flags = {
        row[headings.index("Action")]: row[headings.index("Timeliness")]
        for row in sheet.iter_rows(min_row=8, values_only=True)
        if row[headings.index("Timeliness")]
    }
    for rec in inspection.recommendations:
        for action in rec.actions:
            assert flags[action.description] == action.timeliness(today()).label


def test_the_directors_home_and_the_navigation_lead_to_the_plan(as_user):
    page = soup_of(as_user(DIRECTOR).get("/"))
    assert page.select_one("#plan-link a")["href"] == "/plan"
    assert any(a["href"] == "/plan" for a in page.select(".govuk-service-navigation a"))
