"""Single sign-on against a real OpenID Connect provider running in the test process (oidc-provider-mock): known
and unknown people, tampered state, expired and wrong-audience ID tokens, a provider that is down, local passwords
switched off, and sign-out at the provider."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from oidc_provider_mock import run_server_in_thread
from sqlalchemy import select

from tests.conftest import HEAD, soup_of, text_of
from tracker.audit.models import AuditEvent
from tracker.auth.services import find_user
from tracker.extensions import db

SETTINGS = (
    "OIDC_ISSUER",
    "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET",
    "OIDC_PROVIDER_NAME",
    "OIDC_CREATE_USERS",
    "AUTH_LOCAL_PASSWORDS",
)


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso(app, provider):
    saved = {key: app.config.get(key) for key in SETTINGS}
    app.config.update(
        OIDC_ISSUER=provider,
        OIDC_CLIENT_ID="tracker",
        OIDC_CLIENT_SECRET="client-secret",
        OIDC_PROVIDER_NAME="Test Identity",
    )
    yield provider
    app.config.update(saved)


def person(provider, sub, **claims):
    claims.setdefault("email_verified", True)
    requests.put(f"{provider}/users/{sub}", json=claims, timeout=5).raise_for_status()
    return sub


def to_provider(client):
    start = client.get("/sign-in/oidc")
    assert start.status_code == 302, start.get_data(as_text=True)[:500]
    return start.headers["Location"]


def back_from_provider(authorize_url, sub) -> str:
    """What the person's browser does at the provider: choose who to sign in as, and follow it back."""
    answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text[:500]
    back = urlsplit(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def sign_in_through(client, sub):
    return client.get(back_from_provider(to_provider(client), sub))


def is_signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_the_request_uses_pkce_state_and_nonce(client, sso):
    query = parse_qs(urlsplit(to_provider(client)).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == ["http://tracker.test/sign-in/oidc/callback"]
    assert query["scope"] == ["openid email profile"]


def test_the_sign_in_page_offers_the_provider(client, sso):
    page = soup_of(client.get("/sign-in"))
    assert text_of(page.select_one("#sign-in-oidc")) == "Sign in with Test Identity"
    assert page.select_one("input[name=password]") is not None


def test_a_known_person_signs_in_for_the_first_time(client, sso):
    response = sign_in_through(client, person(sso, "chris", email=HEAD.upper(), name="C Morgan"))
    assert response.headers["Location"] == "/"
    assert text_of(soup_of(client.get("/")).h1) == "Hello, Chris Morgan"
    db.session.expire_all()
    assert find_user(HEAD).last_sign_in_at is not None


def test_an_unknown_person_is_refused_by_default(client, sso):
    response = sign_in_through(client, person(sso, "stranger", email="stranger@example.org"))
    assert response.status_code == 403
    assert "There is no account for stranger@example.org" in text_of(soup_of(response).select_one("#reason"))
    assert find_user("stranger@example.org") is None and not is_signed_in(client)


def test_an_unknown_person_can_be_added_without_a_role_to_wait_for_an_administrator(app, client, sso):
    app.config["OIDC_CREATE_USERS"] = True
    response = sign_in_through(client, person(sso, "joiner", email="joiner@example.org", name="Jo Iner"))
    assert response.headers["Location"] == "/"
    user = find_user("joiner@example.org")
    assert user.name == "Jo Iner" and user.roles == []
    assert "You do not have a role yet" in text_of(soup_of(client.get("/")).select_one("#no-role"))
    assert client.get("/dashboard").status_code in (200, 403)
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.entity_id == user.id, AuditEvent.verb == "create"))
        is not None
    )


def test_an_unverified_email_is_not_trusted(client, sso):
    response = sign_in_through(client, person(sso, "unverified", email=HEAD, email_verified=False))
    assert response.status_code == 403 and not is_signed_in(client)


def test_a_deactivated_person_is_refused(client, sso):
    find_user(HEAD).is_active = False
    db.session.commit()
    response = sign_in_through(client, person(sso, "left", email=HEAD))
    assert response.status_code == 403 and "deactivated" in text_of(soup_of(response).select_one("#reason"))
    assert not is_signed_in(client)


def test_a_tampered_state_signs_nobody_in(client, sso):
    callback = back_from_provider(to_provider(client), person(sso, "chris", email=HEAD))
    query = parse_qs(urlsplit(callback).query)
    response = client.get(f"/sign-in/oidc/callback?code={query['code'][0]}&state=forged-{query['state'][0]}")
    assert response.status_code == 400
    assert text_of(soup_of(response).h1) == "You have not been signed in"
    assert not is_signed_in(client)


def test_an_expired_id_token_signs_nobody_in(client, sso):
    response = sign_in_through(client, person(sso, "expired", email=HEAD, exp=int(time.time()) - 3600))
    assert response.status_code == 400 and not is_signed_in(client)


def test_an_id_token_for_another_service_signs_nobody_in(client, sso):
    response = sign_in_through(client, person(sso, "elsewhere", email=HEAD, aud="another-service"))
    assert response.status_code == 400 and not is_signed_in(client)


def test_a_provider_that_cannot_be_reached_gets_a_clear_page(app, client, sso):
    app.config["OIDC_ISSUER"] = "http://localhost:9"
    response = client.get("/sign-in/oidc")
    assert response.status_code == 503
    assert "We could not reach Test Identity" in text_of(soup_of(response).select_one("#reason"))
    assert not is_signed_in(client)


def test_a_provider_that_goes_down_mid_sign_in_leaves_nobody_half_signed_in(app, client, sso):
    with run_server_in_thread() as server:
        app.config["OIDC_ISSUER"] = issuer = f"http://localhost:{server.server_port}"
        callback = back_from_provider(to_provider(client), person(issuer, "chris", email=HEAD))
    response = client.get(callback)
    assert response.status_code == 503 and not is_signed_in(client)
    with client.session_transaction() as session:
        assert not any(key.startswith("_state_") for key in session) and "_user_id" not in session


def test_sign_out_also_ends_the_provider_session(app, sso):
    browser = app.test_client()
    sign_in_through(browser, person(sso, "chris", email=HEAD))
    copy = app.test_client()
    copy.set_cookie("session", browser.get_cookie("session").value)
    response = browser.post("/sign-out")
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{sso}/oauth2/end_session"
    query = parse_qs(location.query)
    assert query["post_logout_redirect_uri"] == ["http://tracker.test/sign-in"] and query["id_token_hint"]
    assert not is_signed_in(copy)


def test_with_local_passwords_off_only_the_provider_signs_people_in(app, client, sso):
    app.config["AUTH_LOCAL_PASSWORDS"] = False
    page = soup_of(client.get("/sign-in"))
    assert page.select_one("#sign-in-oidc") is not None and page.select_one("input[name=password]") is None
    response = client.post("/sign-in", data={"email": HEAD, "password": "demo-password-for-tests"})
    assert response.status_code == 200 and not is_signed_in(client)
    assert client.get("/forgot-password").status_code == 404
    assert sign_in_through(client, person(sso, "chris", email=HEAD)).headers["Location"] == "/"


def test_forms_may_lead_to_the_provider_only_when_it_is_set(client, sso):
    """Browsers apply form-action to the redirect after the sign-out form, so without it the provider's logout
    page would be blocked."""
    policy = client.get("/sign-in").headers["Content-Security-Policy"]
    assert f"form-action 'self' {sso}" in policy


def test_forms_stay_on_the_site_without_a_provider(client):
    assert "form-action 'self';" in client.get("/sign-in").headers["Content-Security-Policy"]


def identities():
    from tracker.auth.models import OidcIdentity

    db.session.expire_all()
    rows = db.session.scalars(select(OidcIdentity).order_by(OidcIdentity.id))
    return [(row.user_id, row.issuer, row.subject) for row in rows]


def audit_verbs(user) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.verb)
            .where(AuditEvent.entity_type == "user", AuditEvent.entity_id == user.id)
            .order_by(AuditEvent.id)
        )
    )


def test_the_first_sign_in_binds_the_account_to_that_provider_account(client, sso):
    sign_in_through(client, person(sso, "chris", email=HEAD))
    head = find_user(HEAD)
    assert identities() == [(head.id, sso, "chris")]
    assert audit_verbs(head)[-1:] == ["link_sign_on"]


def test_another_provider_account_with_the_same_email_is_refused_with_a_clear_page(app, client, sso):
    sign_in_through(client, person(sso, "chris", email=HEAD))
    intruder = app.test_client()
    response = sign_in_through(intruder, person(sso, "impostor", email=HEAD, name="Not Chris"))
    assert response.status_code == 403 and not is_signed_in(intruder)
    page = soup_of(response)
    assert text_of(page.h1) == "You have not been signed in"
    assert "with a different account from the one linked to" in text_of(page.select_one("#reason"))
    head = find_user(HEAD)
    assert identities() == [(head.id, sso, "chris")]
    refusal = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "sign_in_refused"))
    assert refusal.entity_id == head.id and refusal.after["subject"] == "impostor"
    # the linked account still signs in, even with its email changed at the provider
    again = app.test_client()
    assert sign_in_through(again, person(sso, "chris", email="chris.new@example.org")).headers["Location"] == "/"
    assert text_of(soup_of(again.get("/")).h1) == "Hello, Chris Morgan"


def sign_on_row(response) -> str:
    rows = soup_of(response).select("#user-details .govuk-summary-list__row")
    return next(text_of(row.dd) for row in rows if text_of(row.dt) == "Single sign-on")


def test_an_unconfirmed_email_links_only_after_an_administrator_allows_it_and_only_once(app, client, sso, as_user):
    head = find_user(HEAD)
    refused = sign_in_through(client, person(sso, "entra-chris", email=HEAD, email_verified=False))
    assert refused.status_code == 403 and identities() == []
    assert "Ask your administrator to allow single sign-on" in text_of(soup_of(refused).select_one("#reason"))
    admin = as_user("admin@example.org")
    assert sign_on_row(admin.get(f"/admin/users/{head.id}")).startswith("Not linked")
    admin.post(f"/admin/users/{head.id}/single-sign-on")
    assert sign_on_row(admin.get(f"/admin/users/{head.id}")).startswith("Waiting")
    browser = app.test_client()
    assert (
        sign_in_through(browser, person(sso, "entra-chris", email=HEAD, email_verified=False)).headers["Location"]
        == "/"
    )
    assert identities() == [(head.id, sso, "entra-chris")]
    other = app.test_client()
    assert sign_in_through(other, person(sso, "entra-other", email=HEAD, email_verified=False)).status_code == 403
    assert sign_in_through(other, person(sso, "verified-other", email=HEAD)).status_code == 403
    assert identities() == [(head.id, sso, "entra-chris")]
    verbs = audit_verbs(head)
    assert verbs.count("sign_in_refused") == 3 and "allow_sign_on_link" in verbs and "link_sign_on" in verbs


def entra(oid: str, **claims) -> dict:
    tenant = "8f2a1c3e-0000-4000-8000-000000000001"
    return {
        "iss": f"https://login.microsoftonline.com/{tenant}/v2.0",
        "tid": tenant,
        "oid": oid,
        "sub": f"pairwise-{oid}",
        "email": HEAD,
        "name": "C Morgan",
        "xms_edov": True,
        **claims,
    }


def test_entra_accounts_are_bound_by_tenant_and_object_id(app, sso):
    from tracker.auth import oidc

    with app.test_request_context():
        head = oidc.user_for_claims(entra("oid-chris"))
        assert identities() == [(head.id, entra("x")["iss"], f"{entra('x')['tid']}:oid-chris")]
        # the same person through another registration of the app: another sub, the same tenant and object ids
        assert oidc.user_for_claims(entra("oid-chris", sub="another-pairwise-sub")).id == head.id
        with pytest.raises(oidc.SignInRefused, match="different account"):
            oidc.user_for_claims(entra("oid-someone-else"))
        with pytest.raises(oidc.SignInRefused, match="did not say which account"):
            oidc.user_for_claims(entra("", sub="chris"))
