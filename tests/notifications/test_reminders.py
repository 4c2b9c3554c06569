"""Reminder emails for the Barking demo at chosen dates, sent through a real SMTP server in the test process."""

from datetime import timedelta

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from tests.conftest import ADMIN, DIRECTOR, HEAD, HMPPS, OWNER, VIEWER
from tests.notifications.conftest import SCENARIO_DAY, run_day, set_preference
from tracker.actions.models import Action
from tracker.extensions import db
from tracker.notifications.models import SKIPPED, JobRun, OutboxMessage

FRIDAY = SCENARIO_DAY + timedelta(days=1)
SATURDAY = SCENARIO_DAY + timedelta(days=2)
CHRISTMAS = SCENARIO_DAY.replace(month=12, day=25)


def action_id(description_start: str) -> int:
    return db.session.scalar(select(Action.id).where(Action.description.startswith(description_start)))


def only_one(smtp, address):
    messages = smtp.to(address)
    assert len(messages) == 1, [m.subject for m in messages]
    return messages[0]


def test_thursday_due_soon_due_today_and_quiet_actions(app, smtp):
    run_day(app, SCENARIO_DAY)

    assert sorted(r.to[0] for r in smtp.received) == sorted([OWNER, DIRECTOR, HEAD])
    owner = only_one(smtp, OWNER)
    assert owner.subject == "Tracker: 1 action due in 3 days"
    assert owner.mail_from == "tracker@example.org"
    assert "Dear Taylor Okafor" in owner.text
    assert "Set a countersigning standard" in owner.text
    assert f"http://tracker.test/actions/{action_id('Set a countersigning')}" in owner.text

    director = only_one(smtp, DIRECTOR)
    assert director.subject == "Tracker: 1 action due today, 1 due in 14 days, 1 to check on recommendations you own"
    assert "Return quality and performance team staff" in director.text  # due today
    assert "targeted recruitment campaign" in director.text  # due in 14 days
    assert "Review MAPPA arrangements" in director.text  # no update for 30 days

    head = only_one(smtp, HEAD)
    assert head.subject == "Tracker: 1 action to check on recommendations you own"
    assert "domestic abuse call-out process" in head.text
    assert "Last progress update: 27 October 2026 (30 days ago)" in head.text
    for nobody in (HMPPS, ADMIN, VIEWER):
        assert smtp.to(nobody) == []


def test_friday_overdue_and_escalation(app, smtp):
    run_day(app, FRIDAY)

    owner = only_one(smtp, OWNER)
    assert owner.subject == "Tracker: 1 action overdue"
    assert "Cap PQiP learners' caseloads" in owner.text
    assert "overdue by 36 days" in owner.text

    director = only_one(smtp, DIRECTOR)
    assert director.subject == "Tracker: 1 action overdue, 1 escalated to you"
    assert "ESCALATED TO YOU (more than 28 days overdue)" in director.text
    escalated = director.text.split("ESCALATED TO YOU")[1]
    assert "Cap PQiP learners' caseloads" in escalated and "Owner: Taylor Okafor" in escalated

    head = only_one(smtp, HEAD)
    assert "Cap PQiP learners' caseloads" in head.text
    assert smtp.to(HMPPS) == []


def test_html_part_is_accessible_and_links_to_pages(app, smtp):
    run_day(app, FRIDAY)

    html = BeautifulSoup(only_one(smtp, DIRECTOR).html, "html.parser")
    assert html.html["lang"] == "en"
    assert html.title.get_text() == "Tracker: 1 action overdue, 1 escalated to you"
    assert [h.get_text() for h in html.select("h2")] == ["Your actions", "Escalated to you"]
    headers = html.select("table")[1].select("thead th")
    assert [th["scope"] for th in headers] == ["col"] * 5
    row_header = html.select("table")[1].select_one("tbody th[scope=row] a")
    assert row_header["href"] == f"http://tracker.test/actions/{action_id('Cap PQiP')}"
    assert "Dear Priya Shah" in html.get_text()


def test_same_day_twice_sends_nothing_new(app, smtp):
    run_day(app, SCENARIO_DAY)
    first = len(smtp.received)
    outcomes = run_day(app, SCENARIO_DAY)

    assert first == 3
    assert len(smtp.received) == first
    assert all(outcome.queued == [] for outcome in outcomes)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 3


def test_weekend_and_bank_holiday_send_no_reminders(app, smtp):
    from tracker.notifications import services

    assert run_day(app, SATURDAY) == []  # the reminders' schedule does not fire at weekends
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


def test_weekly_preference_gets_no_daily_reminders_but_a_monday_summary(app, smtp):
    set_preference(OWNER, "weekly")
    run_day(app, SCENARIO_DAY)
    assert smtp.to(OWNER) == []

    run_day(app, SCENARIO_DAY + timedelta(days=4))  # Monday: the digests
    summary = only_one(smtp, OWNER)
    assert summary.subject.startswith("Tracker weekly summary: 2 actions overdue")
    assert "Cap PQiP learners' caseloads" in summary.text
    assert "Set a countersigning standard" in summary.text


def test_escalations_still_go_to_people_who_chose_weekly(app, smtp):
    set_preference(DIRECTOR, "weekly")
    run_day(app, FRIDAY)

    director = only_one(smtp, DIRECTOR)
    assert director.subject == "Tracker: 1 action escalated to you"
    assert "YOUR ACTIONS" not in director.text
