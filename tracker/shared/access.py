"""Route decorators that declare, on every view, who may reach it; a test fails on a view without one."""

from collections.abc import Callable
from functools import wraps

from flask import abort, request
from flask_login import current_user

from tracker.extensions import login_manager

PUBLIC = "public"
SIGNED_IN = "signed_in"
ADMIN_ONLY = "admin"
#: signed in, then the view checks the record with a rule from tracker.auth.permissions
RECORD = "record"


def permission(kind: str) -> Callable:
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if kind != PUBLIC and not current_user.is_authenticated:
                if request.path.startswith("/api/"):
                    abort(401)
                return login_manager.unauthorized()
            if kind == ADMIN_ONLY and not current_user.is_admin:
                abort(403)
            return view(*args, **kwargs)

        # stored as a function attribute, which the type of functools.wraps' result does not declare
        wrapped.__dict__["permission"] = kind
        return wrapped

    return decorate


public = permission(PUBLIC)
signed_in = permission(SIGNED_IN)
admin_only = permission(ADMIN_ONLY)
record_rule = permission(RECORD)


def authorise(allowed: bool) -> None:
    """Refuse with a 403 page; called in views after loading the record the rule is about, for someone who may see
    it but not do this to it."""
    if not allowed:
        abort(403)


def visible_or_404(allowed: bool) -> None:
    """Refuse with a 404 page, the same answer as for an id nobody has: someone who may not see a record is not
    told that it exists (a 403 would tell a head of PDU which ids other PDUs hold)."""
    if not allowed:
        abort(404)
