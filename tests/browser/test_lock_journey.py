"""The lock under review in Chromium: a submitted recommendation cannot gain an action; the page says why and
offers the way out (withdraw), and once the owner has withdrawn, changed and resubmitted it, the reviewer assures
it. Each journey runs on a server of its own, since it submits and assures demo recommendations."""

from datetime import date, timedelta

import pytest

from tests.browser.catalogue import DIRECTOR, HEAD, HMPPS, demo_ids
from tests.browser.conftest import PATIENCE_MS, sign_in
from tests.browser.steps import a_new_page, click_and_wait, fill_date, review_and_assure, submit_for_assurance

pytestmark = pytest.mark.browser

NEW_ACTION = "Publish the staff inclusion action plan on the intranet for every team."


@pytest.fixture(scope="module")
def lock_server(start_server):
    return start_server("lock-journey")


@pytest.fixture
def ids(lock_server):
    return demo_ids(lock_server.database)


def person(browser, base: str, email: str):
    """A browser of the person's own, signed in: nothing of anyone else's session carries over."""
    page = browser.new_context().new_page()
    page.context.set_default_timeout(PATIENCE_MS)
    sign_in(page, base, email)
    return page


def heading(page) -> str:
    return page.locator("h1").inner_text()


def banner(page) -> str:
    return page.locator(".govuk-notification-banner").first.inner_text()


def told_to_withdraw(page, base: str, rec_id: int, number: int) -> None:
    """What the person sees who may manage the recommendation and tries to add an action while it is submitted."""
    page.goto(f"{base}/recommendations/{rec_id}")
    assert "Submitted for assurance" in heading(page)
    assert page.get_by_role("link", name="Add an action", exact=True).count() == 0
    page.goto(f"{base}/recommendations/{rec_id}/actions/new")
    assert heading(page) == "You cannot change this recommendation now"
    reason = page.locator("#locked-reason").inner_text()
    assert f"Recommendation {number} is submitted for assurance" in reason
    assert "Withdraw the submission to make changes, then submit it again." in reason
    assert "Nothing was saved." in page.locator("main").inner_text()
    assert page.locator("#withdraw-link").inner_text() == "Withdraw the submission"


def withdraw(page) -> None:
    """From the locked page, by its own button."""
    with a_new_page(page):
        page.locator("#withdraw-link").click()
    assert heading(page) == "Withdraw the submission for assurance"
    click_and_wait(page, "Withdraw the submission")
    assert "Submission withdrawn. You can now change the recommendation, then submit it again." in banner(page)


def add_complete_evidenced_action(page, base: str, rec_id: int, owner: str) -> None:
    """Add the action, record it complete and give it evidence: what submission asks of every action."""
    page.goto(f"{base}/recommendations/{rec_id}")
    with a_new_page(page):
        page.get_by_role("link", name="Add an action", exact=True).click()
    assert heading(page) == "Add an action"
    page.get_by_label("What will be done").fill(NEW_ACTION)
    page.get_by_label("Owner").select_option(label=owner)
    fill_date(page, "target_on", date.today() + timedelta(days=30))
    click_and_wait(page, "Save action")
    assert page.locator(".govuk-error-summary").count() == 0, page.locator("main").inner_text()
    page.goto(f"{base}/recommendations/{rec_id}")
    with a_new_page(page):
        page.locator("main table a", has_text=NEW_ACTION[:40]).first.click()
    action_page = page.url
    page.get_by_role("link", name="Post a progress update").click()
    page.get_by_label("What has happened").fill("Plan published on the intranet; team managers confirmed.")
    page.get_by_label("Complete", exact=True).check()
    click_and_wait(page, "Post update")
    assert "Progress update posted." in banner(page)
    page.goto(f"{action_page}/evidence/link")
    page.get_by_label("Title").fill("Intranet page with the action plan")
    page.get_by_label("Link").fill("https://intranet.example.org/bdh/inclusion-plan")
    click_and_wait(page, "Add link")
    assert "Intranet page with the action plan" in page.locator("main").inner_text()


def test_head_withdraws_to_add_an_action_and_resubmits_then_the_director_assures(browser, lock_server, ids):
    base, rec = lock_server.url, ids["rec7"]
    head = person(browser, base, HEAD)
    submit_for_assurance(head, base, rec)
    assert "Submitted for assurance" in heading(head)

    # The director reviews this recommendation; only its head and lead may change it, and even they not now.
    director = person(browser, base, DIRECTOR)
    director.goto(f"{base}/recommendations/{rec}")
    assert "Submitted for assurance" in heading(director)
    assert director.get_by_role("link", name="Add an action", exact=True).count() == 0
    director.goto(f"{base}/recommendations/{rec}/actions/new")
    assert heading(director) == "You do not have permission to see this page"

    told_to_withdraw(head, base, rec, 7)
    withdraw(head)
    assert "Submitted for assurance" not in heading(head)
    add_complete_evidenced_action(head, base, rec, "Chris Morgan")
    submit_for_assurance(head, base, rec)
    assert "Submitted for assurance" in heading(head)
    assert "Withdrawn by Chris Morgan" in head.locator("main").inner_text()

    review_and_assure(director, base, rec)
    director.goto(f"{base}/recommendations/{rec}")
    assert "Assured" in heading(director)
    assert NEW_ACTION in director.locator("main").inner_text()

    # Assured: the head is offered no change, and the add-action address says to ask for a reopen.
    head.goto(f"{base}/recommendations/{rec}")
    assert "Assured" in heading(head)
    assert head.get_by_role("link", name="Add an action", exact=True).count() == 0
    head.goto(f"{base}/recommendations/{rec}/actions/new")
    assert heading(head) == "You cannot change this recommendation now"
    assert "Ask its reviewer to reopen it" in head.locator("#locked-reason").inner_text()
    assert head.locator("#withdraw-link").count() == 0
    head.context.close()
    director.context.close()


def test_director_leading_a_submitted_recommendation_is_told_to_withdraw_and_hmpps_assures(browser, lock_server, ids):
    """Recommendation 9 is the London region's, led by its director and reviewed by HMPPS."""
    base, rec = lock_server.url, ids["rec9"]
    director = person(browser, base, DIRECTOR)
    submit_for_assurance(director, base, rec)
    assert "Submitted for assurance" in heading(director)
    told_to_withdraw(director, base, rec, 9)
    withdraw(director)
    add_complete_evidenced_action(director, base, rec, "Priya Shah")
    submit_for_assurance(director, base, rec)
    assert "Submitted for assurance" in heading(director)

    hmpps = person(browser, base, HMPPS)
    review_and_assure(hmpps, base, rec)
    hmpps.goto(f"{base}/recommendations/{rec}")
    assert "Assured" in heading(hmpps)
    director.goto(f"{base}/recommendations/{rec}")
    assert "Assured" in heading(director)
    assert director.get_by_role("link", name="Add an action", exact=True).count() == 0
    director.context.close()
    hmpps.context.close()
