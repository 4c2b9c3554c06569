"""Single sign-on in Chromium against a real OpenID Connect provider (oidc-provider-mock, in the test process):
away to the provider, back signed in, and out again at both; the failure page and the sign-in page with the
provider's button pass axe-core."""

import pytest
import requests
from oidc_provider_mock import run_server_in_thread

from tests.browser.catalogue import HEAD
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def sso_server(start_server, provider):
    return start_server(
        "single-sign-on",
        TRACKER_OIDC_ISSUER=provider,
        TRACKER_OIDC_CLIENT_ID="tracker",
        TRACKER_OIDC_CLIENT_SECRET="client-secret",
        TRACKER_OIDC_PROVIDER_NAME="Test Identity",
    )


def test_a_person_signs_in_through_the_provider_and_out_again(page, sso_server, provider):
    requests.put(
        f"{provider}/users/chris", json={"email": HEAD, "email_verified": True, "name": "Chris Morgan"}, timeout=5
    ).raise_for_status()
    page.goto(sso_server.url + "/sign-in")
    page.get_by_role("button", name="Sign in with Test Identity").click()
    page.wait_for_url(provider + "/**")
    page.locator("input[name=sub]").fill("chris")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(sso_server.url + "/")
    assert page.locator("h1").inner_text() == "Hello, Chris Morgan"

    page.goto(sso_server.url + "/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(provider + "/**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(sso_server.url + "/sign-in**")
    assert page.goto(sso_server.url + "/").url.startswith(sso_server.url + "/sign-in")


def test_the_sign_in_and_failure_pages_pass_axe(axe_page, sso_server):
    axe_page.goto(sso_server.url + "/sign-in")
    violations = axe_violations(axe_page)
    axe_page.goto(sso_server.url + "/sign-in/oidc/callback?state=tampered&code=tampered")
    assert "you have not been signed in" in axe_page.locator("main").inner_text()
    violations += axe_violations(axe_page)
    assert violations == [], "\n".join(violations)
