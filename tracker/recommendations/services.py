"""Use cases for recommendations: record the service's response and name its lead."""

from tracker.audit.services import changed, record_event, snapshot
from tracker.extensions import db
from tracker.recommendations.locking import ensure_unlocked
from tracker.recommendations.models import RESPONSES, Recommendation
from tracker.shared.conflicts import guarded

RESPONSE_FIELDS = ("response", "response_rationale", "lead_id")


class RecommendationError(ValueError):
    """A change the rules refuse; the message is shown to the user."""


def set_response(actor, recommendation: Recommendation, response: str, rationale: str,
                 lead_id: int | None, expected_version=None) -> Recommendation:
    """Raises ConflictError when `expected_version` (from the form) is not the stored version."""
    ensure_unlocked(recommendation)
    with guarded(recommendation, expected_version):
        return _set_response(actor, recommendation, response, rationale, lead_id)


def _set_response(actor, recommendation: Recommendation, response: str, rationale: str,
                  lead_id: int | None) -> Recommendation:
    if response not in RESPONSES:
        raise RecommendationError("Select whether the recommendation is agreed, partly agreed or not agreed")
    rationale = rationale.strip()
    if response != "agreed" and not rationale:
        raise RecommendationError("Explain why the recommendation is not fully agreed")
    before = snapshot(recommendation, RESPONSE_FIELDS)
    recommendation.response = response
    recommendation.response_rationale = rationale
    recommendation.lead_id = lead_id
    db.session.flush()
    old, new = changed(before, snapshot(recommendation, RESPONSE_FIELDS))
    if new:
        record_event(actor, "recommendation", recommendation.id, "update",
                     f"Response set to {RESPONSES[response]}", before=old, after=new,
                     recommendation_id=recommendation.id, inspection_id=recommendation.inspection_id)
    db.session.commit()
    return recommendation


def assignable_users(recommendation: Recommendation) -> list:
    """People who can lead or own work on this recommendation: those with a role at its owner or its PDU."""
    from sqlalchemy import select

    from tracker.auth.models import RoleAssignment, User

    org_ids = {recommendation.owner_org_id, recommendation.inspection.pdu_id}
    query = (select(User).join(RoleAssignment).where(RoleAssignment.organisation_id.in_(org_ids), User.is_active)
             .distinct().order_by(User.name))
    return list(db.session.scalars(query))


def people_choices(recommendation: Recommendation, blank: str | None = None) -> list[tuple[int, str]]:
    choices = [(user.id, user.name) for user in assignable_users(recommendation)]
    return ([(0, blank)] if blank else []) + choices


def load_recommendation(recommendation_id: int) -> Recommendation | None:
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from tracker.actions.models import Action

    return db.session.scalar(
        select(Recommendation).where(Recommendation.id == recommendation_id).options(
            selectinload(Recommendation.actions).selectinload(Action.updates),
            selectinload(Recommendation.actions).selectinload(Action.revisions),
            selectinload(Recommendation.actions).selectinload(Action.owner),
            selectinload(Recommendation.evidence),
            selectinload(Recommendation.standards),
        )
    )
