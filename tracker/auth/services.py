"""Signing in (with lockout), passwords, roles and API tokens."""

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.audit.services import record_event
from tracker.auth import sessions
from tracker.auth.models import ApiToken, RoleAssignment, SignInAttempt, User
from tracker.config import PASSWORD_HASH
from tracker.db_types import utcnow
from tracker.extensions import db

# Checked against when the address is unknown, so a wrong address takes as long as a wrong password: one per
# hash method, made the first time it is needed.
_DUMMY_HASHES: dict[str, str] = {}


#: failed attempts older than this are forgotten; the throttle itself only looks back one minute
_ATTEMPT_MEMORY = timedelta(hours=1)


@dataclass
class SignInResult:
    user: User | None
    error: str | None = None
    #: refused before the password was checked, because the address has failed too often this minute
    is_throttled: bool = False
    #: the password was right, but the person must still give a code from their authenticator app
    needs_code: bool = False


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def password_hash_method() -> str:
    return current_app.config.get("SECURITY_PASSWORD_HASH", PASSWORD_HASH)


def set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password, method=password_hash_method())


def dummy_hash() -> str:
    method = password_hash_method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not-a-real-password", method=method)
    return _DUMMY_HASHES[method]


def is_throttled(address: str) -> bool:
    """Whether this client address has used up its failed sign-ins for the last minute.

    Counted in the database, not in memory, so that every gunicorn worker applies the same limit."""
    since = utcnow() - timedelta(minutes=1)
    failures = db.session.scalar(
        select(func.count(SignInAttempt.id)).where(SignInAttempt.address == address, SignInAttempt.attempted_at > since)
    )
    return failures >= current_app.config["SECURITY_SIGN_IN_RATE_PER_MINUTE"]


def record_failed_sign_in(address: str | None, email: str, now) -> None:
    if address is None:
        return
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.attempted_at < now - _ATTEMPT_MEMORY))
    db.session.add(SignInAttempt(address=address, email=email, attempted_at=now))


def must_wait(email: str, address: str | None, now) -> bool:
    """Whether this client address must wait before trying this account again: after `max_failed_sign_ins`
    failures, each further one doubles the wait (1, 2, 4... minutes, up to `lockout_minutes`). The account's owner,
    signing in from elsewhere, is not held up; an attacker guessing from one address is slowed to a crawl."""
    if address is None:
        return False
    failures = list(
        db.session.scalars(
            select(SignInAttempt.attempted_at)
            .where(
                SignInAttempt.address == address,
                SignInAttempt.email == email,
                SignInAttempt.attempted_at > now - _ATTEMPT_MEMORY,
            )
            .order_by(SignInAttempt.attempted_at.desc())
        )
    )
    beyond = len(failures) - current_app.config["SECURITY_MAX_FAILED_SIGN_INS"]
    if beyond < 0:
        return False
    longest = timedelta(minutes=current_app.config["SECURITY_LOCKOUT_MINUTES"])
    wait = min(timedelta(minutes=2 ** min(beyond, 20)), longest)
    return now < failures[0] + wait


def slowed_sign_ins(now) -> dict[str, int]:
    """Accounts (by normalised address) that some client address has failed on `max_failed_sign_ins` times in the
    last hour, so that address is being made to wait, each with its failures in that hour from every address. One
    query for every account, for the administrators' pages."""
    per_address = (
        select(SignInAttempt.email, func.count(SignInAttempt.id).label("failures"))
        .where(SignInAttempt.attempted_at > now - _ATTEMPT_MEMORY, SignInAttempt.email.is_not(None))
        .group_by(SignInAttempt.email, SignInAttempt.address)
        .subquery()
    )
    rows = db.session.execute(
        select(per_address.c.email, func.sum(per_address.c.failures))
        .group_by(per_address.c.email)
        .having(func.max(per_address.c.failures) >= current_app.config["SECURITY_MAX_FAILED_SIGN_INS"])
    )
    return {email: int(failures) for email, failures in rows}


#: one message for every failure, so that no answer tells whether an address has an account, is deactivated, or
#: is being slowed down
FAILED = (
    "Enter a correct email address and password. After several wrong attempts, you must wait a few minutes "
    "before trying again."
)


def authenticate(email: str, password: str, address: str | None = None) -> SignInResult:
    """Check a sign-in; throttle failing addresses, and slow repeated failures on one account from one address.

    Every refusal gives the same message after the same work (one password hash checked, one failure recorded),
    whether the address is unknown, the account deactivated, the password wrong or the address made to wait."""
    if address is not None and is_throttled(address):
        return SignInResult(
            None, "Too many failed sign-ins from your network. Wait a minute, then try again.", is_throttled=True
        )
    email = normalise_email(email)
    user = find_user(email)
    now = utcnow()
    # the account, if it may be signed in to at all
    account = user if user is not None and user.is_active and not must_wait(email, address, now) else None
    stored = account.password_hash if account is not None else dummy_hash()
    # Everything above only read. End that transaction before the deliberately slow hash: on SQLite a form's
    # request holds the write lock from its first statement, and simultaneous sign-ins would queue behind each
    # other's hashing until they were refused as busy.
    db.session.rollback()
    matches = check_password_hash(stored, password)
    if account is None or not matches:
        record_failed_sign_in(address, email, now)
        db.session.commit()
        return SignInResult(None, FAILED)
    if account.totp_enabled_at is not None:
        # The failures are only forgotten once the code is right too, or the password would reset the waits
        return SignInResult(account, needs_code=True)
    complete_sign_in(account, address, now)
    return SignInResult(account)


def complete_sign_in(user: User, address: str | None, now) -> None:
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.email == user.email, SignInAttempt.address == address))
    user.failed_sign_ins = 0
    user.locked_until_at = None
    user.last_sign_in_at = now
    db.session.commit()


def end_sessions(user: User) -> None:
    """Sign the person out everywhere (every copy of every session cookie)."""
    sessions.end_sessions(user)
    db.session.commit()


def create_user(email: str, name: str, password: str | None, roles: Sequence[tuple[str, int]] = ()) -> User:
    """Without a password the account cannot be signed in to with one until the person sets theirs."""
    user = User(email=normalise_email(email), name=name, password_hash="")
    if password is not None:
        set_password(user, password)
    for role, organisation_id in roles:
        user.roles.append(RoleAssignment(role=role, organisation_id=organisation_id))
    db.session.add(user)
    return user


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_duration(text: str) -> timedelta:
    """ "90d", "12w" or "24h" as a timedelta, for token expiry on the command line."""
    units = {"h": "hours", "d": "days", "w": "weeks"}
    number, unit = text.strip()[:-1], text.strip()[-1:].lower()
    if unit not in units or not number.isdigit() or int(number) < 1:
        raise ValueError(f"{text!r} is not a duration like 90d, 12w or 24h")
    return timedelta(**{units[unit]: int(number)})


def create_api_token(user: User, name: str = "", expires_in: timedelta | None = None, actor=None) -> str:
    """Issue a bearer token; only its hash is stored, so it is shown this once. `actor`: the administrator who
    issued it from the person's page (none from the command line)."""
    token = "trk_" + secrets.token_urlsafe(32)
    expires_at = utcnow() + expires_in if expires_in else None
    api_token = ApiToken(user_id=user.id, token_hash=hash_token(token), name=name, expires_at=expires_at)
    db.session.add(api_token)
    db.session.flush()
    record_event(
        actor,
        "user",
        user.id,
        "create_token",
        f"API token “{name or 'unnamed'}” issued to {user.email}"
        + (f", expiring {expires_at:%-d %B %Y}" if expires_at else ""),
        after={"token_id": api_token.id, "expires_at": expires_at.isoformat() if expires_at else None},
    )
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    """The active owner of an unrevoked, unexpired token; notes its use at most once a minute."""
    now = utcnow()
    api_token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
    )
    if api_token is None or not api_token.user.is_active or (api_token.expires_at and api_token.expires_at <= now):
        return None
    if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(minutes=1):
        api_token.last_used_at = now
        db.session.commit()
    return api_token.user


def revoke_api_token(actor, api_token: ApiToken) -> None:
    if api_token.revoked_at is None:
        api_token.revoked_at = utcnow()
        record_event(
            actor,
            "user",
            api_token.user_id,
            "revoke_token",
            f"Revoked the API token “{api_token.name or 'unnamed'}” of {api_token.user.email}",
            after={"token_id": api_token.id},
        )
    db.session.commit()
