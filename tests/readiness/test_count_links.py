"""Every number leads to the work behind it: each count on a dashboard or readiness page links to a list whose
length is that count, and every item of "What must still happen" and "Overdue actions" links to its record."""

from urllib.parse import urlparse

import pytest

from tests.conftest import DEMO_TODAY, DIRECTOR, HEAD, HMPPS, soup_of, text_of
from tracker.demo.national import load_national
from tracker.organisations.services import find_region


@pytest.fixture
def national(app):
    return load_national(DEMO_TODAY, pdus_per_region=2, inspections_per_pdu=2, updates_per_action=1)


def listed(client, href: str) -> int:
    page = soup_of(client.get(href))
    strong = page.select_one("#action-count strong, #recommendation-count strong")
    assert strong is not None, href
    return int(text_of(strong).split()[0])


def check_every_count(client, page) -> int:
    """Follow each count's link; return how many were checked."""
    checked = 0
    counts = (
        '#dashboard-statuses td[data-status], #dashboard-table td[data-column="overdue"], '
        '#dashboard-table td[data-column="slipped"], '
        '#dashboard-table td[data-column="due_by"], #dashboard-table td[data-column="awaiting"]'
    )
    for cell in page.select(counts):
        link = cell.select_one("a")
        value = text_of(cell)
        if link is None:
            assert value in ("0", "–") or not value.isdigit(), f"a count of {value} with no link"
            continue
        assert listed(client, link["href"]) == int(value), (link["href"], value)
        checked += 1
    return checked


def test_director_dashboard_counts_lead_to_lists_of_that_length(as_user):
    client = as_user(DIRECTOR)
    for address in ("/dashboard", "/dashboard?owner=pdu", "/dashboard?due_by=31&due_by=3&due_by=2027"):
        page = soup_of(client.get(address))
        assert check_every_count(client, page) >= 4, address
        assert page.select_one("#dashboard-totals") is not None


def test_national_dashboard_and_region_drill_down_counts_match_their_lists(as_user, national):
    client = as_user(HMPPS)
    assert check_every_count(client, soup_of(client.get("/dashboard"))) >= 20
    london = find_region("London")
    assert check_every_count(client, soup_of(client.get(f"/dashboard/regions/{london.id}"))) >= 5


def test_dashboard_columns_are_fixed_and_pdus_with_no_inspection_are_one_line(as_user):
    """The key columns whatever the data; every status in a table of its own; the 17 London PDUs with no
    inspection are one line naming them, not 17 rows of dashes."""
    from tracker.organisations.services import LONDON_PDUS
    from tracker.recommendations.status import all_statuses

    page = soup_of(as_user(DIRECTOR).get("/dashboard?sort=overdue&order=desc"))
    headers = [text_of(th) for th in page.select("#dashboard-table thead th")]
    for key in (
        "Status",
        "Overdue actions",
        "Slipped actions",
        "Awaiting review",
        "Days to re-inspection",
        "Projected score",
    ):
        assert any(h.startswith(key) for h in headers), key
    status_headers = [text_of(th) for th in page.select("#dashboard-statuses thead th")]
    for status in all_statuses():
        assert any(h.startswith(status.label) for h in status_headers), status.label
    rows = page.select("#dashboard-table tbody tr")
    assert [text_of(tr.th) for tr in rows] == ["Barking, Dagenham and Havering"]
    assert "–" not in text_of(page.select_one("#dashboard-table"))
    assert text_of(page.select_one("#no-inspection-summary")).startswith("17 PDUs have no open inspection")
    listed_names = [text_of(li) for li in page.select("#no-inspection-list li")]
    assert sorted(listed_names + ["Barking, Dagenham and Havering"]) == sorted(LONDON_PDUS)


def test_readiness_figures_and_items_link_to_their_work(as_user, inspection):
    client = as_user(HEAD)
    page = soup_of(client.get(f"/inspections/{inspection.id}/readiness"))
    status_links = page.select("#figure-statuses li a")
    assert status_links
    for link in status_links:
        assert listed(client, link["href"]) == int(text_of(link.select_one(".tracker-figure-value")))
    for figure in ("#figure-actions a", "#figure-overdue a"):
        for link in page.select(figure):
            assert listed(client, link["href"]) == int(text_of(link).split()[0])
    steps = page.select("#must-happen li")
    assert steps and all(li.select_one("a") for li in steps)
    for li in steps:
        assert client.get(li.a["href"]).status_code == 200
    overdue_rows = page.select("#overdue-table tbody tr")
    assert overdue_rows
    for tr in overdue_rows:
        hrefs = [urlparse(a["href"]).path for a in tr.select("a")]
        assert hrefs[0].startswith("/recommendations/") and hrefs[1].startswith("/actions/")
