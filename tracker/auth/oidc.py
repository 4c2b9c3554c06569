"""Single sign-on through the organisation's OpenID Connect provider (Microsoft Entra ID, HMPPS Auth), with Authlib.

The authorization code flow with PKCE (S256); Authlib keeps the state, nonce and code verifier in the session and
checks them on the way back, finds the provider's endpoints and keys from the issuer's discovery document, and
validates the ID token's signature, issuer, audience, expiry and nonce. Here: which person the claims are."""

from dataclasses import dataclass

import requests
from authlib.integrations.flask_client import OAuth, OAuthError
from flask import current_app
from joserfc.errors import JoseError

from tracker.audit.services import record_event
from tracker.auth.models import User
from tracker.auth.services import create_user, find_user
from tracker.db_types import utcnow
from tracker.extensions import db

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
    return Settings(config["OIDC_ISSUER"].rstrip("/"), config["OIDC_CLIENT_ID"], config.get("OIDC_CLIENT_SECRET", ""),
                    config.get("OIDC_SCOPES", "openid email profile"))


def is_configured() -> bool:
    return settings() is not None


def provider_name() -> str:
    return current_app.config.get("OIDC_PROVIDER_NAME") or "your organisation's account"


def client():
    """The Authlib client for the configured provider, made once per configuration (it caches the discovery
    document and keys)."""
    current = settings()
    clients = current_app.extensions.setdefault("tracker_oidc", {})
    if current not in clients:
        oauth = OAuth(current_app._get_current_object())
        clients[current] = oauth.register(
            "oidc", overwrite=True, client_id=current.client_id, client_secret=current.client_secret,
            server_metadata_url=f"{current.issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": current.scopes, "code_challenge_method": "S256"})
    return clients[current]


def callback_url() -> str:
    return current_app.config.get("APP_BASE_URL", "").rstrip("/") + "/sign-in/oidc/callback"


def _email_is_verified(claims: dict) -> bool:
    if not current_app.config.get("OIDC_REQUIRE_VERIFIED_EMAIL", True):
        return True
    return claims.get("email_verified") in (True, "true")


def user_for_claims(claims: dict) -> User:
    """The person the validated ID token names, matched on a verified email; created without roles on first sign-in
    when `[oidc] create_users` is on, to wait for an administrator. Commits the sign-in."""
    email = str(claims.get("email") or "").strip()
    if not email or not _email_is_verified(claims):
        raise SignInRefused(f"{provider_name()} did not confirm your email address, so we cannot tell which "
                            "account is yours. Ask your administrator.")
    user = find_user(email)
    if user is None:
        if not current_app.config.get("OIDC_CREATE_USERS", False):
            raise SignInRefused(f"There is no account for {email}. Ask your administrator to add you.")
        user = create_user(email, str(claims.get("name") or email)[:200], None)
        db.session.flush()
        record_event(None, "user", user.id, "create", f"Added {user.email} at their first sign-in through "
                     f"{provider_name()}, without a role until an administrator gives them one",
                     after={"email": user.email, "name": user.name, "roles": []})
    if not user.is_active:
        raise SignInRefused("Your account has been deactivated. Ask your administrator if you need it again.")
    user.last_sign_in_at, user.failed_sign_ins, user.locked_until_at = utcnow(), 0, None
    db.session.commit()
    return user


def logout_url(id_token: str) -> str | None:
    """The provider's end-session address (RP-initiated logout), or None where it offers none or cannot be
    reached: signing out here has already happened either way."""
    try:
        result = client().create_logout_url(
            post_logout_redirect_uri=current_app.config.get("APP_BASE_URL", "").rstrip("/") + "/sign-in",
            id_token_hint=id_token, client_id=settings().client_id)
    except (*PROVIDER_ERRORS, RuntimeError):
        return None
    return result["url"]
