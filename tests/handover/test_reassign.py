"""A leaver's open work shows on "needs a new owner" for the head of PDU and director, who reassign several items at
once, or all of it with Reassign all: exactly those chosen move, each with an audit event, the new owner is emailed,
and the notifications about the work still waiting for the leaver go to the new owner instead (audited)."""

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import ADMIN, DIRECTOR, HEAD, OWNER, VIEWER, soup_of, text_of
from tracker.actions.models import Action
from tracker.admin import leavers
from tracker.audit.models import AuditEvent
from tracker.auth.services import find_user
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.mail.models import EVENTS, OutboxMessage
from tracker.notifications import services as notifications
from tracker.recommendations.models import Recommendation
from tracker.recommendations.status import COMPLETE
from tracker.work_events import services as work_events
from tracker.work_events.models import ASSIGNED, RETURNED_TO_YOU, NotificationEvent


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


def waiting_for(user, kind=ASSIGNED, actor_email=DIRECTOR, action=None) -> NotificationEvent:
    """An event about `action` not yet told to `user`, as the change made by `actor_email` recorded it."""
    work_events.record(kind, [user], find_user(actor_email), action.recommendation, action=action)
    db.session.flush()
    return db.session.scalar(select(NotificationEvent).order_by(NotificationEvent.id.desc()))


def banner(page) -> str:
    return text_of(page.select_one(".govuk-notification-banner"))


def test_the_page_offers_reassign_all_as_a_button_of_the_form(as_user):
    leave()
    page = soup_of(as_user(DIRECTOR).get("/needs-a-new-owner"))
    form = page.select_one("#main-content form[method=post]")
    buttons = {text_of(b): b.get("name") for b in form.select("button")}
    assert buttons == {"Reassign": "submit", "Reassign all": "reassign_all"}


def test_reassign_all_moves_every_listed_item_without_ticking_any(as_user):
    leaver = leave()
    actions = open_actions(leaver)
    head = find_user(HEAD)
    client = as_user(DIRECTOR)
    # nothing ticked: the button the person presses is all the form says
    button = soup_of(client.get(f"/needs-a-new-owner?leaver={leaver.id}")).select_one("button[name=reassign_all]")
    response = client.post(
        f"/needs-a-new-owner?leaver={leaver.id}",
        data={"new_owner_id": str(head.id), button["name"]: button["value"]},
        follow_redirects=True,
    )
    page = soup_of(response)
    assert banner(page) == f"Success {len(actions)} items reassigned. The new owner has been emailed."
    assert text_of(page.select_one("#nothing-unowned")) == "None of the work this person left needs a new owner now."
    db.session.expire_all()
    assert open_actions(leaver) == []
    assert {db.session.get(Action, a.id).owner_id for a in actions} == {head.id}
    moves = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "reassign")).all()
    assert sorted(e.entity_id for e in moves) == sorted(a.id for a in actions)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reassigned"))
    assert message.subject == f"{len(actions)} items of work reassigned to you"


def test_reassign_all_without_a_new_owner_is_explained_and_moves_nothing(as_user):
    leaver = leave()
    before = open_actions(leaver)
    page = soup_of(as_user(DIRECTOR).post("/needs-a-new-owner", data={"new_owner_id": "", "reassign_all": "y"}))
    assert [text_of(a) for a in page.select(".govuk-error-summary__list a")] == ["Select the new owner"]
    db.session.expire_all()
    assert open_actions(leaver) == before


def test_notifications_waiting_for_the_leaver_go_to_the_new_owner_with_the_work(as_user):
    owner, head = find_user(OWNER), find_user(HEAD)
    moved, kept = open_actions(owner)[:2]
    passed = waiting_for(owner, action=moved)
    not_handed_over = waiting_for(owner, action=kept)
    # the new owner's own change: nobody is told of what they did themselves
    their_own = waiting_for(owner, action=moved, actor_email=HEAD)
    leave()

    response = as_user(DIRECTOR).post(
        "/needs-a-new-owner",
        data={"items": [f"action:{moved.id}"], "new_owner_id": str(head.id)},
        follow_redirects=True,
    )
    assert banner(soup_of(response)) == (
        f"Success 1 item reassigned. The new owner has been emailed. 1 notification about it that had not yet "
        f"reached {owner.name} will go to the new owner instead."
    )
    db.session.expire_all()
    assert db.session.get(NotificationEvent, passed.id).recipient_id == head.id
    assert db.session.get(NotificationEvent, not_handed_over.id).recipient_id == owner.id
    assert db.session.get(NotificationEvent, their_own.id).recipient_id == owner.id
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "pass_notifications"))
    assert (audit.entity_type, audit.entity_id, audit.actor_id) == ("user", owner.id, find_user(DIRECTOR).id)
    assert audit.before["recipient_id"] == owner.id and audit.after == {
        "recipient_id": head.id,
        "notification_event_ids": [passed.id],
    }
    history = soup_of(as_user(ADMIN).get(f"/admin/users/{owner.id}")).select_one("#history-events")
    assert f"Passed 1 notification waiting for {owner.name} to {head.name}" in text_of(history)

    queued = notifications.queue_events(now=utcnow() + timedelta(minutes=11))
    [told] = [m for m in queued if m.kind == EVENTS]
    assert told.recipient.email == HEAD
    assert told.subject == "Barking, Dagenham and Havering PDU: 1 action assigned to you"
    assert f"/actions/{moved.id}" in told.body_text and moved.description in told.body_text


def test_a_leads_notifications_follow_the_recommendation_and_their_actions_follow_the_action(as_user):
    head, owner = find_user(HEAD), find_user(OWNER)
    recommendation = db.session.scalar(
        select(Recommendation).where(Recommendation.lead_id == head.id).order_by(Recommendation.id)
    )
    action = next(a for a in recommendation.actions if a.status != COMPLETE)
    action.owner_id = head.id
    director = find_user(DIRECTOR)
    work_events.record(RETURNED_TO_YOU, [head], director, recommendation, comment="Evidence of the audit is missing")
    work_events.record(ASSIGNED, [head], director, recommendation, action=action)
    db.session.flush()
    returned, assigned = db.session.scalars(
        select(NotificationEvent).where(NotificationEvent.recipient_id == head.id).order_by(NotificationEvent.id)
    ).all()[-2:]
    leave(HEAD)

    as_user(DIRECTOR).post(
        "/needs-a-new-owner",
        data={"items": [f"recommendation:{recommendation.id}"], "new_owner_id": str(owner.id)},
    )
    db.session.expire_all()
    assert db.session.get(Recommendation, recommendation.id).lead_id == owner.id
    assert db.session.get(NotificationEvent, returned.id).recipient_id == owner.id
    # still about an action the leaver owns: it goes with that action when it is handed over
    assert db.session.get(NotificationEvent, assigned.id).recipient_id == head.id
    as_user(DIRECTOR).post("/needs-a-new-owner", data={"items": [f"action:{action.id}"], "new_owner_id": str(owner.id)})
    db.session.expire_all()
    assert db.session.get(NotificationEvent, assigned.id).recipient_id == owner.id
    passes = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "pass_notifications")).all()
    assert [event.after["notification_event_ids"] for event in passes] == [[returned.id], [assigned.id]]
