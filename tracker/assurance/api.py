"""The assurance parts of the JSON API: a recommendation's review state, and posting progress to an action with a
bearer token (the same rule as the page: whoever may update the action)."""

from flask import jsonify, request

from tracker.actions import services as actions
from tracker.actions.models import STATUSES, Action
from tracker.assurance.conflicts import ConflictError
from tracker.auth import permissions
from tracker.auth.services import user_for_token
from tracker.extensions import db
from tracker.recommendations.status import latest_submission


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
    return {"id": update.id, "action_id": update.action_id, "narrative": update.narrative,
            "status_from": update.status_from, "status_to": update.status_to,
            "author": update.author.name if update.author else None, "created_at": iso(update.created_at)}


def parse_update(body) -> tuple[str, str | None]:
    if not isinstance(body, dict):
        raise ValueError("Send a JSON object with a narrative, for example {\"narrative\": \"...\"}")
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
