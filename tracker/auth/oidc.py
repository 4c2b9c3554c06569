"""Single sign-on through the organisation's OpenID Connect provider (Microsoft Entra ID, HMPPS Auth), with Authlib.

The authorization code flow with PKCE (S256); Authlib keeps the state, nonce and code verifier in the session and
checks them on the way back, finds the provider's endpoints and keys from the issuer's discovery document, and
validates the ID token's signature, issuer, audience, expiry and nonce. Here: which person the claims are.

A person is their provider account, (issuer, subject), bound to their tracker account at the first link and
never matched on the email address again: the same email from another provider account is refused. The first
link to an existing account happens once, and only when the provider confirms the email address (or an
administrator allowed it from the person's page)."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

import requests
from authlib.integrations.flask_client import OAuth, OAuthError
from flask import current_app
from joserfc.errors import JoseError
from sqlalchemy import select

from tracker.audit.services import record_event
from tracker.auth.models import OidcIdentity, User
from tracker.auth.services import create_user, find_user
from tracker.db_types import utcnow
from tracker.extensions import db

if TYPE_CHECKING:
    from flask import Flask
    from werkzeug.local import LocalProxy

#: what can go wrong between us and the provider, each ending the sign-in with nobody signed in
PROVIDER_ERRORS = (OAuthError, JoseError, requests.RequestException, ValueError, KeyError)


class SignInRefused(Exception):
    """The provider vouched for someone who may not sign in here; the message says why and what to do."""


@dataclass(frozen=True)
class Settings:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str


def settings() -> Settings | None:
    config = current_app.config
    if not config.get("OIDC_ISSUER") or not config.get("OIDC_CLIENT_ID"):
        return None
    return Settings(
        config["OIDC_ISSUER"].rstrip("/"),
        config["OIDC_CLIENT_ID"],
        config.get("OIDC_CLIENT_SECRET", ""),
        config.get("OIDC_SCOPES", "openid email profile"),
    )


def is_configured() -> bool:
    return settings() is not None


def configured_settings() -> Settings:
    """The settings, for the steps of single sign-on: each is reached only where it is configured."""
    current = settings()
    assert current is not None  # the pages that start these steps are not found without it
    return current


def provider_name() -> str:
    return current_app.config.get("OIDC_PROVIDER_NAME") or "your organisation's account"


def client():
    """The Authlib client for the configured provider, made once per configuration (it caches the discovery
    document and keys)."""
    current = configured_settings()
    clients = current_app.extensions.setdefault("tracker_oidc", {})
    if current not in clients:
        # the client keeps the app itself; current_app is a proxy for it (which Flask types as the app)
        oauth = OAuth(cast("LocalProxy[Flask]", current_app)._get_current_object())
        clients[current] = oauth.register(
            "oidc",
            overwrite=True,
            client_id=current.client_id,
            client_secret=current.client_secret,
            server_metadata_url=f"{current.issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": current.scopes, "code_challenge_method": "S256"},
        )
    return clients[current]


def callback_url() -> str:
    return current_app.config.get("APP_BASE_URL", "").rstrip("/") + "/sign-in/oidc/callback"


ENTRA_HOST = "login.microsoftonline.com"


def _email_is_verified(claims: dict) -> bool:
    """The provider says the address is the person's: `email_verified`, or Entra's `xms_edov` (the domain of the
    address is verified by the tenant's owner)."""
    return claims.get("email_verified") in (True, "true") or claims.get("xms_edov") in (True, "true", 1, "1")


def identity_of(claims: dict) -> tuple[str, str]:
    """(issuer, subject) naming the provider account for good. Entra's `sub` differs for each application, so
    there it is the tenant and object ids, which are the person's in the whole tenant."""
    issuer = str(claims.get("iss") or configured_settings().issuer).rstrip("/")
    if urlsplit(issuer).hostname == ENTRA_HOST:
        tid, oid = str(claims.get("tid") or ""), str(claims.get("oid") or "")
        if not tid or not oid:
            raise SignInRefused(
                f"{provider_name()} did not say which account you signed in with, so we cannot tell "
                "which account is yours. Ask your administrator."
            )
        return issuer, f"{tid}:{oid}"
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SignInRefused(
            f"{provider_name()} did not say which account you signed in with, so we cannot tell "
            "which account is yours. Ask your administrator."
        )
    return issuer, subject


def _identity(issuer: str, **where) -> OidcIdentity | None:
    query = select(OidcIdentity).where(OidcIdentity.issuer == issuer)
    for column, value in where.items():
        query = query.where(getattr(OidcIdentity, column) == value)
    return db.session.scalar(query)


def _refuse(user: User, verb: str, summary: str, after: dict, message: str):
    record_event(None, "user", user.id, verb, summary, after=after)
    db.session.commit()
    raise SignInRefused(message)


def user_for_claims(claims: dict) -> User:
    """The person the validated ID token names: by the provider account bound to them, else (once) by a confirmed
    email address; created without roles on first sign-in when `[oidc] create_users` is on, to wait for an
    administrator. Commits the sign-in, and each link and refusal with its audit event."""
    issuer, subject = identity_of(claims)
    email = str(claims.get("email") or "").strip()
    bound = _identity(issuer, subject=subject)
    if bound is not None:
        user = bound.user
    else:
        user = _link(issuer, subject, email, claims)
    if not user.is_active:
        raise SignInRefused("Your account has been deactivated. Ask your administrator if you need it again.")
    user.last_sign_in_at, user.failed_sign_ins, user.locked_until_at = utcnow(), 0, None
    db.session.commit()
    return user


def _link(issuer: str, subject: str, email: str, claims: dict) -> User:
    """Bind a provider account seen for the first time to the account with its email address, or a new one."""
    if not email:
        raise SignInRefused(
            f"{provider_name()} did not give your email address, so we cannot tell which account "
            "is yours. Ask your administrator."
        )
    verified = _email_is_verified(claims)
    user = find_user(email)
    if user is None:
        if not current_app.config.get("OIDC_CREATE_USERS", False):
            raise SignInRefused(f"There is no account for {email}. Ask your administrator to add you.")
        if not verified and current_app.config.get("OIDC_REQUIRE_VERIFIED_EMAIL", True):
            raise SignInRefused(
                f"{provider_name()} did not confirm your email address, so we cannot tell which "
                "account is yours. Ask your administrator."
            )
        user = create_user(email, str(claims.get("name") or email)[:200], None)
        db.session.flush()
        record_event(
            None,
            "user",
            user.id,
            "create",
            f"Added {user.email} at their first sign-in through "
            f"{provider_name()}, without a role until an administrator gives them one",
            after={"email": user.email, "name": user.name, "roles": []},
        )
        return _bind(user, None, issuer, subject, "at their first sign-in")
    existing = _identity(issuer, user_id=user.id)
    if existing is not None and existing.subject is not None:
        _refuse(
            user,
            "sign_in_refused",
            f"Refused a sign-in through {provider_name()} as {user.email}: another account there "
            f"({subject}) than the one linked ({existing.subject})",
            {"issuer": issuer, "subject": subject, "linked_subject": existing.subject},
            f"You signed in to {provider_name()} with a different account from the one linked to {email} here, "
            "so you have not been signed in. Sign in with your usual account, or ask your administrator.",
        )
    if existing is not None:  # an administrator allowed this link
        return _bind(user, existing, issuer, subject, "as an administrator allowed")
    if not verified:
        _refuse(
            user,
            "sign_in_refused",
            f"Refused a first sign-in through {provider_name()} as {user.email}: the email address was not confirmed",
            {"issuer": issuer, "subject": subject},
            f"{provider_name()} did not confirm your email address, so we cannot tell which account is yours. "
            "Ask your administrator to allow single sign-on from your page in the tracker.",
        )
    return _bind(user, None, issuer, subject, "by their confirmed email address")


def _bind(user: User, row: OidcIdentity | None, issuer: str, subject: str, how: str) -> User:
    if row is None:
        row = OidcIdentity(user_id=user.id, issuer=issuer)
        db.session.add(row)
    row.subject, row.linked_at = subject, utcnow()
    db.session.flush()
    record_event(
        None,
        "user",
        user.id,
        "link_sign_on",
        f"Linked {user.email} to their {provider_name()} account {how}",
        after={"issuer": issuer, "subject": subject},
    )
    return user


def allow_link(actor, user: User) -> None:
    """An administrator's explicit link: the person's next sign-in through the provider, with their email address,
    binds that provider account to them even where the provider does not confirm email addresses. Any earlier
    link is replaced (for someone whose provider account changed)."""
    issuer = configured_settings().issuer
    row = _identity(issuer, user_id=user.id)
    before = {"subject": row.subject} if row is not None else None
    if row is None:
        row = OidcIdentity(user_id=user.id, issuer=issuer)
        db.session.add(row)
    row.subject, row.linked_at, row.allowed_by_id = None, None, actor.id
    db.session.flush()
    record_event(
        actor,
        "user",
        user.id,
        "allow_sign_on_link",
        f"Allowed {user.name}'s next sign-in through {provider_name()} to link their account",
        before=before,
        after={"issuer": issuer, "subject": None},
    )
    db.session.commit()


def link_of(user: User) -> OidcIdentity | None:
    current = settings()
    return _identity(current.issuer, user_id=user.id) if current else None


def logout_url(id_token: str) -> str | None:
    """The provider's end-session address (RP-initiated logout), or None where it offers none or cannot be
    reached: signing out here has already happened either way."""
    try:
        result = client().create_logout_url(
            post_logout_redirect_uri=current_app.config.get("APP_BASE_URL", "").rstrip("/") + "/sign-in",
            id_token_hint=id_token,
            client_id=configured_settings().client_id,
        )
    except (*PROVIDER_ERRORS, RuntimeError):
        return None
    return result["url"]
