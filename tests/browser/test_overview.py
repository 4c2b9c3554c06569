"""The regional director's overview in a real browser: at 1280 px the plan and the dashboard show every column
inside the window and every recommendation of every inspected London PDU with its flag; at 375 and 768 px
nothing scrolls sideways and the filters open and close from the keyboard."""

import sqlite3
from datetime import date

import pytest

from tests.browser.catalogue import DIRECTOR
from tests.browser.conftest import axe_violations, scrolls_sideways, sign_in
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
            actions = connection.execute("SELECT status, original_target_on, target_on, completed_on FROM actions "
                                         "WHERE recommendation_id = ?", (rec_id,)).fetchall()
            found = [timeliness(status, date.fromisoformat(first), date.fromisoformat(target),
                                date.fromisoformat(done) if done else None, date.today())
                     for status, first, target, done in actions]
            flags[rec_id] = ("not_agreed" if response == "not_agreed" else
                             min(found, key=lambda f: f.rank).key if found else "no_actions")
        return flags


def director_page(browser, base: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    context.set_default_timeout(15000)
    page = context.new_page()
    sign_in(page, base, DIRECTOR)
    return context, page


def test_at_1280_px_every_column_is_in_view_and_every_recommendation_is_on_the_plan(browser, axe_server):
    context, page = director_page(browser, axe_server.url, 1280)
    try:
        page.goto(axe_server.url + "/plan")
        width, edges = page.evaluate(COLUMN_EDGES, ".tracker-plan-table thead th")
        assert edges and all(right <= width for _, right in edges), edges
        shown = {int(rec.get_attribute("data-recommendation-id")): rec.get_attribute("data-flag")
                 for rec in page.locator("tbody.tracker-plan-rec").all()}
        assert shown == expected_flags(axe_server.database)
        assert axe_violations(page) == []
        page.goto(axe_server.url + "/dashboard")
        width, edges = page.evaluate(COLUMN_EDGES, "#dashboard-table thead th")
        names = [name for name, _ in edges]
        for column in ("Awaiting review", "Days to re-inspection", "Projected score", "Slipped actions"):
            assert any(name.startswith(column) for name in names), names
        assert all(right <= width for _, right in edges), edges
        assert axe_violations(page) == []
    finally:
        context.close()


def tab_to(page, name: str, limit: int = 60) -> None:
    """Press Tab until the named button has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"{name} never took the focus")


@pytest.mark.parametrize("width", [375, 768])
@pytest.mark.parametrize("path", ["/plan", "/dashboard", "/actions"])
def test_narrow_pages_fit_and_the_filters_open_and_close_by_keyboard(browser, axe_server, width, path):
    context, page = director_page(browser, axe_server.url, width)
    try:
        page.goto(axe_server.url + path)
        assert scrolls_sideways(page) == []
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
