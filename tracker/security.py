"""HTTP security headers, a per-request CSP nonce, and refusing text no database can store."""

import re
import secrets
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker.errors import render_error


def form_action_sources() -> str:
    """Where forms may lead. Signing out redirects to the identity provider's logout page (RP-initiated logout), and
    browsers hold the redirect after a form to this rule too, so the provider's origin is allowed when it is set."""
    sources = "'self'"
    issuer = urlsplit(str(current_app.config.get("OIDC_ISSUER") or ""))
    if issuer.scheme in ("http", "https") and issuer.netloc:
        sources += f" {issuer.scheme}://{issuer.netloc}"
    return sources


def csp_header(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            f"form-action {form_action_sources()}",
            "frame-ancestors 'none'",
        ]
    )


def init_app(app: Flask, expire_idle_session: Callable[[Flask], None]) -> None:
    """`expire_idle_session` signs out a person idle too long (tracker.auth.sessions'), first thing on each request."""
    proxies = int(app.config.get("SECURITY_TRUSTED_PROXIES", 0))
    if proxies:
        # Behind a reverse proxy every request comes from the proxy; trust its X-Forwarded-For (only as many hops
        # as configured, so a client cannot forge its own) so that sign-in throttling sees the real address.
        # Flask documents wrapping wsgi_app in middleware this way; its types declare wsgi_app a method
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    @app.before_request
    def prepare_request():
        g.csp_nonce = secrets.token_urlsafe(16)
        expire_idle_session(app)
        if request.method in ("POST", "PUT", "PATCH"):
            return refuse_unstorable_text()

    @app.context_processor
    def nonce_context():
        return {"csp_nonce": g.get("csp_nonce", "")}

    @app.after_request
    def add_security_headers(response):
        response.headers["Content-Security-Policy"] = g.get("csp_override") or csp_header(g.get("csp_nonce", ""))
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = g.get("frame_options", "DENY")
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        # Stylesheets, scripts and images hold nothing personal: the browser keeps them and asks whether they
        # changed (Flask answers 304 to their ETag) instead of fetching every one again with each page, and the
        # person is not loaded to serve them. Everything else seen signed in is not to be stored.
        if request.endpoint != "static" and current_user and getattr(current_user, "is_authenticated", False):
            response.headers["Cache-Control"] = "no-store"
        return response


def _texts(value) -> Iterator[str]:
    """Every string in a parsed JSON body, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def submitted_texts() -> Iterator[str]:
    if request.is_json:
        yield from _texts(request.get_json(silent=True))
        return
    for key in request.form:
        yield key
        yield from request.form.getlist(key)


_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(value: str) -> bool:
    """Half of a UTF-16 pair, which JSON's \\ud800 escapes can carry but no database encoding can store."""
    return _SURROGATE.search(value) is not None


def refuse_unstorable_text():
    """NUL is never meaningful in text here and PostgreSQL cannot store it; a lone surrogate cannot be encoded at
    all. Refuse both before any view sees them."""
    for value in submitted_texts():
        if "\x00" in value:
            return render_error(
                400, "What you entered contains a null character, which cannot be saved. Nothing was saved."
            )
        if has_lone_surrogate(value):
            return render_error(
                400,
                "What you entered contains a character that is not valid text, which cannot "
                "be saved. Nothing was saved.",
            )
    return None


#: for showing an email's HTML as a mail program would: its inline styles, in a sandbox where nothing runs
EMAIL_PREVIEW_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"


def use_email_preview_policy() -> None:
    g.csp_override = EMAIL_PREVIEW_CSP
