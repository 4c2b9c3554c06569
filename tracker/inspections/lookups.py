"""An inspection for a page: 404 when there is none, 403 when the person may not see it."""

from flask import abort
from flask_login import current_user

from tracker.auth.permissions import can_view_inspection
from tracker.inspections import services
from tracker.shared.access import authorise


def inspection_or_404(inspection_id: int, load=services.load_inspection):
    """The inspection, loaded by `load`, if the signed-in person may see it: else 404 or 403."""
    inspection = load(inspection_id)
    if inspection is None:
        abort(404)
    authorise(can_view_inspection(current_user, inspection))
    return inspection
