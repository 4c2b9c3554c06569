"""The audit trail: every change to the plan, who made it, when, and what it was before and after."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db_types import UTCDateTime, utcnow
from tracker.extensions import Model

if TYPE_CHECKING:
    # the related models, for the checker only: at run time the relationships name them as strings
    from tracker.auth.models import User


class AuditEvent(Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: empty for changes made by the system (scheduled jobs, imports from the command line)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: the kind of record changed, e.g. "action"
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int | None]
    #: the recommendation the change belongs to, so its history is one query
    recommendation_id: Mapped[int | None] = mapped_column(ForeignKey("recommendations.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    #: create, update, delete, or a named transition such as "submit"
    verb: Mapped[str] = mapped_column(String(50))
    #: a sentence a person can read in the history
    summary: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor: Mapped["User | None"] = relationship()  # noqa: F821
