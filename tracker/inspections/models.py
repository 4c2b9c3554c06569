"""An inspection report as published: its ratings, standards, key questions and score."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db_types import UTCDateTime, utcnow
from tracker.extensions import Model

if TYPE_CHECKING:
    # the related models, for the checker only: at run time the relationships name them as strings
    from tracker.organisations.models import Organisation
    from tracker.recommendations.models import Recommendation

RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")
NOT_APPLICABLE = "Not applicable"
RATING_SCORES = {"Inadequate": 0, "Requires improvement": 1, "Good": 2, "Outstanding": 3}


class Inspection(Model):
    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    pdu_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    fieldwork_on: Mapped[date | None]
    published_on: Mapped[date | None]
    #: the report gives only the month of fieldwork: `fieldwork_on` is the 1st and is shown as "August 2022"
    is_fieldwork_month_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: the report gives only the month of publication, as most do
    is_published_month_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    overall_rating: Mapped[str | None] = mapped_column(String(30))
    score: Mapped[int | None]
    score_max: Mapped[int | None]
    #: the date the service expects the inspectors back, before it is announced
    expected_reinspection_on: Mapped[date | None]
    #: the announced date, once known; it takes precedence over the expected one
    confirmed_reinspection_on: Mapped[date | None]
    outcomes_question: Mapped[str | None] = mapped_column(Text)
    #: 2.6 Outcomes: reported as a percentage but not rated
    outcomes_percentage: Mapped[int | None]
    #: SHA-256 of the imported report's text, so the same report is not imported twice
    source_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: made up for the demo (the living region), not a published report: every page showing it says so
    is_fictional: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pdu: Mapped["Organisation"] = relationship(lazy="joined")  # noqa: F821
    standards: Mapped[list["Standard"]] = relationship(
        back_populates="inspection", order_by="Standard.position", cascade="all, delete-orphan"
    )
    recommendations: Mapped[list["Recommendation"]] = relationship(  # noqa: F821
        back_populates="inspection", order_by="Recommendation.number", cascade="all, delete-orphan"
    )

    @property
    def reinspection_on(self) -> date | None:
        return self.confirmed_reinspection_on or self.expected_reinspection_on


class Standard(Model):
    __tablename__ = "standards"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    code: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    #: 1 organisational delivery, 2 court work and case supervision
    domain: Mapped[int]
    #: one of RATINGS, or 'Not applicable'
    rating: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(default=0)

    inspection: Mapped["Inspection"] = relationship(back_populates="standards")
    key_questions: Mapped[list["KeyQuestion"]] = relationship(
        back_populates="standard", order_by="KeyQuestion.position", cascade="all, delete-orphan"
    )

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_rated(self) -> bool:
        return self.rating in RATING_SCORES


class KeyQuestion(Model):
    __tablename__ = "key_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: percentage of inspected cases answered 'Yes'
    percentage: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)

    standard: Mapped["Standard"] = relationship(back_populates="key_questions")
