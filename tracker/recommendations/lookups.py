"""A recommendation for a page: 404 when there is none or the person may not see it."""

from flask import abort
from flask_login import current_user

from tracker.auth import permissions
from tracker.recommendations import services
from tracker.shared.access import visible_or_404


def recommendation_or_404(recommendation_id: int, load=services.load_recommendation):
    """The recommendation, loaded by `load`, if the signed-in person may see it: else 404, as if it did not exist."""
    recommendation = load(recommendation_id)
    if recommendation is None:
        abort(404)
    visible_or_404(permissions.can_view_recommendation(current_user, recommendation))
    return recommendation
