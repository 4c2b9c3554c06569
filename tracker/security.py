"""HTTP security headers, a per-request CSP nonce, and session inactivity expiry."""

import secrets
from datetime import datetime

from flask import Flask, g, session
from flask_login import current_user, logout_user

from tracker.db_types import utcnow


def csp_header(nonce: str) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def init_app(app: Flask) -> None:
    @app.before_request
    def prepare_request():
        g.csp_nonce = secrets.token_urlsafe(16)
        expire_idle_session(app)

    @app.context_processor
    def nonce_context():
        return {"csp_nonce": g.get("csp_nonce", "")}

    @app.after_request
    def add_security_headers(response):
        response.headers["Content-Security-Policy"] = csp_header(g.get("csp_nonce", ""))
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if current_user and getattr(current_user, "is_authenticated", False):
            response.headers["Cache-Control"] = "no-store"
        return response


def expire_idle_session(app: Flask) -> None:
    """Sign the person out after the configured minutes without a request, as shared laptops demand."""
    if "_user_id" not in session:
        return
    now = utcnow()
    last_seen = session.get("last_seen_at")
    limit = app.config["PERMANENT_SESSION_LIFETIME"]
    if last_seen is not None and now - datetime.fromisoformat(last_seen) > limit:
        logout_user()
        session.clear()
        session["expired"] = True
        return
    session.permanent = True
    session["last_seen_at"] = now.isoformat()
