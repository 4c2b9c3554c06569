"""Recommendations from a report, who owns them, and the service's response to each."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db_types import UTCDateTime, text_search_index, utcnow
from tracker.extensions import db

ADDRESSEE_PDU = "pdu"
ADDRESSEE_REGION = "region"
ADDRESSEE_HMPPS = "hmpps"
ADDRESSEE_OTHER = "other"
ADDRESSEE_KINDS = (ADDRESSEE_PDU, ADDRESSEE_REGION, ADDRESSEE_HMPPS, ADDRESSEE_OTHER)

AGREED = "agreed"
PARTLY_AGREED = "partly_agreed"
NOT_AGREED = "not_agreed"
RESPONSES = {AGREED: "Agreed", PARTLY_AGREED: "Partly agreed", NOT_AGREED: "Not agreed"}

recommendation_standards = Table(
    "recommendation_standards",
    db.metadata,
    Column("recommendation_id", ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True),
    Column("standard_id", ForeignKey("standards.id", ondelete="CASCADE"), primary_key=True),
)


class Recommendation(db.Model):
    __tablename__ = "recommendations"
    __table_args__ = (UniqueConstraint("inspection_id", "number", name="uq_recommendations_inspection_id_number"),
                      text_search_index("ix_recommendations_text_search", "text"))

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
