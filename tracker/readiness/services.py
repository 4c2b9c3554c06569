"""Use cases for internal case audit rounds: who may record them, and recording or correcting one."""

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import lazyload, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from tracker.audit.services import record_event
from tracker.auth.models import HEAD_OF_PDU, REGIONAL_DIRECTOR, User
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.inspections.models import Inspection, Standard
from tracker.loading import attach
from tracker.readiness.models import AuditRound, AuditRoundAnswer, AuditRoundStandard
from tracker.readiness.projection import Bands, StandardInput, percentage
from tracker.templating import format_date


class AuditRoundError(ValueError):
    """A change the rules refuse; the message is shown to the user."""


@dataclass
class AuditRoundInput:
    held_on: date
    notes: str = ""
    #: standard id → cases sampled (None: not audited in this round)
    samples: dict[int, int | None] = field(default_factory=dict)
    #: standard id → self-assessed rating, for domain-one standards
    self_ratings: dict[int, str | None] = field(default_factory=dict)
    #: key question id → cases judged 'Yes'
    yes_counts: dict[int, int | None] = field(default_factory=dict)


def bands() -> Bands:
    return Bands.from_config(current_app.config)


def can_record_audit(user, inspection: Inspection) -> bool:
    """The head of the inspected PDU, or the director of its region; a delegate is given one of those roles."""
    if not user.is_authenticated:
        return False
    return inspection.pdu_id in user.orgs_with_role(HEAD_OF_PDU) or inspection.pdu.parent_id in user.orgs_with_role(
        REGIONAL_DIRECTOR
    )


def inspection_with_rounds(inspection_id: int) -> Inspection | None:
    """The inspection with its standards, key questions and audit rounds, in a fixed number of queries."""
    return db.session.scalar(
        select(Inspection)
        .where(Inspection.id == inspection_id)
        .options(selectinload(Inspection.standards).selectinload(Standard.key_questions))
    )


def rounds_for(inspection_id: int) -> list[AuditRound]:
    """The inspection's audit rounds, oldest first, with their figures: always the same four queries."""
    rounds = list(
        db.session.scalars(
            select(AuditRound)
            .where(AuditRound.inspection_id == inspection_id)
            .options(lazyload("*"))
            .order_by(AuditRound.held_on, AuditRound.id)
        )
    )
    round_ids = select(AuditRound.id).where(AuditRound.inspection_id == inspection_id)
    attach(
        rounds,
        "standards",
        list(
            db.session.scalars(
                select(AuditRoundStandard)
                .where(AuditRoundStandard.audit_round_id.in_(round_ids))
                .order_by(AuditRoundStandard.standard_id)
            )
        ),
        lambda s: s.audit_round_id,
    )
    attach(
        rounds,
        "answers",
        list(
            db.session.scalars(
                select(AuditRoundAnswer)
                .where(AuditRoundAnswer.audit_round_id.in_(round_ids))
                .order_by(AuditRoundAnswer.key_question_id)
            )
        ),
        lambda a: a.audit_round_id,
    )
    authors = {
        u.id: u
        for u in db.session.scalars(
            select(User)
            .options(lazyload(User.roles))
            .where(User.id.in_(select(AuditRound.created_by_id).where(AuditRound.inspection_id == inspection_id)))
        )
    }
    for audit_round in rounds:
        author_id = audit_round.created_by_id
        set_committed_value(audit_round, "created_by", authors.get(author_id) if author_id is not None else None)
    return rounds


def standard_inputs(inspection, audit_round) -> list[StandardInput]:
    """Each standard's baseline and, when a round is given, what the round found for it.

    Takes the models or the dashboards' plain facts (tracker.readiness.facts), which have the same attributes.
    """
    samples = {s.standard_id: s for s in audit_round.standards} if audit_round else {}
    answers = {a.key_question_id: a.yes_count for a in audit_round.answers} if audit_round else {}
    inputs = []
    for standard in inspection.standards:
        recorded = samples.get(standard.id)
        percentages = cases = yes_counts = None
        if audit_round is None:
            percentages = tuple(kq.percentage for kq in standard.key_questions) or None
        elif recorded is not None and recorded.cases_sampled:
            cases = recorded.cases_sampled
            yes_counts = tuple(answers[kq.id] for kq in standard.key_questions if kq.id in answers) or None
            percentages = tuple(percentage(yes, cases) for yes in yes_counts or ()) or None
        inputs.append(
            StandardInput(
                code=standard.code,
                name=standard.name,
                domain=standard.domain,
                inspection_rating=standard.rating,
                percentages=percentages,
                self_assessed_rating=recorded.self_assessed_rating if recorded else None,
                cases=cases,
                yes_counts=yes_counts,
            )
        )
    return inputs


def _snapshot(data: AuditRoundInput) -> dict:
    return {
        "held_on": data.held_on.isoformat(),
        "notes": data.notes,
        "samples": {str(k): v for k, v in data.samples.items()},
        "self_ratings": {str(k): v for k, v in data.self_ratings.items()},
        "yes_counts": {str(k): v for k, v in data.yes_counts.items()},
    }


def _round_snapshot(audit_round: AuditRound) -> dict:
    return _snapshot(
        AuditRoundInput(
            held_on=audit_round.held_on,
            notes=audit_round.notes,
            samples={s.standard_id: s.cases_sampled for s in audit_round.standards},
            self_ratings={s.standard_id: s.self_assessed_rating for s in audit_round.standards},
            yes_counts={a.key_question_id: a.yes_count for a in audit_round.answers},
        )
    )


def _check(inspection: Inspection, data: AuditRoundInput) -> None:
    """The form checks each field; this guards the service against inconsistent input from any caller."""
    audited = False
    for standard in inspection.standards:
        sample = data.samples.get(standard.id)
        if sample is not None and sample < 1:
            raise AuditRoundError(f"Cases sampled for {standard.label} must be at least 1")
        for kq in standard.key_questions:
            count = data.yes_counts.get(kq.id)
            if count is not None and (sample is None or not 0 <= count <= sample):
                raise AuditRoundError(f"'Yes' counts for {standard.label} must be between 0 and the sample")
        audited = audited or sample is not None or bool(data.self_ratings.get(standard.id))
    if not audited:
        raise AuditRoundError("Enter the audit results for at least one standard")


def _fill(audit_round: AuditRound, inspection: Inspection, data: AuditRoundInput) -> None:
    audit_round.held_on = data.held_on
    audit_round.notes = data.notes.strip()
    audit_round.standards = [
        AuditRoundStandard(
            standard_id=s.id,
            cases_sampled=data.samples.get(s.id),
            self_assessed_rating=data.self_ratings.get(s.id) or None,
        )
        for s in inspection.standards
        if data.samples.get(s.id) is not None or data.self_ratings.get(s.id)
    ]
    audit_round.answers = [
        AuditRoundAnswer(key_question_id=kq.id, yes_count=data.yes_counts[kq.id])
        for s in inspection.standards
        if data.samples.get(s.id) is not None
        for kq in s.key_questions
        if data.yes_counts.get(kq.id) is not None
    ]


def record_audit_round(actor, inspection: Inspection, data: AuditRoundInput) -> AuditRound:
    _check(inspection, data)
    audit_round = AuditRound(inspection=inspection, created_by_id=getattr(actor, "id", None))
    _fill(audit_round, inspection, data)
    db.session.add(audit_round)
    db.session.flush()
    record_event(
        actor,
        "audit_round",
        audit_round.id,
        "create",
        f"Recorded the internal case audit of {format_date(data.held_on)}",
        after=_snapshot(data),
        inspection_id=inspection.id,
    )
    db.session.commit()
    return audit_round


def update_audit_round(actor, audit_round: AuditRound, data: AuditRoundInput, expected_version: int) -> AuditRound:
    """Correct a round; refused when someone else saved it since the form was opened."""
    if audit_round.version != expected_version:
        raise AuditRoundError(
            "Someone else changed this audit round while you were editing it. Check the figures below and save again."
        )
    inspection = audit_round.inspection
    _check(inspection, data)
    before = _round_snapshot(audit_round)
    audit_round.standards.clear()
    audit_round.answers.clear()
    db.session.flush()
    _fill(audit_round, inspection, data)
    # Touching a column forces the versioned UPDATE even when only the figures changed.
    audit_round.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError as error:
        db.session.rollback()
        raise AuditRoundError("Someone else changed this audit round while you were editing it.") from error
    record_event(
        actor,
        "audit_round",
        audit_round.id,
        "update",
        f"Corrected the internal case audit of {format_date(data.held_on)}",
        before=before,
        after=_snapshot(data),
        inspection_id=inspection.id,
    )
    db.session.commit()
    return audit_round
