"""The one message a day for the Barking demo at chosen dates, sent through a real SMTP server in the test
process: who gets what, each action once, under its most urgent heading."""

from datetime import timedelta

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from tests.conftest import ADMIN, DIRECTOR, HEAD, HMPPS, OWNER, VIEWER
from tests.notifications.conftest import SCENARIO_DAY, run_day, set_preference
from tracker.actions.models import Action
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.jobs.models import SKIPPED, JobRun
from tracker.mail.content import shorten
from tracker.mail.models import OutboxMessage
from tracker.recommendations.models import Recommendation

FRIDAY = SCENARIO_DAY + timedelta(days=1)
SATURDAY = SCENARIO_DAY + timedelta(days=2)
MONDAY = SCENARIO_DAY + timedelta(days=4)
CHRISTMAS = SCENARIO_DAY.replace(month=12, day=25)


def action_id(description_start: str) -> int:
    return db.session.scalar(select(Action.id).where(Action.description.startswith(description_start)))


def only_one(smtp, address):
    messages = smtp.to(address)
    assert len(messages) == 1, [m.subject for m in messages]
    return messages[0]


def run_days(app, first, count):
    for n in range(count):
        run_day(app, first + timedelta(days=n))


def test_thursday_due_soon_due_today_and_quiet_actions(app, smtp):
    run_day(app, SCENARIO_DAY)

    assert sorted(r.to[0] for r in smtp.received) == sorted([OWNER, DIRECTOR, HEAD])
    owner = only_one(smtp, OWNER)
    assert owner.subject == "Barking, Dagenham and Havering PDU: 1 action due in 3 days"
    assert owner.mail_from == "tracker@example.org"
    assert "Dear Taylor Okafor" in owner.text
    assert "Set a countersigning standard" in owner.text
    assert f"http://tracker.test/actions/{action_id('Set a countersigning')}" in owner.text

    director = only_one(smtp, DIRECTOR)
    # the subject names the region and its one most important count; the body lists the rest
    assert director.subject == "London region: 1 action due today"
    assert "Return quality and performance team staff" in director.text  # due today
    assert "targeted recruitment campaign" in director.text  # due in 14 days
    assert "Review MAPPA arrangements" in director.text  # no update for 30 days

    head = only_one(smtp, HEAD)
    assert head.subject == "Barking, Dagenham and Havering PDU: 1 action to check on recommendations you lead"
    assert "domestic abuse call-out process" in head.text
    assert "Last progress update: 27 October 2026 (30 days ago)" in head.text
    for nobody in (HMPPS, ADMIN, VIEWER):
        assert smtp.to(nobody) == []


def test_each_item_names_the_recommendation_its_addressee_and_what_to_do(app, smtp):
    run_day(app, SCENARIO_DAY)

    director = only_one(smtp, DIRECTOR).text
    assert "Recommendation 11 to London region. Owner: Priya Shah. Target date 26 November 2026: due today." in director
    assert "Open each link to post a progress update" in director
    assert "Choose how often you get these emails: http://tracker.test/account/notifications" in director
    assert "to action " not in director and "1 actions" not in director


def test_long_recommendations_are_shortened_at_a_word():
    words = "make sure every case has a timely, well-informed and analytical assessment " * 3
    short = shorten(words)
    assert len(short) <= 141 and short.endswith("…") and words.startswith(short[:-1])
    assert not short[:-1].endswith((" ", ","))
    assert shorten("deliver the plan.") == "deliver the plan."


def test_overdue_repeats_on_the_weekly_day_not_on_the_actions_anniversary(app, smtp):
    """Cap PQiP is 36 days overdue on Friday: under the old cycle it came that day; now on Monday."""
    run_day(app, FRIDAY)
    assert smtp.to(OWNER) == []
    assert only_one(smtp, DIRECTOR).subject == "London region: 1 action overdue"  # its first day overdue
    assert not [r for r in smtp.received if "Cap PQiP" in r.text]
    smtp.received.clear()

    run_day(app, MONDAY)
    owner = only_one(smtp, OWNER)
    assert owner.subject == "Barking, Dagenham and Havering PDU: 2 actions overdue"
    assert "Cap PQiP learners' caseloads" in owner.text and "overdue by 39 days" in owner.text

    director = only_one(smtp, DIRECTOR)
    escalated = director.text.split("ESCALATED TO YOU (more than 28 days overdue)")[1].split("YOUR ACTIONS")[0]
    assert "Cap PQiP learners' caseloads" in escalated and "Owner: Taylor Okafor" in escalated
    assert "Escalated again: first escalated 1 week ago." in escalated
    assert smtp.to(HMPPS) == []


def test_one_message_a_day_and_no_action_twice_in_a_week(app, smtp):
    run_days(app, SCENARIO_DAY, 11)  # Thursday to the Sunday after next

    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    per_day = [(m.recipient_id, m.key.split(":")[1]) for m in messages]
    assert len(per_day) == len(set(per_day))
    seen = {}
    for message in messages:
        day = SCENARIO_DAY.fromisoformat(message.key.split(":")[1])
        for action in message.action_ids or []:
            week = (message.recipient_id, action, day.isocalendar()[:2])
            assert week not in seen, (message.subject, seen.get(week))
            seen[week] = message.subject
        assert len(message.action_ids or []) == len(set(message.action_ids or []))


def test_an_action_never_escalates_to_its_own_owner(app, smtp):
    """The London director owns an action on a PDU recommendation; escalated, it would go to them."""
    action = db.session.get(Action, action_id("Cap PQiP"))
    action.owner_id = find_user(DIRECTOR).id
    db.session.commit()

    run_day(app, MONDAY)

    director = only_one(smtp, DIRECTOR)
    assert "ESCALATED TO YOU" not in director.text
    actions = director.text.split("LONDON REGION THIS WEEK")[0]  # the region's week lists changes too
    assert actions.count("Cap PQiP learners' caseloads") == 1
    assert "Cap PQiP" in director.text.split("YOUR ACTIONS")[1]


def test_reminders_go_to_the_recommendations_named_lead_not_every_hmpps_lead(app, smtp):
    recommendation = db.session.scalar(select(Recommendation).where(Recommendation.number == 12))
    action = Action(
        recommendation=recommendation,
        description="Publish national guidance on PQiP caseloads",
        target_on=MONDAY - timedelta(days=10),
        original_target_on=MONDAY - timedelta(days=10),
        owner_id=find_user(OWNER).id,
    )
    db.session.add(action)
    db.session.commit()

    run_day(app, MONDAY)

    lead = recommendation.lead.email
    assert "Publish national guidance" in only_one(smtp, lead).text
    others = [r for r in smtp.received if r.to[0] not in (lead, OWNER)]
    assert not [r for r in others if "Publish national guidance" in r.text]


def test_same_day_twice_sends_nothing_new(app, smtp):
    run_day(app, SCENARIO_DAY)
    first = len(smtp.received)
    outcomes = run_day(app, SCENARIO_DAY)

    assert first == 3
    assert len(smtp.received) == first
    assert all(outcome.queued == [] for outcome in outcomes)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 3


def test_weekend_and_bank_holiday_send_nothing(app, smtp):
    from tracker.notifications import services

    assert run_day(app, SATURDAY) == []  # the schedule does not fire at weekends
    services.queue_reminders(SATURDAY)  # and run by hand, the job declines
    run_day(app, CHRISTMAS)

    assert smtp.received == []
    runs = db.session.scalars(select(JobRun).where(JobRun.job == "reminders")).all()
    assert {(run.as_of, run.status) for run in runs} == {(SATURDAY, SKIPPED), (CHRISTMAS, SKIPPED)}


def test_monday_catches_up_on_what_fell_due_at_the_weekend(app, smtp):
    """Rec 5's action is due on Saturday 26 December: its 14-day reminder fell on Saturday the 12th."""
    run_day(app, SCENARIO_DAY + timedelta(days=18))

    owner = only_one(smtp, OWNER)
    assert "Train every senior probation officer" in owner.text
    assert "due in 12 days" in owner.text


def test_weekly_choice_gets_exactly_one_message_a_week_escalations_included(app, smtp):
    set_preference(OWNER, "weekly")
    set_preference(DIRECTOR, "weekly")
    run_days(app, SCENARIO_DAY, 12)  # Thursday to the Monday after next

    assert [m.subject.split(":")[0] for m in smtp.to(OWNER)] == [
        "Barking, Dagenham and Havering PDU weekly summary"
    ] * 2
    director = smtp.to(DIRECTOR)
    assert [m.subject.split(":")[0] for m in director] == ["London region weekly summary"] * 2
    first = director[0]
    assert "ESCALATED TO YOU" in first.text and "Cap PQiP learners' caseloads" in first.text
    assert "LONDON REGION THIS WEEK" in first.text
    summary = smtp.to(OWNER)[0]
    assert summary.subject == "Barking, Dagenham and Havering PDU weekly summary: 2 actions overdue"
    assert "Set a countersigning standard" in summary.text


def test_html_part_is_accessible_and_links_to_pages(app, smtp):
    run_day(app, MONDAY)

    html = BeautifulSoup(only_one(smtp, DIRECTOR).html, "lxml")
    assert html.html["lang"] == "en"
    assert html.title.get_text() == only_one(smtp, DIRECTOR).subject
    assert [h.get_text() for h in html.select("h2")][:2] == ["Escalated to you", "Your actions"]
    headers = html.select("table")[0].select("thead th")
    assert [th["scope"] for th in headers] == ["col"] * 5
    row_header = html.select("table")[0].select_one("tbody th[scope=row] a")
    assert row_header["href"] == f"http://tracker.test/actions/{action_id('Cap PQiP')}"
    assert "Dear Priya Shah" in html.get_text()
    assert "Open each link to post a progress update" in html.get_text()
