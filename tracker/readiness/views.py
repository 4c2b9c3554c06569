"""Readiness pages: the readiness page and its printable report, audit rounds, dashboards and exports."""

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from markupsafe import Markup

from tracker.auth.permissions import can_see_org
from tracker.caching.pages import CachedPage, main_content, render_cached_page, render_whole
from tracker.caching.services import cached
from tracker.db_types import today
from tracker.extensions import db
from tracker.inspections.lookups import inspection_or_404
from tracker.organisations.models import REGION, Organisation
from tracker.readiness import charts, dashboards, exports, services
from tracker.readiness.blueprint import bp
from tracker.readiness.forms import (
    DashboardFilterForm,
    audit_round_form,
    sample_name,
    self_name,
    validate_counts,
    yes_name,
)
from tracker.readiness.models import AuditRound
from tracker.readiness.summary import readiness_for
from tracker.recommendations.status import action_status, all_statuses
from tracker.shared.access import authorise, record_rule, signed_in, visible_or_404
from tracker.shared.conflicts import parse_version


def viewable_inspection(inspection_id: int):
    return inspection_or_404(inspection_id, load=services.inspection_with_rounds)


@bp.get("/inspections/<int:inspection_id>/readiness")
@record_rule
def show_readiness(inspection_id: int):
    return render_cached_page(("readiness", inspection_id), lambda: _readiness_page(inspection_id))


def _readiness_page(inspection_id: int) -> CachedPage:
    inspection = viewable_inspection(inspection_id)
    readiness = readiness_for(inspection, today())
    main = main_content(
        "readiness/_readiness-main.html",
        readiness=readiness,
        charts=charts.charts_for(readiness, services.bands()),
        can_record=services.can_record_audit(current_user, inspection),
    )
    return CachedPage(
        f"Readiness for re-inspection: {inspection.pdu.display_name}",
        main,
        url_for("inspections.show_inspection", inspection_id=inspection.id),
        "Back to the inspection",
    )


@bp.get("/inspections/<int:inspection_id>/readiness/print")
@record_rule
def print_readiness(inspection_id: int):
    inspection = viewable_inspection(inspection_id)
    readiness = readiness_for(inspection, today())
    return render_template(
        "readiness/print.html",
        readiness=readiness,
        charts=charts.charts_for(readiness, services.bands()),
        action_status_of=lambda action: action_status(action, readiness.on),
    )


def _form_input(form) -> services.AuditRoundInput:
    data = services.AuditRoundInput(held_on=form.held_on.data, notes=form.notes.data or "")
    for standard in form.inspection.standards:
        if hasattr(form, self_name(standard)):
            data.self_ratings[standard.id] = getattr(form, self_name(standard)).data or None
        if hasattr(form, sample_name(standard)):
            data.samples[standard.id] = getattr(form, sample_name(standard)).data
            for kq in standard.key_questions:
                data.yes_counts[kq.id] = getattr(form, yes_name(kq)).data
    return data


def _save(form, save) -> bool:
    """Validate, then save through the service; a refusal from the service is shown in the error summary."""
    valid = form.validate()
    if not (validate_counts(form) and valid):
        return False
    try:
        save(_form_input(form))
    except services.AuditRoundError as error:
        form.held_on.errors = [*form.held_on.errors, str(error)]
        return False
    return True


@bp.route("/inspections/<int:inspection_id>/audit-rounds/new", methods=["GET", "POST"])
@record_rule
def create_audit_round(inspection_id: int):
    inspection = viewable_inspection(inspection_id)
    authorise(services.can_record_audit(current_user, inspection))
    form = audit_round_form(inspection)
    if request.method == "POST" and _save(
        form, lambda data: services.record_audit_round(current_user, inspection, data)
    ):
        flash("Audit round saved", "success")
        return redirect(url_for(".show_readiness", inspection_id=inspection.id))
    return render_template("readiness/audit-round.html", form=form, inspection=inspection, audit_round=None)


def _prefill(audit_round: AuditRound) -> dict:
    values = {"held_on": audit_round.held_on, "notes": audit_round.notes, "version": audit_round.version}
    for recorded in audit_round.standards:
        values[f"sample_{recorded.standard_id}"] = recorded.cases_sampled
        values[f"self_{recorded.standard_id}"] = recorded.self_assessed_rating or ""
    for answer in audit_round.answers:
        values[f"yes_{answer.key_question_id}"] = answer.yes_count
    return values


@bp.route("/inspections/<int:inspection_id>/audit-rounds/<int:audit_round_id>/edit", methods=["GET", "POST"])
@record_rule
def edit_audit_round(inspection_id: int, audit_round_id: int):
    inspection = viewable_inspection(inspection_id)
    authorise(services.can_record_audit(current_user, inspection))
    audit_round = db.session.get(AuditRound, audit_round_id)
    if audit_round is None or audit_round.inspection_id != inspection.id:
        abort(404)
    form = audit_round_form(inspection, data=None if request.method == "POST" else _prefill(audit_round))

    def save(data):
        services.update_audit_round(current_user, audit_round, data, parse_version(form.version.data) or 0)

    if request.method == "POST" and _save(form, save):
        flash("Audit round updated", "success")
        return redirect(url_for(".show_readiness", inspection_id=inspection.id))
    return render_template("readiness/audit-round.html", form=form, inspection=inspection, audit_round=audit_round)


@bp.get("/inspections/<int:inspection_id>/action-plan.<any(xlsx, csv):extension>")
@record_rule
def export_action_plan(inspection_id: int, extension: str):
    inspection = viewable_inspection(inspection_id)
    plan = exports.action_plan(inspection, today(), current_user.name)
    if extension == "csv":
        body, mimetype = exports.to_csv(plan), "text/csv"
    else:
        body = exports.to_xlsx(plan)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    # send_file writes the header itself, with an ASCII fallback and the RFC 6266 filename* form for any name.
    return send_file(
        io.BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=exports.file_name(inspection, extension)
    )


def _filters() -> tuple[DashboardFilterForm, dashboards.Filters]:
    form = DashboardFilterForm(request.args)
    form.status.choices = [("", "Any status")] + [(s.key, s.label) for s in all_statuses()]
    form.validate()
    filters = dashboards.Filters(
        status=(form.status.data or "") if not form.status.errors else "",
        owner=(form.owner.data or "") if not form.owner.errors else "",
        due_by=form.due_by.data if not form.due_by.errors else None,
    )
    return form, filters


def _dashboard_page(build, **page) -> str:
    """The dashboard page. Its filters and table are built by `build(form, filters, sort, descending)` and cached:
    everyone with the same roles asking with the same filters and sort on the same day shares them until the data
    next changes."""
    sort = request.args.get("sort", "rag")
    descending = request.args.get("order") == "desc"
    key = (
        "dashboard",
        request.endpoint,
        tuple(sorted((request.view_args or {}).items())),
        tuple(sorted(request.args.items(multi=True))),
        tuple(sorted((a.role, a.organisation_id) for a in current_user.roles)),
        today(),
    )
    built = cached(key, lambda: build(*_filters(), sort, descending))
    return render_whole((*key, current_user.id), lambda: render_template("readiness/dashboard.html", **built, **page))


def _table(rows, form, filters, sort: str, descending: bool, totals_args: dict, **context) -> dict:
    """The dashboard table: the same columns whatever the data, a totals row, and every count a link."""
    rows = dashboards.sort_rows(rows, sort, descending)
    table = render_template(
        "readiness/_dashboard-table.html",
        rows=rows,
        form=form,
        filters=filters,
        statuses=all_statuses(),
        sort=sort,
        descending=descending,
        totals=dashboards.totals_row(rows, totals_args),
        **context,
    )
    return {"heading": context["heading"], "has_errors": bool(form.errors), "table": Markup(table)}  # noqa: S704  # nosec B704 (our own autoescaped template's output)


def _inspection_href(inspection) -> str:
    return url_for(".show_readiness", inspection_id=inspection.id)


@bp.get("/dashboard")
@signed_in
def dashboard():
    return _dashboard_page(_dashboard_for_user)


def _dashboard_for_user(form, filters, sort, descending) -> dict:
    regions = dashboards.regions_user_directs(current_user)
    if dashboards.visible_pdu_filter(current_user) is None:
        return _national(form, filters, sort, descending)
    if len(regions) == 1:
        return _region(db.session.get(Organisation, regions[0]), form, filters, sort, descending)
    pdus = dashboards.visible_pdus(current_user)
    inspections = dashboards.inspections_of([pdu.id for pdu in pdus])
    if len(pdus) == 1 and inspections:
        return _pdu_summary(dashboards.current_inspections(inspections)[0])
    rows = dashboards.inspection_rows(inspections, today(), filters, _inspection_href)
    for row in rows:
        assert row.inspection is not None  # each row is an inspection's
        row.name = row.inspection.title
    return _table(
        rows,
        form,
        filters,
        sort,
        descending,
        {},
        scope="pdu",
        heading="Your PDU's inspections",
        first_column="Inspection",
    )


def _pdu_summary(inspection) -> dict:
    """A head of one PDU gets their readiness at a glance rather than a table of one row."""
    with_rounds = services.inspection_with_rounds(inspection.id)
    assert with_rounds is not None  # the inspection given, loaded again with its rounds
    readiness = readiness_for(with_rounds, today())
    summary = render_template("readiness/_pdu-summary.html", readiness=readiness)
    return {"heading": f"Readiness in {inspection.pdu.display_name}", "has_errors": False, "table": Markup(summary)}  # noqa: S704  # nosec B704 (our own autoescaped template's output)


def _pdu_rows(pdus, filters):
    """A row for every PDU: its current inspection's figures, or an empty row while it has no inspection."""
    inspections = dashboards.current_inspections(dashboards.inspections_of([pdu.id for pdu in pdus]))
    rows = dashboards.inspection_rows(inspections, today(), filters, _inspection_href)
    if not filters.status:
        inspected = {inspection.pdu_id for inspection in inspections}
        rows += [
            dashboards.Row(pdu.name, "", pdu, list_args={"organisation": pdu.id, "current": "1"})
            for pdu in pdus
            if pdu.id not in inspected
        ]
    return rows


def _national(form, filters, sort, descending) -> dict:
    rows = dashboards.region_rows(
        dashboards.all_regions(),
        _pdu_rows(dashboards.visible_pdus(current_user), filters),
        lambda region: url_for(".region_dashboard", region_id=region.id),
    )
    return _table(
        rows,
        form,
        filters,
        sort,
        descending,
        {"current": "1"},
        scope="national",
        heading="Readiness in every region",
        first_column="Region",
    )


def _region(region, form, filters, sort, descending) -> dict:
    rows = _pdu_rows(dashboards.visible_pdus(current_user, region.id), filters)
    return _table(
        rows,
        form,
        filters,
        sort,
        descending,
        {"organisation": region.id, "current": "1"},
        scope="region",
        region=region,
        heading=f"Readiness in {region.display_name}",
        first_column="PDU",
    )


@bp.get("/dashboard/regions/<int:region_id>")
@record_rule
def region_dashboard(region_id: int):
    region = db.get_or_404(Organisation, region_id)
    if region.kind != REGION:
        abort(404)
    visible_or_404(can_see_org(current_user, region))
    return _dashboard_page(
        lambda form, filters, sort, descending: _region(region, form, filters, sort, descending), back_to_regions=True
    )
