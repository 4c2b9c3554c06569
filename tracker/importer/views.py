"""Administrators' pages for importing a report: upload it, check what was read section by section ("Check your
answers"), change any section, then save it (and see which of its recommendations no one leads yet) or discard
it."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.extensions import db
from tracker.importer import drafts, leads, review, services
from tracker.importer.blueprint import bp
from tracker.importer.endings import listed_numbers
from tracker.importer.errors import ReportError
from tracker.importer.forms import (
    AddRecommendationForm,
    DiscardImportForm,
    InspectionSectionForm,
    PduSectionForm,
    RatingsSectionForm,
    RecommendationSectionForm,
    SaveImportForm,
    UploadReportForm,
)
from tracker.importer.models import ReportImportDraft
from tracker.importer.owners import default_owner_kind
from tracker.shared.access import admin_only
from tracker.templating import add_home_panel

INSPECTION_FIELDS = ("title", "fieldwork_on", "published_on")
RATING_FIELDS = ("overall_rating", "score", "score_max", "outcomes_percentage")
HOME_PANEL = "importer/_home-panel.html"
bp.record_once(lambda state: add_home_panel(state.app, HOME_PANEL))


@bp.app_context_processor
def importer_hooks():
    """The home panel's list: the recommendations no one leads, for an administrator."""
    return {"recommendations_without_lead": lambda: leads.home_panel_for(current_user)}


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


def open_review(draft_id: int) -> tuple[ReportImportDraft, review.Review]:
    """The draft and its corrections so far; a draft already saved leads to its inspection instead."""
    draft = db.get_or_404(ReportImportDraft, draft_id)
    if draft.inspection_id is not None:
        assert draft.inspection is not None  # the saved inspection the draft's id points to
        flash(f"This upload has already been saved as '{draft.inspection.title}'.", "success")
        abort(redirect(url_for("inspections.show_inspection", inspection_id=draft.inspection_id)))
    return draft, review.review_of(draft, drafts.suggested_target(drafts.extraction_of(draft)))


def back_to_review(draft: ReportImportDraft, anchor: str):
    return redirect(url_for("importer.review_import", draft_id=draft.id, _anchor=anchor))


@bp.route("/admin/imports/<int:draft_id>", methods=["GET", "POST"])
@admin_only
def review_import(draft_id: int):
    draft, current = open_review(draft_id)
    extraction = current.extraction
    target = current.target()
    existing = services.same_report(draft.source_sha256, target.pdu if target else None, extraction)
    form = SaveImportForm(review=current)
    unowned = review.owners_missing(extraction)
    if not extraction.problems and form.validate_on_submit():
        assert target is not None  # the form refuses a review without a PDU
        try:
            result = drafts.save_draft(
                draft,
                extraction,
                target,
                current_user,
                update=form.update_existing.data,
                accept_endings=bool(form.accept_warnings.data),
            )
        except services.DuplicateReport as error:
            existing = error.inspection
            form.update_existing.errors = [
                f"This report has already been imported as '{existing.title}'. "
                "Choose to update the existing inspection, or discard this import."
            ]
        except services.IncompleteReport as error:
            extraction.problems = error.problems
        except services.ImportProblem as error:
            form.submit.errors = [error.message]
        else:
            flash(saved_message(result), "success")
            return redirect(url_for("importer.import_done", draft_id=draft.id))
    return render_template(
        "importer/review.html",
        draft=draft,
        extraction=extraction,
        review=current,
        target=target,
        form=form,
        existing=existing,
        unowned=unowned,
        fixable=review.fixable_problems(extraction),
        refusals=review.refusals(extraction),
        headings=review.headings(extraction),
        owner_kind_of=review.owner_kind_of,
        listed_numbers=listed_numbers,
    )


@bp.get("/admin/imports/<int:draft_id>/done")
@admin_only
def import_done(draft_id: int):
    """What an import saved, and which of its recommendations no one leads yet; an upload not yet saved is still
    being checked."""
    draft = db.get_or_404(ReportImportDraft, draft_id)
    if draft.inspection is None:
        return redirect(url_for("importer.review_import", draft_id=draft.id))
    return render_template(
        "importer/done.html",
        draft=draft,
        inspection=draft.inspection,
        without_lead=leads.without_lead(draft.inspection),
    )


@bp.route("/admin/imports/<int:draft_id>/pdu", methods=["GET", "POST"])
@admin_only
def change_import_pdu(draft_id: int):
    draft, current = open_review(draft_id)
    form = PduSectionForm(
        data={"pdu": current.pdu, "new_pdu_name": current.new_pdu_name, "new_pdu_region": current.new_pdu_region},
        pdu_choices=drafts.pdu_choices(),
        region_choices=drafts.region_choices(),
    )
    if form.validate_on_submit():
        before = {"pdu": current.pdu, "new_pdu_name": current.new_pdu_name, "new_pdu_region": current.new_pdu_region}
        is_new = form.pdu.data == review.NEW_PDU
        current.pdu = form.pdu.data
        current.new_pdu_name = " ".join((form.new_pdu_name.data or "").split()) if is_new else ""
        current.new_pdu_region = form.new_pdu_region.data if is_new else ""
        if current.target() is None:
            abort(400)
        review.keep(
            draft,
            current,
            current_user,
            "the PDU",
            before,
            {"pdu": current.pdu, "new_pdu_name": current.new_pdu_name, "new_pdu_region": current.new_pdu_region},
        )
        return back_to_review(draft, "section-pdu")
    # The new PDU's name and region are asked only when no PDU matched, or the administrator chose a new one.
    reveal_new = (form.pdu.data or current.pdu) == review.NEW_PDU
    return render_template("importer/change-pdu.html", draft=draft, form=form, reveal_new=reveal_new)


@bp.route("/admin/imports/<int:draft_id>/inspection", methods=["GET", "POST"])
@admin_only
def change_import_inspection(draft_id: int):
    draft, current = open_review(draft_id)
    extraction = current.extraction
    form = InspectionSectionForm(data={name: getattr(extraction, name) for name in INSPECTION_FIELDS})
    if form.validate_on_submit():
        before = {name: _plain(getattr(extraction, name)) for name in INSPECTION_FIELDS}
        for name, flag in (("fieldwork_on", "is_fieldwork_month_only"), ("published_on", "is_published_month_only")):
            # A date the reviewer changed is as precise as they typed it: a day.
            if form[name].data != getattr(extraction, name):
                setattr(extraction, flag, False)
        form.populate_obj(extraction)
        review.keep(
            draft,
            current,
            current_user,
            "the inspection's details",
            before,
            {name: _plain(getattr(extraction, name)) for name in INSPECTION_FIELDS},
        )
        return back_to_review(draft, "section-inspection")
    return render_template("importer/change-inspection.html", draft=draft, form=form)


@bp.route("/admin/imports/<int:draft_id>/ratings", methods=["GET", "POST"])
@admin_only
def change_import_ratings(draft_id: int):
    draft, current = open_review(draft_id)
    extraction = current.extraction
    data = {name: getattr(extraction, name) for name in RATING_FIELDS}
    data["overall_rating"] = extraction.overall_rating or ""
    data["standards"] = [
        {"rating": s.rating, "key_questions": [{"percentage": q.percentage} for q in s.key_questions]}
        for s in extraction.standards
    ]
    form = RatingsSectionForm(data=data, extraction=extraction)
    if form.validate_on_submit():
        before = _ratings_of(extraction)
        for name in RATING_FIELDS:
            setattr(extraction, name, form[name].data)
        extraction.overall_rating = form.overall_rating.data or None
        for standard, fields in zip(extraction.standards, form.standards.data, strict=True):
            standard.rating = fields["rating"]
            for question, answer in zip(standard.key_questions, fields["key_questions"], strict=True):
                question.percentage = answer["percentage"]
        review.keep(draft, current, current_user, "the ratings", before, _ratings_of(extraction))
        return back_to_review(draft, "section-ratings")
    form.name_errors()
    return render_template("importer/change-ratings.html", draft=draft, form=form, extraction=extraction)


@bp.route("/admin/imports/<int:draft_id>/recommendations/<int:number>", methods=["GET", "POST"])
@admin_only
def change_import_recommendation(draft_id: int, number: int):
    draft, current = open_review(draft_id)
    recommendation = next((r for r in current.extraction.recommendations if r.number == number), None)
    if recommendation is None:
        abort(404)
    form = RecommendationSectionForm(
        data={
            "text": recommendation.text,
            "addressee_kind": recommendation.addressee_kind,
            "owner_kind": review.owner_kind_of(recommendation),
        }
    )
    if form.validate_on_submit():
        assert form.text.data is not None  # DataRequired
        before = {
            "text": recommendation.text,
            "addressee": recommendation.addressee_name,
            "owner": review.owner_kind_of(recommendation),
        }
        changed = review.change_recommendation(
            current, number, " ".join(form.text.data.split()), form.addressee_kind.data, _chosen_owner(form)
        )
        review.keep(
            draft,
            current,
            current_user,
            f"recommendation {number}",
            before,
            {"text": changed.text, "addressee": changed.addressee_name, "owner": review.owner_kind_of(changed)},
        )
        return back_to_review(draft, f"recommendation-{number}")
    return render_template("importer/change-recommendation.html", draft=draft, form=form, recommendation=recommendation)


@bp.route("/admin/imports/<int:draft_id>/recommendations/new", methods=["GET", "POST"])
@admin_only
def add_import_recommendation(draft_id: int):
    draft, current = open_review(draft_id)
    headings = review.headings(current.extraction)
    form = AddRecommendationForm(headings=headings, numbers={r.number for r in current.extraction.recommendations})
    if request.method == "GET" and form.heading.data is None and headings:
        form.owner_kind.data = default_owner_kind(headings[0][1])
    if form.validate_on_submit():
        assert form.number.data is not None and form.text.data is not None  # InputRequired and DataRequired
        added = review.add_recommendation(
            current, form.number.data, form.heading.data, " ".join(form.text.data.split()), form.owner_kind.data
        )
        review.keep(
            draft,
            current,
            current_user,
            f"recommendation {added.number} (added: the reader missed it)",
            {},
            {"text": added.text, "addressee": added.addressee_name, "owner": added.owner_kind},
        )
        return back_to_review(draft, f"recommendation-{added.number}")
    return render_template("importer/add-recommendation.html", draft=draft, form=form)


@bp.route("/admin/imports/<int:draft_id>/discard", methods=["POST"])
@admin_only
def discard_import(draft_id: int):
    draft, _ = open_review(draft_id)
    if not DiscardImportForm().validate_on_submit():
        abort(400)
    filename = review.discard(draft, current_user)
    flash(f"The import of '{filename}' was discarded. Nothing from it was saved.", "info")
    return redirect(url_for("importer.upload_report"))


def _chosen_owner(form: RecommendationSectionForm) -> str | None:
    """An owner equal to the addressee's own is left to follow the addressee, should that change later."""
    owner = form.owner_kind.data
    return None if owner == default_owner_kind(form.addressee_kind.data) else owner


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _ratings_of(extraction) -> dict:
    return {
        **{name: getattr(extraction, name) for name in RATING_FIELDS},
        "standards": {s.code: [s.rating, *[q.percentage for q in s.key_questions]] for s in extraction.standards},
    }


def saved_message(result: services.ImportResult) -> str:
    if not result.created:
        return f"Inspection updated from the report: {services.count_changes(result)}."
    created = ""
    if result.new_pdu:
        region = result.new_pdu.parent
        assert region is not None  # a new PDU is created in a region
        created = f" {result.new_pdu.display_name} was added to the {region.name} region."
    return f"Inspection saved with {len(result.inspection.recommendations)} recommendations.{created}"
