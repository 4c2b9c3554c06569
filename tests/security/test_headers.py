"""Every page carries the security headers and a CSP whose only inline script is the nonced GOV.UK line, and
no page uses a style attribute (the CSP would block it); found by crawling every link as each demo role."""

import re

import pytest
from bs4 import BeautifulSoup

from tests.conftest import ADMIN, DIRECTOR, HEAD, HMPPS, OWNER, VIEWER
from tests.security.helpers import crawl

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def csp_nonce(csp: str) -> str:
    match = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]+)'", csp)
    assert match, csp
    return match.group(1)


def page_problems(url: str, response) -> list[str]:
    problems = [
        f"{url}: {name} is {response.headers.get(name)!r}"
        for name, value in EXPECTED.items()
        if response.headers.get(name) != value
    ]
    csp = response.headers.get("Content-Security-Policy", "")
    if "unsafe-inline" in csp or "unsafe-eval" in csp or "object-src 'none'" not in csp:
        problems.append(f"{url}: weak CSP {csp!r}")
    if response.mimetype != "text/html":
        return problems
    nonce = csp_nonce(csp)
    soup = BeautifulSoup(response.get_data(as_text=True), "lxml")
    for script in soup.find_all("script"):
        if not script.get("src") and script.get("nonce") != nonce:
            problems.append(f"{url}: inline script without this response's nonce")
    problems += [f"{url}: style attribute on <{tag.name}>" for tag in soup.select("[style]")]
    problems += [
        f"{url}: inline event handler on <{tag.name}>"
        for tag in soup.find_all(lambda tag: any(attribute.startswith("on") for attribute in tag.attrs))
    ]
    return problems


@pytest.mark.parametrize("email", [HEAD, OWNER, DIRECTOR, HMPPS, VIEWER, ADMIN])
def test_every_reachable_page_is_locked_down(app, as_user, email):
    client = as_user(email)
    problems, visited = [], 0
    for url, response in crawl(client):
        visited += 1
        problems += page_problems(url, response)
        if response.status_code == 200 and response.mimetype == "text/html":
            assert response.headers.get("Cache-Control") == "no-store", f"{url} may be cached"
    assert visited >= 10
    assert problems == [], "\n".join(problems)


def test_signed_out_pages_and_errors_are_locked_down(client):
    problems = []
    for url in ("/sign-in", "/accessibility", "/privacy", "/no-such-page", "/inspections"):
        response = client.get(url)
        problems += page_problems(url, response)
    assert problems == []


def test_nonce_changes_on_every_response(client):
    first = csp_nonce(client.get("/sign-in").headers["Content-Security-Policy"])
    second = csp_nonce(client.get("/sign-in").headers["Content-Security-Policy"])
    assert first != second


def test_strict_transport_security_when_cookies_are_secure(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    assert client.get("/sign-in").headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize("asset", ["tracker.css", "govuk-frontend.min.css", "govuk-frontend.min.js"])
def test_assets_are_kept_by_the_browser_and_revalidated_while_pages_are_not_stored(as_user, asset):
    """A stylesheet or script holds nothing personal: signed in, the browser may keep it and ask whether it changed
    (a 304 with no body), instead of fetching every asset again with each page. The page itself is never stored."""
    client = as_user(HEAD)
    with client.get(f"/assets/{asset}") as first:
        assert first.status_code == 200 and first.get_data()
        assert "no-store" not in first.headers.get("Cache-Control", "")
        assert first.headers["X-Content-Type-Options"] == "nosniff"
    with client.get(f"/assets/{asset}", headers={"If-None-Match": first.headers["ETag"]}) as again:
        assert again.status_code == 304 and again.get_data() == b""
    assert client.get("/").headers["Cache-Control"] == "no-store"
