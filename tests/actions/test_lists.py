"""The actions list: each filter narrows the list and survives the round trip through the address; the list is
scoped to what the person may see, sorts, pages and downloads as CSV."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from tests.conftest import DEMO_TODAY, DIRECTOR, HEAD, HMPPS, OWNER, soup_of, text_of
from tracker.actions.models import Action
from tracker.auth.services import find_user
from tracker.demo.national import load_national
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.organisations.services import find_pdu
from tracker.recommendations.models import Recommendation
from tracker.recommendations.status import COMPLETE
from tracker.shared.paging import PAGE_SIZE

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(DEMO_TODAY.isoformat() + " 09:00 +0000", tick=False):
        yield


def action_links(page) -> list[str]:
    return [a["href"] for a in page.select("#actions-table tbody td:nth-of-type(2) a")]


def ids_of(page) -> set[int]:
    return {int(href.rsplit("/", 1)[1]) for href in action_links(page)}


def count(page) -> int:
    return int(text_of(page.select_one("#action-count strong")).split()[0])


def test_your_actions_lists_every_action_you_own_and_nothing_else(as_user):
    owner = find_user(OWNER)
    page = soup_of(as_user(OWNER).get("/actions?owner=me"))
    assert text_of(page.h1) == "Your actions"
    expected = set(db.session.scalars(select(Action.id).where(Action.owner_id == owner.id)))
    assert expected and ids_of(page) == expected
    assert count(page) == len(expected)
    assert page.select_one("#owner option[selected]")["value"] == "me"


def test_overdue_only_and_status_filters_round_trip_through_the_address(as_user):
    client = as_user(HEAD)
    page = soup_of(client.get("/actions?overdue=y&status=open"))
    overdue = set(db.session.scalars(select(Action.id).where(Action.status != COMPLETE, Action.target_on < DEMO_TODAY)))
    assert overdue and ids_of(page) == overdue
    assert page.select_one("input[name=overdue]").has_attr("checked")
    assert page.select_one("input[name=status][value=open]").has_attr("checked")
    tags = [text_of(tag) for tag in page.select("#selected-filters .moj-filter__tag")]
    assert tags == ["Remove this filter: Status Not complete", "Remove this filter: Overdue Overdue only"]
    removed = page.select("#selected-filters .moj-filter__tag")[1]["href"]
    assert "overdue" not in removed and "status=open" in removed
    complete = soup_of(client.get("/actions?status=complete"))
    assert all("Complete" in text_of(row.select("td")[4]) for row in complete.select("#actions-table tbody tr"))


def test_due_between_filters_on_the_current_target_date(as_user):
    start, end = DEMO_TODAY, DEMO_TODAY + timedelta(days=14)
    url = (
        f"/actions?due_from={start.day}&due_from={start.month}&due_from={start.year}"
        f"&due_to={end.day}&due_to={end.month}&due_to={end.year}"
    )
    page = soup_of(as_user(HEAD).get(url))
    expected = set(db.session.scalars(select(Action.id).where(Action.target_on.between(start, end))))
    assert expected and ids_of(page) == expected
    assert page.select_one("#due_from-day")["value"] == str(start.day)


def test_a_recommendation_filter_lists_its_actions(as_user):
    rec = db.session.scalar(select(Recommendation).where(Recommendation.number == 1).order_by(Recommendation.id))
    page = soup_of(as_user(DIRECTOR).get(f"/actions?recommendation={rec.id}"))
    assert ids_of(page) == {action.id for action in rec.actions}
    assert "Recommendation 1, Barking, Dagenham and Havering PDU" in text_of(page.select_one("#selected-filters"))


def test_addressee_filter_and_recommendations_i_own(as_user):
    client = as_user(DIRECTOR)
    region = soup_of(client.get("/actions?addressee=region"))
    expected = set(
        db.session.scalars(select(Action.id).join(Recommendation).where(Recommendation.addressee_kind == "region"))
    )
    assert expected and ids_of(region) == expected
    owned = soup_of(client.get("/actions?mine=recommendations"))
    assert text_of(owned.h1) == "Actions on recommendations you own"
    assert ids_of(owned) == expected


def test_bad_filters_are_explained_and_ignored(as_user):
    response = as_user(HEAD).get("/actions?owner=99999&due_from=40&due_from=2&due_from=2026&page=x")
    page = soup_of(response)
    assert response.status_code == 200
    summary = text_of(page.select_one(".govuk-error-summary"))
    assert "must be a real date" in summary
    assert count(page) == db.session.scalar(select(func.count(Action.id)))


def test_sorting_by_owner_and_descending_target_date(as_user):
    client = as_user(HEAD)
    owners = [
        text_of(row.select("td")[3])
        for row in soup_of(client.get("/actions?sort=owner")).select("#actions-table tbody tr")
    ]
    assert owners == sorted(owners)
    page = soup_of(client.get("/actions?sort=due&order=desc"))
    assert page.select_one("th[aria-sort=descending]") is not None
    first = db.session.scalar(select(Action.id).order_by(Action.target_on.desc(), Action.id.desc()))
    assert action_links(page)[0].endswith(f"/actions/{first}")


def test_a_head_of_pdu_only_sees_their_pdu_and_pages_through_national_data(app, as_user):
    load_national(DEMO_TODAY, pdus_per_region=2, inspections_per_pdu=1, updates_per_action=1)
    barking = find_pdu("Barking, Dagenham and Havering")
    mine = set(
        db.session.scalars(
            select(Action.id).join(Recommendation).join(Inspection).where(Inspection.pdu_id == barking.id)
        )
    )
    page = soup_of(as_user(HEAD).get("/actions"))
    assert count(page) == len(mine)
    assert all(
        "Barking, Dagenham and Havering PDU" in text_of(row.select("td")[2])
        for row in page.select("#actions-table tbody tr")
    )
    national = soup_of(as_user(HMPPS).get("/actions?page=2"))
    assert len(national.select("#actions-table tbody tr")) == PAGE_SIZE
    assert count(national) == db.session.scalar(select(func.count(Action.id)))
    assert national.select_one(".govuk-pagination__link[aria-current=page]").get_text(strip=True) == "2"


def test_the_csv_holds_the_whole_filtered_list(as_user):
    client = as_user(HEAD)
    page = soup_of(client.get("/actions?status=open&sort=due"))
    link = page.find("a", string="Download this list as CSV")["href"]
    assert "status=open" in link
    body = client.get(link).get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["PDU", "Inspection", "Recommendation number", "Action"]
    assert len(rows) - 1 == count(page)
    assert rows[1][3] == text_of(page.select("#actions-table tbody tr")[0].select("td")[1])
