"""Leavers: deactivating an account (never deleting it, so their history stays) ends at once every way in they
had (password, sessions, API tokens, set-password links), and their open work shows as needing a new owner."""

from sqlalchemy import update

from tracker.admin.services import AdminError
from tracker.audit.services import record_event
from tracker.auth import sessions
from tracker.auth.models import ApiToken, User, UserToken
from tracker.db_types import utcnow
from tracker.extensions import db, rows_changed


def deactivate(actor, user: User) -> None:
    if user.id == actor.id:
        raise AdminError("You cannot deactivate your own account. Ask another administrator")
    if not user.is_active:
        raise AdminError(f"{user.name} has already been deactivated")
    now = utcnow()
    user.is_active, user.deactivated_at = False, now
    sessions.end_sessions(user)
    revoked = rows_changed(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
    )
    db.session.execute(
        update(UserToken).where(UserToken.user_id == user.id, UserToken.used_at.is_(None)).values(used_at=now)
    )
    record_event(
        actor,
        "user",
        user.id,
        "deactivate",
        f"Deactivated {user.name}: signed out everywhere, {revoked} API token(s) revoked",
        before={"is_active": True},
        after={"is_active": False, "deactivated_at": now.isoformat()},
    )
    db.session.commit()


def reactivate(actor, user: User) -> None:
    """For someone deactivated by mistake, or who returns; their revoked tokens stay revoked."""
    if user.is_active:
        raise AdminError(f"{user.name} is already active")
    before = {"is_active": False, "deactivated_at": user.deactivated_at.isoformat() if user.deactivated_at else None}
    user.is_active, user.deactivated_at = True, None
    record_event(
        actor,
        "user",
        user.id,
        "reactivate",
        f"Reactivated {user.name}",
        before=before,
        after={"is_active": True, "deactivated_at": None},
    )
    db.session.commit()
