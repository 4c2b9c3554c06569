"""The outbox of emails waiting to go, every attempt to deliver them, and a record of each scheduled job run."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db_types import UTCDateTime, utcnow
from tracker.extensions import db

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
MESSAGE_STATUSES = {PENDING: "Pending", SENDING: "Sending", SENT: "Sent", FAILED: "Failed"}

REMINDERS = "reminders"
WEEKLY_REMINDERS = "weekly_reminders"
DIRECTOR_DIGEST = "director_digest"
READINESS = "readiness"
ACCOUNT = "account"
REASSIGNED = "reassigned"
MAIL_ALERT = "mail_alert"
EVENTS = "events"
KIND_LABELS = {
    REMINDERS: "Daily reminders",
    WEEKLY_REMINDERS: "Weekly summary",
    DIRECTOR_DIGEST: "Regional director's digest",
    READINESS: "Readiness summary",
    ACCOUNT: "Invitations and password resets",
    REASSIGNED: "Work reassigned",
    MAIL_ALERT: "Undelivered mail alert",
    EVENTS: "What happened to your work",
}

#: what a notification event tells its recipient, in the order a message lists them
ASSIGNED = "assigned"
SUBMITTED_FOR_REVIEW = "submitted"
RETURNED_TO_YOU = "returned"
ASSURED_YOURS = "assured"
EVIDENCE_REJECTED = "evidence_rejected"
#: a new target date asked of you (as the lead, or as the reviewer whose agreement it needs), and the answer
DATE_REQUESTED = "date_requested"
DATE_AGREEMENT = "date_agreement"
DATE_DECIDED = "date_decided"
EVENT_KINDS = (ASSIGNED, SUBMITTED_FOR_REVIEW, RETURNED_TO_YOU, ASSURED_YOURS, EVIDENCE_REJECTED, DATE_REQUESTED,
               DATE_AGREEMENT, DATE_DECIDED)

RUNNING = "running"
SUCCEEDED = "succeeded"
JOB_FAILED = "failed"
SKIPPED = "skipped"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: recipient, kind and period, e.g. "reminders:2026-11-26:user:5"; unique so no message is queued twice
    key: Mapped[str] = mapped_column(String(300), unique=True)
    #: reminders, weekly_reminders, director_digest or readiness
    kind: Mapped[str] = mapped_column(String(30), index=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    #: pending, sending (claimed by a delivery worker), sent or failed
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    #: a pending message is not tried again before this time (backoff after a failure)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when a worker claimed it; a claim older than the lease is taken to be a crashed worker's
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: random token of the claiming worker, so only that worker can settle the message
    claim_token: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: smtp, notify, or sink when mail is kept in the app rather than sent
    sent_via: Mapped[str | None] = mapped_column(String(10))
    last_error: Mapped[str | None] = mapped_column(Text)
    job_run_id: Mapped[int | None] = mapped_column(ForeignKey("job_runs.id"), index=True)
    #: retries stop after this time (the message is then failed); "send again" sets it afresh
    give_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the actions the message mentions, so the rest of the week does not mention them again
    action_ids: Mapped[list | None] = mapped_column(JSON)
    #: every recommendation it mentions (its own, its actions' and its events'), checked again before sending
    recommendation_ids: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    recipient: Mapped["User | None"] = relationship()  # noqa: F821
    job_run: Mapped["JobRun | None"] = relationship()
    delivery_attempts: Mapped[list["DeliveryAttempt"]] = relationship(
        back_populates="message", order_by="DeliveryAttempt.attempted_at", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return MESSAGE_STATUSES[self.status]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


class DeliveryAttempt(db.Model):
    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: smtp, notify or sink
    backend: Mapped[str] = mapped_column(String(10))
    is_success: Mapped[bool] = mapped_column(default=False)
    #: the exception the mail server or network raised, empty on success
    error: Mapped[str | None] = mapped_column(Text)

    message: Mapped["OutboxMessage"] = relationship(back_populates="delivery_attempts")


class JobRun(db.Model):
    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: reminders, digest, readiness or send_outbox
    job: Mapped[str] = mapped_column(String(50), index=True)
    #: the calendar day (Europe/London) the job ran for
    as_of: Mapped[date]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: running, succeeded, skipped or failed
    status: Mapped[str] = mapped_column(String(20), default=RUNNING)
    queued_count: Mapped[int] = mapped_column(default=0)
    sent_count: Mapped[int] = mapped_column(default=0)
    failed_count: Mapped[int] = mapped_column(default=0)
    #: why a run was skipped, or other facts about it a person may want
    note: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str | None] = mapped_column(Text)
    #: counts by kind of item, e.g. {"overdue": 3}
    counts: Mapped[dict | None] = mapped_column(JSON)


class NotificationEvent(db.Model):
    """Something that happened to a person's work, recorded in the transaction that made it happen and told to
    them once: in a message of its own after a short gathering window, or in their daily or weekly message."""

    __tablename__ = "notification_events"
    __table_args__ = (Index("ix_notification_events_recipient_id_message_key", "recipient_id", "message_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: assigned, submitted, returned, assured or evidence_rejected
    kind: Mapped[str] = mapped_column(String(30))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: who made the change (never the recipient)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="SET NULL"))
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id", ondelete="SET NULL"))
    #: the reasons given for a return, or the comment on rejected evidence or on an assurance
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: the outbox key of the message that told the recipient; empty until then
    message_key: Mapped[str | None] = mapped_column(String(300))

    recipient: Mapped["User"] = relationship(foreign_keys=[recipient_id])  # noqa: F821
    actor: Mapped["User | None"] = relationship(foreign_keys=[actor_id])  # noqa: F821
    recommendation: Mapped["Recommendation"] = relationship()  # noqa: F821
    action: Mapped["Action | None"] = relationship()  # noqa: F821
    evidence: Mapped["Evidence | None"] = relationship()  # noqa: F821
