"""Every main journey with the keyboard alone: Tab and Shift+Tab to move, Enter and Space to press, arrow keys in
radio groups, typing into fields. No clicks. Each journey starts at the sign-in page, as a person with only a
keyboard would, and asserts on what the page then shows."""

import csv
import io
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.catalogue import DIRECTOR, HEAD, OWNER, demo_ids
from tests.browser.conftest import PASSWORD
from tests.browser.steps import a_new_page, shown_target_date, small_pdf, tab_to

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def keyboard_server(start_server):
    """A server of its own, so these journeys can submit and assure without meeting the mouse journeys' changes."""
    return start_server("keyboard")


@pytest.fixture(scope="module")
def ids(keyboard_server):
    return demo_ids(keyboard_server.database)


def focused(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


def press_and_wait(page, key: str = "Enter") -> None:
    """Press a key on the focused link or button and wait for the page it leads to."""
    with a_new_page(page):
        page.keyboard.press(key)


def sign_in_by_keyboard(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/sign-in")
    page.keyboard.press("Tab")
    assert focused(page) == "Skip to main content"
    tab_to(page, "#email")
    page.keyboard.type(email)
    tab_to(page, "#password")
    page.keyboard.type(PASSWORD)
    press_and_wait(page)
    assert page.url == base_url + "/"


def follow(page, selector: str) -> None:
    """Tab to a link and press Enter on it."""
    tab_to(page, selector)
    press_and_wait(page)


def test_head_revises_a_target_date_and_recovers_from_an_error(page, keyboard_server, ids):
    base = keyboard_server.url
    sign_in_by_keyboard(page, base, HEAD)
    page.goto(f"{base}/actions/{ids['action_redatable']}")  # typed into the address bar
    # two weeks on: within what the recommendation's lead may agree alone ([actions] redate_limit_days)
    new_date = shown_target_date(page) + timedelta(days=14)
    follow(page, "a[href$='/revise-date']")
    tab_to(page, "input[name=target_on]")
    for part in (new_date.day, new_date.month, new_date.year):
        page.keyboard.type(str(part))
        page.keyboard.press("Tab")
    tab_to(page, "button.govuk-button")
    press_and_wait(page)

    # GOV.UK Frontend moves focus to the error summary; its link takes the keyboard to the field at fault.
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert "Enter the reason for changing the target date" in page.locator(".govuk-error-summary").inner_text()
    page.keyboard.press("Tab")
    assert "reason" in focused(page).lower()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "reason"
    page.keyboard.type("The auditors asked for two more weeks.")
    tab_to(page, "button.govuk-button")
    press_and_wait(page)
    assert "Target date changed" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("#target-date").inner_text().strip() == f"{new_date.day} {new_date:%B %Y}"


def test_owner_uploads_evidence_choosing_the_file_from_the_keyboard(page, keyboard_server, ids, tmp_path):
    base = keyboard_server.url
    # Playwright asks the browser to hand file choosers to it when a "filechooser" listener is first added, without
    # waiting for the answer. Added here, long before the key press, the browser is surely listening by then;
    # added only by expect_file_chooser, a busy machine could open the chooser first and the event never comes.
    page.on("filechooser", lambda _chooser: None)
    sign_in_by_keyboard(page, base, OWNER)
    page.goto(f"{base}/actions/{ids['action_owned']}")
    follow(page, "a[href$='/evidence/upload']")
    tab_to(page, "#title")
    page.keyboard.type("Minutes typed up without a mouse")
    tab_to(page, "#description")
    page.keyboard.type("Audit meeting, second round.")
    tab_to(page, "input[type=file]")
    with page.expect_file_chooser(timeout=30000) as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(small_pdf(tmp_path)))
    # Wait on what the page holds, not on time: the chosen file is in the input before the form is sent.
    expect(page.locator("input[type=file]")).to_have_js_property("value", "C:\\fakepath\\minutes.pdf")
    tab_to(page, "button.govuk-button")
    press_and_wait(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Evidence added.", timeout=30000)
    expect(page.locator("main")).to_contain_text("Minutes typed up without a mouse")


def test_head_submits_and_director_reviews_and_assures(browser, keyboard_server, ids):
    base = keyboard_server.url
    head = browser.new_context().new_page()
    sign_in_by_keyboard(head, base, HEAD)
    head.goto(f"{base}/recommendations/{ids['rec7']}")
    follow(head, "#submit-for-assurance")
    tab_to(head, "button.govuk-button")
    press_and_wait(head)
    assert "Submitted for assurance" in head.locator("h1").inner_text()

    director = browser.new_context().new_page()
    sign_in_by_keyboard(director, base, DIRECTOR)
    follow(director, ".govuk-service-navigation a[href='/reviews']")
    follow(director, f"#review-queue a[href$='/recommendations/{ids['rec7']}/review']")
    pending = director.locator(".evidence-review:has(.govuk-tag--grey)").evaluate_all("cards => cards.map(c => c.id)")
    assert pending
    for card in pending:
        tab_to(director, f"#{card} input[type=radio]")
        if director.evaluate("document.activeElement.value") != "accepted":
            director.keyboard.press("ArrowUp")
        assert director.evaluate("document.activeElement.value") == "accepted"
        director.keyboard.press("Space")
    tab_to(director, "#evidence-decisions button[name=save]")
    press_and_wait(director)
    assert not director.locator(".evidence-review:has(.govuk-tag--grey)").count()
    tab_to(director, "#decision-form input[value=assure]")
    director.keyboard.press("Space")
    tab_to(director, "#decision-form button.govuk-button")
    press_and_wait(director)
    assert "Assured" in director.locator("h1").inner_text()
    head.context.close()
    director.context.close()


def test_director_sorts_the_dashboard_and_downloads_the_action_plan(page, keyboard_server):
    base = keyboard_server.url
    sign_in_by_keyboard(page, base, DIRECTOR)
    follow(page, ".govuk-service-navigation a[href='/dashboard']")
    assert page.locator("h1").inner_text() == "Readiness in London region"
    follow(page, "#dashboard-table a[href*='sort=overdue']")
    assert "sort=overdue" in page.url
    assert page.locator("#dashboard-table th[aria-sort=descending]").inner_text().startswith("Overdue actions")
    follow(page, "#dashboard-table tbody a[href$='/readiness']")
    assert "Barking, Dagenham and Havering" in page.locator("main").inner_text()
    tab_to(page, "a[href$='action-plan.csv']")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) > 10
