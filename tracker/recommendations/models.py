"""Recommendations from a report, who owns them, the service's response to each, and the record of their assurance:
each submission of a recommendation and each decision on its evidence."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from tracker.db_types import UTCDateTime, text_search_index, utcnow
from tracker.extensions import Model, db

if TYPE_CHECKING:
    # the related models, for the checker only: at run time the relationships name them as strings
    from tracker.actions.models import Action
    from tracker.auth.models import User
    from tracker.evidence.models import Evidence
    from tracker.inspections.models import Inspection, Standard
    from tracker.organisations.models import Organisation

ADDRESSEE_PDU = "pdu"
ADDRESSEE_REGION = "region"
ADDRESSEE_HMPPS = "hmpps"
ADDRESSEE_OTHER = "other"
ADDRESSEE_KINDS = (ADDRESSEE_PDU, ADDRESSEE_REGION, ADDRESSEE_HMPPS, ADDRESSEE_OTHER)
#: the lists' "Addressed to" filter
ADDRESSEE_CHOICES = [
    ("", "Anyone"),
    ("pdu", "The PDU"),
    ("region", "The region"),
    ("hmpps", "HMPPS"),
    ("other", "Other bodies"),
]


def addressee_label(kind: str, addressee_name: str, owner_name: str, pdu_name: str) -> str:
    """Who a recommendation is for, as lists and captions label it: a PDU's own by the PDU; one made to its region,
    to HMPPS or to another body by that addressee, with the inspection it came from, so that it is never taken for
    the PDU's ("London region (Barking, Dagenham and Havering PDU inspection)"). `owner_name` and `pdu_name` are the
    organisations' display names."""
    if kind == ADDRESSEE_PDU:
        return pdu_name
    addressee = addressee_name if kind == ADDRESSEE_OTHER else owner_name
    return f"{addressee} ({pdu_name} inspection)"


AGREED = "agreed"
PARTLY_AGREED = "partly_agreed"
NOT_AGREED = "not_agreed"
RESPONSES = {AGREED: "Agreed", PARTLY_AGREED: "Partly agreed", NOT_AGREED: "Not agreed"}

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

recommendation_standards = Table(
    "recommendation_standards",
    db.metadata,
    Column("recommendation_id", ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True),
    Column("standard_id", ForeignKey("standards.id", ondelete="CASCADE"), primary_key=True),
)


class Recommendation(Model):
    __tablename__ = "recommendations"
    __table_args__ = (
        UniqueConstraint("inspection_id", "number", name="uq_recommendations_inspection_id_number"),
        text_search_index("ix_recommendations_text_search", "text"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    number: Mapped[int]
    #: verbatim from the report
    text: Mapped[str] = mapped_column(Text)
    #: pdu, region, hmpps or other
    addressee_kind: Mapped[str] = mapped_column(String(20))
    #: the heading's wording, e.g. "London region" or "The Metropolitan Police Service"
    addressee_name: Mapped[str] = mapped_column(String(200))
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: agreed, partly_agreed or not_agreed; empty until the service responds
    response: Mapped[str | None] = mapped_column(String(20))
    response_rationale: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: incremented on every update so a stale edit is refused rather than overwriting
    version_id: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version_id}

    inspection: Mapped["Inspection"] = relationship(back_populates="recommendations")  # noqa: F821
    owner_org: Mapped["Organisation"] = relationship(lazy="joined")  # noqa: F821
    lead: Mapped["User | None"] = relationship()  # noqa: F821
    standards: Mapped[list["Standard"]] = relationship(  # noqa: F821
        secondary=recommendation_standards, order_by="Standard.position"
    )
    actions: Mapped[list["Action"]] = relationship(  # noqa: F821
        back_populates="recommendation", order_by="Action.id", cascade="all, delete-orphan"
    )
    evidence: Mapped[list["Evidence"]] = relationship(  # noqa: F821
        back_populates="recommendation", order_by="Evidence.created_at", cascade="all, delete-orphan"
    )

    @property
    def response_label(self) -> str:
        return RESPONSES.get(self.response or "", "Not yet responded")

    @property
    def label(self) -> str:
        return f"Recommendation {self.number}"

    @property
    def addressee_label(self) -> str:
        """See addressee_label(): "Barking, Dagenham and Havering PDU", or "London region (… inspection)"."""
        return addressee_label(
            self.addressee_kind, self.addressee_name, self.owner_org.display_name, self.inspection.pdu.display_name
        )


class Submission(Model):
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
    #: what the submitter wrote for the reviewer when submitting (optional); the review page shows it
    covering_note: Mapped[str] = mapped_column(Text, default="")
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


class EvidenceReview(Model):
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
