"""Sign-in is throttled per client address, in the database so every web worker shares the count, and repeated
failures on one account from one address make that address wait, ever longer; never locking the account itself.
Both limits come from the [security] configuration."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select, update

from tests.conftest import HEAD, OWNER, soup_of, text_of
from tracker.auth.models import SignInAttempt
from tracker.auth.services import find_user
from tracker.db_types import utcnow
from tracker.extensions import db

PASSWORD = "demo-password-for-tests"


def attempt(client, email=HEAD, password="wrong", address="192.0.2.10"):
    return client.post("/sign-in", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


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


def test_failures_slow_one_address_on_one_account_exponentially_not_the_owner(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SECURITY_MAX_FAILED_SIGN_INS", 3)
    monkeypatch.setitem(app.config, "SECURITY_LOCKOUT_MINUTES", 7)
    attacker = "203.0.113.66"
    for _ in range(3):
        attempt(client, email=OWNER, address=attacker)
    # the attacker's address now waits a minute, even with the right password...
    assert attempt(client, email=OWNER, password=PASSWORD, address=attacker).status_code == 200
    # ...while the owner, from their own address, signs in as ever
    assert (
        attempt(client.application.test_client(), email=OWNER, password=PASSWORD, address="198.51.100.7").status_code
        == 302
    )
    start = utcnow()
    # each refused attempt counts too and doubles the wait: four failures, two minutes; at 1.5 a fifth, four
    # minutes (until 5.5); at 5 a sixth, eight minutes but at most lockout_minutes (7), so until 12
    for minutes, allowed in ((1.5, False), (5, False), (12.5, True)):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            response = attempt(client.application.test_client(), email=OWNER, password=PASSWORD, address=attacker)
            assert (response.status_code == 302) is allowed, minutes
    with app.app_context():
        assert find_user(OWNER).locked_until_at is None
        # a success from the address clears its record for the account
        assert db.session.scalar(select(func.count(SignInAttempt.id)).where(SignInAttempt.address == attacker)) == 0


def test_unknown_deactivated_waiting_and_wrong_all_look_the_same(app, client, monkeypatch):
    """The same message, and the same work: exactly one password hash checked, one failure recorded."""
    from tracker.auth import services

    monkeypatch.setitem(app.config, "SECURITY_MAX_FAILED_SIGN_INS", 2)
    with app.app_context():
        gone = find_user(OWNER)
        gone.is_active = False
        db.session.commit()
    checks = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda *args: checks.append(1) or real(*args))
    for _ in range(2):
        attempt(client, email=HEAD, address="203.0.113.50")
    cases = {
        "unknown": ("nobody@example.org", "wrong"),
        "deactivated": (OWNER, PASSWORD),
        "waiting": (HEAD, PASSWORD),
        "wrong password": (HEAD, "wrong"),
    }
    messages = {}
    for case, (email, password) in cases.items():
        checks.clear()
        address = "203.0.113.50" if case == "waiting" else "203.0.113.51"
        page = soup_of(attempt(client.application.test_client(), email=email, password=password, address=address))
        messages[case] = text_of(page.select_one(".govuk-error-summary__list"))
        assert len(checks) == 1, case
    assert len(set(messages.values())) == 1, messages
    with app.app_context():
        find_user(OWNER).is_active = True
        db.session.commit()


def test_an_administrator_unlock_lets_the_address_try_again(app, client, monkeypatch):
    from tracker.admin.services import unlock_user

    monkeypatch.setitem(app.config, "SECURITY_MAX_FAILED_SIGN_INS", 2)
    for _ in range(2):
        attempt(client, email=OWNER, address="203.0.113.9")
    assert attempt(client, email=OWNER, password=PASSWORD, address="203.0.113.9").status_code == 200
    with app.app_context():
        unlock_user(find_user("admin@example.org"), find_user(OWNER))
    assert (
        attempt(client.application.test_client(), email=OWNER, password=PASSWORD, address="203.0.113.9").status_code
        == 302
    )


def test_idle_expiry_is_configured_from_the_security_section(app):
    """Expiry itself is tested in tests/auth/test_sign_in.py; here only that the setting drives it."""
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=app.config["SECURITY_SESSION_IDLE_MINUTES"])


def test_forwarded_addresses_are_ignored_unless_a_proxy_is_trusted(app, client, tmp_path):
    from tests.conftest import make_app

    client.post(
        "/sign-in",
        data={"email": "x@example.org", "password": "wrong"},
        headers={"X-Forwarded-For": "203.0.113.5"},
        environ_base={"REMOTE_ADDR": "192.0.2.1"},
    )
    with app.app_context():
        assert db.session.scalars(select(SignInAttempt.address)).all() == ["192.0.2.1"]

    proxied = make_app(tmp_path, None, SECURITY_TRUSTED_PROXIES=1)
    proxied.test_client().post(
        "/sign-in",
        data={"email": "x@example.org", "password": "wrong"},
        headers={"X-Forwarded-For": "203.0.113.5"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    with proxied.app_context():
        assert db.session.scalars(select(SignInAttempt.address)).all() == ["203.0.113.5"]
        db.engine.dispose()
