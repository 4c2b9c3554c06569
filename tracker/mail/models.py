"""The outbox of emails waiting to go and every attempt to deliver them."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db_types import UTCDateTime, utcnow
from tracker.extensions import Model

if TYPE_CHECKING:
    # the related models, for the checker only: at run time the relationships name them as strings
    from tracker.auth.models import User
    from tracker.jobs.models import JobRun

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


class OutboxMessage(Model):
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
    job_run: Mapped["JobRun | None"] = relationship()  # noqa: F821
    delivery_attempts: Mapped[list["DeliveryAttempt"]] = relationship(
        back_populates="message", order_by="DeliveryAttempt.attempted_at", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return MESSAGE_STATUSES[self.status]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


class DeliveryAttempt(Model):
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
