"""The action plan page (`/plan`) of a PDU, a region or every region, and its XLSX download, scoped and filtered
through the address."""

import io
from collections.abc import Sequence
from typing import Any, cast

from flask import abort, render_template, request, send_file, url_for
from flask_login import current_user
from wtforms import SelectField

from tracker.auth.permissions import can_see_org, visible_pdu_filter
from tracker.db_types import today
from tracker.extensions import db
from tracker.inspections.lists import organisation_choices
from tracker.organisations.models import PDU, REGION, Organisation
from tracker.readiness import dashboards, exports
from tracker.readiness import plan as plans
from tracker.readiness.blueprint import bp
from tracker.readiness.forms import PlanFilterForm
from tracker.shared.access import authorise, record_rule

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filter_form() -> PlanFilterForm:
    form = PlanFilterForm(request.args)
    form.organisation.choices = [("", "Your usual scope")] + organisation_choices(current_user)
    form.flag.choices = plans.FLAG_CHOICES
    form.validate()
    return form


def scope(form: PlanFilterForm) -> tuple[str, list[Organisation]]:
    """The PDUs the plan covers: the one chosen, or the person's own (their region, their PDU, or every one)."""
    chosen = form.organisation.data if not form.organisation.errors else ""
    if chosen and str(chosen).isdigit():
        org = db.session.get(Organisation, int(chosen))
        if org is None:
            abort(404)
        authorise(can_see_org(current_user, org))
        if org.kind == PDU:
            return org.display_name, [org]
        if org.kind == REGION:
            return org.display_name, dashboards.visible_pdus(current_user, org.id)
        return "every region", dashboards.visible_pdus(current_user)
    regions = dashboards.regions_user_directs(current_user)
    if visible_pdu_filter(current_user) is not None and len(regions) == 1:
        region = db.session.get(Organisation, regions[0])
        assert region is not None  # the region of one of their roles
        return region.display_name, dashboards.visible_pdus(current_user, region.id)
    pdus = dashboards.visible_pdus(current_user)
    if visible_pdu_filter(current_user) is None:
        return "every region", pdus
    return (pdus[0].display_name if len(pdus) == 1 else "your PDUs"), pdus


def filters_of(form: PlanFilterForm) -> plans.Filters:
    return plans.Filters(
        flags=[] if form.flag.errors else list(form.flag.data or []),
        addressee="" if form.addressee.errors else (form.addressee.data or ""),
    )


def label_of(field: SelectField, value: str) -> str:
    """The label of the choice of this value, or "" for none."""
    # The choices here are (value, label) pairs (filter_form's, and the form's own), never grouped nor 3-tuples
    return dict(cast(Sequence[tuple[str, str]], field.choices)).get(value, "")


def selected(form: PlanFilterForm) -> list[tuple[str, str, str]]:
    """(category, label, address without it) for each filter applied."""

    def without(key: str, value: str | None = None) -> str:
        args = request.args.copy()
        if value is None:
            args.poplist(key)
        else:
            args.setlist(key, [v for v in args.getlist(key) if v != value])
        # every value a list; typed loosely, since url_for's own options (_anchor, _external...) are not lists
        values: dict[str, Any] = args.to_dict(flat=False)
        return url_for("readiness.show_plan", **values)

    labels = dict(plans.FLAG_CHOICES)
    chosen = [("Actions", labels[f], without("flag", f)) for f in form.flag.data or [] if f in labels]
    if form.organisation.data and not form.organisation.errors:
        chosen.append(("Region or PDU", label_of(form.organisation, form.organisation.data), without("organisation")))
    if form.addressee.data and not form.addressee.errors:
        chosen.append(("Addressed to", label_of(form.addressee, form.addressee.data), without("addressee")))
    return chosen


@bp.get("/plan")
@record_rule
def show_plan():
    form = filter_form()
    scope_name, pdus = scope(form)
    plan = plans.build_plan(pdus, scope_name, today(), filters_of(form))
    return render_template(
        "readiness/plan.html",
        plan=plan,
        form=form,
        selected=selected(form),
        filtered=bool(form.flag.data or form.addressee.data),
    )


@bp.get("/plan.xlsx")
@record_rule
def export_plan():
    """The same plan as the page, one worksheet per PDU in the layout of a PDU's own action plan."""
    form = filter_form()
    scope_name, pdus = scope(form)
    on = today()
    plan = plans.build_plan(pdus, scope_name, on, filters_of(form))
    sheets = [
        exports.action_plan(
            group.inspection, on, current_user.name, only={rec.recommendation.id for rec in group.recommendations}
        )
        for group in plan.groups
    ]
    body = exports.plans_to_xlsx(sheets, f"Action plan: {scope_name}", current_user.name)
    name = exports.re.sub(r"[\W_]+", "-", scope_name.lower()).strip("-")
    return send_file(io.BytesIO(body), mimetype=XLSX, as_attachment=True, download_name=f"action-plan-{name}.xlsx")
