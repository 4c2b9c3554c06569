"""Sessions end on the server: a copied cookie stops working after sign-out, idle expiry, the absolute limit,
a password change and deactivation (issue 12, finding 2)."""

from datetime import timedelta

from tests.conftest import HEAD, soup_of, text_of
from tracker.auth import services
from tracker.auth.services import find_user
from tracker.db_types import utcnow
from tracker.extensions import db

PASSWORD = "demo-password-for-tests"


def signed_in_copy(app, email=HEAD):
    """Sign a browser in with the password, and a second client holding a copy of its session cookie."""
    browser = app.test_client()
    response = browser.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    thief = app.test_client()
    thief.set_cookie("session", browser.get_cookie("session").value)
    return browser, thief


def greets(client) -> bool:
    response = client.get("/")
    return response.status_code == 200 and text_of(soup_of(response).h1).startswith("Hello")


def test_a_copied_cookie_works_while_the_session_lasts(app):
    browser, thief = signed_in_copy(app)
    assert greets(browser) and greets(thief)


def test_a_copied_cookie_stops_working_after_sign_out(app):
    browser, thief = signed_in_copy(app)
    assert greets(thief)
    browser.post("/sign-out")
    response = thief.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert not greets(thief)


def test_a_copied_cookie_cannot_be_kept_alive_past_the_absolute_limit(app):
    browser, thief = signed_in_copy(app)
    hours = app.config["SECURITY_SESSION_MAX_HOURS"]
    with thief.session_transaction() as session:
        # as if it had been used once a minute ever since signing in
        session["signed_in_at"] = (utcnow() - timedelta(hours=hours, minutes=1)).isoformat()
        session["last_seen_at"] = utcnow().isoformat()
    assert not greets(thief)


def test_idle_expiry_ends_every_copy_of_the_session(app):
    browser, thief = signed_in_copy(app)
    idle = app.config["PERMANENT_SESSION_LIFETIME"] + timedelta(minutes=1)
    with browser.session_transaction() as session:
        session["last_seen_at"] = (utcnow() - idle).isoformat()
    page = soup_of(browser.get("/sign-in"))
    assert "signed out because you had not used the service" in text_of(page)
    assert not greets(thief)


def test_a_password_change_ends_other_sessions(app):
    browser, thief = signed_in_copy(app)
    with app.app_context():
        services.end_sessions(find_user(HEAD))
    assert not greets(thief) and not greets(browser)


def test_deactivation_ends_sessions(app):
    browser, thief = signed_in_copy(app)
    with app.app_context():
        find_user(HEAD).is_active = False
        db.session.commit()
    assert not greets(thief)


def test_signing_in_again_after_sign_out_works(app):
    browser, _ = signed_in_copy(app)
    browser.post("/sign-out")
    browser.post("/sign-in", data={"email": HEAD, "password": PASSWORD})
    assert greets(browser)
