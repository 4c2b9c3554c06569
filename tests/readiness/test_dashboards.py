"""Dashboards: who sees which scope, every London PDU on national data, sorting without JavaScript, filters."""

import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN, DEMO_TODAY, DIRECTOR, HEAD, HMPPS, OWNER, VIEWER, soup_of, text_of
from tracker.db_types import today
from tracker.demo.national import PDU_COUNTS, load_national
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.organisations.models import PDU, Organisation
from tracker.organisations.services import LONDON_PDUS, find_region


@pytest.fixture
def national(every_pdu_app):
    """A light national load: every PDU, one inspection each, few updates; loaded once for all these tests."""
    return every_pdu_app


def names(page) -> list[str]:
    """The rows of the table, then those collapsed into the "no inspection" line below it."""
    return [text_of(th) for th in page.select("#dashboard-table tbody th[scope=row]")] + [
        text_of(li) for li in page.select("#no-inspection-list li")
    ]


def test_london_director_sees_all_18_london_pdus_on_national_data(as_user, national):
    page = soup_of(as_user(DIRECTOR).get("/dashboard"))
    assert page.h1.get_text(strip=True) == "Readiness in London region"
    assert sorted(names(page)) == sorted(LONDON_PDUS)
    assert all(a["href"].endswith("/readiness") for a in page.select("#dashboard-table tbody th a"))


def test_hmpps_lead_sees_every_region_then_drills_into_one(as_user, national):
    client = as_user(HMPPS)
    page = soup_of(client.get("/dashboard"))
    assert sorted(names(page)) == sorted(PDU_COUNTS)
    london = find_region("London")
    row = next(tr for tr in page.select("#dashboard-table tbody tr") if text_of(tr.th) == "London")
    assert text_of(row.select("td")[0]) == "18"
    link = row.th.a["href"]
    assert link.endswith(f"/dashboard/regions/{london.id}")
    drill = soup_of(client.get(link))
    assert sorted(names(drill)) == sorted(LONDON_PDUS)
    north_west = find_region("North West")
    assert len(names(soup_of(client.get(f"/dashboard/regions/{north_west.id}")))) == PDU_COUNTS["North West"]


def test_pdu_counts_per_region_match_the_reference_data(national):
    for region, count in PDU_COUNTS.items():
        pdus = db.session.scalar(
            select(func.count(Organisation.id)).where(
                Organisation.kind == PDU, Organisation.parent_id == find_region(region).id
            )
        )
        assert pdus == count, region


@pytest.mark.parametrize("email", [ADMIN, VIEWER])
def test_national_viewers_and_admins_see_every_region(as_user, email):
    assert len(names(soup_of(as_user(email).get("/dashboard")))) == 12


@pytest.mark.parametrize("email", [HEAD, OWNER])
def test_pdu_roles_with_one_pdu_see_its_readiness_summary_not_a_table(as_user, email, inspection):
    page = soup_of(as_user(email).get("/dashboard"))
    assert text_of(page.h1) == f"Readiness in {inspection.pdu.display_name}"
    assert page.select_one("#dashboard-table") is None and page.select_one("form.tracker-filters") is None
    assert text_of(page.select_one("#figure-overdue .tracker-figure-value")) == str(
        sum(a.is_overdue(today()) for r in inspection.recommendations for a in r.actions)
    )
    assert page.select_one("#pdu-summary-inspection a")["href"] == f"/inspections/{inspection.id}"


def test_director_cannot_open_another_region(as_user):
    wales = find_region("Wales")
    # another region is not theirs to see: answered as if it did not exist
    assert as_user(DIRECTOR).get(f"/dashboard/regions/{wales.id}").status_code == 404
    assert as_user(HEAD).get(f"/dashboard/regions/{find_region('London').id}").status_code == 404


def test_region_rows_add_up_their_pdus(as_user, national):
    client = as_user(HMPPS)
    london = find_region("London")
    national_page = soup_of(client.get("/dashboard"))
    region_page = soup_of(client.get(f"/dashboard/regions/{london.id}"))
    row = next(tr for tr in national_page.select("#dashboard-table tbody tr") if text_of(tr.th) == "London")
    total = int(text_of(row.select_one('td[data-column="overdue"]')))
    assert total == sum(int(text_of(td)) for td in region_page.select('tbody td[data-column="overdue"]'))
    assert text_of(region_page.select_one('#dashboard-totals td[data-column="overdue"]')) == str(total)
    assert total > 0


def test_sorting_works_without_javascript(as_user, national):
    client = as_user(DIRECTOR)
    page = soup_of(client.get("/dashboard?sort=overdue&order=desc"))
    header = page.select_one('#dashboard-table th[aria-sort="descending"]')
    assert header is not None and "Overdue actions" in text_of(header)
    values = [int(text_of(td)) for td in page.select('tbody td[data-column="overdue"]')]
    assert values == sorted(values, reverse=True) and len(values) == 18
    assert "order=asc" in header.a["href"]
    ascending = soup_of(client.get("/dashboard?sort=name&order=asc"))
    assert names(ascending) == sorted(names(ascending), key=str.lower)
    assert ascending.select_one('th[aria-sort="ascending"]') is not None
    assert len(ascending.select('th[aria-sort="none"]')) >= 4


def test_filters_by_status_owner_and_due_date(as_user, national, inspection):
    client = as_user(DIRECTOR)
    page = soup_of(client.get("/dashboard?status=not_agreed"))
    shown = names(page)
    assert 0 < len(shown) < 18
    for td in page.select('td[data-status="not_agreed"]'):
        assert int(text_of(td)) > 0
    hmpps_only = soup_of(client.get("/dashboard?owner=hmpps"))
    barking = next(
        tr for tr in hmpps_only.select("#dashboard-statuses tbody tr") if text_of(tr.th).startswith("Barking")
    )
    counts = sum(int(text_of(td)) for td in barking.select("td[data-status]"))
    assert counts == sum(1 for r in inspection.recommendations if r.addressee_kind == "hmpps")
    due = soup_of(client.get("/dashboard?due_by=31&due_by=12&due_by=2027"))
    assert any("Open actions due by 31 December 2027" in text_of(th) for th in due.select("thead th"))
    for _ in range(2):  # built, then from the cache: the error shows both times
        bad = client.get("/dashboard?due_by=99&due_by=99&due_by=2027")
        assert bad.status_code == 200 and soup_of(bad).select_one(".govuk-error-summary") is not None
        assert soup_of(bad).title.get_text().startswith("Error: ")
    assert not soup_of(client.get("/dashboard")).title.get_text().startswith("Error: ")


def test_national_loader_is_idempotent(app):
    first = load_national(DEMO_TODAY, pdus_per_region=1, inspections_per_pdu=1, updates_per_action=1)
    count = db.session.scalar(select(func.count(Inspection.id)))
    assert first.startswith("National data: 12 regions")
    assert load_national(DEMO_TODAY, pdus_per_region=1) == "National data already loaded."
    assert db.session.scalar(select(func.count(Inspection.id))) == count


def test_dashboard_statuses_agree_with_the_status_rule(as_user, national):
    """The dashboards read plain values for speed; they must give what recommendation_status gives."""
    from collections import Counter

    from tracker.recommendations.status import recommendation_status

    page = soup_of(as_user(DIRECTOR).get("/dashboard"))
    for tr in page.select("#dashboard-statuses tbody tr"):
        shown = {td["data-status"]: int(text_of(td)) for td in tr.select("td[data-status]") if text_of(td) != "0"}
        pdu = db.session.scalar(select(Organisation).where(Organisation.name == text_of(tr.th)))
        current = db.session.scalars(
            select(Inspection).where(Inspection.pdu_id == pdu.id).order_by(Inspection.published_on, Inspection.id)
        ).all()[-1]
        assert shown == dict(Counter(recommendation_status(r, today()).key for r in current.recommendations))


def test_submitted_recommendations_are_awaiting_review(as_user, inspection):
    from tracker.recommendations.models import Submission

    db.session.add(Submission(recommendation=inspection.recommendations[6], state="submitted"))
    db.session.commit()
    page = soup_of(as_user(DIRECTOR).get("/dashboard"))
    barking = next(tr for tr in page.select("#dashboard-table tbody tr") if text_of(tr.th).startswith("Barking"))
    assert text_of(barking.select_one('td[data-column="awaiting"]')) == "1"


def test_the_projected_score_column_says_what_is_self_assessed_and_what_is_left_out(as_user, app):
    from tests.readiness.conftest import AUDIT_COUNTS, AUDIT_SAMPLES, barking, round_form

    inspection = barking()
    as_user(HEAD).post(
        f"/inspections/{inspection.id}/audit-rounds/new",
        data=round_form(
            inspection,
            counts={**AUDIT_COUNTS, "2.5": (5, 5, 4)},
            samples={**AUDIT_SAMPLES, "2.5": 6},
            self_ratings={"1.1": "Good"},
        ),
    )
    page = soup_of(as_user(DIRECTOR).get("/dashboard"))
    row = next(
        tr for tr in page.select("#dashboard-table tbody tr") if text_of(tr.th) == "Barking, Dagenham and Havering"
    )
    # as on the readiness page: 2.5 (6 cases) left out, 2 of the 8 points from the self-assessed 1.1
    assert text_of(row.select_one('td[data-column="score"]')) == "8 of 21 2 self-assessed 1 standard: too few cases"
    totals = text_of(page.select_one('#dashboard-totals td[data-column="score"]'))
    assert totals == "8 of 21 2 self-assessed 1 standard: too few cases"
