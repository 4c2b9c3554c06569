"""An inspection for a page: 404 when there is none or the person may not see it."""

from flask import abort
from flask_login import current_user

from tracker.auth.permissions import can_view_inspection
from tracker.inspections import services
from tracker.shared.access import visible_or_404


def inspection_or_404(inspection_id: int, load=services.load_inspection):
    """The inspection, loaded by `load`, if the signed-in person may see it: else 404, as if it did not exist."""
    inspection = load(inspection_id)
    if inspection is None:
        abort(404)
    visible_or_404(can_view_inspection(current_user, inspection))
    return inspection
