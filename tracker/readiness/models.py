"""Internal case audit rounds: the sample audited for each standard and how many cases met each key question."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db_types import UTCDateTime, utcnow
from tracker.extensions import Model

if TYPE_CHECKING:
    # the related models, for the checker only: at run time the relationships name them as strings
    from tracker.auth.models import User
    from tracker.inspections.models import Inspection, KeyQuestion, Standard


class AuditRound(Model):
    __tablename__ = "audit_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    #: the day the audit was completed; rounds are shown in this order
    held_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: incremented on every update so a stale edit is refused rather than overwriting
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    inspection: Mapped["Inspection"] = relationship()  # noqa: F821
    created_by: Mapped["User | None"] = relationship()  # noqa: F821
    standards: Mapped[list["AuditRoundStandard"]] = relationship(
        back_populates="audit_round", cascade="all, delete-orphan", order_by="AuditRoundStandard.standard_id"
    )
    answers: Mapped[list["AuditRoundAnswer"]] = relationship(
        back_populates="audit_round", cascade="all, delete-orphan", order_by="AuditRoundAnswer.key_question_id"
    )


class AuditRoundStandard(Model):
    __tablename__ = "audit_round_standards"
    __table_args__ = (
        UniqueConstraint("audit_round_id", "standard_id", name="uq_audit_round_standards_round_standard"),
        CheckConstraint("cases_sampled IS NULL OR cases_sampled > 0", name="cases_sampled_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_round_id: Mapped[int] = mapped_column(ForeignKey("audit_rounds.id", ondelete="CASCADE"), index=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"), index=True)
    #: cases audited for a case-supervision standard; empty when it was not audited in this round
    cases_sampled: Mapped[int | None]
    #: for a domain-one standard, the head of PDU's own judgement (one of RATINGS), since it is not case-based
    self_assessed_rating: Mapped[str | None] = mapped_column(String(30))

    audit_round: Mapped["AuditRound"] = relationship(back_populates="standards")
    standard: Mapped["Standard"] = relationship()  # noqa: F821


class AuditRoundAnswer(Model):
    __tablename__ = "audit_round_answers"
    __table_args__ = (
        UniqueConstraint("audit_round_id", "key_question_id", name="uq_audit_round_answers_round_question"),
        CheckConstraint("yes_count >= 0", name="yes_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_round_id: Mapped[int] = mapped_column(ForeignKey("audit_rounds.id", ondelete="CASCADE"), index=True)
    key_question_id: Mapped[int] = mapped_column(ForeignKey("key_questions.id"), index=True)
    #: cases judged 'Yes'; the percentage is computed from this and the standard's sample, never typed
    yes_count: Mapped[int]

    audit_round: Mapped["AuditRound"] = relationship(back_populates="answers")
    key_question: Mapped["KeyQuestion"] = relationship()  # noqa: F821
