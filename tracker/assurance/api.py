"""The assurance parts of the JSON API: a recommendation's review state, posting progress to an action with a
bearer token (the same rule as the page: whoever may update the action), and a reviewer's decision on one evidence
item (the same rules as the review page: the reviewer's role, independence, an open submission)."""

from flask import jsonify, request

from tracker.actions import services as actions
from tracker.actions.models import Action
from tracker.assurance import rules
from tracker.assurance import services as assurance
from tracker.auth import permissions
from tracker.auth.services import user_for_token
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.recommendations.models import DECISIONS
from tracker.recommendations.status import STATUSES, latest_submission
from tracker.shared.conflicts import ConflictError


def iso(value):
    return value.isoformat() if value else None


def review_json(recommendation) -> dict:
    """The latest submission's state, from the selectin-loaded collection (no extra query per recommendation)."""
    submission = latest_submission(recommendation)
    if submission is None:
        return {"state": "not_submitted", "submissions": 0}
    return {
        "state": submission.state,
        "submissions": len(recommendation.submissions),
        "submitted_at": iso(submission.submitted_at),
        "submitted_by_id": submission.submitted_by_id,
        "covering_note": submission.covering_note or None,
        "decided_at": iso(submission.decided_at),
        "decided_by_id": submission.decided_by_id,
        "reasons": submission.decision_reason or None,
        "reopened_at": iso(submission.reopened_at),
        "reopen_reason": submission.reopen_reason or None,
    }


def error(status: int, message: str):
    return jsonify({"error": {"status": status, "message": message}}), status


def token_user():
    """The user of the bearer token on this request, and only that: a cookie session never authorises a write
    here, since CSRF protection is off for this endpoint."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    return user_for_token(header.removeprefix("Bearer ").strip())


def update_json(update) -> dict:
    return {
        "id": update.id,
        "action_id": update.action_id,
        "narrative": update.narrative,
        "status_from": update.status_from,
        "status_to": update.status_to,
        "author": update.author.name if update.author else None,
        "created_at": iso(update.created_at),
    }


def parse_update(body) -> tuple[str, str | None]:
    if not isinstance(body, dict):
        raise ValueError('Send a JSON object with a narrative, for example {"narrative": "..."}')
    narrative, status = body.get("narrative"), body.get("status")
    if not isinstance(narrative, str) or not narrative.strip():
        raise ValueError("narrative is required: what has happened since the last update")
    if status is not None and (not isinstance(status, str) or status not in STATUSES):
        raise ValueError("status must be one of " + ", ".join(STATUSES))
    return narrative, status


def post_action_update(action_id: int):
    """POST /api/v1/actions/<id>/updates with {"narrative": ..., "status": optional}: 201 with the update."""
    user = token_user()
    if user is None:
        return error(401, "Send a valid API token in the Authorization header: Bearer <token>")
    action = db.session.get(Action, action_id)
    if action is None or not permissions.can_view_recommendation(user, action.recommendation):
        return error(404, "No such action")
    if not permissions.can_update_action(user, action):
        return error(403, "You cannot post updates to this action")
    try:
        narrative, status = parse_update(request.get_json(silent=True))
        update = actions.post_update(user, action, narrative, status)
    except (ValueError, actions.ActionError) as problem:
        return error(400, str(problem))
    except ConflictError:
        return error(409, "The action changed while your update was being saved; send it again")
    return jsonify(update_json(update)), 201


def decision_json(review) -> dict:
    return {
        "id": review.id,
        "evidence_id": review.evidence_id,
        "decision": review.decision,
        "comment": review.comment or None,
        "reviewed_by_id": review.reviewed_by_id,
        "reviewed_at": iso(review.reviewed_at),
    }


def parse_decision(body) -> tuple[str, str]:
    if not isinstance(body, dict):
        raise ValueError('Send a JSON object with a decision, for example {"decision": "accepted"}')
    decision, comment = body.get("decision"), body.get("comment", "")
    if not isinstance(decision, str) or decision not in DECISIONS:
        raise ValueError("decision must be one of " + ", ".join(DECISIONS))
    if comment is not None and not isinstance(comment, str):
        raise ValueError("comment must be text")
    return decision, comment or ""


def post_evidence_decision(evidence_id: int):
    """POST /api/v1/evidence/<id>/decision with {"decision": "accepted" | "rejected", "comment": ...}: 201 with
    the decision. A rejection needs a comment, as on the page."""
    user = token_user()
    if user is None:
        return error(401, "Send a valid API token in the Authorization header: Bearer <token>")
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or not permissions.can_view_recommendation(user, evidence.recommendation):
        return error(404, "No such evidence")
    recommendation = evidence.recommendation
    if not rules.holds_reviewer_role(user, recommendation):
        return error(403, "You do not review this recommendation")
    submission = assurance.open_submission(recommendation)
    if submission is None:
        return error(409, "This recommendation is not waiting for review")
    if reason := rules.conflict_of_interest(user, recommendation, submission):
        return error(403, reason)
    try:
        decision, comment = parse_decision(request.get_json(silent=True))
        review = assurance.decide_evidence(user, recommendation, evidence, decision, comment)
    except (ValueError, assurance.AssuranceError) as problem:
        return error(400, str(problem))
    except ConflictError:
        return error(409, "The evidence changed while your decision was being saved; send it again")
    return jsonify(decision_json(review)), 201
