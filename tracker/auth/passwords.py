"""Passwords people choose themselves: the checks a new password must pass, set-password links (invitations and
resets: single-use, expiring, only a hash stored), and changing a password while signed in."""

import re
import secrets
import time
from datetime import timedelta
from functools import cache
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update
from werkzeug.security import check_password_hash

from tracker.audit.services import record_event
from tracker.auth import sessions
from tracker.auth.models import INVITE, RESET, User, UserToken
from tracker.auth.services import find_user, hash_token, set_password
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.mail.content import Links, PlannedMessage, Recipient, render_parts
from tracker.mail.models import ACCOUNT
from tracker.mail.outbox import enqueue

MIN_LENGTH = 12
MAX_LENGTH = 200


class PasswordError(ValueError):
    """The password was refused; the message says why, for the form."""


@cache
def common_passwords() -> frozenset[str]:
    lines = (Path(__file__).with_name("common-passwords.txt")).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _stem(password: str) -> str:
    """The password without the digits and symbols people add to the end of a common one to pass a length rule."""
    return re.sub(r"[\W\d_]+$", "", password.lower())


def check_new_password(password: str, user: User | None = None) -> None:
    """Length, then guessability: a common password, one character repeated, or the person's own email."""
    if len(password) < MIN_LENGTH:
        raise PasswordError(f"Your password must be {MIN_LENGTH} characters or more")
    if len(password) > MAX_LENGTH:
        raise PasswordError(f"Your password must be {MAX_LENGTH} characters or fewer")
    lowered = password.lower()
    if lowered in common_passwords() or _stem(password) in common_passwords() or len(set(lowered)) < 4:
        raise PasswordError(
            "Your password is too easy to guess. Choose one that is not a common password, for "
            "example three random words"
        )
    if user is not None and user.email.split("@")[0].lower() in lowered:
        raise PasswordError("Your password must not contain your email address")


def link_lifetime(purpose: str) -> timedelta:
    if purpose == INVITE:
        return timedelta(hours=current_app.config.get("AUTH_INVITE_VALID_HOURS", 72))
    return timedelta(minutes=current_app.config.get("AUTH_RESET_VALID_MINUTES", 60))


def issue_link_token(user: User, purpose: str) -> str:
    """A new set-password token; any earlier unused one for the same purpose stops working. The caller commits."""
    now = utcnow()
    db.session.execute(
        update(UserToken)
        .where(UserToken.user_id == user.id, UserToken.purpose == purpose, UserToken.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + link_lifetime(purpose),
        )
    )
    return token


def valid_link(token: str) -> UserToken | None:
    """The unused, unexpired link for this token, for a person who has not been deactivated."""
    link = db.session.scalar(select(UserToken).where(UserToken.token_hash == hash_token(token or "")))
    if link is None or link.used_at is not None or link.expires_at <= utcnow() or not link.user.is_active:
        return None
    return link


def set_password_from_link(link: UserToken, password: str) -> User:
    user = link.user
    check_new_password(password, user)
    now = utcnow()
    link.used_at = now
    set_password(user, password)
    user.locked_until_at, user.failed_sign_ins = None, 0
    sessions.end_sessions(user)
    verb = "accept_invite" if link.purpose == INVITE else "reset_password"
    record_event(user, "user", user.id, verb, f"{user.name} set a new password from an emailed link")
    db.session.commit()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Ends the person's other sessions (a password change is what someone does after losing a laptop)."""
    if not check_password_hash(user.password_hash, current):
        raise PasswordError("Your current password is not correct")
    check_new_password(new, user)
    set_password(user, new)
    sessions.end_sessions(user)
    record_event(user, "user", user.id, "change_password", f"{user.name} changed their password")
    db.session.commit()
    sessions.keep_current_session(user)


def local_passwords_on() -> bool:
    return bool(current_app.config.get("AUTH_LOCAL_PASSWORDS", True))


def email_link(user: User, purpose: str) -> None:
    """Queue the set-password email in the caller's transaction; it goes once the caller commits."""
    token = issue_link_token(user, purpose)
    links = Links()
    subject = (
        f"You have been invited to {current_app.config.get('APP_SERVICE_NAME', 'tracker')}"
        if purpose == INVITE
        else "Reset your password"
    )
    text, html = render_parts(
        "set-password",
        user=user,
        subject=subject,
        purpose=purpose,
        links=links,
        link=f"{links.base}/set-password/{token}",
        hours=int(link_lifetime(purpose).total_seconds() // 3600),
        minutes=int(link_lifetime(purpose).total_seconds() // 60),
    )
    enqueue(
        [
            PlannedMessage(
                key=f"{purpose}:{user.id}:{hash_token(token)[:16]}",
                kind=ACCOUNT,
                recipient=Recipient(user.id, user.email, user.name),
                subject=subject,
                body_text=text,
                body_html=html,
            )
        ]
    )


#: the least time a reset request takes, whether or not the address has an account (AUTH_RESET_MIN_SECONDS)
RESET_MIN_SECONDS = 0.25


def request_reset(email: str) -> None:
    """Email a reset link if the address belongs to an active person; the caller answers the same either way, so
    the form cannot be used to find out who has an account.

    Nor can its timing: an unknown address gets the same token, hash and email rendering as a known one (only
    nothing is stored or sent), and every request then waits out the same minimum time, which covers the
    database writes only a real reset makes."""
    started = time.monotonic()
    try:
        user = find_user(email)
        if user is None or not user.is_active:
            _as_if_emailing(email)
            return
        email_link(user, RESET)
        record_event(None, "user", user.id, "request_reset", f"Password reset link sent to {user.email}")
        db.session.commit()
    finally:
        floor = float(current_app.config.get("AUTH_RESET_MIN_SECONDS", RESET_MIN_SECONDS))
        time.sleep(max(0.0, started + floor - time.monotonic()))


def _as_if_emailing(email: str) -> None:
    """The work email_link does for a real person, for nobody: a token, its hash, the email rendered; nothing kept."""
    token = secrets.token_urlsafe(32)
    hash_token(token)
    links = Links()
    render_parts(
        "set-password",
        user=User(email=email, name=email),
        subject="Reset your password",
        purpose=RESET,
        links=links,
        link=f"{links.base}/set-password/{token}",
        hours=int(link_lifetime(RESET).total_seconds() // 3600),
        minutes=int(link_lifetime(RESET).total_seconds() // 60),
    )
