"""An inspection's page: its ratings and its recommendations grouped by addressee, with their statuses. It is on
the inspections blueprint, and here because it shows the recommendations' work too."""

from flask import url_for
from flask_login import current_user

from tracker.auth.permissions import can_manage_inspection
from tracker.caching.pages import CachedPage, main_content, render_cached_page
from tracker.db_types import today
from tracker.inspections.blueprint import bp
from tracker.inspections.lookups import inspection_or_404
from tracker.recommendations import services
from tracker.recommendations.status import recommendation_status
from tracker.shared.access import record_rule


@bp.get("/inspections/<int:inspection_id>")
@record_rule
def show_inspection(inspection_id: int):
    return render_cached_page(("inspection", inspection_id), lambda: _inspection_page(inspection_id))


def _inspection_page(inspection_id: int) -> CachedPage:
    inspection = inspection_or_404(inspection_id, load=services.load_inspection_with_recommendations)
    on = today()
    main = main_content(
        "inspections/_show-main.html",
        inspection=inspection,
        groups=services.group_by_addressee(inspection.recommendations),
        status_of=lambda rec: recommendation_status(rec, on),
        can_manage=can_manage_inspection(current_user, inspection),
    )
    return CachedPage(
        f"{inspection.pdu.display_name} inspection", main, url_for("inspections.list_inspections"), "All inspections"
    )
