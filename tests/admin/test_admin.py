"""Administrators keep people and organisations as data: add a user with a role, add and rename a PDU."""

from sqlalchemy import select

from tests.conftest import ADMIN, HEAD, soup_of, text_of
from tracker.audit.models import AuditEvent
from tracker.auth.services import find_user
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.organisations.models import Organisation
from tracker.organisations.services import find_pdu, find_region


def test_admin_adds_a_head_of_pdu_who_can_then_sign_in(app, as_user):
    lambeth = find_pdu("Lambeth")
    response = as_user(ADMIN).post("/admin/users/new", data={
        "name": "Sam Lambeth", "email": "Head.Lambeth@Example.org", "password": "a-long-temporary-password",
        "role": "head_of_pdu", "organisation_id": str(lambeth.id)})
    assert response.status_code == 302
    user = find_user("head.lambeth@example.org")
    assert [(a.role, a.organisation_id) for a in user.roles] == [("head_of_pdu", lambeth.id)]
    signed_in = app.test_client().post("/sign-in", data={"email": "head.lambeth@example.org",
                                                         "password": "a-long-temporary-password"})
    assert signed_in.headers["Location"] == "/"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "user",
                                                      AuditEvent.entity_id == user.id)) is not None


def test_duplicate_email_and_short_password_are_refused(as_user):
    page = soup_of(as_user(ADMIN).post("/admin/users/new", data={
        "name": "Again", "email": HEAD, "password": "short", "role": "viewer",
        "organisation_id": str(find_pdu("Lambeth").id)}))
    errors = [text_of(a) for a in page.select(".govuk-error-summary__list a")]
    assert "The password must be 12 characters or more" in errors


def test_admin_adds_and_renames_a_pdu(as_user):
    client = as_user(ADMIN)
    london = find_region("London")
    response = client.post("/admin/organisations/new/pdu", data={
        "name": "Thames Gateway", "parent_id": str(london.id), "is_active": "y"})
    assert response.status_code == 302
    pdu = find_pdu("Thames Gateway")
    assert pdu.parent_id == london.id
    client.post(f"/admin/organisations/{pdu.id}/edit", data={
        "name": "Thames Gateway East", "parent_id": str(london.id), "is_active": "y"})
    db.session.expire_all()
    assert db.session.get(Organisation, pdu.id).name == "Thames Gateway East"
    page = soup_of(client.get("/admin/organisations"))
    assert "Thames Gateway East" in text_of(page)


def test_a_pdu_name_cannot_be_used_twice_in_a_region(as_user):
    page = soup_of(as_user(ADMIN).post("/admin/organisations/new/pdu", data={
        "name": "lambeth", "parent_id": str(find_region("London").id), "is_active": "y"}))
    assert "There is already an organisation called lambeth there" in text_of(page.select_one(
        ".govuk-error-summary"))


def test_admin_unlocks_a_locked_account(as_user):
    user = find_user(HEAD)
    user.locked_until_at = utcnow().replace(year=utcnow().year + 1)
    db.session.commit()
    response = as_user(ADMIN).post(f"/admin/users/{user.id}/unlock")
    assert response.status_code == 302
    db.session.expire_all()
    assert find_user(HEAD).locked_until_at is None
