"""Actions taken on a recommendation, their target-date history, the progress reported on them, and the actions
that wait on other actions."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db_types import UTCDateTime, text_search_index, utcnow
from tracker.extensions import db
from tracker.recommendations.status import COMPLETE, NOT_STARTED, STATUSES


class ActionRules:
    """What an action's status and dates mean, shared by the model and the work lists' plain rows."""

    status: str
    target_on: date
    original_target_on: date

    @property
    def is_complete(self) -> bool:
        return self.status == COMPLETE

    def is_overdue(self, on: date) -> bool:
        return not self.is_complete and self.target_on < on

    @property
    def is_revised(self) -> bool:
        return self.target_on != self.original_target_on


class Action(ActionRules, db.Model):
    __tablename__ = "actions"
    #: the dashboards count actions by recommendation, status and target date from this index alone
    __table_args__ = (Index("ix_actions_recommendation_id_status_target_on", "recommendation_id", "status",
                            "target_on"),
                      text_search_index("ix_actions_description_search", "description"))

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: the date first agreed; kept when the target is revised (no silent deferral)
    original_target_on: Mapped[date]
    #: the current target date
    target_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default=NOT_STARTED)
    completed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version_id}

    recommendation: Mapped["Recommendation"] = relationship(back_populates="actions")  # noqa: F821
    owner: Mapped["User | None"] = relationship()  # noqa: F821
    revisions: Mapped[list["TargetDateRevision"]] = relationship(
        back_populates="action", order_by="TargetDateRevision.revised_at", cascade="all, delete-orphan"
    )
    updates: Mapped[list["ProgressUpdate"]] = relationship(
        back_populates="action", order_by="ProgressUpdate.created_at.desc()", cascade="all, delete-orphan"
    )
    evidence: Mapped[list["Evidence"]] = relationship(back_populates="action")  # noqa: F821

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

class TargetDateRevision(db.Model):
    __tablename__ = "target_date_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    previous_on: Mapped[date]
    new_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    revised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped["Action"] = relationship(back_populates="revisions")
    revised_by: Mapped["User | None"] = relationship()  # noqa: F821


class ProgressUpdate(db.Model):
    __tablename__ = "progress_updates"
    __table_args__ = (text_search_index("ix_progress_updates_narrative_search", "narrative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    narrative: Mapped[str] = mapped_column(Text)
    #: the action's status before and after, when the update moved it
    status_from: Mapped[str | None] = mapped_column(String(20))
    status_to: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: when its author last corrected it (allowed for `[actions] update_correction_minutes` after posting)
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    action: Mapped["Action"] = relationship(back_populates="updates")
    author: Mapped["User | None"] = relationship()  # noqa: F821


class ActionDependency(db.Model):
    """`action` cannot finish until `blocker` does, e.g. a PDU's training waits on the region's recruitment."""

    __tablename__ = "action_dependencies"
    __table_args__ = (
        UniqueConstraint("action_id", "blocker_id", name="uq_action_dependencies_action_id_blocker_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the action that waits
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    #: the action it waits on
    blocker_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped["Action"] = relationship(foreign_keys=[action_id])  # noqa: F821
    blocker: Mapped["Action"] = relationship(foreign_keys=[blocker_id])  # noqa: F821
    created_by: Mapped["User | None"] = relationship()  # noqa: F821
