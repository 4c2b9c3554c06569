"""The second factor in Chromium: setting up an authenticator app from the QR code page, then signing in with a
password and a code, under the real Content Security Policy; and axe-core on every page of it."""

import time

import pyotp
import pytest

from tests.browser.catalogue import HEAD, OWNER
from tests.browser.conftest import PASSWORD, axe_violations, sign_in
from tests.browser.steps import a_new_page, click_and_wait, error_summary

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def totp_server(start_server):
    """A server of its own: people here end up with an authenticator app, which the other journeys do not expect."""
    return start_server("second-factor")


def set_up_app(page, base: str, look=lambda page: None) -> tuple[str, list[str]]:
    page.goto(base + "/account")
    look(page)
    with a_new_page(page):
        page.get_by_role("link", name="Set up authenticator app").click()
    look(page)
    assert page.locator(".tracker-qr svg").is_visible(), "the QR code is drawn on the page"
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    click_and_wait(page, "Turn on")
    assert page.locator("h1").inner_text() == "Your recovery codes"
    look(page)
    return secret, page.locator("#recovery-codes li").all_inner_texts()


def password_step(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/sign-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    click_and_wait(page, "Sign in")


def a_fresh_code(secret: str) -> str:
    """Wait for the app's next code: the one typed to set it up cannot be used again."""
    spent = int(time.time()) // 30
    while int(time.time()) // 30 == spent:
        time.sleep(0.5)
    return pyotp.TOTP(secret).now()


def test_a_person_sets_up_an_authenticator_app_and_signs_in_with_it(page, totp_server):
    base, errors = totp_server.url, []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, base, OWNER)
    secret, codes = set_up_app(page, base)
    assert len(codes) == 10
    with a_new_page(page):
        page.get_by_role("button", name="I have saved my recovery codes").click()
    assert "Authenticator app, 10 recovery codes left" in page.locator("#account-details").inner_text()

    password_step(page, base, OWNER)
    assert page.url == base + "/sign-in/code"
    page.get_by_label("Code from your authenticator app").fill("000000")
    click_and_wait(page, "Continue")
    assert "Enter the current 6-digit code" in error_summary(page)
    page.get_by_label("Code from your authenticator app").fill(a_fresh_code(secret))
    click_and_wait(page, "Continue")
    assert page.url == base + "/"
    assert page.locator("h1").inner_text().startswith("Hello")
    assert errors == []


def test_the_second_factor_pages_pass_axe(axe_page, totp_server):
    base, violations = totp_server.url, []

    def look(page) -> None:
        violations.extend(axe_violations(page))

    sign_in(axe_page, base, HEAD)
    axe_page.goto(base + "/account/two-factor")
    click_and_wait(axe_page, "Turn on")
    assert error_summary(axe_page)
    look(axe_page)
    secret, codes = set_up_app(axe_page, base, look)
    for path in ("/account", "/account/two-factor/recovery-codes", "/account/two-factor/turn-off"):
        axe_page.goto(base + path)
        look(axe_page)
        if path != "/account":
            click_and_wait(axe_page, axe_page.locator("#main-content form button").first.inner_text())
            assert error_summary(axe_page), path
            look(axe_page)
    password_step(axe_page, base, HEAD)
    look(axe_page)
    axe_page.get_by_label("Code from your authenticator app").fill("000000")
    click_and_wait(axe_page, "Continue")
    look(axe_page)
    axe_page.get_by_label("Code from your authenticator app").fill(codes[0])
    click_and_wait(axe_page, "Continue")
    assert axe_page.url == base + "/"
    assert violations == [], "\n".join(violations)
