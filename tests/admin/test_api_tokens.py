"""API tokens from a person's page: an administrator issues one (shown once, only its hash kept), sees each token
with when it was issued, last used and expires, and revokes one; each audited, and only administrators may."""

import hashlib
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import ADMIN, HEAD, VIEWER, long_date, soup_of, text_of
from tracker.admin import leavers
from tracker.audit.models import AuditEvent
from tracker.auth.models import ApiToken
from tracker.auth.services import find_user
from tracker.db_types import LONDON, utcnow
from tracker.extensions import db


def tokens_of(user) -> list[ApiToken]:
    db.session.expire_all()
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def token_rows(page) -> list[list[str]]:
    return [[text_of(td) for td in row.select("td")] for row in page.select("#api-tokens tbody tr")]


def test_an_administrator_issues_a_token_from_the_person_page_and_sees_it_once(app, as_user):
    head = find_user(HEAD)
    client = as_user(ADMIN)
    user_page = soup_of(client.get(f"/admin/users/{head.id}"))
    assert text_of(user_page.select_one("#no-api-tokens")) == f"No API tokens have been issued to {head.name}."
    assert "create-token" not in text_of(user_page.select_one("main"))
    issue = user_page.select_one("#issue-api-token")
    assert text_of(issue) == f"Issue an API token to {head.name}"

    form = soup_of(client.get(issue["href"]))
    assert text_of(form.h1) == "Issue an API token"
    assert [text_of(label) for label in form.select(".govuk-radios__label")] == [
        "30 days",
        "90 days",
        "1 year",
        "It does not expire",
    ]

    response = client.post(issue["href"], data={"name": "Monthly report", "lifetime": "90"})
    assert response.headers["Cache-Control"] == "no-store"
    shown = soup_of(response)
    assert text_of(shown.h1) == "API token issued"
    token = text_of(shown.select_one("#new-token"))
    assert token.startswith("trk_")
    assert "It is shown only this once" in text_of(shown.select_one(".govuk-warning-text"))

    [stored] = tokens_of(head)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and stored.name == "Monthly report"
    assert token not in str(db.session.scalars(select(AuditEvent.after).where(AuditEvent.entity_id == head.id)).all())
    api = app.test_client().get("/api/v1/inspections", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200 and api.json

    page = soup_of(client.get(f"/admin/users/{head.id}"))
    assert token not in page.get_text()
    [[name, issued, last_used, expires, status]] = token_rows(page)
    assert name == "Monthly report" and issued != "Never" and last_used != "Never" and status.startswith("Active")
    assert long_date((utcnow() + timedelta(days=90)).astimezone(LONDON).date()) in expires
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.entity_id == head.id, AuditEvent.verb == "create_token")
    )
    assert event.actor_id == find_user(ADMIN).id and event.after["token_id"] == stored.id
    assert f"API token “Monthly report” issued to {HEAD}" in text_of(page.select_one("#history-events"))


def test_a_token_that_does_not_expire_then_revoked_stops_working(app, as_user):
    head = find_user(HEAD)
    client = as_user(ADMIN)
    token = text_of(
        soup_of(
            client.post(f"/admin/users/{head.id}/tokens/new", data={"name": "Nightly export", "lifetime": "never"})
        ).select_one("#new-token")
    )
    [stored] = tokens_of(head)
    assert stored.expires_at is None
    page = soup_of(client.get(f"/admin/users/{head.id}"))
    assert token_rows(page)[0][3] == "Never"
    revoke = page.select_one("#api-tokens form")
    assert text_of(revoke.select_one("button")).startswith("Revoke Nightly export issued")
    page = soup_of(client.post(revoke["action"], follow_redirects=True))
    banner = text_of(page.select_one(".govuk-notification-banner"))
    assert "The API token has been revoked. It no longer works." in banner
    assert token_rows(page)[0][4].startswith("Revoked")
    refused = app.test_client().get("/api/v1/inspections", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    assert "Revoked the API token “Nightly export”" in text_of(page.select_one("#history-events"))


def test_a_token_needs_a_name_and_an_expiry(as_user):
    head = find_user(HEAD)
    page = soup_of(as_user(ADMIN).post(f"/admin/users/{head.id}/tokens/new", data={"name": " "}))
    assert [text_of(a) for a in page.select(".govuk-error-summary__list a")] == [
        "Enter a name for the token",
        "Select when the token stops working",
    ]
    assert page.select_one("#new-token") is None and tokens_of(head) == []


def test_a_deactivated_person_is_issued_no_token(as_user):
    viewer = find_user(VIEWER)
    leavers.deactivate(find_user(ADMIN), viewer)
    client = as_user(ADMIN)
    assert soup_of(client.get(f"/admin/users/{viewer.id}")).select_one("#issue-api-token") is None
    response = client.post(
        f"/admin/users/{viewer.id}/tokens/new", data={"name": "Reports", "lifetime": "30"}, follow_redirects=True
    )
    banner = soup_of(response).select_one(".govuk-notification-banner")
    assert f"{viewer.name} has been deactivated: reactivate them before issuing an API token." in text_of(banner)
    assert tokens_of(viewer) == []


def test_only_an_administrator_may_issue_one(as_user):
    head = find_user(HEAD)
    response = as_user(HEAD).post(f"/admin/users/{head.id}/tokens/new", data={"name": "Mine", "lifetime": "never"})
    page = soup_of(response)
    assert response.status_code == 403 and text_of(page.h1) != "API token issued"
    assert page.select_one("#new-token") is None and tokens_of(head) == []
