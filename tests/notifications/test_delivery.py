"""Delivery through the outbox: a mail server that refuses, backoff, the attempt limit, a crashed worker."""

from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import ADMIN, HEAD, soup_of, text_of
from tests.notifications.conftest import SCENARIO_DAY, SmtpServer, free_port, use_smtp
from tracker.audit.models import AuditEvent
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.notifications import outbox, services
from tracker.notifications.models import FAILED, PENDING, SENT, DeliveryAttempt, JobRun, OutboxMessage


def queue_thursday() -> int:
    services.queue_reminders(SCENARIO_DAY)
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def statuses() -> list[str]:
    return sorted(db.session.scalars(select(OutboxMessage.status)))


def test_nothing_is_lost_while_smtp_refuses_and_everything_goes_once_when_it_accepts(app, monkeypatch):
    port = free_port()  # nothing listens here yet: connections are refused
    use_smtp(monkeypatch, app, port)
    queued = queue_thursday()
    now = utcnow()

    result = services.send_outbox(now)

    assert queued == 3 and result.sent == 0 and result.retrying == 3
    assert statuses() == [PENDING] * 3
    errors = db.session.scalars(select(DeliveryAttempt.error)).all()
    assert len(errors) == 3 and all("ConnectionRefusedError" in e for e in errors)
    failed_run = db.session.scalar(select(JobRun).where(JobRun.job == "send_outbox"))
    assert failed_run.status == "failed" and "ConnectionRefusedError" in failed_run.error
    assert services.send_outbox(now + timedelta(seconds=30)).claimed == 0  # backing off for 60 seconds

    server = SmtpServer(port)
    server.start()
    try:
        result = services.send_outbox(now + timedelta(seconds=61))
        again = services.send_outbox(now + timedelta(hours=1))
    finally:
        server.stop()

    assert result.sent == 3 and again.claimed == 0
    assert len(server.recorder.received) == 3
    assert len({r.message["Message-ID"] for r in server.recorder.received}) == 3
    assert statuses() == [SENT] * 3
    assert db.session.scalar(select(func.count(DeliveryAttempt.id))) == 6


def test_backoff_doubles_and_gives_up_after_max_attempts(app, monkeypatch):
    use_smtp(monkeypatch, app, free_port())
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    queue_thursday()
    now = utcnow()

    services.send_outbox(now)
    message = db.session.scalars(select(OutboxMessage)).first()
    assert message.next_attempt_at == now + timedelta(seconds=60)
    services.send_outbox(now + timedelta(seconds=60))
    db.session.refresh(message)
    assert message.next_attempt_at == now + timedelta(seconds=60 + 120)
    services.send_outbox(now + timedelta(seconds=180))

    assert statuses() == [FAILED] * 3
    db.session.refresh(message)
    assert message.attempts == 3 and "ConnectionRefusedError" in message.last_error
    assert services.send_outbox(now + timedelta(days=1)).claimed == 0


def test_a_permanent_refusal_fails_at_once(app, smtp):
    smtp.refuse.add(HEAD)
    queue_thursday()

    result = services.send_outbox()

    assert result.sent == 2 and result.failed == 1
    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.status == FAILED))
    assert failed.to_address == HEAD and "550" in failed.last_error


def test_admin_retries_a_failed_message(app, client, as_user, smtp):
    smtp.refuse.add(HEAD)
    queue_thursday()
    services.send_outbox()
    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.status == FAILED))
    smtp.refuse.clear()

    as_user(ADMIN)
    page = soup_of(client.get(f"/admin/outbox/{failed.id}"))
    assert "550" in text_of(page.select_one("#delivery-attempts tbody"))
    response = client.post(f"/admin/outbox/{failed.id}/retry")
    assert response.status_code == 302
    banner = soup_of(client.get(response.location)).select_one(".govuk-notification-banner")
    assert "will be sent again" in text_of(banner)
    services.send_outbox()

    db.session.refresh(failed)
    assert failed.status == SENT
    assert len(smtp.to(HEAD)) == 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "outbox_message",
                                                      AuditEvent.verb == "retry")) is not None


def test_a_crashed_workers_claim_is_taken_over_after_the_lease(app, smtp):
    queue_thursday()
    now = utcnow()
    claimed, _ = outbox.claim(10, now, timedelta(minutes=10))  # the worker then dies without sending
    assert len(claimed) == 3

    assert services.send_outbox(now + timedelta(minutes=5)).claimed == 0  # still leased
    result = services.send_outbox(now + timedelta(minutes=11))

    assert result.sent == 3 and len(smtp.received) == 3
    assert statuses() == [SENT] * 3


def test_the_sink_keeps_mail_in_the_app(app):
    queue_thursday()
    result = services.send_outbox()

    assert result.sent == 3
    assert set(db.session.scalars(select(OutboxMessage.sent_via))) == {"sink"}
