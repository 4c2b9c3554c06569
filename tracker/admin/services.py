"""Administration use cases: adding people with a role and unlocking accounts."""

from sqlalchemy import select

from tracker.audit.services import record_event
from tracker.auth.models import User
from tracker.auth.services import create_user, find_user
from tracker.extensions import db
from tracker.organisations.models import Organisation


class AdminError(ValueError):
    """Refused; the message is shown on the form."""


def organisation_choices() -> list[tuple[int, str]]:
    orgs = db.session.scalars(select(Organisation).where(Organisation.is_active)
                              .order_by(Organisation.kind, Organisation.name))
    return [(org.id, org.display_name) for org in orgs]


def add_user(actor, name: str, email: str, password: str, role: str, organisation_id: int) -> User:
    if find_user(email) is not None:
        raise AdminError("There is already a user with this email address")
    user = create_user(email, name.strip(), password, [(role, organisation_id)])
    db.session.flush()
    record_event(actor, "user", user.id, "create", f"Added {user.name} ({user.email}) as {role.replace('_', ' ')}",
                 after={"email": user.email, "role": role, "organisation_id": organisation_id})
    db.session.commit()
    return user


def unlock_user(actor, user: User) -> None:
    before = {"locked_until_at": user.locked_until_at.isoformat() if user.locked_until_at else None}
    user.locked_until_at = None
    user.failed_sign_ins = 0
    record_event(actor, "user", user.id, "unlock", f"Unlocked {user.email}", before=before,
                 after={"locked_until_at": None})
    db.session.commit()


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.name)))
