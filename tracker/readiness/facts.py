"""Plain-value loading for the dashboards, where building full ORM objects for thousands of actions is too slow.

The shapes mirror the models' attribute names, so the same status rule (recommendation_status) and the same
projection code (services.standard_inputs) work on them; tests check the dashboards agree with the ORM path.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import inspect, select

from tracker.actions.models import Action, ActionRules
from tracker.extensions import db
from tracker.inspections.models import KeyQuestion, Standard
from tracker.readiness.models import AuditRound, AuditRoundAnswer, AuditRoundStandard
from tracker.recommendations.models import Recommendation

#: collections the dashboards never read; anything else another feature adds is loaded for the status rules
NOT_NEEDED = ("actions", "evidence")


@dataclass
class ActionFacts(ActionRules):
    status: str
    target_on: date
    original_target_on: date
    completed_on: date | None = None


@dataclass
class RecommendationFacts:
    id: int
    inspection_id: int
    response: str | None
    addressee_kind: str
    actions: list[ActionFacts] = field(default_factory=list)


def recommendation_facts(inspection_ids, where=None) -> list[RecommendationFacts]:
    """Recommendations with their actions' status and target date, and every other one-to-many collection.

    `inspection_ids` is a list or a subquery of ids; `where`, a condition on Recommendation, narrows them further."""
    conditions = [Recommendation.inspection_id.in_(inspection_ids)] + ([where] if where is not None else [])
    recs = [
        RecommendationFacts(*row)
        for row in db.session.execute(
            select(
                Recommendation.id, Recommendation.inspection_id, Recommendation.response, Recommendation.addressee_kind
            )
            .where(*conditions)
            .order_by(Recommendation.id)
        )
    ]
    by_id = {rec.id: rec for rec in recs}
    rec_ids = select(Recommendation.id).where(*conditions)
    for rec_id, *values in db.session.execute(
        select(
            Action.recommendation_id, Action.status, Action.target_on, Action.original_target_on, Action.completed_on
        )
        .where(Action.recommendation_id.in_(rec_ids))
        .order_by(Action.id)
    ):
        by_id[rec_id].actions.append(ActionFacts(*values))
    for relationship in inspect(Recommendation).relationships:
        if relationship.direction.name != "ONETOMANY" or relationship.key in NOT_NEEDED:
            continue
        pairs = relationship.local_remote_pairs
        assert pairs is not None  # set when the mappers were configured, which inspecting them does
        remote = pairs[0][1]
        assert remote.key is not None  # the child's foreign key column, which has a name
        query = select(relationship.mapper.class_).where(remote.in_(rec_ids))
        grouped = defaultdict(list)
        for child in db.session.scalars(query.order_by(*relationship.order_by) if relationship.order_by else query):
            grouped[getattr(child, remote.key)].append(child)
        for rec in recs:
            setattr(rec, relationship.key, grouped.get(rec.id, []))
    return recs


@dataclass
class KeyQuestionFacts:
    id: int
    percentage: int


@dataclass
class StandardFacts:
    id: int
    code: str
    name: str
    domain: int
    rating: str
    key_questions: list[KeyQuestionFacts] = field(default_factory=list)


@dataclass
class InspectionFacts:
    standards: list[StandardFacts] = field(default_factory=list)


@dataclass
class RoundStandardFacts:
    standard_id: int
    cases_sampled: int | None
    self_assessed_rating: str | None


@dataclass
class AnswerFacts:
    key_question_id: int
    yes_count: int


@dataclass
class RoundFacts:
    standards: list[RoundStandardFacts] = field(default_factory=list)
    answers: list[AnswerFacts] = field(default_factory=list)


def projection_facts(inspection_ids: list[int]) -> dict[int, tuple[InspectionFacts, RoundFacts]]:
    """For each inspection with an audit round: its standards and its latest round, in five queries."""
    inspections: dict[int, InspectionFacts] = defaultdict(InspectionFacts)
    standards: dict[int, StandardFacts] = {}
    for sid, inspection_id, code, name, domain, rating in db.session.execute(
        select(Standard.id, Standard.inspection_id, Standard.code, Standard.name, Standard.domain, Standard.rating)
        .where(Standard.inspection_id.in_(inspection_ids))
        .order_by(Standard.position, Standard.id)
    ):
        standards[sid] = StandardFacts(sid, code, name, domain, rating)
        inspections[inspection_id].standards.append(standards[sid])
    for kq_id, standard_id, pc in db.session.execute(
        select(KeyQuestion.id, KeyQuestion.standard_id, KeyQuestion.percentage)
        .where(KeyQuestion.standard_id.in_(select(Standard.id).where(Standard.inspection_id.in_(inspection_ids))))
        .order_by(KeyQuestion.position, KeyQuestion.id)
    ):
        standards[standard_id].key_questions.append(KeyQuestionFacts(kq_id, pc))
    latest = {
        inspection_id: round_id
        for round_id, inspection_id in db.session.execute(
            select(AuditRound.id, AuditRound.inspection_id)
            .where(AuditRound.inspection_id.in_(inspection_ids))
            .order_by(AuditRound.held_on, AuditRound.id)
        )
    }
    rounds = {round_id: RoundFacts() for round_id in latest.values()}
    for round_id, *values in db.session.execute(
        select(
            AuditRoundStandard.audit_round_id,
            AuditRoundStandard.standard_id,
            AuditRoundStandard.cases_sampled,
            AuditRoundStandard.self_assessed_rating,
        ).where(AuditRoundStandard.audit_round_id.in_(list(rounds)))
    ):
        rounds[round_id].standards.append(RoundStandardFacts(*values))
    for round_id, *values in db.session.execute(
        select(AuditRoundAnswer.audit_round_id, AuditRoundAnswer.key_question_id, AuditRoundAnswer.yes_count).where(
            AuditRoundAnswer.audit_round_id.in_(list(rounds))
        )
    ):
        rounds[round_id].answers.append(AnswerFacts(*values))
    return {inspection_id: (inspections[inspection_id], rounds[round_id]) for inspection_id, round_id in latest.items()}
