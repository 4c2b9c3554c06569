"""The pages people open daily fit a phone: at 320 px wide nothing makes the page scroll sideways (a wide table
scrolls inside its own labelled region instead), and each page passes axe at that width. The same holds at 400%
zoom on a 1280 px screen, and the readiness charts shrink to their column with labels still legible.

The accessibility sweep (test_accessibility.py) also narrows every page it checks to 320 px."""

import pytest

from tests.browser.catalogue import DIRECTOR, HEAD, OWNER, demo_ids
from tests.browser.conftest import PATIENCE_MS, axe_violations, scrolls_sideways, sign_in

pytestmark = pytest.mark.browser

PAGES = {
    HEAD: [
        "/",
        "/dashboard",
        "/search?q=risk",
        "/recommendations?mine=1",
        "/recommendations/{rec1}",
        "/inspections/{inspection}",
        "/inspections/{inspection}/readiness",
        "/actions/{action_owned}",
    ],
    DIRECTOR: [
        "/",
        "/dashboard",
        "/recommendations?current=1&status=in_progress",
        "/actions?overdue=y",
        "/search?q=audit",
        "/reviews",
        "/recommendations/{rec8}",
        "/inspections/{inspection}/readiness",
    ],
    OWNER: ["/", "/search?q=caseloads", "/actions/{action_owned}", "/recommendations/{rec1}"],
}


def narrow_page(browser, width: int, height: int):
    # the CSP is bypassed only so that axe-core can be injected
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    context.set_default_timeout(PATIENCE_MS)
    return context, context.new_page()


@pytest.mark.parametrize("email", list(PAGES))
def test_daily_pages_do_not_scroll_sideways_at_320px(browser, axe_server, email):
    context, page = narrow_page(browser, 320, 800)
    try:
        sign_in(page, axe_server.url, email)
        wide, violations = [], []
        ids = demo_ids(axe_server.database)
        for path in (template.format(**ids) for template in PAGES[email]):
            page.goto(axe_server.url + path)
            wide.extend(scrolls_sideways(page))
            violations.extend(axe_violations(page))
        assert wide == [], "\n".join(wide)
        assert violations == [], "\n".join(violations)
    finally:
        context.close()


#: what must be on screen, within the width, on each page at 400% zoom: its heading and its main control
ZOOMED = {
    "/": "#main-content table",
    "/recommendations/{rec1}": "#main-content .govuk-button, #main-content table",
    "/actions/{action_owned}": "#main-content .govuk-button",
    "/inspections/{inspection}": "#main-content table",
    "/inspections/{inspection}/readiness": "#main-content table",
    # a head of PDU's dashboard is their PDU's readiness figures
    "/dashboard": "#readiness-figures",
    "/actions/{action_owned}/updates/new": "#main-content form .govuk-button",
}


#: whether an element is drawn inside the window's width, or, for a wide table, whether its scroll region is
SHOWN = """e => {
  const box = (e.closest('.tracker-scroll') || e).getBoundingClientRect();
  const shown = box.width > 0 && box.height > 0 && getComputedStyle(e).visibility !== 'hidden'
    && box.left >= 0 && box.right <= window.innerWidth + 0.5;
  return [shown, [box.left, box.right, box.top, box.bottom].map(Math.round)];
}"""


def test_daily_pages_fit_at_400_percent_zoom_on_a_1280px_screen(browser, axe_server):
    """Zooming a 1280 x 800 window to 400% leaves a 320 x 200 CSS px viewport (WCAG 1.4.10); a high device
    scale factor would not change the CSS width, so the viewport itself is set."""
    context, page = narrow_page(browser, 1280 // 4, 800 // 4)
    try:
        sign_in(page, axe_server.url, HEAD)
        ids, problems = demo_ids(axe_server.database), []
        for template, selector in ZOOMED.items():
            path = template.format(**ids)
            page.goto(axe_server.url + path)
            problems.extend(scrolls_sideways(page))
            if not page.locator(selector).count():
                problems.append(f"{path}: no {selector}")
                continue
            for wanted in ("#main-content h1", selector):
                page.locator(wanted).first.scroll_into_view_if_needed()
                shown, box = page.locator(wanted).first.evaluate(SHOWN)
                if not shown:
                    problems.append(f"{path}: {wanted} is not shown within the width ({box})")
        assert problems == [], "\n".join(problems)
    finally:
        context.close()


#: for every drawn label: its rendered height, and its font size once the chart is scaled to its column
LABELS = """() => [...document.querySelectorAll('svg.tracker-chart')].flatMap(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const column = svg.parentElement.getBoundingClientRect();
  const chart = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => ({
    chart: svg.closest('[id]').id, text: t.textContent, height: t.getBoundingClientRect().height,
    size: parseFloat(getComputedStyle(t).fontSize) * scale, fits: chart.left >= column.left - 0.5
      && chart.right <= column.right + 0.5 && !svg.hasAttribute('width')}));
})"""


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_readiness_charts_fit_their_column_with_legible_labels(browser, axe_server, width):
    context, page = narrow_page(browser, width, 800)
    try:
        sign_in(page, axe_server.url, HEAD)
        page.goto(axe_server.url + "/inspections/{inspection}/readiness".format(**demo_ids(axe_server.database)))
        labels = page.evaluate(LABELS)
        assert len({label["chart"] for label in labels}) >= 3 and len(labels) > 20
        assert [label for label in labels if not label["fits"]] == []
        small = [label for label in labels if label["height"] < 12 or label["size"] < 12]
        assert small == [], small
        # each chart keeps its text alternative: a description and a table of the same figures
        for chart in page.locator(".tracker-chart-row").all():
            assert chart.locator("svg desc").text_content().strip()
            assert chart.locator("table tbody tr").count() >= 1
    finally:
        context.close()
