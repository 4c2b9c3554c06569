"""Use cases for recommendations: record the service's response, name its lead; load a recommendation, an
inspection's recommendations, and the reviewers' decisions on evidence."""

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from tracker.audit.services import changed, record_event, snapshot
from tracker.auth.models import RoleAssignment, User
from tracker.auth.permissions import OWNER_ROLE_FOR_KIND
from tracker.extensions import db
from tracker.inspections.models import Inspection, Standard
from tracker.organisations.models import Organisation
from tracker.recommendations.locking import ensure_unlocked
from tracker.recommendations.models import (
    ADDRESSEE_HMPPS,
    ADDRESSEE_PDU,
    ADDRESSEE_REGION,
    RESPONSES,
    EvidenceReview,
    Recommendation,
)
from tracker.shared.conflicts import guarded

RESPONSE_FIELDS = ("response", "response_rationale", "lead_id")
ADDRESSEE_GROUP_ORDER = (ADDRESSEE_PDU, ADDRESSEE_REGION, ADDRESSEE_HMPPS)


class RecommendationError(ValueError):
    """A change the rules refuse; the message is shown to the user."""


def set_response(
    actor, recommendation: Recommendation, response: str, rationale: str, lead_id: int | None, expected_version=None
) -> Recommendation:
    """Raises ConflictError when `expected_version` (from the form) is not the stored version."""
    ensure_unlocked(recommendation)
    with guarded(recommendation, expected_version):
        return _set_response(actor, recommendation, response, rationale, lead_id)


def _set_response(
    actor, recommendation: Recommendation, response: str, rationale: str, lead_id: int | None
) -> Recommendation:
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
        said = [f"Response set to {RESPONSES[response]}"] if set(new) - {"lead_id"} else []
        if "lead_id" in new:
            said.append(_lead_change(old["lead_id"], new["lead_id"]))
        _audit_update(actor, recommendation, "; ".join(said), old, new)
    db.session.commit()
    return recommendation


def set_lead(actor, recommendation: Recommendation, lead_id: int | None, expected_version=None) -> Recommendation:
    """Name the person who leads the recommendation for its owner (None: no one yet). Raises ConflictError when
    `expected_version` (from the form) is not the stored version."""
    ensure_unlocked(recommendation)
    with guarded(recommendation, expected_version):
        before = recommendation.lead_id
        if before != lead_id:
            if lead_id is not None and lead_id not in {user.id for user in assignable_users(recommendation)}:
                raise RecommendationError("Choose someone with a role at the recommendation's owner or its PDU")
            recommendation.lead_id = lead_id
            db.session.flush()
            summary = _lead_change(before, lead_id)
            _audit_update(actor, recommendation, summary, {"lead_id": before}, {"lead_id": lead_id})
        db.session.commit()
        return recommendation


def _lead_change(before: int | None, after: int | None) -> str:
    """The change of lead in words, naming the people."""
    if after is not None:
        return f"Made {_name_of(after)} the lead"
    return f"Removed {_name_of(before)} as the lead" if before is not None else "No lead"


def _name_of(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id is not None else None
    return user.name if user is not None else "a person no longer recorded"


def _audit_update(actor, recommendation: Recommendation, summary: str, before: dict, after: dict) -> None:
    record_event(
        actor,
        "recommendation",
        recommendation.id,
        "update",
        summary,
        before=before,
        after=after,
        recommendation_id=recommendation.id,
        inspection_id=recommendation.inspection_id,
    )


def assignable_users(recommendation: Recommendation) -> list:
    """People who can lead or own work on this recommendation: those with a role at its owner or its PDU."""
    org_ids = {recommendation.owner_org_id, recommendation.inspection.pdu_id}
    query = (
        select(User)
        .join(RoleAssignment)
        .where(RoleAssignment.organisation_id.in_(org_ids), User.is_active)
        .distinct()
        .order_by(User.name)
    )
    return list(db.session.scalars(query))


def people_choices(recommendation: Recommendation, blank: str | None = None) -> list[tuple[int, str]]:
    choices = [(user.id, user.name) for user in assignable_users(recommendation)]
    return ([(0, blank)] if blank else []) + choices


def load_recommendation(recommendation_id: int) -> Recommendation | None:
    """The recommendation with its actions, evidence and standards; tracker.actions.lookups also loads the actions'
    updates, revisions and owners for the pages that show them."""
    return db.session.scalar(
        select(Recommendation)
        .where(Recommendation.id == recommendation_id)
        .options(
            selectinload(Recommendation.actions),
            selectinload(Recommendation.evidence),
            selectinload(Recommendation.standards),
        )
    )


def decisions_on(evidence_ids: list[int]) -> dict:
    """The latest reviewer's decision on each of these evidence items, in one query (none: not yet reviewed)."""
    if not evidence_ids:
        return {}
    reviews = db.session.scalars(
        select(EvidenceReview).where(EvidenceReview.evidence_id.in_(evidence_ids)).order_by(EvidenceReview.id)
    )
    return {review.evidence_id: review for review in reviews}


def owned_recommendation_condition(user):
    """Recommendations the user owns through a role at the owning organisation, or leads."""
    conditions = [Recommendation.lead_id == user.id]
    for kind, role in OWNER_ROLE_FOR_KIND.items():
        org_ids = user.orgs_with_role(role)
        if org_ids:
            conditions.append(
                Recommendation.owner_org_id.in_(
                    select(Organisation.id).where(Organisation.kind == kind, Organisation.id.in_(org_ids))
                )
            )
    return or_(*conditions)


def recommendation_counts(inspections: list[Inspection]) -> dict[int, int]:
    """How many recommendations each inspection has, in one query."""
    rows = db.session.execute(
        select(Recommendation.inspection_id, func.count())
        .where(Recommendation.inspection_id.in_([i.id for i in inspections]))
        .group_by(Recommendation.inspection_id)
    )
    return {inspection_id: count for inspection_id, count in rows}


def load_inspection_with_recommendations(inspection_id: int) -> Inspection | None:
    """One inspection with everything its page shows, loaded in a fixed number of queries."""
    return db.session.scalar(
        select(Inspection)
        .where(Inspection.id == inspection_id)
        .options(
            selectinload(Inspection.standards).selectinload(Standard.key_questions),
            selectinload(Inspection.recommendations).selectinload(Recommendation.actions),
            selectinload(Inspection.recommendations).selectinload(Recommendation.lead),
        )
    )


def group_by_addressee(recommendations: list[Recommendation]) -> list[tuple[str, list[Recommendation]]]:
    """Recommendations grouped under their report headings: the PDU, the region, HMPPS, then others."""
    groups: dict[str, list[Recommendation]] = {}
    ordered = sorted(
        recommendations,
        key=lambda r: (
            ADDRESSEE_GROUP_ORDER.index(r.addressee_kind) if r.addressee_kind in ADDRESSEE_GROUP_ORDER else 9,
            r.number,
        ),
    )
    for recommendation in ordered:
        groups.setdefault(recommendation.addressee_name, []).append(recommendation)
    return list(groups.items())
