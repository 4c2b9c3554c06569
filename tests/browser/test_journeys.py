"""The main journeys in Chromium, as each role, under the real Content Security Policy: progress, a revised
date, evidence, submission and assurance, the dashboards and the exports. test_keyboard walks them again with the
keyboard alone."""

import csv
import io
import zipfile
from datetime import timedelta

import pytest

from tests.browser.catalogue import DIRECTOR, HEAD, HMPPS, OWNER, VIEWER, demo_ids
from tests.browser.conftest import PASSWORD, sign_in
from tests.browser.steps import (
    a_new_page,
    click_and_wait,
    error_summary,
    fill_date,
    review_and_assure,
    shown_target_date,
    small_pdf,
    submit_for_assurance,
    tab_to,
    upload_evidence,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def ids(server):
    return demo_ids(server.database)


def banner(page) -> str:
    return page.locator(".govuk-notification-banner").first.inner_text()


def test_action_owner_posts_a_progress_update(page, server, ids):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, server.url, OWNER)
    assert page.locator("h1").inner_text() == "Hello, Taylor Okafor"
    page.goto(f"{server.url}/actions/{ids['action_owned']}")
    page.get_by_role("link", name="Post a progress update").click()
    click_and_wait(page, "Post update")
    assert "Enter what has happened" in error_summary(page)
    page.get_by_label("What has happened").fill("Second audit round booked with the senior probation officers.")
    page.get_by_label("In progress").check()
    click_and_wait(page, "Post update")
    assert "Progress update posted." in banner(page)
    assert (
        "Second audit round booked" in page.locator("#progress ~ *").first.inner_text()
        or "Second audit round booked" in page.content()
    )
    assert errors == [], "the page's scripts failed under the CSP"


def test_head_revises_a_target_date_with_a_reason(page, server, ids):
    sign_in(page, server.url, HEAD)
    page.goto(f"{server.url}/actions/{ids['action_redatable']}")
    # two weeks on: within what the recommendation's lead may agree alone ([actions] redate_limit_days)
    new_date = shown_target_date(page) + timedelta(days=14)
    page.get_by_role("link", name="Change target date").click()
    fill_date(page, "target_on", new_date)
    click_and_wait(page, "Change target date")
    assert "Enter the reason for changing the target date" in error_summary(page)
    page.get_by_label("Reason for the change").fill("Auditors are on leave in the first two weeks.")
    click_and_wait(page, "Change target date")
    assert "Target date changed" in banner(page)
    assert page.locator("#target-date").inner_text().strip() == f"{new_date.day} {new_date:%B %Y}"
    assert "Auditors are on leave" in page.locator("#revisions-table").inner_text()


def test_owner_uploads_evidence_and_downloads_it(page, server, ids, tmp_path):
    sign_in(page, server.url, OWNER)
    upload_evidence(page, server.url, ids["action_owned"], "Audit meeting minutes", small_pdf(tmp_path))
    assert "Evidence added." in banner(page)
    link = page.get_by_role("link", name="minutes.pdf").first
    with page.expect_download() as download:
        link.click()
    assert download.value.path().read_bytes().startswith(b"%PDF-")


def test_refused_upload_is_explained(page, server, ids, tmp_path):
    fake = tmp_path / "report.pdf"
    fake.write_text("#!/bin/sh\necho this is not a PDF\n")
    sign_in(page, server.url, OWNER)
    page.goto(f"{server.url}/actions/{ids['action_owned']}/evidence/upload")
    page.get_by_label("Title").fill("Not really a PDF")
    page.locator("input[type=file]").set_input_files(str(fake))
    click_and_wait(page, "Upload evidence")
    assert error_summary(page), "a file whose content is not an accepted kind must be refused"


def test_head_submits_and_director_assures(browser, server, ids):
    head = browser.new_context().new_page()
    sign_in(head, server.url, HEAD)
    submit_for_assurance(head, server.url, ids["rec7"])
    assert "Submitted for assurance" in head.locator("h1").inner_text()
    director = browser.new_context().new_page()
    sign_in(director, server.url, DIRECTOR)
    review_and_assure(director, server.url, ids["rec7"])
    head.goto(f"{server.url}/recommendations/{ids['rec7']}")
    assert "Assured" in head.locator("h1").inner_text()
    head.context.close()
    director.context.close()


def test_director_reads_the_dashboards_and_exports_the_action_plan(page, server, ids):
    sign_in(page, server.url, DIRECTOR)
    with a_new_page(page):
        page.get_by_role("link", name="Dashboard").first.click()
    assert page.locator("table").count() >= 1
    assert "Barking, Dagenham and Havering" in page.locator("main").inner_text()
    page.goto(f"{server.url}/inspections/{ids['inspection']}/readiness")
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Download the action plan (XLSX spreadsheet)").click()
    assert xlsx.value.suggested_filename.endswith(".xlsx")
    with zipfile.ZipFile(xlsx.value.path()) as workbook:
        assert "xl/workbook.xml" in workbook.namelist()
    with page.expect_download() as plain:
        page.get_by_role("link", name="Download the action plan (CSV)").click()
    rows = list(csv.reader(io.StringIO(plain.value.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) > 10 and any("risk of harm" in " ".join(row).lower() for row in rows)


def test_hmpps_lead_and_viewer_see_without_changing(page, server, ids):
    sign_in(page, server.url, VIEWER)
    page.goto(f"{server.url}/actions/{ids['action_owned']}")
    assert page.get_by_role("link", name="Post a progress update").count() == 0
    page.goto(f"{server.url}/actions/{ids['action_owned']}/updates/new")
    assert page.locator("h1").inner_text() == "You do not have permission to see this page"
    # The HMPPS lead uses a browser of their own: nothing of the viewer's session carries over.
    context = page.context.browser.new_context()
    try:
        lead = context.new_page()
        sign_in(lead, server.url, HMPPS)
        lead.goto(f"{server.url}/dashboard")
        assert "London" in lead.locator("main").inner_text()
    finally:
        context.close()


def test_keyboard_only_sign_in_progress_update_and_sign_out(page, server):
    page.goto(server.url + "/sign-in")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    tab_to(page, "#email")
    page.keyboard.type(OWNER)
    tab_to(page, "#password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "/")
    tab_to(page, "#main-content a[href^='/actions/']")
    action_path = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{action_path}")
    tab_to(page, "a[href$='/updates/new']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/updates/new")
    tab_to(page, "textarea#narrative")
    page.keyboard.type("Typed without a mouse: audit schedule shared with the team.")
    tab_to(page, "input[type=radio][name=status]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    tab_to(page, "button.govuk-button:not([type=button])")
    with a_new_page(page):
        page.keyboard.press("Enter")
    assert "Progress update posted." in banner(page)
    assert "Typed without a mouse" in page.content()
    tab_to(page, "button.tracker-link-button")
    with a_new_page(page):
        page.keyboard.press("Space")
    assert page.url.endswith("/sign-in")


def test_a_progress_update_sent_again_after_back_is_saved_once(page, server, ids):
    """Back restores the filled form; sending it again lands on the first update with a notice, and saves nothing."""
    sign_in(page, server.url, OWNER)
    page.goto(f"{server.url}/actions/{ids['action_owned']}/updates/new")
    narrative = "Sent once, whatever the Back button does."
    page.get_by_label("What has happened").fill(narrative)
    token = page.locator("main form input[name=submission_token]").input_value()
    click_and_wait(page, "Post update")
    assert "Progress update posted." in banner(page)
    action_page = page.url
    page.go_back()
    page.wait_for_load_state()
    # Chromium reloads the form and restores what was typed, and with it the form's first one-time token
    assert page.get_by_label("What has happened").input_value() == narrative
    assert page.locator("main form input[name=submission_token]").input_value() == token
    click_and_wait(page, "Post update")
    assert page.url == action_page
    assert "This was already saved" in banner(page)
    assert page.content().count(narrative) == 1


def test_a_form_sent_after_the_session_ended_returns_to_it_after_signing_in(page, server, ids):
    """The session cookie is gone (it expired while the form was open): nothing is saved, and the person is taken
    back to the form's page, by way of signing in, with a message instead of an error page."""
    sign_in(page, server.url, OWNER)
    form_page = f"{server.url}/actions/{ids['action_owned']}/updates/new"
    page.goto(form_page)
    narrative = "Typed while the session ran out."
    page.get_by_label("What has happened").fill(narrative)
    page.context.clear_cookies()
    click_and_wait(page, "Post update")
    assert page.locator("h1").inner_text() == "Sign in"
    assert "Your session timed out, so that was not saved. Please try again." in page.locator("main").inner_text()
    page.locator("#email").fill(OWNER)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(form_page)
    page.goto(f"{server.url}/actions/{ids['action_owned']}")
    assert narrative not in page.content()
