"""Sign-in is throttled per client address, in the database so every web worker shares the count, and an
account is locked after repeated failures from anywhere; both limits come from the [security] configuration."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.conftest import HEAD, OWNER, soup_of, text_of
from tracker.auth.models import SignInAttempt
from tracker.auth.services import find_user
from tracker.db_types import utcnow
from tracker.extensions import db

PASSWORD = "demo-password-for-tests"


def attempt(client, email=HEAD, password="wrong", address="192.0.2.10"):
    return client.post("/sign-in", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def rate(app, monkeypatch):
    monkeypatch.setitem(app.config, "SECURITY_SIGN_IN_RATE_PER_MINUTE", 3)
    monkeypatch.setitem(app.config, "SECURITY_MAX_FAILED_SIGN_INS", 50)
    return 3


def test_an_address_that_keeps_failing_gets_a_styled_429(client, rate):
    for number in range(rate):
        assert attempt(client, email=f"nobody{number}@example.org").status_code == 200
    refused = attempt(client, password=PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    page = soup_of(refused)
    assert text_of(page.h1) == "Too many attempts"
    assert "Wait a minute" in text_of(page.select_one("main"))
    assert client.get("/").status_code == 302, "the right password must not get through while throttled"


def test_the_throttle_is_per_address_and_forgets_after_a_minute(app, client, rate):
    for _ in range(rate):
        attempt(client)
    assert attempt(client, password=PASSWORD).status_code == 429
    other = app.test_client()
    assert attempt(other, password=PASSWORD, address="198.51.100.7").status_code == 302
    with app.app_context():
        db.session.execute(update(SignInAttempt).values(attempted_at=utcnow() - timedelta(minutes=2)))
        db.session.commit()
    assert attempt(client, password=PASSWORD).status_code == 302


def test_attempts_are_kept_in_the_database_and_successes_are_not_counted(app, client, rate):
    for _ in range(rate + 2):
        client.post("/sign-out")
        assert attempt(client, password=PASSWORD).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(SignInAttempt.id))) == 0
    attempt(client.application.test_client())
    with app.app_context():
        saved = db.session.scalars(select(SignInAttempt)).all()
        assert [row.address for row in saved] == ["192.0.2.10"]


def test_account_locks_after_the_configured_failures_even_from_many_addresses(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SECURITY_MAX_FAILED_SIGN_INS", 3)
    monkeypatch.setitem(app.config, "SECURITY_LOCKOUT_MINUTES", 7)
    for number in range(3):
        attempt(client, email=OWNER, address=f"203.0.113.{number}")
    page = soup_of(attempt(client, email=OWNER, password=PASSWORD, address="203.0.113.99"))
    assert "locked" in text_of(page.select_one(".govuk-error-summary"))
    with app.app_context():
        locked_until = find_user(OWNER).locked_until_at
        assert timedelta(minutes=6) < locked_until - utcnow() <= timedelta(minutes=7)


def test_idle_expiry_is_configured_from_the_security_section(app):
    """Expiry itself is tested in tests/auth/test_sign_in.py; here only that the setting drives it."""
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=app.config["SECURITY_SESSION_IDLE_MINUTES"])


def test_forwarded_addresses_are_ignored_unless_a_proxy_is_trusted(app, client, tmp_path):
    from tests.conftest import make_app

    client.post("/sign-in", data={"email": "x@example.org", "password": "wrong"},
                headers={"X-Forwarded-For": "203.0.113.5"}, environ_base={"REMOTE_ADDR": "192.0.2.1"})
    with app.app_context():
        assert db.session.scalars(select(SignInAttempt.address)).all() == ["192.0.2.1"]

    proxied = make_app(tmp_path, None, SECURITY_TRUSTED_PROXIES=1)
    proxied.test_client().post("/sign-in", data={"email": "x@example.org", "password": "wrong"},
                               headers={"X-Forwarded-For": "203.0.113.5"}, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    with proxied.app_context():
        assert db.session.scalars(select(SignInAttempt.address)).all() == ["203.0.113.5"]
        db.engine.dispose()

