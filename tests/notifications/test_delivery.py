"""Delivery through the outbox: a mail server that refuses, backoff, the attempt limit, a crashed worker."""

from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import ADMIN, DIRECTOR, HEAD, OWNER, soup_of, text_of
from tests.notifications.conftest import SCENARIO_DAY, SmtpServer, free_port, use_smtp
from tracker.audit.models import AuditEvent
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.jobs.models import JobRun
from tracker.mail import outbox
from tracker.mail.models import FAILED, PENDING, SENT, DeliveryAttempt, OutboxMessage
from tracker.notifications import services


def queue_thursday() -> int:
    services.queue_reminders(SCENARIO_DAY)
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def statuses(kind: str = "reminders") -> list[str]:
    return sorted(db.session.scalars(select(OutboxMessage.status).where(OutboxMessage.kind == kind)))


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


def test_backoff_doubles_up_to_an_hour_and_gives_up_after_the_configured_hours(app, monkeypatch):
    use_smtp(monkeypatch, app, free_port())
    monkeypatch.setitem(app.config, "MAIL_GIVE_UP_AFTER_HOURS", 3)
    queue_thursday()
    now = utcnow()
    message = db.session.scalars(select(OutboxMessage)).first()

    services.send_outbox(now)
    db.session.refresh(message)
    assert message.next_attempt_at == now + timedelta(seconds=60)
    services.send_outbox(now + timedelta(seconds=60))
    db.session.refresh(message)
    assert message.next_attempt_at == now + timedelta(seconds=60 + 120)
    moment = now
    while moment < now + timedelta(hours=3, minutes=5):
        moment += timedelta(minutes=5)
        services.send_outbox(moment)

    assert statuses() == [FAILED] * 3
    db.session.refresh(message)
    times = [attempt.attempted_at for attempt in message.delivery_attempts]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert max(gaps, key=lambda g: g.total_seconds()) <= timedelta(hours=1, minutes=5)
    assert "ConnectionRefusedError" in message.last_error
    assert services.send_outbox(now + timedelta(days=1)).claimed == 0


def test_an_outage_of_six_hours_loses_nothing(app, monkeypatch):
    port = free_port()
    use_smtp(monkeypatch, app, port)
    queued = queue_thursday()
    now = utcnow()
    for minutes in range(0, 6 * 60 + 1, 5):  # the scheduler's send_outbox every five minutes
        services.send_outbox(now + timedelta(minutes=minutes))
    assert statuses() == [PENDING] * 3

    server = SmtpServer(port)
    server.start()
    try:
        for minutes in range(6 * 60 + 5, 8 * 60, 5):
            services.send_outbox(now + timedelta(minutes=minutes))
    finally:
        server.stop()

    assert statuses() == [SENT] * 3
    assert sorted(r.to[0] for r in server.recorder.received) == sorted([OWNER, DIRECTOR, HEAD])
    assert len(server.recorder.received) == queued


def test_a_451_is_retried_and_delivered_once_it_clears(app, smtp):
    smtp.defer.add(HEAD)
    queue_thursday()
    now = utcnow()

    result = services.send_outbox(now)
    assert result.sent == 2 and result.retrying == 1 and result.failed == 0
    smtp.defer.clear()
    services.send_outbox(now + timedelta(minutes=2))

    assert statuses() == [SENT] * 3 and len(smtp.to(HEAD)) == 1


def test_a_permanent_refusal_fails_at_once(app, smtp):
    smtp.refuse.add(HEAD)
    queue_thursday()

    result = services.send_outbox()

    assert result.sent == 3 and result.failed == 1  # two reminders and the administrator's alert
    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.status == FAILED))
    assert failed.to_address == HEAD and "550" in failed.last_error
    alert = smtp.to(ADMIN)
    assert len(alert) == 1 and alert[0].subject == "Tracker: 1 email could not be delivered"
    assert "No such user here" in alert[0].text
    assert "http://tracker.test/admin/outbox?status=failed" in alert[0].text

    services.queue_reminders(SCENARIO_DAY + timedelta(days=1))
    services.send_outbox()  # another failure the same day: no second alert
    assert len(smtp.to(ADMIN)) == 1


def test_admin_retries_a_failed_message(app, client, as_user, smtp):
    smtp.refuse.add(HEAD)
    queue_thursday()
    services.send_outbox()
    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.status == FAILED))
    smtp.refuse.clear()

    as_user(ADMIN)
    listing = soup_of(client.get("/admin/outbox?status=failed"))
    assert HEAD in text_of(listing.select_one("main"))
    page = soup_of(client.get(f"/admin/outbox/{failed.id}"))
    assert "550" in text_of(page.select_one("#delivery-attempts tbody"))
    assert "No such user here" in text_of(page.select_one(".govuk-summary-list"))
    response = client.post(f"/admin/outbox/{failed.id}/retry")
    assert response.status_code == 302
    banner = soup_of(client.get(response.location)).select_one(".govuk-notification-banner")
    assert "will be sent again" in text_of(banner)
    services.send_outbox()

    services.send_outbox(utcnow() + timedelta(hours=1))

    db.session.refresh(failed)
    assert failed.status == SENT
    assert len(smtp.to(HEAD)) == 1
    assert (
        db.session.scalar(
            select(AuditEvent).where(AuditEvent.entity_type == "outbox_message", AuditEvent.verb == "retry")
        )
        is not None
    )


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
