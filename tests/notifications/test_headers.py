"""Headers parse back exactly as a mail program reads them, and the send-outbox command's report and exit code."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from sqlalchemy import select

from tests.conftest import DIRECTOR, HEAD
from tests.notifications.conftest import SCENARIO_DAY, free_port, run_day, use_smtp
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.mail import outbox
from tracker.mail.content import PlannedMessage, Recipient
from tracker.mail.models import FAILED, OutboxMessage
from tracker.notifications import services

LONG_SUBJECT = (
    "Tracker weekly summary: 12 actions overdue, 3 due in 14 days, 4 to check on recommendations "
    "you lead – “Barking, Dagenham and Havering” – 2 escalated to you, readiness summary"
)


def queue_long_subject() -> None:
    user = find_user(HEAD)
    outbox.enqueue(
        [
            PlannedMessage(
                "test:long-subject",
                "reminders",
                Recipient(user.id, user.email, user.name),
                LONG_SUBJECT,
                "Plain text\n",
                "<p>HTML</p>",
            )
        ]
    )
    db.session.commit()


def test_winter_date_is_london_time_at_plus_0000(app, smtp):
    queue_long_subject()
    services.send_outbox(datetime(2027, 1, 15, 7, 0, tzinfo=UTC))

    message = smtp.received[0].message
    assert message["Date"].endswith("+0000")
    assert parsedate_to_datetime(message["Date"]) == datetime(2027, 1, 15, 7, 0, tzinfo=UTC)
    assert str(message["Subject"]) == LONG_SUBJECT  # folded on the wire, read back whole: no leading space
    raw = message.as_string()
    assert "Subject: Tracker weekly summary" in raw
    assert message["List-Unsubscribe"] == "<http://tracker.test/account/notifications>"
    assert message["Message-ID"].startswith("<outbox-") and message["Message-ID"].endswith("@example.org>")


def test_summer_date_is_london_time_at_plus_0100(app, smtp):
    queue_long_subject()
    services.send_outbox(datetime(2027, 7, 15, 6, 0, tzinfo=UTC))

    date_header = smtp.received[0].message["Date"]
    assert date_header == "Thu, 15 Jul 2027 07:00:00 +0100"
    assert parsedate_to_datetime(date_header) == datetime(2027, 7, 15, 6, 0, tzinfo=UTC)


def test_every_real_subject_reads_back_as_it_was_queued(app, smtp):
    run_day(app, SCENARIO_DAY + timedelta(days=4))

    queued = dict(db.session.execute(select(OutboxMessage.to_address, OutboxMessage.subject)).all())
    assert smtp.to(DIRECTOR)
    for received in smtp.received:
        assert str(received.message["Subject"]) == queued[received.to[0]]
        assert not str(received.message["Subject"]).startswith(" ")


def test_send_outbox_exits_0_when_all_is_delivered(app, smtp):
    services.queue_reminders(SCENARIO_DAY)
    result = app.test_cli_runner().invoke(args=["tracker", "send-outbox"])

    assert result.exit_code == 0, result.output
    assert "outbox: 3 sent; waiting: 0 pending, 0 retrying, 0 failed" in result.output


def test_send_outbox_exits_0_while_retrying_and_says_so(app, monkeypatch):
    use_smtp(monkeypatch, app, free_port())
    services.queue_reminders(SCENARIO_DAY)
    result = app.test_cli_runner().invoke(args=["tracker", "send-outbox"])

    assert result.exit_code == 0, result.output
    assert "outbox: 0 sent; waiting: 0 pending, 3 retrying, 0 failed" in result.output
    assert "ConnectionRefusedError" in result.output


def test_send_outbox_exits_1_when_anything_failed(app, smtp):
    smtp.refuse.add(HEAD)
    services.queue_reminders(SCENARIO_DAY)
    result = app.test_cli_runner().invoke(args=["tracker", "send-outbox"])

    assert result.exit_code == 1
    assert "outbox: 3 sent; waiting: 0 pending, 0 retrying, 1 failed" in result.output
    assert "failed: SMTPRecipientsRefused" in result.output and "550" in result.output
    assert db.session.scalar(select(OutboxMessage.to_address).where(OutboxMessage.status == FAILED)) == HEAD
