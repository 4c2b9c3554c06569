"""Administration use cases for people: adding them, changing their details and roles, and clearing sign-in waits.

A change of role or organisation takes effect on the person's next request: their roles are read with them on every
request, and the change raises the data version, so no cached page built for their old roles is served again."""

from datetime import timedelta

from sqlalchemy import delete, func, select

from tracker.audit.models import AuditEvent
from tracker.audit.services import changed, record_event
from tracker.auth import oidc, passwords
from tracker.auth.models import INVITE, ROLE_LABELS, ApiToken, RoleAssignment, SignInAttempt, User
from tracker.auth.permissions import OWNER_ROLE_FOR_KIND
from tracker.auth.services import create_api_token, create_user, find_user, normalise_email, slowed_sign_ins
from tracker.extensions import db
from tracker.handover.services import out_of_sight, record_lost_owners
from tracker.organisations.models import NATIONAL, PDU, REGION, Organisation

#: the kind of organisation each owner role must be held at (the other roles may be held anywhere)
KIND_FOR_ROLE = {role: kind for kind, role in OWNER_ROLE_FOR_KIND.items()}
KIND_NAMES = {NATIONAL: "HMPPS", REGION: "a region", PDU: "a PDU"}


class AdminError(ValueError):
    """Refused; the message is shown on the form."""


def organisation_groups() -> dict[str, list[tuple[int, str]]]:
    """Active organisations for a select: HMPPS first, then each region followed by its PDUs."""
    orgs = list(db.session.scalars(select(Organisation).where(Organisation.is_active).order_by(Organisation.name)))
    groups = {"National": [(o.id, o.display_name) for o in orgs if o.kind == NATIONAL]}
    for region in (o for o in orgs if o.kind == REGION):
        groups[region.display_name] = [(region.id, region.display_name)] + [
            (o.id, o.display_name) for o in orgs if o.kind == PDU and o.parent_id == region.id
        ]
    return {group: choices for group, choices in groups.items() if choices}


def role_phrase(role: str) -> str:
    """The role's label as it reads mid-sentence: "head of PDU", "HMPPS national lead"."""
    label = ROLE_LABELS[role]
    return label if label.split()[0].isupper() else label[0].lower() + label[1:]


def role_details(user: User) -> list[dict]:
    return [{"role": a.role, "organisation_id": a.organisation_id} for a in user.roles]


def _check_role(role: str, organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if role not in ROLE_LABELS:
        raise AdminError("Select a role")
    if organisation is None or not organisation.is_active:
        raise AdminError("Select an organisation")
    kind = KIND_FOR_ROLE.get(role)
    if kind is not None and organisation.kind != kind:
        raise AdminError(f"Choose {KIND_NAMES[kind]} for the {role_phrase(role)} role")
    return organisation


def add_user(actor, name: str, email: str, role: str, organisation_id: int) -> User:
    """A joiner: the account, its first role, and an emailed invitation to choose a password (when local
    passwords are on; with single sign-on only, they sign in through the identity provider)."""
    if find_user(email) is not None:
        raise AdminError("There is already a user with this email address")
    organisation = _check_role(role, organisation_id)
    user = create_user(email, name.strip(), None, [(role, organisation_id)])
    db.session.flush()
    if passwords.local_passwords_on():
        passwords.email_link(user, INVITE)
    record_event(
        actor,
        "user",
        user.id,
        "create",
        f"Added {user.name} ({user.email}) as {role_phrase(role)} at {organisation.display_name}",
        after={"email": user.email, "name": user.name, "roles": role_details(user)},
    )
    db.session.commit()
    return user


def resend_invitation(actor, user: User) -> None:
    passwords.email_link(user, INVITE)
    record_event(actor, "user", user.id, "invite", f"Sent {user.name} a new invitation")
    db.session.commit()


def update_details(actor, user: User, name: str, email: str) -> None:
    email = normalise_email(email)
    other = find_user(email)
    if other is not None and other.id != user.id:
        raise AdminError("There is already a user with this email address")
    before = {"name": user.name, "email": user.email}
    user.name, user.email = name.strip(), email
    before, after = changed(before, {"name": user.name, "email": user.email})
    if after:
        record_event(
            actor, "user", user.id, "update", f"Changed the details of {user.name}", before=before, after=after
        )
    db.session.commit()


def add_role(actor, user: User, role: str, organisation_id: int) -> None:
    organisation = _check_role(role, organisation_id)
    if any(a.role == role and a.organisation_id == organisation_id for a in user.roles):
        raise AdminError(f"{user.name} is already {role_phrase(role)} at {organisation.display_name}")
    before = role_details(user)
    user.roles.append(RoleAssignment(role=role, organisation_id=organisation_id))
    record_event(
        actor,
        "user",
        user.id,
        "add_role",
        f"Made {user.name} {role_phrase(role)} at {organisation.display_name}",
        before={"roles": before},
        after={"roles": role_details(user)},
    )
    db.session.commit()


def remove_role(actor, user: User, assignment_id: int) -> list:
    """Remove one role; the work they own or lead that they may no longer see then needs a new owner at once
    (each piece audited), and is returned."""
    assignment = next((a for a in user.roles if a.id == assignment_id), None)
    if assignment is None:
        raise AdminError("That role has already been removed")
    before = role_details(user)
    unseen_before = out_of_sight()
    place = assignment.organisation.display_name
    user.roles.remove(assignment)
    db.session.flush()
    record_event(
        actor,
        "user",
        user.id,
        "remove_role",
        f"Removed {user.name}'s role as {role_phrase(assignment.role)} at {place}",
        before={"roles": before},
        after={"roles": role_details(user)},
    )
    lost = record_lost_owners(actor, unseen_before, f"no longer has a role at {place}")
    db.session.commit()
    return lost


def unlock_user(actor, user: User) -> None:
    """Clear the sign-in waits on the account: every address may try it again at once (the owner, back from a
    run of mistyped passwords, asks for this). Failed sign-ins slow an address down; they never lock an account."""
    email = normalise_email(user.email)
    failures = db.session.scalar(select(func.count(SignInAttempt.id)).where(SignInAttempt.email == email))
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.email == email))
    record_event(
        actor,
        "user",
        user.id,
        "unlock",
        f"Cleared the sign-in waits on {user.email} after {failures} failed sign-ins",
        before={"failed_sign_ins": failures},
        after={"failed_sign_ins": 0},
    )
    db.session.commit()


def issue_api_token(actor, user: User, name: str, lifetime_days: int | None) -> str:
    """A new API token for this person, from their page: shown this once, only its hash kept, audited."""
    if not user.is_active:
        raise AdminError(f"{user.name} has been deactivated. Reactivate them before issuing a token")
    return create_api_token(user, name.strip(), timedelta(days=lifetime_days) if lifetime_days else None, actor=actor)


def slowed_phrase(failures: int) -> str:
    return f"Signing in slowed after {failures} failed attempt{'s' if failures != 1 else ''}"


def sign_in_waits(users: list[User], now) -> dict[int, int]:
    """For each active person whose sign-ins are being slowed, their failed sign-ins in the last hour."""
    slowed = slowed_sign_ins(now)
    return {
        user.id: slowed[normalise_email(user.email)]
        for user in users
        if user.is_active and normalise_email(user.email) in slowed
    }


def status_of(user: User, now, failed_sign_ins: int = 0) -> str:
    if not user.is_active:
        return "Deactivated" + (f" on {user.deactivated_at:%-d %B %Y}" if user.deactivated_at else "")
    if failed_sign_ins:
        return slowed_phrase(failed_sign_ins)
    if not user.password_hash and user.last_sign_in_at is None:
        return "Invited: has not chosen a password yet"
    if not user.roles:
        return "Waiting for a role"
    return "Active"


def user_page_extras(user: User) -> dict:
    """What the person's page shows beside their details: their API tokens, and their single sign-on link."""
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    link = oidc.link_of(user) if oidc.is_configured() else None
    if not oidc.is_configured():
        sign_on = None
    elif link is None:
        sign_on = "Not linked: linked at their first sign-in if the provider confirms their email address"
    elif link.subject is None:
        sign_on = "Waiting: their next sign-in through the provider links their account"
    else:
        sign_on = f"Linked on {link.linked_at:%-d %B %Y}" if link.linked_at else "Linked"
    return {"tokens": list(tokens), "sign_on": sign_on}


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.name)))


def history(user: User) -> list[AuditEvent]:
    """Changes made to this person (their account, roles, password and tokens), newest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "user", AuditEvent.entity_id == user.id)
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        )
    )
