"""Inspection pages: the list and the re-inspection dates (an inspection's own page, which lists its recommendations
with their statuses, is in tracker.pages)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.auth.permissions import can_manage_inspection
from tracker.inspections import services
from tracker.inspections.blueprint import bp
from tracker.inspections.forms import ReinspectionDatesForm
from tracker.inspections.lookups import inspection_or_404
from tracker.shared.access import authorise, record_rule, signed_in


@bp.get("/inspections")
@signed_in
def list_inspections():
    return render_template("inspections/list.html", inspections=services.visible_inspections(current_user))


@bp.route("/inspections/<int:inspection_id>/reinspection-dates", methods=["GET", "POST"])
@record_rule
def edit_reinspection_dates(inspection_id: int):
    inspection = inspection_or_404(inspection_id)
    authorise(can_manage_inspection(current_user, inspection))
    form = ReinspectionDatesForm(
        inspection,
        data={"expected_on": inspection.expected_reinspection_on, "confirmed_on": inspection.confirmed_reinspection_on},
    )
    if form.validate_on_submit():
        services.set_reinspection_dates(current_user, inspection, form.expected_on.data, form.confirmed_on.data)
        flash("Re-inspection dates saved.", "success")
        return redirect(url_for("inspections.show_inspection", inspection_id=inspection.id))
    return render_template("inspections/reinspection-dates.html", inspection=inspection, form=form)
