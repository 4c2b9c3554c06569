"""People, the roles they hold in organisations, and the API tokens they are issued."""

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db_types import UTCDateTime, utcnow
from tracker.extensions import Model

if TYPE_CHECKING:
    # the related models, for the checker only: at run time the relationships name them as strings
    from tracker.organisations.models import Organisation

ADMIN = "admin"
HMPPS_LEAD = "hmpps_lead"
REGIONAL_DIRECTOR = "regional_director"
HEAD_OF_PDU = "head_of_pdu"
ACTION_OWNER = "action_owner"
VIEWER = "viewer"
ROLES = (ADMIN, HMPPS_LEAD, REGIONAL_DIRECTOR, HEAD_OF_PDU, ACTION_OWNER, VIEWER)
ROLE_LABELS = {
    ADMIN: "Administrator",
    HMPPS_LEAD: "HMPPS national lead",
    REGIONAL_DIRECTOR: "Regional director",
    HEAD_OF_PDU: "Head of PDU",
    ACTION_OWNER: "Action owner",
    VIEWER: "Viewer",
}

IMMEDIATE = "immediate"
WEEKLY = "weekly"
#: events (an action assigned, a review returned...) in a message of their own, or in the daily/weekly message
EVENTS_IMMEDIATE = "immediate"
EVENTS_WITH_REMINDERS = "with_reminders"


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Werkzeug scrypt hash; the password itself is never stored.
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    #: immediate reminders, or a weekly digest only (escalations always go)
    reminder_preference: Mapped[str] = mapped_column(String(20), default=IMMEDIATE)
    #: immediate (gathered over a few minutes) or with_reminders (in the daily or weekly message)
    event_preference: Mapped[str] = mapped_column(String(20), default=EVENTS_IMMEDIATE, server_default=EVENTS_IMMEDIATE)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: raised to end every session of this person at once (sign-out, password change, deactivation): a session
    #: remembers the generation it began in and is refused once that is no longer the current one
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    #: when an administrator deactivated this leaver; the account and its history stay
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: base32 TOTP secret, set while the second factor is being set up and kept once it is confirmed
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    #: when the person confirmed their authenticator app; until then the second factor is not asked for
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the 30-second time step of the last authenticator code accepted; a code from that step or before is refused
    totp_last_step: Mapped[int | None] = mapped_column()

    roles: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="RoleAssignment.id"
    )

    def __repr__(self) -> str:
        return f"<User {self.email}>"

    def has_role(self, role: str) -> bool:
        return any(assignment.role == role for assignment in self.roles)

    @property
    def is_admin(self) -> bool:
        """An administrator: what `admin_only` pages require (the same rule as tracker.auth.permissions.is_admin)."""
        return self.has_role(ADMIN)

    def orgs_with_role(self, role: str) -> list[int]:
        return [assignment.organisation_id for assignment in self.roles if assignment.role == role]

    @property
    def role_summary(self) -> str:
        return ", ".join(f"{ROLE_LABELS[a.role]} ({a.organisation.display_name})" for a in self.roles)


class RoleAssignment(Model):
    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("user_id", "role", "organisation_id", name="uq_role_assignments_user_role_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)

    user: Mapped["User"] = relationship(back_populates="roles")
    organisation: Mapped["Organisation"] = relationship(lazy="joined")  # noqa: F821


class ApiToken(Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the token stops working after this; empty for a token without an expiry
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped["User"] = relationship()


INVITE = "invite"
RESET = "reset"


class UserToken(Model):
    """A single-use, expiring link for setting a password: an invitation or a reset."""

    __tablename__ = "user_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: invite or reset
    purpose: Mapped[str] = mapped_column(String(20))
    #: SHA-256 of the token in the link; the link itself is only in the email
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped["User"] = relationship()


class RecoveryCode(Model):
    """A one-time code that stands in for the authenticator app when it is lost."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: SHA-256 of the code; the codes are shown once, when they are made
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignInAttempt(Model):
    """A failed sign-in from one client address, kept in the database so every web worker sees the same count."""

    __tablename__ = "sign_in_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the client address as the web server saw it (after any trusted proxies)
    address: Mapped[str] = mapped_column(String(45), index=True)
    #: the address typed in (normalised), whether or not an account has it: sign-ins to one account from one
    #: client address are slowed after repeated failures, without locking the owner out elsewhere
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class OidcIdentity(Model):
    """The single sign-on account a person is bound to: the provider (issuer) and its unchanging id for them (the
    `sub` claim; for Microsoft Entra ID the tenant and object ids, "tid:oid"). Bound at the first link, after
    which a sign-in is matched on this, never on the email address. A row without a subject is an administrator's
    permission to link the person's account at their next sign-in, for providers that do not confirm emails."""

    __tablename__ = "oidc_identities"
    __table_args__ = (
        UniqueConstraint("issuer", "subject", name="uq_oidc_identities_issuer_subject"),
        UniqueConstraint("user_id", "issuer", name="uq_oidc_identities_user_id_issuer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    allowed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped["User"] = relationship(foreign_keys=[user_id])
