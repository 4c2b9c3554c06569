"""Administrators' pages for importing a report: upload it, check and correct what was read, then save it."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.auth.access import admin_only
from tracker.extensions import db
from tracker.importer import drafts, services
from tracker.importer.errors import ReportError
from tracker.importer.forms import NEW_PDU, ReviewImportForm, UploadReportForm
from tracker.importer.models import ReportImportDraft
from tracker.organisations.models import PDU, REGION, Organisation
from tracker.recommendations.models import ADDRESSEE_KINDS

bp = Blueprint("importer", __name__)

ADDRESSEE_LABELS = dict(zip(ADDRESSEE_KINDS, ("PDU", "Region", "HMPPS", "Other body"), strict=True))


def admin_home() -> str:
    """The administration home when that feature is installed, else the inspections list."""
    if "admin.index" in current_app.view_functions:
        return url_for("admin.index")
    return url_for("inspections.list_inspections")


@bp.route("/admin/imports/new", methods=["GET", "POST"])
@admin_only
def upload_report():
    form = UploadReportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            draft = drafts.create_draft(current_user, upload.filename or "", upload.read())
        except ReportError as error:
            form.file.errors = [error.message]
        else:
            return redirect(url_for("importer.review_import", draft_id=draft.id))
    return render_template("importer/upload.html", form=form, back_href=admin_home())


def review_form(extraction, target: services.PduTarget | None) -> ReviewImportForm:
    """The correction form, filled from the extraction on first view and from the request when posted."""
    data = {
        "pdu": str(target.pdu.id) if target and target.pdu else NEW_PDU,
        "new_pdu_name": (target.new_name if target else None) or extraction.pdu_name or "",
        "new_pdu_region": str(target.region.id) if target and target.region else "",
        "overall_rating": extraction.overall_rating or "",
        "standards": [{"rating": s.rating, "key_questions": [{"percentage": q.percentage} for q in s.key_questions]}
                      for s in extraction.standards],
        "recommendations": [{"text": r.text, "addressee_kind": r.addressee_kind}
                            for r in extraction.recommendations],
    }
    for name in ("title", "fieldwork_on", "published_on", "score", "score_max", "outcomes_percentage"):
        data[name] = getattr(extraction, name)
    return ReviewImportForm(data=data, pdu_choices=drafts.pdu_choices(), region_choices=drafts.region_choices(),
                            extraction=extraction)


def chosen_target(form: ReviewImportForm) -> services.PduTarget:
    if form.pdu.data == NEW_PDU:
        region = db.session.get(Organisation, int(form.new_pdu_region.data))
        if region is None or region.kind != REGION:
            abort(400)
        return services.PduTarget(new_name=" ".join(form.new_pdu_name.data.split()), region=region)
    pdu = db.session.get(Organisation, int(form.pdu.data))
    if pdu is None or pdu.kind != PDU:
        abort(400)
    return services.PduTarget(pdu=pdu, region=pdu.parent)


@bp.route("/admin/imports/<int:draft_id>", methods=["GET", "POST"])
@admin_only
def review_import(draft_id: int):
    draft = db.get_or_404(ReportImportDraft, draft_id)
    if draft.inspection_id is not None:
        flash(f"This upload has already been saved as '{draft.inspection.title}'.", "success")
        return redirect(url_for("inspections.show_inspection", inspection_id=draft.inspection_id))
    extraction = drafts.extraction_of(draft)
    suggested = drafts.suggested_target(extraction)
    form = review_form(extraction, suggested)
    existing = services.same_report(draft.source_sha256, suggested.pdu if suggested else None, extraction)
    if not extraction.problems and form.validate_on_submit():
        target = chosen_target(form)
        try:
            result = drafts.save_draft(draft, drafts.corrected(extraction, form.data, target), target, current_user,
                                       update=form.update_existing.data)
        except services.DuplicateReport as error:
            existing = error.inspection
            form.update_existing.errors = [f"This report has already been imported as '{existing.title}'. "
                                           "Choose to update the existing inspection, or leave this page."]
        except services.IncompleteReport as error:
            extraction.problems = error.problems
        except services.ImportProblem as error:
            form.pdu.errors = [error.message]
        else:
            flash(saved_message(result), "success")
            return redirect(url_for("inspections.show_inspection", inspection_id=result.inspection.id))
    form.name_errors()
    return render_template("importer/review.html", draft=draft, extraction=extraction, form=form,
                           existing=existing, addressee_labels=ADDRESSEE_LABELS)


def saved_message(result: services.ImportResult) -> str:
    if not result.created:
        return f"Inspection updated from the report: {services.count_changes(result)}."
    created = f" {result.new_pdu.display_name} was added to the {result.new_pdu.parent.name} region." \
        if result.new_pdu else ""
    return f"Inspection saved with {len(result.inspection.recommendations)} recommendations.{created}"
