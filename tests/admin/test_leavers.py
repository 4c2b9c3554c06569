"""Deactivating a leaver: their session, API token and set-password link stop working at once; their history
stays; they cannot sign in; the banner leads to their work, to reassign it; an administrator can reactivate them."""

from sqlalchemy import select

from tests.conftest import ADMIN, OWNER, VIEWER, sign_in_as, soup_of, text_of
from tracker.actions.models import Action
from tracker.audit.models import AuditEvent
from tracker.auth.services import create_api_token, find_user
from tracker.extensions import db
from tracker.handover.services import open_work_of

PASSWORD = "demo-password-for-tests"


def test_deactivation_ends_session_token_and_reset_link_at_once(app, as_user):
    owner = find_user(OWNER)
    session = app.test_client()
    session.post("/sign-in", data={"email": OWNER, "password": PASSWORD})
    token = create_api_token(owner, "scripts")
    app.test_client().post("/forgot-password", data={"email": OWNER})
    from tests.auth.test_passwords import emailed_link

    link = emailed_link(owner)
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert session.get("/").status_code == 200 and api.get("/api/v1/inspections", headers=headers).status_code == 200

    response = as_user(ADMIN).post(f"/admin/users/{owner.id}/deactivate")
    assert response.headers["Location"] == f"/admin/users/{owner.id}"

    assert session.get("/").status_code == 302
    assert api.get("/api/v1/inspections", headers=headers).status_code == 401
    assert app.test_client().get(link).status_code == 404
    refused = app.test_client().post("/sign-in", data={"email": OWNER, "password": PASSWORD})
    assert refused.status_code == 200 and soup_of(refused).select_one(".govuk-error-summary")


def test_their_history_stays_and_the_page_says_deactivated(as_user):
    owner = find_user(OWNER)
    actions_before = db.session.scalar(select(db.func.count(Action.id)).where(Action.owner_id == owner.id))
    client = as_user(ADMIN)
    confirm = soup_of(client.get(f"/admin/users/{owner.id}/deactivate"))
    assert text_of(confirm.h1) == f"Deactivate {owner.name}"
    assert "open items of work" in text_of(confirm.select_one("#open-work"))
    client.post(f"/admin/users/{owner.id}/deactivate")
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count(Action.id)).where(Action.owner_id == owner.id)) == actions_before
    page = soup_of(client.get(f"/admin/users/{owner.id}"))
    status = next(
        row
        for row in page.select("#user-details .govuk-summary-list__row")
        if text_of(row.select_one("dt")) == "Status"
    )
    assert text_of(status.select_one("dd")).startswith("Deactivated on")
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.entity_id == owner.id, AuditEvent.verb == "deactivate")
    )
    assert event.before == {"is_active": True} and event.after["is_active"] is False


def test_an_administrator_cannot_deactivate_themselves(as_user):
    admin = find_user(ADMIN)
    as_user(ADMIN).post(f"/admin/users/{admin.id}/deactivate")
    db.session.expire_all()
    assert find_user(ADMIN).is_active


def test_reactivation_lets_them_sign_in_again(app, as_user):
    owner = find_user(OWNER)
    client = as_user(ADMIN)
    client.post(f"/admin/users/{owner.id}/deactivate")
    client.post(f"/admin/users/{owner.id}/reactivate")
    signed_in = app.test_client().post("/sign-in", data={"email": OWNER, "password": PASSWORD})
    assert signed_in.headers["Location"] == "/"
    assert sign_in_as(app.test_client(), OWNER).get("/").status_code == 200


def as_read(element) -> str:
    """The text as a reader sees it, a link in a sentence included."""
    return " ".join(element.get_text().split())


def test_the_deactivation_banner_leads_to_their_work_and_reassigning_it(as_user):
    owner = find_user(OWNER)
    open_work = len(open_work_of(owner))
    assert open_work >= 3
    client = as_user(ADMIN)
    page = soup_of(client.post(f"/admin/users/{owner.id}/deactivate", follow_redirects=True))
    banner = page.select_one(".govuk-notification-banner--success")
    assert as_read(banner) == (
        f"Success {owner.name} has been deactivated and signed out everywhere. Their open work now shows as needing "
        f"a new owner: reassign their {open_work} items of work."
    )
    link = banner.select_one("a.govuk-notification-banner__link")
    assert link["href"] == f"/needs-a-new-owner?leaver={owner.id}"

    work = soup_of(client.get(link["href"]))
    assert text_of(work.select_one(".govuk-caption-l")) == f"Left by {owner.name}"
    assert len(work.select("#unowned-work tbody tr")) == open_work
    assert {text_of(td) for td in work.select("#unowned-work tbody td:nth-child(2)")} == {owner.name}
    ticked = work.select("input[name=items]")
    assert len(ticked) == open_work


def test_the_banner_says_so_when_they_owned_no_open_work(as_user):
    viewer = find_user(VIEWER)
    page = soup_of(as_user(ADMIN).post(f"/admin/users/{viewer.id}/deactivate", follow_redirects=True))
    banner = page.select_one(".govuk-notification-banner--success")
    assert text_of(banner) == (
        f"Success {viewer.name} has been deactivated and signed out everywhere. They owned no open work."
    )
    assert banner.select_one("a") is None
