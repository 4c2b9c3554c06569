"""Sessions that end on the server: each session carries the user's session generation from when it began, and
raising the generation (sign-out, idle expiry, password change, deactivation) refuses every older copy of the cookie.

The session itself stays in the signed cookie; what the server keeps is one number per person, read with the user
on every request anyway, so ending sessions costs no extra query."""

from datetime import datetime, timedelta

from flask import Flask, current_app, request, session
from flask_login import login_user, logout_user
from sqlalchemy import update

from tracker.auth.models import User
from tracker.db_types import utcnow
from tracker.extensions import db

GENERATION_KEY = "session_generation"
STARTED_KEY = "signed_in_at"
#: "password" or "oidc": a second factor is only asked of those who signed in with a password
METHOD_KEY = "signed_in_with"
PASSWORD, OIDC = "password", "oidc"
#: who gave the right password and has yet to give their authenticator code, and since when
PENDING_KEY = "pending_second_factor"
#: how long the code page waits after the password before the person must start again
PENDING_SECONDS = 300


def start_session(user: User, method: str = PASSWORD) -> None:
    """A fresh session (nothing carried over from before sign-in) bound to the user's current generation."""
    session.clear()
    login_user(user)
    session[GENERATION_KEY] = user.session_generation
    session[STARTED_KEY] = utcnow().isoformat()
    session[METHOD_KEY] = method


def signed_in_with_password() -> bool:
    """Sessions from before the sign-in method was recorded count as password sign-ins: the stricter reading."""
    return session.get(METHOD_KEY, PASSWORD) == PASSWORD


def await_second_factor(user: User, next_url: str | None) -> None:
    """The password was right: remember who, for the code page, without signing them in."""
    session.clear()
    session[PENDING_KEY] = {
        "user_id": user.id,
        "generation": user.session_generation,
        "at": utcnow().isoformat(),
        "next": next_url,
    }


def pending_second_factor() -> dict | None:
    """Who is between their password and their code; None once the few minutes allowed have passed."""
    pending = session.get(PENDING_KEY)
    if not pending or (utcnow() - datetime.fromisoformat(pending["at"])).total_seconds() > PENDING_SECONDS:
        return None
    return pending


def is_current(user: User) -> bool:
    """Whether this request's session began in the user's current generation and is within its absolute limit."""
    if session.get(GENERATION_KEY, 0) != user.session_generation:
        return False
    started = session.get(STARTED_KEY)
    if started is None:
        return True
    limit = current_app.config.get("SECURITY_SESSION_MAX_HOURS", 12)
    return (utcnow() - datetime.fromisoformat(started)).total_seconds() < limit * 3600


def end_sessions(user: User) -> None:
    """End every session the person has, on every device; the caller commits."""
    user.session_generation += 1


def end_session_for(user_id: int, generation: int) -> None:
    """End the sessions of the generation a stale cookie belongs to, unless they have already been ended.

    Used for idle expiry, before the user is loaded: a copy of the cookie elsewhere ends with it."""
    db.session.execute(
        update(User)
        .where(User.id == user_id, User.session_generation == generation)
        .values(session_generation=User.session_generation + 1)
    )
    db.session.commit()


def keep_current_session(user: User) -> None:
    """After ending every session (a password change), keep the one the person is using."""
    session[GENERATION_KEY] = user.session_generation


def sign_out_here() -> None:
    logout_user()
    session.clear()


def expire_idle_session(app: Flask) -> None:
    """Sign the person out after the configured minutes without a request, as shared laptops demand.

    Fetching a stylesheet or an icon is not the person doing anything, and must not rewrite the cookie: a
    browser fetches those in the background, and a late answer would bring back a session just signed out of.
    """
    if "_user_id" not in session or request.endpoint == "static":
        return
    now = utcnow()
    last_seen = session.get("last_seen_at")
    limit = app.config["PERMANENT_SESSION_LIFETIME"]
    if last_seen is not None and now - datetime.fromisoformat(last_seen) > limit:
        end_session_for(int(session["_user_id"]), session.get(GENERATION_KEY, 0))
        sign_out_here()
        session["expired"] = True
        return
    if not session.permanent:
        session.permanent = True
    # Rewriting the cookie once a minute is precise enough for a limit counted in minutes.
    if last_seen is None or now - datetime.fromisoformat(last_seen) > timedelta(minutes=1):
        session["last_seen_at"] = now.isoformat()
