"""Administrators keep regions and PDUs as data: names and boundaries change over time. The pages are the
organisations blueprint's; they live with administration because saving a move hands over work (handover)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.handover.services import save_organisation_handing_over
from tracker.organisations import services
from tracker.organisations.blueprint import bp
from tracker.organisations.forms import OrganisationForm
from tracker.organisations.models import KINDS, NATIONAL, PDU, REGION, Organisation
from tracker.shared.access import admin_only


@bp.get("")
@admin_only
def list_organisations():
    hmpps = db.session.scalar(
        select(Organisation)
        .where(Organisation.kind == NATIONAL)
        .options(selectinload(Organisation.children).selectinload(Organisation.children))
    )
    return render_template("organisations/list.html", hmpps=hmpps)


def edit_form(org: Organisation | None, kind: str):
    form = OrganisationForm(obj=org)
    form.parent_id.choices = services.parent_choices(kind)
    if form.validate_on_submit():
        assert form.name.data is not None  # DataRequired
        try:
            saved = save_organisation_handing_over(
                current_user, org, kind, form.name.data, form.parent_id.data, form.is_active.data
            )
        except services.OrganisationError as error:
            form.name.errors = [str(error)]
        else:
            flash(f"{saved.display_name} saved.", "success")
            return redirect(url_for("organisations.list_organisations"))
    return render_template("organisations/edit.html", form=form, org=org, kind=kind)


@bp.route("/new/<kind>", methods=["GET", "POST"])
@admin_only
def create_organisation(kind: str):
    if kind not in (REGION, PDU):
        abort(404)
    return edit_form(None, kind)


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_organisation(organisation_id: int):
    org = db.get_or_404(Organisation, organisation_id)
    if org.kind not in KINDS or org.kind == NATIONAL:
        abort(404)
    return edit_form(org, org.kind)
