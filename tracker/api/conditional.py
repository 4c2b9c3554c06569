"""Conditional GETs for the API: an ETag made from the data version, the caller and their roles, the day and the
address, so an unchanged answer costs a client (and the server) almost nothing: 304 before any record is read."""

import hashlib

from flask import request
from flask_login import current_user

from tracker.caching.services import data_version
from tracker.db_types import today


def current_etag() -> str:
    """Changes whenever anything the answer could show may have changed: any committed change (the data version
    also moves when roles change), another caller or scope, another address, and the day (overdue is by date)."""
    scope = sorted((a.role, a.organisation_id) for a in current_user.roles)
    source = f"{data_version()}|{current_user.id}|{scope}|{today().isoformat()}|{request.full_path}"
    return '"' + hashlib.sha256(source.encode()).hexdigest()[:32] + '"'


def _applies() -> bool:
    return request.method in ("GET", "HEAD") and current_user.is_authenticated


def not_modified_before_reading():
    """Answers 304 at once when the client already holds the current answer. `If-None-Match: *` asks whether the
    resource exists at all, which only the view can tell: it is answered after the view (see add_etag)."""
    if not _applies() or not request.if_none_match or request.if_none_match.star_tag:
        return None
    etag = current_etag()
    if request.if_none_match.contains(etag.strip('"')):
        return "", 304, {"ETag": etag}
    return None


def add_etag(response):
    if _applies() and response.status_code == 200 and "ETag" not in response.headers:
        response.headers["ETag"] = current_etag()
        response.headers["Cache-Control"] = "private, no-cache"
        if request.if_none_match.star_tag:
            # the resource exists (the view answered 200), so "*" matches it; a 404 or 403 is left as it is
            response.status_code = 304
            response.set_data(b"")
    return response
