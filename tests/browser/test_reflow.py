"""The pages people open daily fit a phone: at 320 px wide nothing makes the page scroll sideways (a wide table
scrolls inside its own labelled region instead), and each page passes axe at that width."""

import pytest

from tests.browser.catalogue import DIRECTOR, HEAD, OWNER, demo_ids
from tests.browser.conftest import axe_violations, sign_in

pytestmark = pytest.mark.browser

PAGES = {
    HEAD: ["/", "/dashboard", "/search?q=risk", "/recommendations?mine=1", "/recommendations/{rec1}",
           "/inspections/{inspection}", "/inspections/{inspection}/readiness", "/actions/{action_owned}"],
    DIRECTOR: ["/", "/dashboard", "/recommendations?current=1&status=in_progress", "/actions?overdue=y",
               "/search?q=audit", "/reviews", "/recommendations/{rec8}", "/inspections/{inspection}/readiness"],
    OWNER: ["/", "/search?q=caseloads", "/actions/{action_owned}", "/recommendations/{rec1}"],
}


@pytest.mark.parametrize("email", list(PAGES))
def test_daily_pages_do_not_scroll_sideways_at_320px(browser, axe_server, email):
    # the CSP is bypassed only so that axe-core can be injected
    context = browser.new_context(viewport={"width": 320, "height": 800}, bypass_csp=True)
    page = context.new_page()
    try:
        sign_in(page, axe_server.url, email)
        wide, violations = [], []
        ids = demo_ids(axe_server.database)
        for path in (template.format(**ids) for template in PAGES[email]):
            page.goto(axe_server.url + path)
            width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if width[0] > width[1]:
                wide.append(f"{path}: {width[0]} px in {width[1]}")
            violations.extend(axe_violations(page))
        assert wide == [], "\n".join(wide)
        assert violations == [], "\n".join(violations)
    finally:
        context.close()
