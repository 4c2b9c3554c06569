"""Use cases of the notifications feature: queue a day's emails, deliver the outbox, retry a message and
choose how often to be reminded. Each records what it did and commits once."""

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from tracker.audit.services import changed, record_event
from tracker.auth.models import ADMIN, EVENTS_IMMEDIATE, EVENTS_WITH_REMINDERS, IMMEDIATE, WEEKLY, RoleAssignment, User
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.jobs.models import JOB_FAILED, RUNNING, SKIPPED, SUCCEEDED, JobRun
from tracker.mail import outbox
from tracker.mail.content import Links, PlannedMessage, Recipient, render_parts
from tracker.mail.models import FAILED, MAIL_ALERT, PENDING, SENDING, SENT, OutboxMessage
from tracker.notifications import daily, events, rules
from tracker.templating import pluralise

log = logging.getLogger("tracker.jobs")
LONDON = ZoneInfo("Europe/London")
PREFERENCES = {IMMEDIATE: "Immediate reminders", WEEKLY: "A weekly summary only"}
EVENT_PREFERENCES = {
    EVENTS_IMMEDIATE: "to hear of changes to their work straight away",
    EVENTS_WITH_REMINDERS: "to hear of changes to their work in their reminder email",
}


def london_today() -> date:
    return datetime.now(LONDON).date()


@dataclass
class JobOutcome:
    job: str
    as_of: date
    queued: list[PlannedMessage] = field(default_factory=list)
    planned: int = 0
    skipped: str = ""
    dry_run: bool = False


#: the jobs that decide what to send, by name: one message per person per working day holds everything
PLANNERS: dict[str, Callable[[date], list[PlannedMessage]]] = {"reminders": daily.plan_day}
#: jobs that only run on working days
WORKING_DAYS_ONLY = {"reminders"}


def skip_reason(job: str, as_of: date) -> str:
    if job in WORKING_DAYS_ONLY and not rules.ReminderSettings.from_config().is_working_day(as_of):
        return "Not a working day (weekend or bank holiday): nothing sent."
    return ""


def start_run(job: str, as_of: date) -> int:
    run = JobRun(job=job, as_of=as_of, started_at=utcnow(), status=RUNNING)
    db.session.add(run)
    db.session.flush()
    run_id = run.id
    db.session.commit()
    return run_id


def finish_run(run_id: int, **values) -> None:
    """A plain UPDATE: on SQLite a transaction that reads before it writes can deadlock with another worker."""
    db.session.execute(update(JobRun).where(JobRun.id == run_id).values(finished_at=utcnow(), **values))
    db.session.commit()


def fail_run(job: str, as_of: date, run_id: int | None, error: Exception) -> None:
    """Record the failure in its own transaction, since the job's own work has been rolled back."""
    db.session.rollback()
    log.error("Job %s for %s failed", job, as_of, exc_info=error)
    if run_id is not None:
        finish_run(run_id, status=JOB_FAILED, error="".join(traceback.format_exception(error))[-4000:])


def run_queue_job(job: str, as_of: date, dry_run: bool = False) -> JobOutcome:
    """Decide what a job should send as of a day and queue it; a dry run queues it and rolls back."""
    outcome = JobOutcome(job, as_of, dry_run=dry_run)
    run_id = None if dry_run else start_run(job, as_of)
    try:
        outcome.skipped = skip_reason(job, as_of)
        planned = [] if outcome.skipped else PLANNERS[job](as_of)
        # The reads are over: end that transaction so the writes start a fresh one (SQLite cannot upgrade a
        # read lock to a write lock while another process waits to do the same).
        db.session.commit()
        outcome.planned = len(planned)
        refused: list[PlannedMessage] = []
        outcome.queued = outbox.enqueue(planned, run_id, refused)
        if refused:
            # An event in someone's message was told by another message meanwhile (they changed how they hear
            # of events just then): plan their message again without it, rather than lose their reminders today.
            people = {message.recipient.user_id for message in refused}
            again = [m for m in PLANNERS[job](as_of) if m.recipient.user_id in people]
            outcome.queued += outbox.enqueue(again, run_id)
    except Exception as error:
        fail_run(job, as_of, run_id, error)
        raise
    if dry_run:
        db.session.rollback()
        return outcome
    assert run_id is not None  # started, this not being a dry run
    note = outcome.skipped or f"{outcome.planned} planned, {len(outcome.queued)} new"
    counts = {kind: sum(1 for m in outcome.queued if m.kind == kind) for kind in {m.kind for m in outcome.queued}}
    finish_run(
        run_id,
        status=SKIPPED if outcome.skipped else SUCCEEDED,
        note=note,
        queued_count=len(outcome.queued),
        counts=counts,
    )
    log.info("Job %s for %s: %s", job, as_of, note)
    return outcome


def queue_reminders(as_of: date, dry_run: bool = False) -> JobOutcome:
    return run_queue_job("reminders", as_of, dry_run)


def queue_events(now: datetime | None = None) -> list[PlannedMessage]:
    """One message per person whose gathering window has closed; run by the scheduler every few minutes.
    The key names the person and their first event, so a second worker at once queues nothing. A "submitted for
    your review" whose review is already over is dropped first, never told (`events.overtaken`)."""
    overtaken = events.overtaken()
    db.session.commit()
    if overtaken:
        # read, then written in a transaction of its own (SQLite cannot turn a read lock into a write lock while
        # another process waits to do the same)
        dropped = events.drop(overtaken)
        db.session.commit()
        log.info("Events: %s dropped, the review being over already", pluralise(dropped, "notice"))
    planned = events.plan_due(now)
    db.session.commit()
    queued = outbox.enqueue(planned)
    db.session.commit()
    if queued:
        log.info("Events: %s queued", pluralise(len(queued), "message"))
    return queued


def send_outbox(now: datetime | None = None) -> outbox.DeliveryResult:
    """Deliver what is due. A run that claimed nothing leaves no record; one that failed to deliver is
    recorded as failed with the mail server's answers, so an outage shows on the admin page. When a
    message fails for good, the administrators are told once that day."""
    try:
        result = outbox.deliver_all(now)
        if result.failed and alert_administrators(result):
            result.add(outbox.deliver_all(now))
    except Exception as error:
        db.session.rollback()
        fail_run("send_outbox", london_today(), start_run("send_outbox", london_today()), error)
        raise
    if result.claimed:
        record_delivery_run(result, now)
    return result


def record_delivery_run(result: outbox.DeliveryResult, now: datetime | None) -> None:
    note = f"{result.sent} sent, {result.retrying} to retry, {result.failed} failed"
    # the answers that need a person come first: a 550 must not hide behind a passing 451
    errors = [*dict.fromkeys(result.failures), result.last_error] if result.last_error else []
    db.session.add(
        JobRun(
            job="send_outbox",
            as_of=london_today(),
            started_at=now or utcnow(),
            finished_at=utcnow(),
            sent_count=result.sent,
            failed_count=result.failed + result.retrying,
            note=note,
            status=JOB_FAILED if result.retrying or result.failed else SUCCEEDED,
            error=("Messages not delivered: " + "; ".join(dict.fromkeys(errors)))[:4000] if errors else None,
        )
    )
    db.session.commit()
    log.info("Job send_outbox: %s", note)


def alert_administrators(result: outbox.DeliveryResult) -> int:
    """One email a day to each administrator when mail has failed for good; returns how many were new."""
    today = london_today()
    failed = db.session.execute(select(func.count(OutboxMessage.id)).where(OutboxMessage.status == FAILED)).scalar_one()
    planned = []
    for admin in administrators():
        subject = f"Tracker: {pluralise(failed, 'email')} could not be delivered"
        text, html = render_parts(
            "mail-alert",
            user=admin,
            failed=failed,
            failures=result.failures,
            subject=subject,
            outbox_url=Links().failed_outbox(),
        )
        planned.append(
            PlannedMessage(
                f"{MAIL_ALERT}:{today.isoformat()}:user:{admin.id}",
                MAIL_ALERT,
                Recipient(admin.id, admin.email, admin.name),
                subject,
                text,
                html,
            )
        )
    queued = outbox.enqueue(planned)
    db.session.commit()
    return len(queued)


def administrators() -> list:
    query = (
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == ADMIN, User.is_active)
        .order_by(User.id)
    )
    return list(db.session.scalars(query).unique())


def outbox_counts() -> dict[str, int]:
    """What waits in the outbox: pending (never tried), retrying (tried, waiting for backoff), failed."""
    query = (
        select(OutboxMessage.status, OutboxMessage.attempts, func.count(OutboxMessage.id))
        .where(OutboxMessage.status != SENT)
        .group_by(OutboxMessage.status, OutboxMessage.attempts)
    )
    counts = {"pending": 0, "retrying": 0, "failed": 0}
    for status, attempts, count in db.session.execute(query):
        if status == FAILED:
            counts["failed"] += count
        elif status in (PENDING, SENDING):
            counts["retrying" if attempts else "pending"] += count
    return counts


def retry_message(actor, message: OutboxMessage) -> None:
    """Give a failed message a fresh set of attempts, now."""
    if message.status != FAILED:
        raise ValueError("Only a failed message can be retried")
    message.status = PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.give_up_at = utcnow() + outbox.give_up_after()
    record_event(
        actor,
        "outbox_message",
        message.id,
        "retry",
        f"Email “{message.subject}” to {message.to_address} queued to be sent again",
    )
    db.session.commit()


def set_reminder_preference(user, preference: str, event_preference: str | None = None) -> bool:
    """Returns False when nothing changed (and so nothing was recorded)."""
    event_preference = event_preference or user.event_preference
    if preference not in PREFERENCES or event_preference not in EVENT_PREFERENCES:
        raise ValueError(f"Unknown reminder preference {preference!r}, {event_preference!r}")
    current = {"reminder_preference": user.reminder_preference, "event_preference": user.event_preference}
    before, after = changed(current, {"reminder_preference": preference, "event_preference": event_preference})
    if not after:
        return False
    user.reminder_preference, user.event_preference = preference, event_preference
    record_event(
        user,
        "user",
        user.id,
        "update",
        f"{user.name} chose: {PREFERENCES[preference].lower()}, {EVENT_PREFERENCES[event_preference]}",
        before=before,
        after=after,
    )
    db.session.commit()
    return True


def list_messages(status: str | None, kind: str | None, limit: int = 200) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def status_counts() -> dict[str, int]:
    query = select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
    return dict(db.session.execute(query).tuples().all())


def recent_job_runs(limit: int = 20) -> list[JobRun]:
    return list(db.session.scalars(select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)))
