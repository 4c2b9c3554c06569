"""The notification events: one row for each person to be told of something that happened to their work."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db_types import UTCDateTime, utcnow
from tracker.extensions import Model

if TYPE_CHECKING:
    # the related models, for the checker only: at run time the relationships name them as strings
    from tracker.actions.models import Action
    from tracker.auth.models import User
    from tracker.evidence.models import Evidence
    from tracker.recommendations.models import Recommendation

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
#: the message key of an event dropped untold because what it would ask of its recipient was over before it went
#: (a recommendation submitted for review, then decided or withdrawn within the gathering window)
OVERTAKEN = "overtaken"
EVENT_KINDS = (
    ASSIGNED,
    SUBMITTED_FOR_REVIEW,
    RETURNED_TO_YOU,
    ASSURED_YOURS,
    EVIDENCE_REJECTED,
    DATE_REQUESTED,
    DATE_AGREEMENT,
    DATE_DECIDED,
)


class NotificationEvent(Model):
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
    #: the reasons given for a return, the comment on rejected evidence or on an assurance, or a submission's
    #: covering note
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: the outbox key of the message that told the recipient, or OVERTAKEN for one never to be told; empty until
    #: then
    message_key: Mapped[str | None] = mapped_column(String(300))

    recipient: Mapped["User"] = relationship(foreign_keys=[recipient_id])  # noqa: F821
    actor: Mapped["User | None"] = relationship(foreign_keys=[actor_id])  # noqa: F821
    recommendation: Mapped["Recommendation"] = relationship()  # noqa: F821
    action: Mapped["Action | None"] = relationship()  # noqa: F821
    evidence: Mapped["Evidence | None"] = relationship()  # noqa: F821
