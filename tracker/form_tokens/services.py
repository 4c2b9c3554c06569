"""One-time submission tokens.

Every `<form method="post">` a page sends carries a fresh token in a hidden input (added as the page leaves the
app, so no template can forget it). When a signed-in person sends a form, its token is claimed before anything
else happens. If the form saved something (an audit event was committed), the claim remembers where the person
was taken; if not (an error on the form, a refusal), the claim is let go, so the same form can be corrected and
sent again. A token that was already used is not acted on a second time: the person is taken to the result of
the first, with a neutral notice."""

import re
import secrets
import time
from datetime import timedelta

from flask import Flask, Response, flash, g, redirect, request
from flask_login import current_user
from markupsafe import escape
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from tracker.audit.models import AuditEvent
from tracker.audit.services import events_recorded_in_this_request
from tracker.db_types import utcnow
from tracker.errors import page_to_return_to
from tracker.extensions import db, rows_changed
from tracker.form_tokens.models import FormSubmission

FIELD = "submission_token"
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
POST_FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"[^>]*>", re.IGNORECASE)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
ALREADY_SAVED = "This was already saved. Sending the form again did not save it twice."
STILL_SAVING = "This form is already being saved. Check the page before sending it again."
#: how long a second copy of a form waits for the first to finish saving, in seconds
WAIT_SECONDS, WAIT_STEP = 5.0, 0.25
#: tokens are kept this long; a form older than this (a tab left open for a week) is simply saved
KEEP_DAYS = 7


def new_token() -> str:
    return secrets.token_urlsafe(24)


def add_tokens(html: str) -> str:
    """Give each post form on a page a one-time token of its own, in a hidden text box (not a hidden input: a
    browser restores a text box's value when the Back button reloads the form, see assets/tracker.js)."""
    return POST_FORM.sub(
        lambda match: f'{match.group(0)}<input type="text" hidden name="{FIELD}" value="{escape(new_token())}">', html
    )


def claim(token: str, user_id: int) -> FormSubmission | None:
    """Claim the token for this request; returns the earlier claim instead when the form was sent before."""
    earlier = db.session.get(FormSubmission, token)
    if earlier is not None:
        return earlier
    db.session.add(FormSubmission(token=token, user_id=user_id))
    try:
        db.session.commit()
    except IntegrityError:  # the same form, sent twice at once: the other copy claimed it first
        db.session.rollback()
        return db.session.get(FormSubmission, token)
    return None


def result_of(token: str) -> str | None:
    """Where the first copy of a form took the person, waiting a moment if it is still being saved."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        db.session.expire_all()
        claimed = db.session.get(FormSubmission, token)
        if claimed is None or claimed.result_url or time.monotonic() > deadline:
            result = claimed.result_url if claimed is not None else None
            db.session.rollback()
            return result
        db.session.rollback()
        time.sleep(WAIT_STEP)


def saved_something() -> bool:
    ids = [event.id for event in events_recorded_in_this_request() if event.id is not None]
    return bool(ids) and db.session.scalar(select(AuditEvent.id).where(AuditEvent.id.in_(ids)).limit(1)) is not None


def settle(token: str, response: Response) -> None:
    """After the form was handled: keep the claim and its result if it saved something, or else let it go."""
    db.session.rollback()  # nothing the view left uncommitted goes in with the claim
    claimed = db.session.get(FormSubmission, token)
    if claimed is None:
        return
    if response.status_code in (301, 302, 303) and saved_something():
        claimed.result_url = response.location[:2000]
    else:
        db.session.delete(claimed)
    db.session.commit()


def discard_old_tokens() -> int:
    """Housekeeping: forget tokens older than KEEP_DAYS."""
    old = FormSubmission.sent_at < utcnow() - timedelta(days=KEEP_DAYS)
    removed = rows_changed(delete(FormSubmission).where(old))
    db.session.commit()
    return removed or 0


def init_app(app: Flask) -> None:
    @app.before_request
    def claim_submission():
        if request.method != "POST" or request.mimetype not in FORM_TYPES or request.path.startswith("/api/"):
            return None
        token = request.form.get(FIELD, "")
        if not TOKEN.fullmatch(token) or not current_user.is_authenticated:
            return None
        earlier = claim(token, current_user.id)
        if earlier is not None and earlier.user_id != current_user.id:
            return None  # someone else's token: treated as no token at all
        if earlier is not None:
            if result := result_of(token):
                flash(ALREADY_SAVED, "notice")
                return redirect(result, 303)
            # the first copy saved nothing (an error on the form) and let the token go: this copy may try
            earlier = claim(token, current_user.id)
        if earlier is None:
            g.submission_token = token
            return None
        flash(STILL_SAVING, "notice")
        return redirect(page_to_return_to() or "/", 303)

    @app.after_request
    def tokens_on_forms(response: Response) -> Response:
        if token := g.pop("submission_token", None):
            settle(token, response)
        if response.mimetype == "text/html" and not response.direct_passthrough and response.status_code != 304:
            html = response.get_data(as_text=True)
            if "<form" in html:
                response.set_data(add_tokens(html))
        return response
