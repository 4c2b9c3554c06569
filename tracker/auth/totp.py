"""The second factor for local accounts: an authenticator app (TOTP, RFC 6238) set up by a QR code made here, and
single-use recovery codes for when the app is lost. Single sign-on skips it: the identity provider does its own."""

import hmac
import io
import re
import secrets

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, select

from tracker.audit.services import record_event
from tracker.auth import sessions
from tracker.auth.models import RecoveryCode, User
from tracker.auth.services import (
    SignInResult,
    complete_sign_in,
    hash_token,
    is_throttled,
    must_wait,
    record_failed_sign_in,
)
from tracker.db_types import utcnow
from tracker.extensions import db

#: seconds each code lasts (what every authenticator app assumes)
INTERVAL = 30
RECOVERY_CODES = 10
#: no 0/o or 1/l/i, so a code copied from paper reads back the same
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class SecondFactorError(ValueError):
    """The code was refused; the message says why, for the form."""


WRONG_CODE = (
    "Enter the current 6-digit code from your authenticator app, or one of your recovery codes. Each code works once."
)


def required_roles() -> set[str]:
    return set(current_app.config.get("AUTH_REQUIRE_TOTP_FOR") or ())


def is_required(user: User) -> bool:
    """Whether the person holds a role that may only sign in with a password and a second factor."""
    return any(assignment.role in required_roles() for assignment in user.roles)


def is_enabled(user: User) -> bool:
    return user.totp_enabled_at is not None


def _authenticator(user: User) -> pyotp.TOTP:
    assert user.totp_secret is not None  # made by pending_secret before any code is drawn or checked
    return pyotp.TOTP(user.totp_secret, interval=INTERVAL, issuer=current_app.config.get("APP_SERVICE_NAME"))


def pending_secret(user: User) -> str:
    """The secret being set up, made once and kept until confirmed, so reloading the page keeps the QR code that
    the person may already have scanned."""
    if is_enabled(user):
        raise SecondFactorError("Your authenticator app is already set up")
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        db.session.commit()
    return user.totp_secret


def qr_code_svg(user: User) -> str:
    """The otpauth:// address as an SVG QR code, drawn here: the secret never goes to another service."""
    address = _authenticator(user).provisioning_uri(name=user.email)
    out = io.BytesIO()
    segno.make(address, error="m").save(
        out,
        kind="svg",
        scale=4,
        border=4,
        xmldecl=False,
        nl=False,
        dark="#0b0c0c",
        light="#ffffff",
        svgclass="tracker-qr-code",
    )
    return out.getvalue().decode()


def grouped(secret: str) -> str:
    """The secret in fours, as people type it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _matching_step(user: User, code: str) -> int | None:
    """The time step (now, or one either side for a slow clock or typist) whose code this is."""
    if not re.fullmatch(r"\d{6}", code):
        return None
    now_step = int(utcnow().timestamp()) // INTERVAL
    authenticator = _authenticator(user)
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(authenticator.generate_otp(step), code):
            return step
    return None


def _accept_app_code(user: User, code: str) -> bool:
    """A code from the app, once: a code from the step last accepted (or earlier) is a replay."""
    step = _matching_step(user, code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def _normalise_recovery(code: str) -> str:
    return re.sub(r"[\s-]+", "", code).lower()


def _accept_recovery_code(user: User, code: str) -> bool:
    wanted = hash_token(_normalise_recovery(code))
    found = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == wanted, RecoveryCode.used_at.is_(None)
        )
    )
    if found is None:
        return False
    found.used_at = utcnow()
    record_event(
        user,
        "user",
        user.id,
        "use_recovery_code",
        f"{user.name} used a recovery code",
        after={"recovery_codes_left": recovery_codes_left(user) - 1},
    )
    return True


def check_code(user: User, code: str | None) -> bool:
    """Accept a current app code or an unused recovery code, using it up; the caller commits."""
    code = (code or "").strip().replace(" ", "")
    if not is_enabled(user) or not code:
        return False
    return _accept_app_code(user, code) or _accept_recovery_code(user, code)


def recovery_codes_left(user: User) -> int:
    return db.session.execute(
        select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).scalar_one()


def _new_recovery_codes(user: User) -> list[str]:
    """Replace any earlier codes; only hashes are kept, so these are shown this once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_token(code)) for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def confirm_setup(user: User, code: str | None) -> list[str]:
    """Turn the second factor on once the person proves their app has the secret; returns the recovery codes."""
    if is_enabled(user) or not user.totp_secret:
        raise SecondFactorError("Start setting up your authenticator app again")
    step = _matching_step(user, (code or "").strip().replace(" ", ""))
    if step is None:
        raise SecondFactorError("Enter the 6-digit code your authenticator app shows now")
    user.totp_enabled_at, user.totp_last_step = utcnow(), step
    codes = _new_recovery_codes(user)
    record_event(
        user,
        "user",
        user.id,
        "enable_totp",
        f"{user.name} set up an authenticator app",
        before={"second_factor": False},
        after={"second_factor": True},
    )
    db.session.commit()
    return codes


def regenerate_recovery_codes(user: User, code: str | None) -> list[str]:
    if not check_code(user, code):
        raise SecondFactorError(WRONG_CODE)
    codes = _new_recovery_codes(user)
    record_event(
        user,
        "user",
        user.id,
        "regenerate_recovery_codes",
        f"{user.name} made new recovery codes; the earlier ones no longer work",
    )
    db.session.commit()
    return codes


def _clear(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def turn_off(user: User, code: str | None) -> None:
    """The person's own choice, proved with a code; not for those whose role requires it."""
    if is_required(user):
        raise SecondFactorError("Your role requires a second factor, so it cannot be turned off")
    if not check_code(user, code):
        raise SecondFactorError(WRONG_CODE)
    _clear(user)
    record_event(
        user,
        "user",
        user.id,
        "disable_totp",
        f"{user.name} turned off their authenticator app",
        before={"second_factor": True},
        after={"second_factor": False},
    )
    db.session.commit()


def reset_by_admin(actor: User, user: User) -> None:
    """For a person who has lost their app and their recovery codes: they are signed out everywhere and set it up
    again at their next sign-in (if their role requires it) or when they choose."""
    was_enabled = is_enabled(user)
    _clear(user)
    sessions.end_sessions(user)
    record_event(
        actor,
        "user",
        user.id,
        "reset_totp",
        f"Reset the second factor of {user.email}; they were signed out everywhere",
        before={"second_factor": was_enabled},
        after={"second_factor": False},
    )
    db.session.commit()


def authenticate_code(user: User | None, code: str | None, address: str | None) -> SignInResult:
    """The second step of a password sign-in. A wrong code counts as a failed sign-in for the account from this
    address, so codes cannot be guessed faster than passwords; a right code finishes the sign-in."""
    if address is not None and is_throttled(address):
        return SignInResult(
            None, "Too many failed sign-ins from your network. Wait a minute, then try again.", is_throttled=True
        )
    now = utcnow()
    # the account, if it may be signed in to at all
    account = user if user is not None and user.is_active and not must_wait(user.email, address, now) else None
    if account is None or not check_code(account, code):
        record_failed_sign_in(address, user.email if user else "", now)
        db.session.commit()
        return SignInResult(None, WRONG_CODE)
    complete_sign_in(account, address, now)
    return SignInResult(account)
