"""Sign in and sign out."""

from functools import cache

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import joinedload

from tracker.auth import oidc, passwords, services, sessions, totp
from tracker.auth.blueprint import bp
from tracker.auth.forms import SignInCodeForm, SignInForm
from tracker.auth.models import User
from tracker.caching import services as caching
from tracker.errors import render_error
from tracker.extensions import db, login_manager
from tracker.shared.access import public
from tracker.shared.redirects import safe_next

login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"


@cache
def _signed_in_user_query():
    """Built once: it runs on every page, and building a statement costs more than running this one."""
    return select(User, caching.version_column()).options(joinedload(User.roles)).where(User.id == bindparam("user_id"))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The signed-in person with their roles and organisations, and the data version for cached fragments, in one
    query: nearly every page needs all three."""
    try:
        row = db.session.execute(_signed_in_user_query(), {"user_id": int(user_id)}).unique().first()
    except (NoResultFound, ValueError):
        return None
    if row is None:
        return None
    user, version = row
    caching.note_version(version)
    if user is None or not user.is_active or not sessions.is_current(user):
        return None
    return user


@login_manager.request_loader
def load_user_from_token(req) -> User | None:
    header = req.headers.get("Authorization", "")
    if req.path.startswith("/api/") and header.startswith("Bearer "):
        return services.user_for_token(header.removeprefix("Bearer ").strip())
    return None


@bp.app_context_processor
def sign_in_options():
    return {"oidc_configured": oidc.is_configured(), "oidc_provider_name": oidc.provider_name()}


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    if not passwords.local_passwords_on():
        return render_template("auth/sign-in.html", form=None, expired=session.pop("expired", False))
    form = SignInForm()
    if form.validate_on_submit():
        assert form.email.data is not None and form.password.data is not None  # DataRequired
        result = services.authenticate(form.email.data, form.password.data, request.remote_addr or "unknown")
        if result.is_throttled:
            body, code = render_error(429, result.error)
            return body, code, {"Retry-After": "60"}
        if result.needs_code:
            assert result.user is not None  # a code is asked for only once the password matched an account
            sessions.await_second_factor(result.user, request.args.get("next"))
            return redirect(url_for("auth.sign_in_code"))
        if result.user is not None:
            sessions.start_session(result.user)
            return redirect(safe_next(request.args.get("next")))
        assert result.error is not None  # every refusal says why
        form.password.errors = [result.error]
    expired = session.pop("expired", False)
    return render_template("auth/sign-in.html", form=form, expired=expired)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
def sign_in_code():
    """The second step for someone with an authenticator app: no session exists until the code is right."""
    pending = sessions.pending_second_factor()
    if pending is None or not passwords.local_passwords_on():
        flash("Sign in again. The code must be entered within 5 minutes of your password.", "info")
        return redirect(url_for("auth.sign_in"))
    form = SignInCodeForm()
    if form.validate_on_submit():
        user = db.session.get(User, pending["user_id"])
        if user is not None and user.session_generation != pending["generation"]:
            user = None  # signed out everywhere (a reset second factor, a deactivation) since the password
        result = totp.authenticate_code(user, form.code.data, request.remote_addr or "unknown")
        if result.is_throttled:
            body, code = render_error(429, result.error)
            return body, code, {"Retry-After": "60"}
        if result.user is not None:
            sessions.start_session(result.user)
            return redirect(safe_next(pending["next"]))
        assert result.error is not None  # every refusal says why
        form.code.errors = [result.error]
    return render_template("auth/sign-in-code.html", form=form)


@bp.post("/sign-out")
@public
def sign_out():
    """Ends the session on the server too (a copy of the cookie taken before is refused from now on), then at the
    identity provider where the person signed in through one that supports it."""
    if current_user.is_authenticated:
        services.end_sessions(current_user)
    id_token = session.get("oidc_id_token")
    sessions.sign_out_here()
    provider_logout = oidc.logout_url(id_token) if id_token and oidc.is_configured() else None
    if provider_logout:
        return redirect(provider_logout)
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))
