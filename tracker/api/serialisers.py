"""Plain-dict views of inspections and recommendations, the shapes the JSON API returns."""

from datetime import date

from tracker.assurance.api import review_json
from tracker.recommendations.status import action_status, recommendation_status


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def standard_json(standard) -> dict:
    return {
        "code": standard.code,
        "name": standard.name,
        "domain": standard.domain,
        "rating": standard.rating,
        "key_questions": [{"text": q.text, "percentage": q.percentage} for q in standard.key_questions],
    }


def inspection_json(inspection, recommendations_count: int | None = None) -> dict:
    data = {
        "id": inspection.id,
        "title": inspection.title,
        "pdu": inspection.pdu.name,
        "region": inspection.pdu.parent.name if inspection.pdu.parent else None,
        "fieldwork_on": iso(inspection.fieldwork_on),
        "published_on": iso(inspection.published_on),
        "overall_rating": inspection.overall_rating,
        "score": inspection.score,
        "score_max": inspection.score_max,
        "expected_reinspection_on": iso(inspection.expected_reinspection_on),
        "confirmed_reinspection_on": iso(inspection.confirmed_reinspection_on),
    }
    data["standards"] = [standard_json(s) for s in inspection.standards]
    data["outcomes"] = {"question": inspection.outcomes_question, "percentage": inspection.outcomes_percentage}
    data["recommendations_count"] = (
        len(inspection.recommendations) if recommendations_count is None else recommendations_count
    )
    return data


def action_json(action, on: date) -> dict:
    status = action_status(action, on)
    return {
        "id": action.id,
        "description": action.description,
        "owner": action.owner.name if action.owner else None,
        "original_target_on": iso(action.original_target_on),
        "target_on": iso(action.target_on),
        "status": action.status,
        "status_label": status.label,
        "is_overdue": action.is_overdue(on),
        "completed_on": iso(action.completed_on),
    }


def recommendation_json(recommendation, on: date) -> dict:
    status = recommendation_status(recommendation, on)
    return {
        "id": recommendation.id,
        "inspection_id": recommendation.inspection_id,
        "number": recommendation.number,
        "text": recommendation.text,
        "addressee": {"kind": recommendation.addressee_kind, "name": recommendation.addressee_name},
        "owner": recommendation.owner_org.display_name,
        "lead": recommendation.lead.name if recommendation.lead else None,
        "response": recommendation.response,
        "response_label": recommendation.response_label,
        "response_rationale": recommendation.response_rationale,
        "status": status.key,
        "status_label": status.label,
        "status_colour": status.colour,
        "review": review_json(recommendation),
        "actions": [action_json(a, on) for a in recommendation.actions],
    }
