"""A leaver's open work shows on "needs a new owner" for the head of PDU and director, who reassign several items at
once: exactly those chosen move, each with an audit event, and the new owner is emailed."""

from sqlalchemy import select

from tests.conftest import ADMIN, DIRECTOR, HEAD, OWNER, VIEWER, soup_of, text_of
from tracker.actions.models import Action
from tracker.admin import leavers
from tracker.audit.models import AuditEvent
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.mail.models import OutboxMessage
from tracker.recommendations.status import COMPLETE


def leave(email=OWNER):
    leaver = find_user(email)
    leavers.deactivate(find_user(ADMIN), leaver)
    return leaver


def open_actions(user) -> list[Action]:
    return list(
        db.session.scalars(
            select(Action).where(Action.owner_id == user.id, Action.status != COMPLETE).order_by(Action.id)
        )
    )


def test_the_head_of_pdu_sees_the_leavers_open_work_at_home_and_on_the_list(as_user):
    leaver = leave()
    client = as_user(HEAD)
    home = soup_of(client.get("/"))
    assert "need a new owner" in text_of(home.select_one("#needs-a-new-owner"))
    page = soup_of(client.get("/needs-a-new-owner"))
    assert len(page.select("#unowned-work tbody tr")) == len(open_actions(leaver))
    assert {text_of(td) for td in page.select("#unowned-work tbody td:nth-child(2)")} == {leaver.name}


def test_a_viewer_has_nothing_to_reassign(as_user):
    leave()
    page = soup_of(as_user(VIEWER).get("/needs-a-new-owner"))
    assert text_of(page.select_one("#nothing-unowned")) == "No work you look after needs a new owner."
    assert as_user(VIEWER).get("/").status_code == 200


def test_reassign_moves_exactly_the_chosen_items_audits_each_and_emails_the_new_owner(as_user):
    leaver = leave()
    actions = open_actions(leaver)
    assert len(actions) >= 3
    chosen, left = actions[:2], actions[2:]
    head = find_user(HEAD)
    response = as_user(DIRECTOR).post(
        "/needs-a-new-owner", data={"items": [f"action:{a.id}" for a in chosen], "new_owner_id": str(head.id)}
    )
    assert response.headers["Location"] == "/needs-a-new-owner"
    db.session.expire_all()
    assert [db.session.get(Action, a.id).owner_id for a in chosen] == [head.id, head.id]
    assert all(db.session.get(Action, a.id).owner_id == leaver.id for a in left)
    events = list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "reassign").order_by(AuditEvent.entity_id))
    )
    assert [(e.entity_id, e.before, e.after) for e in events] == [
        (a.id, {"owner_id": leaver.id}, {"owner_id": head.id}) for a in chosen
    ]
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reassigned"))
    assert message.recipient_id == head.id and message.subject == "2 items of work reassigned to you"
    assert all(f"/actions/{a.id}" in message.body_text for a in chosen)


def test_nothing_chosen_or_no_owner_is_explained_and_moves_nothing(as_user):
    leaver = leave()
    page = soup_of(as_user(HEAD).post("/needs-a-new-owner", data={"new_owner_id": ""}))
    errors = [text_of(a) for a in page.select(".govuk-error-summary__list a")]
    assert errors == ["Select the work to reassign", "Select the new owner"]
    assert len(open_actions(leaver)) >= 3


def test_work_not_on_the_list_cannot_be_reassigned(as_user):
    leave()
    someone_elses = db.session.scalar(select(Action).where(Action.owner_id == find_user(HEAD).id))
    page = soup_of(
        as_user(HEAD).post(
            "/needs-a-new-owner",
            data={
                "items": [f"action:{someone_elses.id}"] if someone_elses else ["action:999999"],
                "new_owner_id": str(find_user(HEAD).id),
            },
        )
    )
    assert page.select_one(".govuk-error-summary") is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "reassign")) is None
