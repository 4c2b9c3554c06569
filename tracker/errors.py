"""Error pages: every refusal is a styled page (or JSON under /api), never a bare server error."""

from urllib.parse import urlsplit

from flask import Flask, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from tracker.extensions import db
from tracker.shared.redirects import same_site_path
from tracker.text_limits import TextTooLong
from tracker.upload_limits import too_large_message

TITLES = {
    400: "Sorry, there is a problem with your request",
    401: "Sign in or use an API token",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, you cannot do that here",
    413: "The file is too large",
    429: "Too many attempts",
    503: "Sorry, the service is busy",
    500: "Sorry, there is a problem with the service",
}


#: what a person sees when a form of ours arrives after their session ended (idle expiry, sign-out elsewhere)
SESSION_TIMED_OUT = "Your session timed out, so that was not saved. Please try again."
#: Flask-WTF's reasons when a well-formed token no longer fits the session: it ended, expired or was replaced
SESSION_GONE_REASONS = (
    "The CSRF session token is missing.",
    "The CSRF token has expired.",
    "The CSRF tokens do not match.",
)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, message: str | None = None):
    title = TITLES.get(code, "Sorry, there is a problem")
    if wants_json():
        return jsonify({"error": {"status": code, "title": title, "message": message}}), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def same_site_referrer() -> str | None:
    """The page the request came from, when it is a page on this site."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    return same_site_path(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


def page_to_return_to() -> str | None:
    """Where a refused form post should send the person back to: the form's own page when it can be shown (a
    GET of the same address), or else the page they came from on this site."""
    try:
        current_app.url_map.bind_to_environ(request.environ).match(request.path, method="GET")
    except HTTPException:  # no page to show at this address (405 Method Not Allowed, or 404)
        return same_site_referrer()
    return request.full_path.rstrip("?")


def csrf_token_issued_here() -> bool:
    """Whether the form's CSRF token was signed by this service (for a session since ended), not made up: a form
    of ours that outlived its session, as against a forged or tokenless post."""
    config = current_app.config
    token = request.form.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")
    secret = config.get("WTF_CSRF_SECRET_KEY") or config["SECRET_KEY"]
    try:
        URLSafeTimedSerializer(secret, salt="wtf-csrf-token").loads(token)
    except BadData:
        return False
    return bool(token)


def is_busy(error: OperationalError) -> bool:
    """SQLite's "database is locked" (another writer held on past busy_timeout), or PostgreSQL giving up on a
    lock or a serialisation conflict: a moment's contention, not a fault."""
    message = str(error.orig).lower()
    return any(
        sign in message
        for sign in (
            "database is locked",
            "database is busy",
            "lock timeout",
            "could not serialize",
            "deadlock detected",
        )
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if not wants_json() and error.description in SESSION_GONE_REASONS and csrf_token_issued_here():
            # Nothing was saved (the check runs before any view); take the person back to the form's page, or
            # home, rather than to a dead end. A signed-out person is then asked to sign in first.
            flash(SESSION_TIMED_OUT, "error")
            return redirect(same_site_referrer() or url_for("pages.home"), 303)
        return render_error(
            400,
            "Your form expired or was sent from another site. Go back, refresh the page and "
            "try again. Nothing was saved.",
        )

    @app.errorhandler(TextTooLong)
    def text_too_long(error: TextTooLong):
        return render_error(400, str(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        message = None
        if code == 413:
            message = f"{too_large_message()}. Nothing was saved: choose a smaller file and try again."
            if not wants_json() and (back := page_to_return_to()):
                flash(message, "error")
                return redirect(back, 303)
        elif code not in TITLES:
            message = error.description
        response = render_error(code if code in TITLES else code, message)
        return response

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError):
        if not is_busy(error):
            return unexpected_error(error)
        app.logger.warning("Database busy on %s %s: %s", request.method, request.path, error.orig)

        db.session.rollback()
        body, code = render_error(
            503, "Too many changes arrived at once. Nothing was saved: wait a moment, then try again."
        )
        return body, code, {"Retry-After": "2"}

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)
