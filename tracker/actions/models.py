"""Actions taken on a recommendation, their target-date history, the progress reported on them, and the actions
that wait on other actions."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db_types import UTCDateTime, text_search_index, utcnow
from tracker.extensions import Model
from tracker.recommendations.status import COMPLETE, NOT_STARTED, STATUSES

if TYPE_CHECKING:
    # the related models, for the checker only: at run time the relationships name them as strings
    from tracker.auth.models import User
    from tracker.evidence.models import Evidence
    from tracker.recommendations.models import Recommendation

#: an open action due within this many days is "due soon"
DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class Timeliness:
    """How an action stands against its dates: the one flag every page, list, email and export shows."""

    #: overdue, slipped, due_soon, on_track, complete_on_time or complete_late
    key: str
    label: str
    #: GOV.UK tag colour modifier
    colour: str
    #: worst first: 0 is the most urgent
    rank: int
    #: days overdue, slipped or late (0 when none)
    days: int = 0


def slipped_days(original_target_on: date, target_on: date, status: str) -> int:
    """How many days an unfinished action's current target is later than the date first agreed (0: not slipped).

    A completed action is no longer slipped: how it finished is told by `timeliness` as on time or late."""
    if status == COMPLETE:
        return 0
    return max(0, (target_on - original_target_on).days)


def days_late(original_target_on: date, completed_on: date | None) -> int:
    """How many days after the date first agreed a completed action was finished (0: on time)."""
    return max(0, (completed_on - original_target_on).days) if completed_on else 0


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def timeliness(
    status: str, original_target_on: date, target_on: date, completed_on: date | None, on: date
) -> Timeliness:
    """The rule, in one place: overdue beats slipped beats due soon; a completed action is judged against the date
    first agreed, so moving the target never turns a late finish into an on-time one."""
    if status == COMPLETE:
        late = days_late(original_target_on, completed_on)
        if late:
            return Timeliness("complete_late", f"Complete, {_days(late)} late", "yellow", 4, late)
        return Timeliness("complete_on_time", "Complete on time", "green", 6)
    slipped = slipped_days(original_target_on, target_on, status)
    if target_on < on:
        overdue = (on - target_on).days
        label = f"Overdue by {_days(overdue)}" + (f", slipped {_days(slipped)}" if slipped else "")
        return Timeliness("overdue", label, "red", 0, overdue)
    if slipped:
        return Timeliness("slipped", f"Slipped {_days(slipped)}", "orange", 1, slipped)
    if (target_on - on).days <= DUE_SOON_DAYS:
        return Timeliness("due_soon", "Due soon", "yellow", 2, (target_on - on).days)
    return Timeliness("on_track", "On track", "blue", 3)


#: every flag, worst first, for filters and keys
TIMELINESS_LABELS = {
    "overdue": "Overdue",
    "slipped": "Slipped",
    "due_soon": "Due soon",
    "on_track": "On track",
    "complete_late": "Complete late",
    "complete_on_time": "Complete on time",
}


class ActionRules:
    """What an action's status and dates mean, shared by the model and the work lists' plain rows."""

    status: str
    target_on: date
    original_target_on: date
    completed_on: date | None

    @property
    def is_complete(self) -> bool:
        return self.status == COMPLETE

    def is_overdue(self, on: date) -> bool:
        return not self.is_complete and self.target_on < on

    @property
    def is_revised(self) -> bool:
        return self.target_on != self.original_target_on

    @property
    def slipped_by(self) -> int:
        """Days the unfinished action's target has moved past the date first agreed (0: not slipped)."""
        return slipped_days(self.original_target_on, self.target_on, self.status)

    @property
    def is_slipped(self) -> bool:
        return self.slipped_by > 0

    def timeliness(self, on: date) -> Timeliness:
        return timeliness(self.status, self.original_target_on, self.target_on, self.completed_on, on)


class Action(ActionRules, Model):
    __tablename__ = "actions"
    #: the dashboards count actions by recommendation, status and target date from this index alone
    __table_args__ = (
        Index("ix_actions_recommendation_id_status_target_on", "recommendation_id", "status", "target_on"),
        text_search_index("ix_actions_description_search", "description"),
    )

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


class TargetDateRevision(Model):
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


class ProgressUpdate(Model):
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


class ActionDependency(Model):
    """`action` cannot finish until `blocker` does, e.g. a PDU's training waits on the region's recruitment."""

    __tablename__ = "action_dependencies"
    __table_args__ = (UniqueConstraint("action_id", "blocker_id", name="uq_action_dependencies_action_id_blocker_id"),)

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


#: asked by the action's owner, waiting for the recommendation's lead
REQUESTED = "requested"
#: approved by the lead (or asked by the lead), waiting for the reviewer's agreement
AWAITING_AGREEMENT = "awaiting_agreement"
APPROVED = "approved"
REFUSED = "refused"
REQUEST_STATES = {
    REQUESTED: "Waiting for the recommendation's lead",
    AWAITING_AGREEMENT: "Waiting for the reviewer",
    APPROVED: "Approved",
    REFUSED: "Refused",
}


class DateChangeRequest(Model):
    """A new target date asked for with a reason: the owner asks, the recommendation's lead approves or refuses,
    and a date already slipped or moved beyond `[actions] redate_limit_days` also needs the reviewer's agreement."""

    __tablename__ = "date_change_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the target date when asked, and the date asked for
    current_on: Mapped[date]
    new_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    #: requested, awaiting_agreement, approved or refused
    state: Mapped[str] = mapped_column(String(30), default=REQUESTED, index=True)
    #: the lead who approved it (for a date that also needs the reviewer's agreement)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: who made the final decision, approving or refusing, and what they said
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    action: Mapped["Action"] = relationship()
    requested_by: Mapped["User | None"] = relationship(foreign_keys=[requested_by_id])  # noqa: F821
    approved_by: Mapped["User | None"] = relationship(foreign_keys=[approved_by_id])  # noqa: F821
    decided_by: Mapped["User | None"] = relationship(foreign_keys=[decided_by_id])  # noqa: F821

    @property
    def is_open(self) -> bool:
        return self.state in (REQUESTED, AWAITING_AGREEMENT)

    @property
    def state_label(self) -> str:
        return REQUEST_STATES[self.state]
