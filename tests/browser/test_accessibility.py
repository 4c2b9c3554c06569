"""axe-core at WCAG 2.2 AA on every page the demo users can reach, including forms showing their errors,
the error pages and the pages only reached part-way through assurance or an import; each page is then narrowed to
320 px, where it must not scroll sideways and must pass axe again."""

from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.catalogue import ADMIN, DIRECTOR, HEAD, HMPPS, OWNER, VIEWER, demo_ids
from tests.browser.conftest import NARROW, axe_violations, narrowed, scrolls_sideways, sign_in
from tests.browser.steps import (
    a_new_page,
    click_and_wait,
    error_summary,
    fill_date,
    go,
    review_and_assure,
    submit_for_assurance,
)

pytestmark = pytest.mark.browser

IMPORT_REPORT = Path(__file__).resolve().parents[1] / "importer" / "fixtures" / "lambeth-2023.html"


def run_on_report() -> bytes:
    """The import's report with recommendation 5 run on into a table, as a damaged copy reads."""
    item = "posts in the PDU</li>"
    html = IMPORT_REPORT.read_text(encoding="utf-8")
    assert item in html
    return html.replace(item, "posts in the PDU. <table><tr><td>Vacancies</td></tr></table></li>").encode()


#: pages per role; a trailing "!" means: check it, then submit it empty and check it again showing its errors
PAGES: dict[str | None, list[str]] = {
    None: [
        "/sign-in!",
        "/forgot-password!",
        "/set-password/not-a-real-link",
        "/accessibility",
        "/privacy",
        "/no-such-page",
    ],
    HEAD: [
        "/",
        "/inspections",
        "/inspections/{inspection}",
        "/recommendations/{rec1}",
        "/actions/{action_owned}",
        "/recommendations/{rec1}/actions/new!",
        "/actions/{action_owned}/edit!",
        "/actions/{action_owned}/revise-date!",
        "/actions/{action_owned}/updates/new!",
        "/recommendations/{rec1}/response",
        "/recommendations/{rec1}/lead",
        "/actions/{action_owned}/evidence/upload!",
        "/actions/{action_owned}/evidence/link!",
        "/recommendations/{rec1}/evidence/upload!",
        "/recommendations/{rec1}/evidence/link!",
        "/inspections/{inspection}/reinspection-dates!",
        "/inspections/{inspection}/readiness",
        "/inspections/{inspection}/readiness/print",
        "/inspections/{inspection}/audit-rounds/new!",
        "/dashboard",
        "/account/notifications",
        "/recommendations/{rec7}/submit",
        "/admin",
        "/actions/{action_owned}/delete",
        "/evidence/{evidence_file}/remove",
        "/account",
        "/account/two-factor!",
        "/account/password!",
        "/needs-a-new-owner",
    ],
    OWNER: [
        "/",
        "/actions/{action_owned}",
        "/actions/{action_owned}/updates/new!",
        "/recommendations/{rec1}",
        "/actions/{action_owned}/request-date!",
        "/dashboard",
        "/actions?owner=me",
        "/search?q=audit",
    ],
    DIRECTOR: [
        "/",
        "/dashboard",
        "/dashboard?sort=overdue&order=desc",
        "/dashboard?due_by=31&due_by=2&due_by=2027",
        "/dashboard/regions/{london}",
        "/reviews",
        "/recommendations/{rec8}",
        "/recommendations/{rec9}/submit",
        "/actions?overdue=y",
        "/recommendations?current=1&status=in_progress",
        "/search?q=risk",
        "/plan",
        "/plan?flag=slipped&flag=overdue",
        "/actions?slipped=y",
    ],
    HMPPS: ["/", "/dashboard", "/reviews", "/recommendations/{rec12}", "/inspections"],
    VIEWER: ["/", "/inspections", "/inspections/{inspection}", "/recommendations/{rec1}", "/dashboard", "/actions"],
    ADMIN: [
        "/",
        "/admin",
        "/admin/users",
        "/admin/users/new!",
        "/admin/organisations",
        "/admin/organisations/new/pdu!",
        "/admin/organisations/{pdu}/edit!",
        "/admin/outbox",
        "/admin/outbox/{outbox_message}",
        "/admin/imports/new!",
        "/admin/status",
        "/admin/users/{user_head}",
        "/admin/users/{user_head}/edit!",
        "/admin/users/{user_head}/roles",
        "/admin/users/{user_head}/deactivate",
        "/admin/users/{user_head}/tokens/new!",
    ],
}

CHECKED: list[str] = []


def submit_empty(page) -> None:
    """Clear every text box of the page's main form and send it, to show the error summary and messages."""
    form = page.locator("#main-content form").first
    for box in form.locator(
        "input[type=text]:visible, input[type=email]:visible, input[type=password]:visible, "
        "input:not([type]):visible, textarea:visible"
    ).all():
        box.fill("")
    with a_new_page(page):
        form.locator("button.govuk-button:not([type=button]), input[type=submit]").first.click()
    assert page.locator(".govuk-error-summary").count() == 1, f"{page.url} showed no error summary"


def check(page, url: str, violations: list[str]) -> None:
    """axe-core at the desktop width; then the same page, narrowed to 320 px, must not scroll sideways and passes
    axe again (WCAG 1.4.10: a 1280 px screen zoomed to 400% is 320 CSS px wide)."""
    violations.extend(axe_violations(page))
    with narrowed(page):
        violations.extend(scrolls_sideways(page))
        violations.extend(f"at {NARROW} px: {line}" for line in axe_violations(page))
    CHECKED.append(url)


def sweep(page, base: str, paths: list[str], ids: dict[str, int]) -> list[str]:
    violations: list[str] = []
    for template in paths:
        path = template.removesuffix("!").format(**ids)
        page.goto(base + path)
        check(page, path, violations)
        if template.endswith("!"):
            submit_empty(page)
            check(page, path + " (with errors)", violations)
    return violations


@pytest.mark.parametrize("email", list(PAGES), ids=lambda e: e or "signed-out")
def test_every_page_of_each_role_passes_axe(axe_page, axe_server, email):
    ids = demo_ids(axe_server.database)
    if email is not None:
        sign_in(axe_page, axe_server.url, email)
    violations = sweep(axe_page, axe_server.url, PAGES[email], ids)
    assert violations == [], "\n".join(violations)


def looker(violations: list[str]):
    def look(page, label: str) -> None:
        check(page, label, violations)

    return look


def switch_user(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    sign_in(page, base, email)


def test_pages_reached_through_assurance_pass_axe(axe_page, axe_server):
    ids, base, violations = demo_ids(axe_server.database), axe_server.url, []
    look = looker(violations)
    sign_in(axe_page, base, HEAD)
    submit_for_assurance(axe_page, base, ids["rec7"], look)
    look(axe_page, "recommendation submitted")
    go(axe_page, f"{base}/recommendations/{ids['rec7']}/actions/new", look, "change refused while submitted")
    assert axe_page.locator("h1").inner_text() == "You cannot change this recommendation now"
    go(axe_page, f"{base}/recommendations/{ids['rec7']}/withdraw", look, "withdraw the submission")
    go(axe_page, f"{base}/recommendations/{ids['rec7']}/review", look, "review refused to the submitter")
    switch_user(axe_page, base, DIRECTOR)
    review_and_assure(axe_page, base, ids["rec7"], look)
    look(axe_page, "recommendation assured")
    go(axe_page, f"{base}/recommendations/{ids['rec7']}/reopen", look, "reopen")
    click_and_wait(axe_page, "Reopen the recommendation")
    assert error_summary(axe_page), "reopening without a reason should be refused"
    look(axe_page, "reopen with errors")
    assert violations == [], "\n".join(violations)


def test_import_and_audit_round_pages_pass_axe(axe_page, axe_server):
    ids, base, violations = demo_ids(axe_server.database), axe_server.url, []
    look = looker(violations)
    sign_in(axe_page, base, ADMIN)
    go(axe_page, f"{base}/admin/imports/new", look, "import upload")
    axe_page.locator("input[type=file]").set_input_files(str(IMPORT_REPORT))
    click_and_wait(axe_page, "Upload and check")
    assert "/admin/imports/" in axe_page.url and error_summary(axe_page) == ""
    look(axe_page, "import review")
    review = axe_page.url
    for section in ("pdu", "inspection", "ratings", "recommendations/1", "recommendations/new"):
        go(axe_page, f"{review}/{section}", look, f"import: change {section}")
    click_and_wait(axe_page, "Add recommendation")
    assert error_summary(axe_page), "an empty recommendation should be refused"
    look(axe_page, "import: add a recommendation, with errors")
    go(axe_page, f"{review}/recommendations/8", look, "import: change recommendation 8")
    axe_page.get_by_label("The PDU's region").check()
    click_and_wait(axe_page, "Continue")
    click_and_wait(axe_page, "Save inspection")
    # the browser keeps the review page's #recommendation-8 across the redirect: the address is the done page's
    assert urlsplit(axe_page.url).path.endswith("/done"), axe_page.url
    look(axe_page, "import done, listing the recommendations no one leads")
    with a_new_page(axe_page):
        axe_page.locator("#open-inspection").click()
    look(axe_page, "imported inspection")
    go(axe_page, f"{base}/", look, "administrator's home, listing the recommendations no one leads")
    go(axe_page, f"{base}/admin/imports/new")
    axe_page.locator("input[type=file]").set_input_files(
        {"name": "lambeth-damaged.html", "mimeType": "text/html", "buffer": run_on_report()}
    )
    click_and_wait(axe_page, "Upload and check")
    assert axe_page.locator(".recommendation-fix").count() == 1
    look(axe_page, "import review with a recommendation to correct")

    switch_user(axe_page, base, HEAD)
    go(axe_page, f"{base}/inspections/{ids['inspection']}/audit-rounds/new", look, "new audit round")
    fill_date(axe_page, "held_on", date.today() - timedelta(days=3))
    for box in axe_page.locator(".tracker-audit-standard").first.locator("input").all():
        box.fill("8")
    click_and_wait(axe_page, "Save audit round")
    assert error_summary(axe_page) == "", error_summary(axe_page)
    look(axe_page, "readiness with an audit round")
    with a_new_page(axe_page):
        axe_page.locator("a[href*='/audit-rounds/'][href*='/edit']").first.click()
    look(axe_page, "edit audit round")
    fill_date(axe_page, "held_on", date(2027, 2, 1))
    axe_page.locator("input[name=held_on]").first.fill("31")
    axe_page.locator("input[name=held_on]").nth(1).fill("2")
    click_and_wait(axe_page, "Save audit round")
    assert error_summary(axe_page), "31 February should be refused"
    look(axe_page, "edit audit round with errors")
    assert violations == [], "\n".join(violations)


def test_the_lost_update_page_passes_axe(axe_page, axe_server):
    """Two tabs edit the same action; the second to save is shown what changed instead of overwriting it."""
    ids, base, violations = demo_ids(axe_server.database), axe_server.url, []
    look = looker(violations)
    sign_in(axe_page, base, HEAD)
    edit = f"{base}/actions/{ids['action_owned']}/edit"
    axe_page.goto(edit)
    other_tab = axe_page.context.new_page()
    other_tab.goto(edit)
    other_tab.get_by_label("What will be done").fill("Changed in the other tab first.")
    with a_new_page(other_tab):
        other_tab.locator("#main-content form button.govuk-button").first.click()
    assert "Action updated" in other_tab.locator(".govuk-notification-banner").inner_text()
    # The tab is left open (the context closes it): closing a page mid-load can stall Chromium.
    axe_page.get_by_label("What will be done").fill("Changed here second.")
    with a_new_page(axe_page):
        axe_page.locator("#main-content form button.govuk-button").first.click()
    assert "Someone else changed this" in axe_page.locator("h1").inner_text()
    look(axe_page, "lost-update conflict")
    assert violations == [], "\n".join(violations)


def test_a_person_whose_sign_ins_are_slowed_passes_axe_on_the_users_pages(axe_page, axe_server):
    """Wrong passwords for an account no other check signs in as, then the administrator's view of it."""
    base, violations = axe_server.url, []
    look = looker(violations)
    slowed = "hmpps.assurance@example.org"
    for _ in range(5):
        axe_page.goto(base + "/sign-in")
        axe_page.locator("#email").fill(slowed)
        axe_page.locator("#password").fill("not the password")
        click_and_wait(axe_page, "Sign in")
    sign_in(axe_page, base, ADMIN)
    go(axe_page, f"{base}/admin/users", look, "users with one being slowed")
    assert "Signing in slowed after 5 failed attempts" in axe_page.locator("#users").inner_text()
    with a_new_page(axe_page):
        axe_page.locator("#users a", has_text="Alex Carter").click()
    look(axe_page, "user being slowed")
    assert axe_page.locator("#clear-sign-in-waits").count() == 1
    assert violations == [], "\n".join(violations)


def test_axe_reports_a_known_violation(axe_page, axe_server):
    """The sweep can fail: an image without a text alternative on a real page is reported."""
    axe_page.goto(axe_server.url + "/accessibility")
    axe_page.evaluate(
        "() => document.querySelector('main').append(Object.assign(document.createElement('img'), "
        "{src: '/assets/images/favicon.png'}))"
    )
    assert any(": image-alt (critical)" in line for line in axe_violations(axe_page))


def test_only_govuk_conditional_radios_own_aria_expanded_is_set_aside(axe_page, axe_server):
    """The one known GOV.UK Frontend report is set aside; any other disallowed attribute on the radio still fails."""
    axe_page.goto(axe_server.url + "/accessibility")
    axe_page.evaluate("""() => document.querySelector('main').insertAdjacentHTML('beforeend',
        '<input type="radio" class="govuk-radios__input" name="x" aria-label="Example" aria-expanded="false">'
        + '<input type="radio" class="govuk-radios__input" name="y" aria-label="Other" aria-expanded="false" '
        + 'aria-pressed="true">')""")
    reported = [line for line in axe_violations(axe_page) if ": aria-allowed-attr " in line]
    assert len(reported) == 1 and 'name="x"' not in reported[0] and 'input[name="y"]' in reported[0]


def test_the_width_check_reports_a_page_that_scrolls_sideways(axe_page, axe_server):
    """The 320 px check can fail: a fixed-width block on a real page is reported, and named."""
    axe_page.goto(axe_server.url + "/accessibility")
    assert scrolls_sideways(axe_page) == []
    axe_page.evaluate(
        "() => { const block = Object.assign(document.createElement('div'), {id: 'too-wide'}); "
        "block.style.width = '600px'; block.style.height = '1px'; "
        "document.querySelector('main').append(block); }"
    )
    with narrowed(axe_page):
        [line] = scrolls_sideways(axe_page)
    assert "px wide in 320" in line and "div#too-wide" in line


def test_zz_report_pages_checked():
    """Prints the pages the sweep checked (run with -s to see them); there are many, or the sweep did not run."""
    print(
        f"\naxe-core checked {len(CHECKED)} pages, each at the desktop width and at {NARROW} px:\n  "
        + "\n  ".join(CHECKED)
    )
    assert len(CHECKED) >= 60 or not CHECKED
