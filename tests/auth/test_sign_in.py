"""Signing in and out: wrong passwords, lockout, safe redirects, idle expiry and cookie flags."""

from datetime import timedelta

from tests.conftest import HEAD, soup_of, text_of
from tracker.auth.services import find_user
from tracker.db_types import utcnow
from tracker.extensions import db

PASSWORD = "demo-password-for-tests"


def sign_in(client, email=HEAD, password=PASSWORD, next_url=None):
    url = "/sign-in" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password})


def test_correct_password_signs_in_and_lands_home(client):
    response = sign_in(client)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = soup_of(client.get("/"))
    assert text_of(page.h1) == "Hello, Chris Morgan"


def test_wrong_password_shows_error_summary_and_signs_nobody_in(client):
    page = soup_of(sign_in(client, password="wrong"))
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None
    assert "Enter a correct email address and password" in text_of(summary)
    assert page.title.get_text().startswith("Error:")
    assert client.get("/").status_code == 302


def test_empty_form_names_each_missing_field(client):
    page = soup_of(client.post("/sign-in", data={}))
    errors = [text_of(a) for a in page.select(".govuk-error-summary__list a")]
    assert errors == ["Enter your email address", "Enter your password"]


def test_repeated_failures_make_that_address_wait_with_the_same_message(app, client):
    for _ in range(app.config["SECURITY_MAX_FAILED_SIGN_INS"]):
        sign_in(client, password="wrong")
    page = soup_of(sign_in(client))  # the right password, but too soon
    assert "Enter a correct email address and password" in text_of(page.select_one(".govuk-error-summary"))
    assert "locked" not in text_of(page.select_one("main"))
    with app.app_context():
        assert find_user(HEAD).locked_until_at is None  # the account itself is never locked by failures


def test_next_only_follows_addresses_on_this_site(client):
    assert sign_in(client, next_url="/inspections").headers["Location"] == "/inspections"
    client.post("/sign-out")
    assert sign_in(client, next_url="//evil.example.com/").headers["Location"] == "/"


def test_sign_out_ends_the_session(client):
    sign_in(client)
    response = client.post("/sign-out")
    assert response.headers["Location"] == "/sign-in"
    assert client.get("/").status_code == 302


def test_password_is_stored_only_as_a_hash(app):
    with app.app_context():
        user = find_user(HEAD)
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_session_cookie_is_http_only_and_same_site(client):
    response = sign_in(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_idle_session_expires(app, client):
    sign_in(client)
    client.get("/")
    with client.session_transaction() as session:
        idle = app.config["PERMANENT_SESSION_LIFETIME"] + timedelta(minutes=1)
        session["last_seen_at"] = (utcnow() - idle).isoformat()
    response = client.get("/")
    assert response.status_code == 302
    page = soup_of(client.get(response.headers["Location"]))
    assert "signed out because you had not used the service" in text_of(page)


def test_inactive_user_cannot_sign_in(app, client):
    with app.app_context():
        find_user(HEAD).is_active = False
        db.session.commit()
    assert sign_in(client).status_code == 200


def test_fetching_assets_never_rewrites_the_session_cookie(client):
    sign_in(client)
    client.get("/")
    response = client.get("/assets/tracker.css")
    assert "Set-Cookie" not in response.headers
    response.close()
    assert "Set-Cookie" not in client.get("/").headers, "the cookie is rewritten at most once a minute"
