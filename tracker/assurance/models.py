"""Records of assurance: each submission of a recommendation and each decision on its evidence. The actions that
wait on other actions are the actions feature's own record (tracker.actions.models.ActionDependency), named here
too for the code that reads it from here."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from tracker.actions.models import ActionDependency  # noqa: F401  (kept where it was first defined)
from tracker.db_types import UTCDateTime, utcnow
from tracker.extensions import db

SUBMITTED = "submitted"
RETURNED = "returned"
ASSURED = "assured"
#: an assured recommendation its reviewer reopened; the submission stays on record
REOPENED = "reopened"
#: taken back by its submitter (or another manager) before the review, to change something
WITHDRAWN = "withdrawn"
SUBMISSION_STATES = (SUBMITTED, RETURNED, ASSURED, REOPENED, WITHDRAWN)

ACCEPTED = "accepted"
REJECTED = "rejected"
DECISIONS = {ACCEPTED: "Accepted", REJECTED: "Rejected"}


class Submission(db.Model):
    """One round of assurance: the owner submits, then the reviewer assures or returns (and may later reopen)."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    #: submitted, returned, assured, reopened or withdrawn
    state: Mapped[str] = mapped_column(String(20), default=SUBMITTED)
    #: the person who submitted; they may never review this submission
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: the recommendation's lead when it was submitted: independence is judged against the people as they were
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the reasons for returning it, or the reviewer's comment on assuring it
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_reason: Mapped[str] = mapped_column(Text, default="")
    version_id: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version_id}

    # selectin: every list that shows a status loads all submissions of its recommendations in one query
    recommendation: Mapped["Recommendation"] = relationship(  # noqa: F821
        backref=backref("submissions", lazy="selectin", order_by="Submission.id", cascade="all, delete-orphan"),
    )
    submitted_by: Mapped["User | None"] = relationship(foreign_keys=[submitted_by_id])  # noqa: F821
    decided_by: Mapped["User | None"] = relationship(foreign_keys=[decided_by_id])  # noqa: F821
    reopened_by: Mapped["User | None"] = relationship(foreign_keys=[reopened_by_id])  # noqa: F821
    reviews: Mapped[list["EvidenceReview"]] = relationship(
        back_populates="submission", order_by="EvidenceReview.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.state == SUBMITTED


class EvidenceReview(db.Model):
    """A reviewer's decision on one evidence item; a later decision on the same item supersedes it."""

    __tablename__ = "evidence_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), index=True)
    #: accepted or rejected
    decision: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped["Submission"] = relationship(back_populates="reviews")
    evidence: Mapped["Evidence"] = relationship()  # noqa: F821
    reviewed_by: Mapped["User | None"] = relationship()  # noqa: F821

    @property
    def decision_label(self) -> str:
        return DECISIONS[self.decision]
