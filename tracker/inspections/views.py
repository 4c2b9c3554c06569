"""Inspection pages: the list, one inspection's ratings and recommendations, and its re-inspection dates."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.auth.permissions import can_manage_inspection, can_view_inspection
from tracker.caching.pages import CachedPage, main_content, render_cached_page
from tracker.db_types import today
from tracker.inspections import services
from tracker.inspections.blueprint import bp
from tracker.inspections.forms import ReinspectionDatesForm
from tracker.recommendations.status import recommendation_status
from tracker.shared.access import authorise, record_rule, signed_in


def inspection_or_404(inspection_id: int, load=services.load_inspection):
    """The inspection, loaded by `load`, if the signed-in person may see it: else 404 or 403."""
    inspection = load(inspection_id)
    if inspection is None:
        abort(404)
    authorise(can_view_inspection(current_user, inspection))
    return inspection


@bp.get("/inspections")
@signed_in
def list_inspections():
    return render_template("inspections/list.html", inspections=services.visible_inspections(current_user))


@bp.get("/inspections/<int:inspection_id>")
@record_rule
def show_inspection(inspection_id: int):
    return render_cached_page(("inspection", inspection_id), lambda: _inspection_page(inspection_id))


def _inspection_page(inspection_id: int) -> CachedPage:
    inspection = inspection_or_404(inspection_id)
    on = today()
    main = main_content("inspections/_show-main.html", inspection=inspection,
                        groups=services.group_by_addressee(inspection.recommendations),
                        status_of=lambda rec: recommendation_status(rec, on),
                        can_manage=can_manage_inspection(current_user, inspection))
    return CachedPage(f"{inspection.pdu.display_name} inspection", main, url_for("inspections.list_inspections"),
                      "All inspections")


@bp.route("/inspections/<int:inspection_id>/reinspection-dates", methods=["GET", "POST"])
@record_rule
def edit_reinspection_dates(inspection_id: int):
    inspection = inspection_or_404(inspection_id)
    authorise(can_manage_inspection(current_user, inspection))
    form = ReinspectionDatesForm(inspection, data={"expected_on": inspection.expected_reinspection_on,
                                       "confirmed_on": inspection.confirmed_reinspection_on})
    if form.validate_on_submit():
        services.set_reinspection_dates(current_user, inspection, form.expected_on.data, form.confirmed_on.data)
        flash("Re-inspection dates saved.", "success")
        return redirect(url_for("inspections.show_inspection", inspection_id=inspection.id))
    return render_template("inspections/reinspection-dates.html", inspection=inspection, form=form)
