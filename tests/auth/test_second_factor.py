"""The second factor for local accounts: setting up an authenticator app from a QR code made on the server, signing
in with its code or a recovery code (each once), the waits after wrong codes, the requirement for administrators,
turning it off, new recovery codes, an administrator's reset, and single sign-on passing it by."""

import re
import time

import pyotp
import pytest
from sqlalchemy import func, select

from tests.auth.test_oidc import person, provider, sign_in_through, sso  # noqa: F401 (fixtures used below)
from tests.conftest import ADMIN, HEAD, sign_in_as, soup_of, text_of
from tracker.audit.models import AuditEvent
from tracker.auth import totp
from tracker.auth.models import RecoveryCode, SignInAttempt
from tracker.auth.services import find_user
from tracker.db_types import utcnow
from tracker.extensions import db

PASSWORD = "demo-password-for-tests"


def verbs(email: str) -> list[str]:
    user = find_user(email)
    return list(
        db.session.scalars(
            select(AuditEvent.verb)
            .where(AuditEvent.entity_type == "user", AuditEvent.entity_id == user.id)
            .order_by(AuditEvent.id)
        )
    )


def set_up(email: str = HEAD) -> tuple[str, list[str]]:
    """Turn the app on through the service, as the set-up page does; the code used is then spent."""
    user = find_user(email)
    secret = totp.pending_secret(user)
    return secret, totp.confirm_setup(user, pyotp.TOTP(secret).now())


def next_code(secret: str) -> str:
    """The code the app will show in the next 30 seconds: accepted now, and not the one already spent."""
    return pyotp.TOTP(secret).at(time.time() + totp.INTERVAL)


def password_step(client, email=HEAD, next_url=None):
    return client.post(
        "/sign-in" + (f"?next={next_url}" if next_url else ""), data={"email": email, "password": PASSWORD}
    )


def is_signed_in(client) -> bool:
    return client.get("/").status_code == 200


def error_of(response) -> str:
    page = soup_of(response)
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None, text_of(page.select_one("main"))
    assert page.select_one("#code-error") is not None, "the message is shown beside the field too"
    return text_of(summary)


@pytest.fixture
def require_for_admin(app, monkeypatch):
    monkeypatch.setitem(app.config, "AUTH_REQUIRE_TOTP_FOR", ["admin"])


def test_the_set_up_page_draws_the_qr_code_here_and_shows_the_secret_as_text(client):
    sign_in_as(client, HEAD)
    page = soup_of(client.get("/account/two-factor"))
    assert text_of(page.h1) == "Set up your authenticator app"
    secret = find_user(HEAD).totp_secret
    assert secret and find_user(HEAD).totp_enabled_at is None
    svg = page.select_one(".tracker-qr svg")
    assert svg is not None and svg.select("path"), "an inline SVG QR code"
    assert not page.select("main img"), "nothing fetched from another service"
    assert text_of(page.select_one("#totp-secret")).replace(" ", "") == secret
    again = soup_of(client.get("/account/two-factor"))
    assert text_of(again.select_one("#totp-secret")).replace(" ", "") == secret, "reloading keeps the same secret"


def test_a_first_code_turns_it_on_and_shows_ten_recovery_codes_once(client):
    sign_in_as(client, HEAD)
    client.get("/account/two-factor")
    assert "Enter the 6-digit code" in error_of(client.post("/account/two-factor", data={"code": "000000"}))
    assert find_user(HEAD).totp_enabled_at is None
    secret = find_user(HEAD).totp_secret
    page = soup_of(client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()}))
    codes = [text_of(li) for li in page.select("#recovery-codes li")]
    assert (
        len(codes) == 10 and len(set(codes)) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c) for c in codes)
    )
    user = find_user(HEAD)
    assert user.totp_enabled_at is not None
    stored = list(db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
    assert len(stored) == 10 and not set(stored) & {c.replace("-", "") for c in codes}, "only hashes are kept"
    assert "enable_totp" in verbs(HEAD)
    assert client.get("/account/two-factor").headers["Location"] == "/account", "the codes are not shown again"
    account = soup_of(client.get("/account"))
    assert "Authenticator app, 10 recovery codes left" in text_of(account.select_one("#account-details"))


def test_a_password_alone_no_longer_signs_in_and_the_code_does(client):
    secret, _ = set_up()
    response = password_step(client, next_url="/inspections")
    assert response.headers["Location"] == "/sign-in/code"
    assert not is_signed_in(client), "no session until the code is right"
    page = soup_of(client.get("/sign-in/code"))
    assert text_of(page.h1) == "Enter the code from your authenticator app"
    response = client.post("/sign-in/code", data={"code": next_code(secret)})
    assert response.headers["Location"] == "/inspections"
    assert is_signed_in(client)
    assert find_user(HEAD).last_sign_in_at is not None


def test_a_wrong_code_is_refused_with_an_inline_error_and_counts_as_a_failed_sign_in(app, client):
    set_up()
    password_step(client)
    before = db.session.scalar(select(func.count(SignInAttempt.id)))
    message = error_of(client.post("/sign-in/code", data={"code": "123456"}))
    assert "Enter the current 6-digit code from your authenticator app" in message
    assert not is_signed_in(client)
    assert db.session.scalar(select(func.count(SignInAttempt.id))) == before + 1
    assert "Enter the code from your authenticator app" in error_of(client.post("/sign-in/code", data={"code": ""}))


def test_after_several_wrong_codes_even_the_right_one_must_wait(app, client):
    secret, _ = set_up()
    password_step(client)
    for _ in range(app.config["SECURITY_MAX_FAILED_SIGN_INS"]):
        client.post("/sign-in/code", data={"code": "123456"})
    error_of(client.post("/sign-in/code", data={"code": next_code(secret)}))
    assert not is_signed_in(client)
    password_step(client)
    assert client.get("/sign-in/code").status_code == 200
    error_of(client.post("/sign-in/code", data={"code": next_code(secret)}))
    assert not is_signed_in(client), "the right password does not reset the waits"


def test_a_code_cannot_be_used_twice(client):
    secret = set_up()[0]
    code = next_code(secret)
    password_step(client)
    client.post("/sign-in/code", data={"code": code})
    assert is_signed_in(client)
    client.post("/sign-out")
    password_step(client)
    error_of(client.post("/sign-in/code", data={"code": code}))
    assert not is_signed_in(client)


def test_the_code_used_to_set_up_cannot_sign_in(client):
    user = find_user(HEAD)
    secret = totp.pending_secret(user)
    code = pyotp.TOTP(secret).now()
    totp.confirm_setup(user, code)
    password_step(client)
    assert "code" in error_of(client.post("/sign-in/code", data={"code": code})).lower()
    assert not is_signed_in(client)


def test_a_recovery_code_signs_in_once(client):
    _, codes = set_up()
    password_step(client)
    client.post("/sign-in/code", data={"code": codes[3].upper().replace("-", " ")})
    assert is_signed_in(client)
    assert "use_recovery_code" in verbs(HEAD)
    client.post("/sign-out")
    password_step(client)
    error_of(client.post("/sign-in/code", data={"code": codes[3]}))
    assert not is_signed_in(client)
    client.post("/sign-in/code", data={"code": codes[4]})
    assert "8 recovery codes left" in text_of(soup_of(client.get("/account")).select_one("#account-details"))


def test_the_code_page_forgets_the_password_after_five_minutes(client):
    secret, _ = set_up()
    password_step(client)
    with client.session_transaction() as session:
        pending = dict(session["pending_second_factor"])
        session["pending_second_factor"] = {**pending, "at": utcnow().replace(year=2000).isoformat()}
    response = client.post("/sign-in/code", data={"code": next_code(secret)})
    assert response.headers["Location"] == "/sign-in"
    assert not is_signed_in(client)


def test_an_administrator_without_it_is_sent_to_set_it_up_and_can_do_nothing_else(client, require_for_admin):
    response = password_step(client, email=ADMIN)
    assert response.status_code == 302
    for path in ("/", "/admin/users", "/account", "/inspections"):
        assert client.get(path).headers["Location"] == "/account/two-factor", path
    page = soup_of(client.get("/account/two-factor"))
    assert "Your role needs a second factor" in text_of(page.select_one("main"))
    secret = find_user(ADMIN).totp_secret
    client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert client.get("/admin/users").status_code == 200


def test_a_role_that_requires_it_cannot_turn_it_off(client, require_for_admin):
    secret, _ = set_up(ADMIN)
    sign_in_as(client, ADMIN)
    response = client.post("/account/two-factor/turn-off", data={"code": next_code(secret)})
    assert response.headers["Location"] == "/account"
    assert find_user(ADMIN).totp_enabled_at is not None
    assert "Turn off" not in text_of(soup_of(client.get("/account")).select_one("#account-details"))


def test_others_may_turn_it_off_with_a_code(client, require_for_admin):
    secret, _ = set_up(HEAD)
    sign_in_as(client, HEAD)
    error_of(client.post("/account/two-factor/turn-off", data={"code": "999999"}))
    assert find_user(HEAD).totp_enabled_at is not None
    client.post("/account/two-factor/turn-off", data={"code": next_code(secret)})
    user = find_user(HEAD)
    assert user.totp_enabled_at is None and user.totp_secret is None
    assert db.session.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id)) == 0
    assert "disable_totp" in verbs(HEAD)
    assert password_step(client).headers["Location"] == "/", "a password alone signs in again"


def test_new_recovery_codes_replace_the_old_ones(client):
    secret, old = set_up()
    sign_in_as(client, HEAD)
    page = soup_of(client.post("/account/two-factor/recovery-codes", data={"code": next_code(secret)}))
    new = [text_of(li) for li in page.select("#recovery-codes li")]
    assert len(new) == 10 and not set(new) & set(old)
    assert "regenerate_recovery_codes" in verbs(HEAD)
    client.post("/sign-out")
    password_step(client)
    error_of(client.post("/sign-in/code", data={"code": old[0]}))
    client.post("/sign-in/code", data={"code": new[0]})
    assert is_signed_in(client)


def test_an_administrator_resets_it_and_the_person_is_signed_out_everywhere(app, client):
    set_up(HEAD)
    sign_in_as(client, HEAD)
    assert is_signed_in(client)
    admin = sign_in_as(app.test_client(), ADMIN)
    user_id = find_user(HEAD).id
    assert "Reset second factor" in text_of(soup_of(admin.get(f"/admin/users/{user_id}")).select_one("main"))
    admin.post(f"/admin/users/{user_id}/reset-second-factor")
    user = find_user(HEAD)
    assert user.totp_enabled_at is None and user.totp_secret is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "reset_totp"))
    assert event.actor_id == find_user(ADMIN).id and event.entity_id == user_id
    assert event.before == {"second_factor": True} and event.after == {"second_factor": False}
    assert not is_signed_in(client)
    assert password_step(client).headers["Location"] == "/", "their password alone signs them in again"


def test_a_reset_between_password_and_code_refuses_the_code(app, client):
    secret, _ = set_up(HEAD)
    password_step(client)
    totp.reset_by_admin(find_user(ADMIN), find_user(HEAD))
    error_of(client.post("/sign-in/code", data={"code": next_code(secret)}))
    assert not is_signed_in(client)


def test_single_sign_on_does_not_ask_for_it(client, sso, require_for_admin):  # noqa: F811 (fixture)
    set_up(HEAD)
    sign_in_through(client, person(sso, "chris", email=HEAD, name="Chris Morgan"))
    assert is_signed_in(client), "a person with an app set up is not asked for a code"
    client.post("/sign-out")
    sign_in_through(client, person(sso, "admin", email=ADMIN, name="Admin"))
    assert client.get("/admin/users").status_code == 200, "nor is an administrator without one sent to set it up"
