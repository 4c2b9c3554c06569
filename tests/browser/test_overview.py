"""The regional director's overview in a real browser, on the demo with the living region: at 1280 px the plan and
the dashboard show every column inside the window and every recommendation of every inspected London PDU with its
flag, the fictional ones tagged; at 375 and 768 px nothing scrolls sideways and the filters open and close from
the keyboard; from 1024 to 1920 px no table is wider than its container."""

import sqlite3
from datetime import date

import pytest

from tests.browser.catalogue import DIRECTOR
from tests.browser.conftest import PATIENCE_MS, axe_violations, scrolls_sideways, sign_in
from tracker.actions.models import timeliness

pytestmark = pytest.mark.browser

#: the right edge of every header cell of every table, and the window's width
COLUMN_EDGES = """selector => [window.innerWidth,
  [...document.querySelectorAll(selector)].map(th => [th.textContent.trim().slice(0, 30),
                                                     th.getBoundingClientRect().right])]"""


def expected_flags(database) -> dict[int, str]:
    """Each London recommendation of each PDU's latest inspection, flagged by the tracker's own rule."""
    with sqlite3.connect(database) as connection:
        recs = connection.execute("""
            SELECT r.id, r.response FROM recommendations r JOIN inspections i ON i.id = r.inspection_id
            JOIN organisations p ON p.id = i.pdu_id JOIN organisations region ON region.id = p.parent_id
            WHERE region.name = 'London' AND i.id = (SELECT i2.id FROM inspections i2 WHERE i2.pdu_id = i.pdu_id
                ORDER BY i2.published_on DESC, i2.id DESC LIMIT 1)""").fetchall()
        flags = {}
        for rec_id, response in recs:
            actions = connection.execute(
                "SELECT status, original_target_on, target_on, completed_on FROM actions WHERE recommendation_id = ?",
                (rec_id,),
            ).fetchall()
            found = [
                timeliness(
                    status,
                    date.fromisoformat(first),
                    date.fromisoformat(target),
                    date.fromisoformat(done) if done else None,
                    date.today(),
                )
                for status, first, target, done in actions
            ]
            flags[rec_id] = (
                "not_agreed"
                if response == "not_agreed"
                else min(found, key=lambda f: f.rank).key
                if found
                else "no_actions"
            )
        return flags


def director_page(browser, base: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    context.set_default_timeout(PATIENCE_MS)
    page = context.new_page()
    sign_in(page, base, DIRECTOR)
    return context, page


def test_at_1280_px_every_column_is_in_view_and_every_recommendation_is_on_the_plan(browser, region_server):
    context, page = director_page(browser, region_server.url, 1280)
    try:
        page.goto(region_server.url + "/plan")
        width, edges = page.evaluate(COLUMN_EDGES, ".tracker-plan-table thead th")
        assert edges and all(right <= width for _, right in edges), edges
        shown = {
            int(rec.get_attribute("data-recommendation-id")): rec.get_attribute("data-flag")
            for rec in page.locator("tbody.tracker-plan-rec").all()
        }
        assert shown == expected_flags(region_server.database)
        assert len(set(shown.values())) >= 4, shown
        fictional = page.locator("section.tracker-plan-group h2", has_text="Fictional demo data")
        assert fictional.count() == 5
        assert axe_violations(page) == []
        page.goto(region_server.url + "/dashboard")
        width, edges = page.evaluate(COLUMN_EDGES, "#dashboard-table thead th")
        names = [name for name, _ in edges]
        for column in ("Awaiting review", "Days to re-inspection", "Projected score", "Slipped actions"):
            assert any(name.startswith(column) for name in names), names
        assert all(right <= width for _, right in edges), edges
        rags = {row.get_attribute("data-rag") for row in page.locator("#dashboard-table tbody tr[data-rag]").all()}
        assert rags == {"red", "amber", "green"}
        assert page.locator("#dashboard-table tbody th", has_text="Fictional demo data").count() == 5
        assert axe_violations(page) == []
    finally:
        context.close()


#: each table's right edge beyond its container's (positive: it sticks out), outside a scroll region
TABLE_OVERFLOW = """() => [...document.querySelectorAll('main table')].map(table => {
  const box = (table.closest('.tracker-scroll') || table.parentElement).getBoundingClientRect();
  return [table.id || table.className, table.getBoundingClientRect().right - box.right,
          table.closest('.tracker-scroll') ? table.closest('.tracker-scroll').scrollWidth
            - table.closest('.tracker-scroll').clientWidth : 0];
})"""


@pytest.mark.parametrize("width", [1024, 1280, 1920])
@pytest.mark.parametrize("path", ["/recommendations", "/plan", "/dashboard"])
def test_from_1024_px_no_table_is_wider_than_its_container(browser, region_server, width, path):
    context, page = director_page(browser, region_server.url, width)
    try:
        page.goto(region_server.url + path)
        assert page.locator("[data-module=tracker-filter]").is_visible(), "the filters start open on a desktop"
        tables = page.evaluate(TABLE_OVERFLOW)
        assert tables and all(beyond <= 0.5 and scroll <= 1 for _, beyond, scroll in tables), tables
        assert scrolls_sideways(page) == []
    finally:
        context.close()


def tab_to(page, name: str, limit: int = 60) -> None:
    """Press Tab until the named button has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"{name} never took the focus")


def cut_off_titles(page) -> list[str]:
    """Headings and table captions whose text runs past the right edge of the screen or of the box that scrolls
    it: a caption of a table that scrolls sideways is as wide as the table, and without care it is cut off where
    the box ends."""
    return page.evaluate("""() => [...document.querySelectorAll('main h1, main h2, main caption')]
        .filter(element => element.getClientRects().length && !element.closest('.govuk-visually-hidden'))
        .filter(element => {
          const box = element.closest('.tracker-scroll');
          const edge = Math.min(window.innerWidth, box ? box.getBoundingClientRect().right : Infinity);
          const range = document.createRange();
          range.selectNodeContents(element);
          return [...range.getClientRects()].some(rect => rect.right > edge + 0.5);
        })
        .map(element => element.textContent.trim())""")


@pytest.mark.parametrize("width", [375, 768])
@pytest.mark.parametrize("path", ["/plan", "/dashboard", "/actions", "/recommendations"])
def test_narrow_pages_fit_and_the_filters_open_and_close_by_keyboard(browser, region_server, width, path):
    context, page = director_page(browser, region_server.url, width)
    try:
        page.goto(region_server.url + path)
        assert scrolls_sideways(page) == []
        assert cut_off_titles(page) == []
        panel = page.locator("[data-module=tracker-filter]")
        assert not panel.is_visible(), "the filters should start closed below a desktop width"
        tab_to(page, "Show filters")
        page.keyboard.press("Enter")
        assert panel.is_visible()
        assert page.get_by_role("button", name="Apply filters").is_visible()
        tab_to(page, "Close filters")
        page.keyboard.press("Enter")
        assert not panel.is_visible()
        assert page.evaluate("() => document.activeElement.textContent.trim()") == "Show filters"
        assert scrolls_sideways(page) == []
        assert axe_violations(page) == []
    finally:
        context.close()
