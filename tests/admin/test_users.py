"""An administrator's view of one person: their page, details, roles (moves that apply at once) and API tokens."""

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import ADMIN, HEAD, sign_in_as, soup_of, text_of
from tracker.audit.models import AuditEvent
from tracker.auth.models import ApiToken
from tracker.auth.services import create_api_token, find_user
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.inspections.models import Inspection
from tracker.organisations.services import find_pdu, find_region


def summary(page) -> dict[str, str]:
    return {
        text_of(row.select_one(".govuk-summary-list__key")): text_of(row.select_one(".govuk-summary-list__value"))
        for row in page.select("#user-details .govuk-summary-list__row")
    }


def test_names_on_the_users_page_lead_to_each_person(as_user):
    page = soup_of(as_user(ADMIN).get("/admin/users"))
    link = next(a for a in page.select("#users a") if text_of(a) == "Chris Morgan")
    assert link["href"] == f"/admin/users/{find_user(HEAD).id}"


def test_the_user_page_lists_details_with_change_links(as_user):
    head = find_user(HEAD)
    page = soup_of(as_user(ADMIN).get(f"/admin/users/{head.id}"))
    assert text_of(page.h1) == "Chris Morgan"
    rows = summary(page)
    assert rows["Email address"] == HEAD
    assert rows["Organisation"] == "Barking, Dagenham and Havering PDU"
    assert rows["Roles"] == "Head of PDU at Barking, Dagenham and Havering PDU"
    assert rows["Status"] == "Active"
    changes = [text_of(a) for a in page.select("#user-details .govuk-summary-list__actions a")]
    assert changes == ["Change name", "Change email address", "Change organisation", "Change roles"]


def test_changing_details_is_audited_and_shown_in_the_history(as_user):
    client = as_user(ADMIN)
    head = find_user(HEAD)
    client.post(f"/admin/users/{head.id}/edit", data={"name": "Chris Morgan-Lee", "email": HEAD})
    page = soup_of(client.get(f"/admin/users/{head.id}"))
    assert summary(page)["Name"] == "Chris Morgan-Lee"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_id == head.id, AuditEvent.verb == "update"))
    assert event.before == {"name": "Chris Morgan"} and event.after == {"name": "Chris Morgan-Lee"}
    assert "Changed the details of Chris Morgan-Lee" in text_of(page.select_one("#history-events"))


def test_an_email_address_already_in_use_is_refused(as_user):
    page = soup_of(
        as_user(ADMIN).post(f"/admin/users/{find_user(HEAD).id}/edit", data={"name": "Chris Morgan", "email": ADMIN})
    )
    assert [text_of(a) for a in page.select(".govuk-error-summary__list a")] == [
        "There is already a user with this email address"
    ]


def test_roles_at_several_organisations_are_shown(as_user):
    client = as_user(ADMIN)
    head = find_user(HEAD)
    client.post(
        f"/admin/users/{head.id}/roles", data={"role": "viewer", "organisation_id": str(find_region("London").id)}
    )
    rows = summary(soup_of(client.get(f"/admin/users/{head.id}")))
    assert rows["Organisation"] == "Barking, Dagenham and Havering PDU London region"
    assert rows["Roles"] == "Head of PDU at Barking, Dagenham and Havering PDU Viewer at London region"


def test_a_move_applies_on_the_persons_next_request_including_cached_pages(app, as_user):
    head = find_user(HEAD)
    inspection = db.session.scalar(select(Inspection).order_by(Inspection.id))
    mover = sign_in_as(app.test_client(), HEAD)
    before = text_of(soup_of(mover.get("/dashboard")).select_one("main"))
    assert "Barking, Dagenham and Havering" in before
    assert mover.get(f"/inspections/{inspection.id}").status_code == 200

    admin = as_user(ADMIN)
    admin.post(
        f"/admin/users/{head.id}/roles", data={"role": "head_of_pdu", "organisation_id": str(find_pdu("Lambeth").id)}
    )
    barking_role = next(a for a in head.roles if a.organisation.name == "Barking, Dagenham and Havering")
    admin.post(f"/admin/users/{head.id}/roles/{barking_role.id}/remove")

    after = text_of(soup_of(mover.get("/dashboard")).select_one("main"))
    # Lambeth has no inspection yet: the dashboard built for their old role is not served again
    assert "Barking, Dagenham and Havering" not in after and "0 inspections" in after
    # no longer theirs to see: answered as for an inspection that does not exist
    assert mover.get(f"/inspections/{inspection.id}").status_code == 404
    verbs = list(
        db.session.scalars(
            select(AuditEvent.verb).where(AuditEvent.entity_id == head.id, AuditEvent.entity_type == "user")
        )
    )
    assert {"add_role", "remove_role"} <= set(verbs)


def test_the_same_role_twice_is_refused(as_user):
    head = find_user(HEAD)
    page = soup_of(
        as_user(ADMIN).post(
            f"/admin/users/{head.id}/roles",
            data={"role": "head_of_pdu", "organisation_id": str(find_pdu("Barking, Dagenham and Havering").id)},
        )
    )
    assert "is already head of PDU at Barking, Dagenham and Havering PDU" in text_of(
        page.select_one(".govuk-error-summary")
    )


def test_api_tokens_are_listed_and_can_be_revoked(app, as_user):
    head = find_user(HEAD)
    token = create_api_token(head, "reporting")
    api = app.test_client()
    assert api.get("/api/v1/inspections", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    client = as_user(ADMIN)
    page = soup_of(client.get(f"/admin/users/{head.id}"))
    row = page.select_one("#api-tokens tbody tr")
    cells = [text_of(td) for td in row.select("td")]
    assert cells[0] == "reporting" and cells[2] != "Never" and cells[3] == "Never"
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == head.id))
    client.post(f"/admin/users/{head.id}/tokens/{stored.id}/revoke")
    assert api.get("/api/v1/inspections", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    page = soup_of(client.get(f"/admin/users/{head.id}"))
    assert text_of(page.select_one("#api-tokens tbody tr td:last-child")).startswith("Revoked")
    assert "Revoked the API token “reporting”" in text_of(page.select_one("#history-events"))


def test_a_token_of_another_user_cannot_be_revoked_through_this_one(as_user):
    head = find_user(HEAD)
    create_api_token(find_user(ADMIN), "admin's")
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == find_user(ADMIN).id))
    assert as_user(ADMIN).post(f"/admin/users/{head.id}/tokens/{stored.id}/revoke").status_code == 404


PASSWORD = "demo-password-for-tests"


def sign_in_from(app, address: str, password: str = "wrong", email: str = HEAD):
    return app.test_client().post(
        "/sign-in", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def account_cell(page, email: str) -> str:
    row = next(row for row in page.select("#users tbody tr") if email in text_of(row))
    return text_of(row.select("td")[3])


def test_failed_sign_ins_show_as_slowed_and_the_administrator_clears_the_waits(app, as_user, monkeypatch):
    monkeypatch.setitem(app.config, "SECURITY_MAX_FAILED_SIGN_INS", 3)
    head = find_user(HEAD)
    admin = as_user(ADMIN)
    for _ in range(2):
        sign_in_from(app, "198.51.100.7")
    sign_in_from(app, "198.51.100.8")
    page = soup_of(admin.get("/admin/users"))
    assert account_cell(page, HEAD) == "Active", "below the limit from every address: nobody is slowed yet"
    sign_in_from(app, "198.51.100.7")
    assert sign_in_from(app, "198.51.100.7", PASSWORD).status_code == 200, "the address must wait"

    page = soup_of(admin.get("/admin/users"))
    assert account_cell(page, HEAD) == f"Signing in slowed after 5 failed attempts Clear the waits for {HEAD}"
    assert [text_of(button) for button in page.select("#users button")] == [f"Clear the waits for {HEAD}"]
    user_page = soup_of(admin.get(f"/admin/users/{head.id}"))
    assert summary(user_page)["Status"] == "Signing in slowed after 5 failed attempts"
    assert text_of(user_page.select_one("#clear-sign-in-waits")) == "Clear the sign-in waits"

    response = admin.post(f"/admin/users/{head.id}/unlock")
    assert response.headers["Location"] == f"/admin/users/{head.id}"
    user_page = soup_of(admin.get(response.headers["Location"]))
    assert "Sign-in waits cleared" in text_of(user_page.select_one(".govuk-notification-banner"))
    assert summary(user_page)["Status"] == "Active"
    assert user_page.select_one("#clear-sign-in-waits") is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_id == head.id, AuditEvent.verb == "unlock"))
    assert event.summary == f"Cleared the sign-in waits on {HEAD} after 5 failed sign-ins"
    assert event.actor_id == find_user(ADMIN).id
    assert sign_in_from(app, "198.51.100.7", PASSWORD).status_code == 302, "the address may try again at once"


def test_nobody_is_shown_as_locked_any_more(app, as_user):
    """Failed sign-ins slow an address; they never lock an account, so no page may say one is locked, even for an
    account an earlier version marked locked (sign-in no longer reads that mark)."""
    head = find_user(HEAD)
    head.locked_until_at = utcnow() + timedelta(days=365)
    db.session.commit()
    for path in ("/admin/users", f"/admin/users/{head.id}"):
        assert "Locked" not in text_of(soup_of(as_user(ADMIN).get(path)).select_one("main"))
