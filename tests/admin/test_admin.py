"""Administrators keep people and organisations as data: add a user with a role, add and rename a PDU."""

from sqlalchemy import select

from tests.conftest import ADMIN, HEAD, soup_of, text_of
from tracker.audit.models import AuditEvent
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.mail.models import OutboxMessage
from tracker.organisations.models import Organisation
from tracker.organisations.services import find_pdu, find_region


def test_admin_adds_a_head_of_pdu_who_is_invited_by_email(as_user):
    lambeth = find_pdu("Lambeth")
    response = as_user(ADMIN).post(
        "/admin/users/new",
        data={
            "name": "Sam Lambeth",
            "email": "Head.Lambeth@Example.org",
            "role": "head_of_pdu",
            "organisation_id": str(lambeth.id),
        },
    )
    user = find_user("head.lambeth@example.org")
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert [(a.role, a.organisation_id) for a in user.roles] == [("head_of_pdu", lambeth.id)]
    assert user.password_hash == ""
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_id == user.id))
    assert message.kind == "account" and "/set-password/" in message.body_text
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "user", AuditEvent.entity_id == user.id))
        is not None
    )


def test_the_add_user_form_chooses_no_role_and_groups_pdus_under_their_region(as_user):
    page = soup_of(as_user(ADMIN).get("/admin/users/new"))
    role = page.select_one("select#role")
    assert text_of(role.select_one("option[selected]") or role.select_one("option")) == "Select a role"
    assert role.select_one("option").get("value") == ""
    groups = {
        group["label"]: [text_of(o) for o in group.select("option")]
        for group in page.select("select#organisation_id optgroup")
    }
    assert groups["London region"][0] == "London region"
    assert "Lambeth PDU" in groups["London region"]
    assert "Barking, Dagenham and Havering PDU" in groups["London region"]
    assert all("PDU" not in name for name in groups["National"])


def test_no_role_or_organisation_chosen_names_both(as_user):
    page = soup_of(
        as_user(ADMIN).post(
            "/admin/users/new",
            data={"name": "Nobody Yet", "email": "nobody.yet@example.org", "role": "", "organisation_id": ""},
        )
    )
    errors = [text_of(a) for a in page.select(".govuk-error-summary__list a")]
    assert errors == ["Select a role", "Select an organisation"]
    assert find_user("nobody.yet@example.org") is None


def test_duplicate_email_is_refused(as_user):
    page = soup_of(
        as_user(ADMIN).post(
            "/admin/users/new",
            data={"name": "Again", "email": HEAD, "role": "viewer", "organisation_id": str(find_pdu("Lambeth").id)},
        )
    )
    errors = [text_of(a) for a in page.select(".govuk-error-summary__list a")]
    assert errors == ["There is already a user with this email address"]


def test_a_head_of_pdu_must_be_given_a_pdu(as_user):
    page = soup_of(
        as_user(ADMIN).post(
            "/admin/users/new",
            data={
                "name": "Wrong Place",
                "email": "wrong.place@example.org",
                "role": "head_of_pdu",
                "organisation_id": str(find_region("London").id),
            },
        )
    )
    errors = [text_of(a) for a in page.select(".govuk-error-summary__list a")]
    assert errors == ["Choose a PDU for the head of PDU role"]


def test_admin_adds_and_renames_a_pdu(as_user):
    client = as_user(ADMIN)
    london = find_region("London")
    response = client.post(
        "/admin/organisations/new/pdu", data={"name": "Thames Gateway", "parent_id": str(london.id), "is_active": "y"}
    )
    assert response.status_code == 302
    pdu = find_pdu("Thames Gateway")
    assert pdu.parent_id == london.id
    client.post(
        f"/admin/organisations/{pdu.id}/edit",
        data={"name": "Thames Gateway East", "parent_id": str(london.id), "is_active": "y"},
    )
    db.session.expire_all()
    assert db.session.get(Organisation, pdu.id).name == "Thames Gateway East"
    page = soup_of(client.get("/admin/organisations"))
    assert "Thames Gateway East" in text_of(page)


def test_a_pdu_name_cannot_be_used_twice_in_a_region(as_user):
    page = soup_of(
        as_user(ADMIN).post(
            "/admin/organisations/new/pdu",
            data={"name": "lambeth", "parent_id": str(find_region("London").id), "is_active": "y"},
        )
    )
    assert "There is already an organisation called lambeth there" in text_of(page.select_one(".govuk-error-summary"))
