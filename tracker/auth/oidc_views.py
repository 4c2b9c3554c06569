"""Signing in through the identity provider: away to it, and back with a code to exchange for a validated ID token."""

from flask import abort, current_app, redirect, render_template, session, url_for
from flask_login import current_user

from tracker.auth import oidc, sessions
from tracker.auth.blueprint import bp
from tracker.shared.access import public

ID_HINT_KEY = "oidc_id_token"


def _failed(message: str, status: int):
    """Nothing half-signed-in: whatever the provider left in the session goes with the failure."""
    sessions.sign_out_here()
    return render_template("auth/sign-in-failed.html", message=message, provider=oidc.provider_name()), status


@bp.get("/sign-in/oidc")
@public
def sign_in_oidc():
    if not oidc.is_configured():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    try:
        return oidc.client().authorize_redirect(oidc.callback_url())
    except oidc.PROVIDER_ERRORS:
        current_app.logger.exception("identity provider unavailable")
        return _failed(f"We could not reach {oidc.provider_name()}. Try again in a few minutes.", 503)


@bp.get("/sign-in/oidc/callback")
@public
def oidc_callback():
    if not oidc.is_configured():
        abort(404)
    try:
        token = oidc.client().authorize_access_token()
    except oidc.PROVIDER_ERRORS as error:
        current_app.logger.warning("single sign-on refused: %s", error)
        down = not isinstance(error, oidc.OAuthError | oidc.JoseError)
        return _failed(
            f"We could not reach {oidc.provider_name()}. Try again in a few minutes."
            if down
            else "Your sign-in could not be checked, so you have not been signed in. Start again.",
            503 if down else 400,
        )
    if not token.get("userinfo"):
        return _failed("Your sign-in could not be checked, so you have not been signed in. Start again.", 400)
    try:
        user = oidc.user_for_claims(dict(token["userinfo"]))
    except oidc.SignInRefused as refusal:
        return _failed(str(refusal), 403)
    sessions.start_session(user, sessions.OIDC)
    session[ID_HINT_KEY] = token["id_token"]
    return redirect(url_for("pages.home"))
