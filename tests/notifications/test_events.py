"""Event notifications, delivered to a real SMTP server: each kind reaches the right person with what they need,
several within the window make one message, nobody hears of their own change, those who chose it find them in
their daily message, and each is told once."""

from datetime import timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import DIRECTOR, HEAD, OWNER
from tests.notifications.conftest import SCENARIO_DAY, run_day
from tracker.actions import services as actions
from tracker.assurance import services as assurance
from tracker.auth.models import EVENTS_WITH_REMINDERS
from tracker.auth.services import find_user
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.mail.models import EVENTS, OutboxMessage
from tracker.notifications import services
from tracker.recommendations.models import Recommendation
from tracker.work_events.models import NotificationEvent

AFTER_WINDOW = timedelta(minutes=11)


def rec(number: int) -> Recommendation:
    return db.session.scalar(select(Recommendation).where(Recommendation.number == number).order_by(Recommendation.id))


def deliver_events(after: timedelta = AFTER_WINDOW) -> None:
    """The scheduler's pass `after` the change: gather what is due, then deliver."""
    services.queue_events(now=utcnow() + after)
    services.send_outbox()


def html_text(received) -> str:
    """The HTML part as a reader sees it."""
    return " ".join(BeautifulSoup(received.html, "lxml").get_text(" ").split()).replace(" .", ".")


def event_mail(smtp, address: str):
    """The event messages to this address (not the daily reminders)."""
    return [r for r in smtp.to(address) if "This has happened in the last few minutes" in r.text]


def assign_new_action(actor_email: str, owner_email: str, description: str = "Audit every case allocated in May"):
    return actions.create_action(
        find_user(actor_email), rec(3), description, find_user(owner_email).id, SCENARIO_DAY + timedelta(days=40)
    )


def test_an_action_assigned_to_you_says_what_whose_and_where(app, smtp):
    action = assign_new_action(HEAD, OWNER)
    deliver_events(timedelta(minutes=5))
    assert smtp.to(OWNER) == []  # the window is still open

    deliver_events()
    [received] = smtp.to(OWNER)
    assert received.subject == "Barking, Dagenham and Havering PDU: 1 action assigned to you"
    head = find_user(HEAD).name
    for part in (received.text, html_text(received)):
        assert "Audit every case allocated in May" in part
        assert "Recommendation 3 to Barking, Dagenham and Havering" in part
        assert f"{head} made you the owner of this action" in part
    assert f"Open the action: http://tracker.test/actions/{action.id}" in received.text
    assert f'href="http://tracker.test/actions/{action.id}"' in received.html
    assert rec(3).text.split()[0] in received.text
    assert "Open the action:" in received.text
    assert f"action {action.id}" not in received.text.lower()
    assert received.message["List-Unsubscribe"] == "<http://tracker.test/account/notifications>"
    deliver_events(timedelta(hours=2))
    assert len(smtp.to(OWNER)) == 1


def test_submitted_for_review_reaches_the_reviewer_not_the_submitter(app, smtp):
    assurance.submit_recommendation(find_user(HEAD), rec(7))
    deliver_events()
    [received] = smtp.to(DIRECTOR)
    assert received.subject == "London region: 1 recommendation submitted for your review"
    assert f"{find_user(HEAD).name} submitted it for assurance." in received.text
    assert f"Review it: http://tracker.test/recommendations/{rec(7).id}/review" in received.text
    assert "Recommendation 7 to Barking, Dagenham and Havering" in html_text(received)
    assert event_mail(smtp, HEAD) == []


def test_rejection_and_return_in_one_window_make_one_message_with_the_comment_and_reasons(app, smtp):
    recommendation = rec(7)
    assurance.submit_recommendation(find_user(HEAD), recommendation)
    first, second = recommendation.evidence
    director = find_user(DIRECTOR)
    assurance.decide_evidence(director, recommendation, first, "rejected", "The register has no dates.")
    assurance.decide_evidence(director, recommendation, second, "rejected", "This is a draft, not the final plan.")
    assurance.return_recommendation(director, recommendation, "Two evidence items need replacing.")
    recorded = db.session.scalars(select(NotificationEvent)).all()
    assert recorded and all(event.recipient_id != event.actor_id for event in recorded)

    deliver_events()
    head = find_user(HEAD)
    heads_items = [
        item for item in (first, second) if head in (item.uploaded_by, item.action.owner if item.action else None)
    ]
    assert heads_items, "the scenario needs evidence of the head's"
    [received] = event_mail(smtp, HEAD)
    assert received.subject == (
        "Barking, Dagenham and Havering PDU: 1 recommendation returned to you, "
        + ("1 evidence item" if len(heads_items) == 1 else "2 evidence items")
        + " rejected"
    )
    assert "Reasons: Two evidence items need replacing." in received.text
    assert "Two evidence items need replacing." in html_text(received)
    for item in heads_items:
        assert f'Evidence: "{item.title}"' in received.text
    assert "rejected it: " in received.text
    assert event_mail(smtp, DIRECTOR) == [r for r in smtp.to(DIRECTOR) if "submitted for your review" in r.subject]
    # one message each, and every event told by it
    assert db.session.scalar(select(NotificationEvent).where(NotificationEvent.message_key.is_(None))) is None


def test_assured_tells_the_submitter(app, smtp):
    recommendation = rec(7)
    assurance.submit_recommendation(find_user(HEAD), recommendation)
    director = find_user(DIRECTOR)
    for item in recommendation.evidence:
        assurance.decide_evidence(director, recommendation, item, "accepted", "")
    assurance.assure_recommendation(director, recommendation, "Well evidenced.")
    deliver_events()
    [received] = event_mail(smtp, HEAD)
    assert received.subject == "Barking, Dagenham and Havering PDU: 1 recommendation assured"
    assert f"{director.name} assured it. Comment: Well evidenced." in received.text
    assert "Comment: Well evidenced." in html_text(received)


def test_your_own_change_is_not_notified(app, smtp):
    head = find_user(HEAD)
    actions.create_action(head, rec(3), "Chair the May performance board", head.id, SCENARIO_DAY + timedelta(days=40))
    deliver_events()
    assert db.session.scalars(select(NotificationEvent)).all() == []
    assert smtp.received == []


def test_giving_an_action_to_someone_else_tells_them_once(app, smtp):
    head = find_user(HEAD)
    action = actions.create_action(
        head, rec(3), "Chair the May performance board", head.id, SCENARIO_DAY + timedelta(days=40)
    )
    actions.edit_action(head, action, action.description, find_user(OWNER).id)
    actions.edit_action(head, action, "Chair the May and June performance boards", find_user(OWNER).id)
    deliver_events()
    [received] = smtp.to(OWNER)
    assert received.subject == "Barking, Dagenham and Havering PDU: 1 action assigned to you"


def test_several_events_for_one_person_make_one_message_with_plurals(app, smtp):
    assign_new_action(HEAD, OWNER, "Audit every case allocated in May")
    assign_new_action(HEAD, OWNER, "Audit every case allocated in June")
    deliver_events()
    [received] = smtp.to(OWNER)
    assert received.subject == "Barking, Dagenham and Havering PDU: 2 actions assigned to you"
    assert "allocated in May" in received.text and "allocated in June" in received.text
    assert received.text.count("Open the action:") == 2


def test_events_after_the_window_go_in_the_next_message(app, smtp):
    assign_new_action(HEAD, OWNER, "Audit every case allocated in May")
    deliver_events()
    assign_new_action(HEAD, OWNER, "Audit every case allocated in June")
    deliver_events()
    subjects = [r.subject for r in smtp.to(OWNER)]
    assert subjects == ["Barking, Dagenham and Havering PDU: 1 action assigned to you"] * 2
    assert len(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == EVENTS)).all()) == 2


def test_folded_into_the_daily_message_for_those_who_chose_it(app, smtp):
    owner = find_user(OWNER)
    services.set_reminder_preference(owner, owner.reminder_preference, EVENTS_WITH_REMINDERS)
    assign_new_action(HEAD, OWNER, "Audit every case allocated in May")
    deliver_events(timedelta(hours=3))
    assert smtp.to(OWNER) == []

    friday = SCENARIO_DAY + timedelta(days=1)
    run_day(app, friday)
    run_day(app, friday)
    [received] = smtp.to(OWNER)
    assert "1 action assigned to you" in received.subject
    assert "ASSIGNED TO YOU" in received.text
    assert "Audit every case allocated in May" in received.text
    assert "Assigned to you" in html_text(received)
    run_day(app, friday + timedelta(days=3))
    assert sum("allocated in May" in r.text and "ASSIGNED TO YOU" in r.text for r in smtp.to(OWNER)) == 1


def test_leavers_and_inactive_people_are_not_told(app, smtp):
    owner = find_user(OWNER)
    owner.is_active = False
    db.session.commit()
    assign_new_action(HEAD, OWNER)
    deliver_events()
    assert smtp.to(OWNER) == []


def test_settings_page_saves_the_event_choice(app, as_user):
    client = as_user(OWNER)
    page = client.get("/account/notifications")
    assert "How do you want to hear when something happens to your work?" in page.get_data(as_text=True)
    client.post("/account/notifications", data={"preference": "weekly", "events": EVENTS_WITH_REMINDERS})
    db.session.expire_all()
    owner = find_user(OWNER)
    assert (owner.reminder_preference, owner.event_preference) == ("weekly", EVENTS_WITH_REMINDERS)


def test_folded_into_the_weekly_message_waits_for_the_week(app, smtp):
    owner = find_user(OWNER)
    services.set_reminder_preference(owner, "weekly", EVENTS_WITH_REMINDERS)
    assign_new_action(HEAD, OWNER, "Audit every case allocated in May")
    friday, monday = SCENARIO_DAY + timedelta(days=1), SCENARIO_DAY + timedelta(days=4)
    run_day(app, friday)
    assert smtp.to(OWNER) == []
    run_day(app, monday)
    [received] = smtp.to(OWNER)
    # the subject gives the week's one most important count (actions overdue); the body tells the event
    assert received.subject.startswith("Barking, Dagenham and Havering PDU weekly summary: ")
    assert "ASSIGNED TO YOU" in received.text and "Audit every case allocated in May" in received.text


def told_by_another_message(event: NotificationEvent, key: str) -> None:
    event.message_key = key
    db.session.commit()


def test_an_event_told_by_another_message_meanwhile_is_not_told_again(app, smtp):
    from tracker.mail import outbox
    from tracker.notifications import events

    assign_new_action(HEAD, OWNER, "Audit every case allocated in May")
    planned = events.plan_due(utcnow() + AFTER_WINDOW)
    [event] = db.session.scalars(select(NotificationEvent)).all()
    # the owner switched to hearing of events in their daily message, and that message told it first
    told_by_another_message(event, "reminders:user:elsewhere")
    assert outbox.enqueue(planned) == []
    db.session.commit()
    assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == EVENTS)).all() == []
    assert db.session.get(NotificationEvent, event.id).message_key == "reminders:user:elsewhere"
    deliver_events()
    assert event_mail(smtp, OWNER) == []


def test_a_daily_message_that_lost_an_event_meanwhile_is_planned_again_without_it(app, smtp, monkeypatch):
    from tracker.notifications import services as notification_services

    owner = find_user(OWNER)
    services.set_reminder_preference(owner, owner.reminder_preference, EVENTS_WITH_REMINDERS)
    assign_new_action(HEAD, OWNER, "Audit every case allocated in May")
    assign_new_action(HEAD, OWNER, "Audit every case allocated in June")
    plan_day = notification_services.PLANNERS["reminders"]
    calls = []

    def plan_then_race(as_of):
        planned = plan_day(as_of)
        if not calls:  # between planning and queueing, an events message tells of the assignment
            may = db.session.scalars(select(NotificationEvent).order_by(NotificationEvent.id)).first()
            may.message_key = "events:user:elsewhere"
            db.session.flush()
        calls.append(as_of)
        return planned

    monkeypatch.setitem(notification_services.PLANNERS, "reminders", plan_then_race)
    run_day(app, SCENARIO_DAY + timedelta(days=1))
    assert len(calls) == 2
    [received] = smtp.to(OWNER)
    assert "allocated in June" in received.text and "allocated in May" not in received.text


def test_a_review_decided_before_its_notice_goes_is_not_notified(app, smtp):
    recommendation = rec(7)
    assurance.submit_recommendation(find_user(HEAD), recommendation)
    director = find_user(DIRECTOR)
    for item in recommendation.evidence:
        assurance.decide_evidence(director, recommendation, item, "accepted", "")
    assurance.assure_recommendation(director, recommendation, "Well evidenced.")  # within the window
    deliver_events()
    assert event_mail(smtp, DIRECTOR) == []
    assured = "Barking, Dagenham and Havering PDU: 1 recommendation assured"
    assert [r.subject for r in event_mail(smtp, HEAD)] == [assured]
    queued = db.session.scalars(select(OutboxMessage.subject).where(OutboxMessage.kind == EVENTS)).all()
    assert queued == [assured]
    # dropped, not left waiting to be told later
    [notice] = db.session.scalars(select(NotificationEvent).where(NotificationEvent.kind == "submitted")).all()
    assert notice.message_key == "overtaken"
    deliver_events(timedelta(hours=3))
    assert event_mail(smtp, DIRECTOR) == []


def test_a_submission_withdrawn_then_made_again_is_notified_once_for_the_open_round(app, smtp):
    head = find_user(HEAD)
    assurance.submit_recommendation(head, rec(7))
    assurance.withdraw_submission(head, rec(7))
    assurance.submit_recommendation(head, rec(7), covering_note="The plan now has its sign-off page.")
    deliver_events()
    [received] = event_mail(smtp, DIRECTOR)
    assert received.subject == "London region: 1 recommendation submitted for your review"
    assert received.text.count("submitted it for assurance.") == 1
    assert "Covering note: The plan now has its sign-off page." in received.text
    assert "Covering note: The plan now has its sign-off page." in html_text(received)
    assert db.session.scalar(select(NotificationEvent).where(NotificationEvent.message_key.is_(None))) is None


def test_a_notice_folded_into_the_daily_message_is_left_out_once_the_review_is_over(app, smtp):
    director = find_user(DIRECTOR)
    services.set_reminder_preference(director, director.reminder_preference, EVENTS_WITH_REMINDERS)
    head = find_user(HEAD)
    assurance.submit_recommendation(head, rec(7))
    assurance.withdraw_submission(head, rec(7))
    run_day(app, SCENARIO_DAY + timedelta(days=1))
    assert not any("SUBMITTED FOR YOUR REVIEW" in r.text for r in smtp.to(DIRECTOR))
    assert not any("submitted for your review" in r.subject for r in smtp.to(DIRECTOR))
