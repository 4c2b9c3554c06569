"""The outbox: queue a message at most once per key, and deliver pending ones so that two workers at once,
a crash mid-batch or a mail server that is down neither lose a message nor send it twice."""

import logging
import secrets
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tracker.db_types import utcnow
from tracker.extensions import db, rows_changed
from tracker.mail import backends as mail
from tracker.mail.content import PlannedMessage
from tracker.mail.models import FAILED, PENDING, SENDING, SENT, DeliveryAttempt, OutboxMessage

log = logging.getLogger(__name__)


def init_app(app, event_claims, sight) -> None:
    """`event_claims` marks the notification events a message tells as told (`mark_told`, `told_elsewhere`,
    `release`); `sight` says which recommendations a message mentions and which of them its recipient may not see
    (`Sight`, `mentioned`, `unseen`). Both are kept by features above mail, so the app factory hands them over."""
    app.extensions["tracker_event_claims"] = event_claims
    app.extensions["tracker_sight"] = sight


def _sight():
    return current_app.extensions["tracker_sight"]


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def enqueue(
    planned: list[PlannedMessage], job_run_id: int | None = None, refused: list[PlannedMessage] | None = None
) -> list[PlannedMessage]:
    """Insert each message unless its key is already there; returns those that were new. A message telling of an
    event another message has told meanwhile is not queued (see `_claims_its_events`); given `refused`, such
    messages are added to it so that the caller can plan them again.

    INSERT ... ON CONFLICT DO NOTHING makes a second scheduler, or a second run of the same day, harmless:
    the database, not a check-then-insert race, decides."""
    insert = postgresql.insert if dialect_name() == "postgresql" else sqlite.insert
    now = utcnow()
    give_up_at = now + give_up_after()
    queued = []
    seeing = _sight().Sight()
    if planned and dialect_name() == "sqlite":
        # Write before the reads that check who may see what: SQLite cannot turn a read lock into the write lock
        # while another process waits to do the same ("database is locked"); a write first queues for the lock.
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == -1).values(attempts=0))
    for message in planned:
        mentioned = _sight().mentioned(message.recommendation_ids, message.action_ids, message.event_ids)
        hidden = _sight().unseen(message.recipient.user_id, mentioned, seeing)
        if hidden:
            log.warning("not queued %s: its recipient may not see recommendation(s) %s", message.key, hidden)
            continue
        if message.event_ids and not _claims_its_events(message):
            if refused is not None:
                refused.append(message)
            continue
        statement = (
            insert(OutboxMessage)
            .values(
                key=message.key,
                kind=message.kind,
                recipient_id=message.recipient.user_id,
                to_address=message.recipient.email,
                to_name=message.recipient.name,
                subject=message.subject,
                body_text=message.body_text,
                body_html=message.body_html,
                status=PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
                job_run_id=job_run_id,
                action_ids=list(message.action_ids) or None,
                give_up_at=give_up_at,
                recommendation_ids=sorted(mentioned),
            )
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(OutboxMessage.id)
        )
        # RETURNING says reliably whether the row went in; rowcount is not dependable for ORM-enabled inserts
        if db.session.execute(statement).scalar_one_or_none() is not None:
            queued.append(message)
    return queued


def _claims_its_events(message: PlannedMessage) -> bool:
    """Marks the events the message tells of as told by it, and says whether none was told by another message.
    One can have been: the person changed how they hear of events while a message of the other kind (straight
    away, or folded into the daily or weekly message) was being planned. Then the message is not queued and the
    events it claimed are freed again, so the next run plans without the one already told."""
    events = current_app.extensions["tracker_event_claims"]
    claimed = events.mark_told(message.key, message.event_ids)
    if len(claimed) == len(message.event_ids):
        return True
    elsewhere = events.told_elsewhere(message.key, message.event_ids)
    if not elsewhere:
        return True  # the rest are this message's already: an earlier run queued it
    events.release(claimed)
    log.info(
        "not queued %s: %d of its %d events were told by another message",
        message.key,
        elsewhere,
        len(message.event_ids),
    )
    return False


def give_up_after() -> timedelta:
    return timedelta(hours=float(current_app.config.get("MAIL_GIVE_UP_AFTER_HOURS", 72)))


@dataclass
class DeliveryResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    last_error: str | None = None
    #: the answers that made messages fail for good: what a person must look at
    failures: list[str] = field(default_factory=list)

    def add(self, other: "DeliveryResult") -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.last_error = other.last_error or self.last_error
        self.failures += other.failures

    @property
    def claimed(self) -> int:
        return self.sent + self.retrying + self.failed


OUTCOME_FIELDS = {SENT: "sent", PENDING: "retrying", FAILED: "failed"}


def claimable(now: datetime, lease: timedelta):
    """Pending and due, or claimed by a worker whose lease has run out (it crashed or was killed)."""
    return or_(
        and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < now - lease),
    )


def claim(limit: int, now: datetime, lease: timedelta) -> tuple[list[int], str]:
    """Mark up to `limit` messages as ours, committed before anything is sent.

    PostgreSQL skips rows another worker has locked; SQLite locks the whole file, so each row is taken with
    a conditional UPDATE whose row count says whether we won it."""
    token = secrets.token_hex(16)
    claim_values = {"status": SENDING, "claimed_at": now, "claim_token": token}
    base = select(OutboxMessage.id).where(claimable(now, lease)).order_by(OutboxMessage.id).limit(limit)
    if dialect_name() == "postgresql":
        ids = list(db.session.scalars(base.with_for_update(skip_locked=True)))
        if ids:
            db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(**claim_values))
        db.session.commit()
        return ids, token
    candidates = list(db.session.scalars(base))
    db.session.commit()
    ids = []
    for message_id in candidates:
        claiming = (
            update(OutboxMessage).where(OutboxMessage.id == message_id, claimable(now, lease)).values(**claim_values)
        )
        if rows_changed(claiming) == 1:
            ids.append(message_id)
    db.session.commit()
    return ids, token


def describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def is_permanent(error: Exception) -> bool:
    """Only a 5xx refusal of the recipient is final: anything else (no connection, a 4xx deferral, a
    server-wide 5xx) may clear, so the message is retried until it is given up."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in error.recipients.values())
    return bool(getattr(error, "is_permanent", False))


def next_try(now: datetime, attempts: int, give_up_at: datetime) -> datetime:
    """Doubling backoff, at most an hour apart, with a last try at the moment of giving up."""
    config = current_app.config
    delay = min(
        int(config.get("MAIL_RETRY_BASE_SECONDS", 60)) * 2 ** min(attempts - 1, 20),
        int(config.get("MAIL_RETRY_MAX_SECONDS", 3600)),
    )
    return min(now + timedelta(seconds=delay), give_up_at)


def settle(
    message_id: int,
    attempts: int,
    token: str,
    backend: str,
    now: datetime,
    error: str | None,
    permanent: bool = False,
    give_up_at: datetime | None = None,
) -> str:
    """Record the attempt and the outcome; only the worker holding the claim may settle the message."""
    attempts += 1
    give_up_at = give_up_at or now
    values: dict[str, object]
    if error is None:
        status, values = SENT, {"sent_at": now, "sent_via": backend, "last_error": None}
    elif permanent or now >= give_up_at:
        status, values = FAILED, {"last_error": error}
    else:
        status, values = PENDING, {"last_error": error, "next_attempt_at": next_try(now, attempts, give_up_at)}
    settled = rows_changed(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token, OutboxMessage.status == SENDING)
        .values(status=status, attempts=attempts, claim_token=None, **values)
    )
    if settled != 1:
        log.warning("Outbox message %s was reclaimed by another worker before this one settled it", message_id)
    db.session.add(
        DeliveryAttempt(message_id=message_id, attempted_at=now, backend=backend, is_success=error is None, error=error)
    )
    db.session.commit()
    return status


def deliver(limit: int | None = None, now: datetime | None = None) -> DeliveryResult:
    """Send one batch of what is pending over one connection; each outcome is committed as it happens,
    so a crash part-way leaves the sent ones sent and the rest claimable again once the lease runs out."""
    config = current_app.config
    settings = mail.MailSettings.from_config(config)
    clock_is_fixed = now is not None
    now = now or utcnow()
    lease = timedelta(seconds=int(config.get("MAIL_LEASE_SECONDS", 600)))
    ids, token = claim(int(limit or config.get("MAIL_BATCH_SIZE", 100)), now, lease)
    result = DeliveryResult()
    if not ids:
        return result
    messages = list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id))
    )
    withheld = withheld_messages(messages)
    emails = [
        (m.id, m.attempts, m.give_up_at or m.created_at + give_up_after(), mail.build_email(m, settings, config, now))
        for m in messages
        if m.id not in withheld
    ]
    attempts_of = {m.id: m.attempts for m in messages}  # read before the commit expires them
    db.session.commit()
    for message_id, reason in withheld.items():
        log.warning("Outbox message %s withheld: %s", message_id, reason)
        settle(
            message_id,
            attempts_of[message_id],
            token,
            "withheld",
            now if clock_is_fixed else utcnow(),
            reason,
            permanent=True,
        )
        result.failed += 1
    broken: str | None = None
    with mail.sender_for(settings) as sender:
        for message_id, attempts, give_up_at, email in emails:
            error, permanent = broken, False
            if broken is None:
                try:
                    sender.send(email)
                except mail.DELIVERY_ERRORS as exc:  # smtplib's errors are OSErrors too
                    error, permanent = describe(exc), is_permanent(exc)
                    if mail.breaks_batch(exc):
                        broken = error
                        sender.drop()
            outcome = settle(
                message_id,
                attempts,
                token,
                sender.name,
                now if clock_is_fixed else utcnow(),
                error,
                permanent,
                give_up_at,
            )
            result.last_error = error or result.last_error
            if outcome == FAILED:
                assert error is not None  # settle fails a message only on an error
                result.failures.append(error)
            field = OUTCOME_FIELDS[outcome]
            setattr(result, field, getattr(result, field) + 1)
    if result.retrying or result.failed:
        log.warning("Outbox delivery: %s sent, %s to retry, %s failed", result.sent, result.retrying, result.failed)
    return result


def withheld_messages(messages: list[OutboxMessage]) -> dict[int, str]:
    """{message id: why} for those not to be sent after all: since it was queued, its recipient lost sight of a
    recommendation it mentions (a role removed, a PDU moved), so it would tell them what they may not see."""
    seeing = _sight().Sight()
    withheld = {}
    for message in messages:
        if message.recommendation_ids is not None:
            mentioned = set(message.recommendation_ids)
        else:  # queued before messages recorded what they mention
            mentioned = _sight().mentioned(action_ids=message.action_ids, message_key=message.key)
        hidden = _sight().unseen(message.recipient_id, mentioned, seeing)
        if hidden:
            withheld[message.id] = (
                f"Not sent: the recipient may no longer see recommendation(s) {', '.join(map(str, hidden))}"
            )
    return withheld


def deliver_all(now: datetime | None = None) -> DeliveryResult:
    """Batches until nothing due is left (a failing batch stops the loop: its messages wait for backoff)."""
    total = DeliveryResult()
    while True:
        batch = deliver(now=now)
        total.add(batch)
        if batch.claimed == 0 or batch.retrying or batch.failed:
            return total
