"""Movers: once an administrator removes someone's role at a PDU, or moves the PDU out of the region where they
hold theirs, the work they may no longer see needs a new owner at once (audited), their home shows nothing of it,
and no message about it is queued or sent to them, whatever its kind."""

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, DIRECTOR, HEAD, OWNER, soup_of, text_of
from tracker.actions.models import Action
from tracker.audit.models import AuditEvent
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.handover.services import save_organisation_handing_over
from tracker.mail import outbox
from tracker.mail.content import PlannedMessage, Recipient
from tracker.mail.models import FAILED, KIND_LABELS, SENT, OutboxMessage
from tracker.organisations import services as organisations
from tracker.organisations.services import find_pdu, find_region
from tracker.recommendations.status import COMPLETE
from tracker.work_events.models import NotificationEvent


def open_actions(user) -> list[Action]:
    return list(
        db.session.scalars(
            select(Action).where(Action.owner_id == user.id, Action.status != COMPLETE).order_by(Action.id)
        )
    )


def remove_every_role(as_user, email=OWNER):
    mover = find_user(email)
    admin = as_user(ADMIN)
    for assignment in list(mover.roles):
        response = admin.post(f"/admin/users/{mover.id}/roles/{assignment.id}/remove", follow_redirects=True)
    db.session.expire_all()
    return mover, response


def test_removing_their_role_hands_their_open_work_to_needs_a_new_owner_at_once(as_user):
    mover = find_user(OWNER)
    actions = open_actions(mover)
    assert actions
    mover, response = remove_every_role(as_user)
    assert f"{len(actions)} items of their work there now need a new owner" in text_of(soup_of(response))
    handed = list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.verb == "needs_new_owner").order_by(AuditEvent.entity_id)
        )
    )
    assert [(e.entity_type, e.entity_id, e.before) for e in handed] == [
        ("action", a.id, {"owner_id": mover.id}) for a in actions
    ]
    assert all(e.recommendation_id == a.recommendation_id for e, a in zip(handed, actions, strict=True))

    head = as_user(HEAD)
    assert "need a new owner" in text_of(soup_of(head.get("/")).select_one("#needs-a-new-owner"))
    page = soup_of(head.get("/needs-a-new-owner"))
    rows = page.select("#unowned-work tbody tr")
    assert len(rows) == len(actions)
    assert {text_of(td) for td in page.select("#unowned-work tbody td:nth-child(2)")} == {f"{mover.name} (moved)"}


def test_a_new_owner_can_then_be_given_and_the_move_is_audited(as_user):
    mover = find_user(OWNER)
    action = open_actions(mover)[0]
    remove_every_role(as_user)
    head = find_user(HEAD)
    as_user(HEAD).post("/needs-a-new-owner", data={"items": [f"action:{action.id}"], "new_owner_id": str(head.id)})
    db.session.expire_all()
    assert db.session.get(Action, action.id).owner_id == head.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "reassign"))
    assert event.summary == f"Reassigned action “{action.description}” from {mover.name} (moved) to {head.name}"


def test_their_home_shows_nothing_from_the_pdu_they_left(as_user):
    descriptions = [a.description for a in open_actions(find_user(OWNER))]
    remove_every_role(as_user)
    main = text_of(soup_of(as_user(OWNER).get("/")).select_one("main"))
    assert "You do not have a role yet" in main
    assert not [d for d in descriptions if d in main]


def test_run_jobs_mails_them_nothing_about_work_they_may_no_longer_see(app, as_user):
    mover = find_user(OWNER)
    runner = app.test_cli_runner()
    planned_before = runner.invoke(args=["tracker", "run-jobs", "--as-of", "2026-11-26", "--dry-run"]).output
    assert mover.email in planned_before  # without the move, they would be reminded
    remove_every_role(as_user)
    result = runner.invoke(args=["tracker", "run-jobs", "--as-of", "2026-11-26"])
    assert result.exit_code == 0, result.output
    sent = list(db.session.scalars(select(OutboxMessage)))
    assert sent and mover.email not in {m.to_address for m in sent}  # the others still hear of their work
    assert all(m.status == SENT for m in sent)


def planned(kind: str, user, action=None, recommendation=None, event=None) -> PlannedMessage:
    return PlannedMessage(
        key=f"{kind}:test:{user.id}",
        kind=kind,
        recipient=Recipient(user.id, user.email, user.name),
        subject="About your work",
        body_text="text",
        body_html="<p>html</p>",
        action_ids=(action.id,) if action else (),
        recommendation_ids=(recommendation.id,) if recommendation else (),
        event_ids=(event.id,) if event else (),
    )


def an_event(user, action) -> NotificationEvent:
    event = NotificationEvent(
        kind="assigned", recipient_id=user.id, recommendation_id=action.recommendation_id, action_id=action.id
    )
    db.session.add(event)
    db.session.flush()
    return event


@pytest.mark.parametrize("kind", sorted(KIND_LABELS))
@pytest.mark.parametrize("mention", ["action", "recommendation", "event"])
def test_no_message_of_any_kind_is_queued_about_what_its_recipient_may_not_see(as_user, kind, mention):
    mover = find_user(OWNER)
    action = open_actions(mover)[0]
    remove_every_role(as_user)
    about = {
        "action": {"action": action},
        "recommendation": {"recommendation": action.recommendation},
        "event": {"event": an_event(mover, action)},
    }[mention]
    assert outbox.enqueue([planned(kind, mover, **about)]) == []
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_id == mover.id)) is None
    # the same message to someone who may see it is queued, recording what it mentions
    head = find_user(HEAD)
    assert len(outbox.enqueue([planned(kind, head, **about)])) == 1
    queued = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_id == head.id))
    assert queued.recommendation_ids == [action.recommendation_id]


@pytest.mark.parametrize("kind", sorted(KIND_LABELS))
def test_a_queued_message_is_not_sent_once_its_recipient_may_no_longer_see_it(as_user, kind):
    mover = find_user(OWNER)
    action = open_actions(mover)[0]
    outbox.enqueue([planned(kind, mover, action=action)])
    db.session.commit()
    remove_every_role(as_user)
    outbox.deliver_all()
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_id == mover.id))
    assert message.status == FAILED and message.sent_at is None
    assert (
        message.last_error == f"Not sent: the recipient may no longer see recommendation(s) {action.recommendation_id}"
    )


def test_moving_a_pdu_to_another_region_hands_over_what_its_old_director_owned(as_user):
    director = find_user(DIRECTOR)
    action = open_actions(find_user(OWNER))[0]
    action.owner_id = director.id
    db.session.commit()
    pdu = find_pdu("Barking, Dagenham and Havering")
    elsewhere = next(r for r in organisations.regions() if r.id != pdu.parent_id)
    save_organisation_handing_over(find_user(ADMIN), pdu, pdu.kind, pdu.name, elsewhere.id, True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "needs_new_owner"))
    assert (event.entity_id, event.before) == (action.id, {"owner_id": director.id})
    page = soup_of(as_user(ADMIN).get("/needs-a-new-owner"))
    assert f"{director.name} (moved)" in {text_of(td) for td in page.select("#unowned-work tbody td:nth-child(2)")}
    assert find_region("London") is not None
