"""Adding evidence to an action or a recommendation, and downloading it."""

import io

from flask import Response, abort, flash, g, redirect, render_template, send_file, url_for
from flask_login import current_user

from tracker.actions.lookups import action_or_404, recommendation_with_actions_or_404
from tracker.auth import permissions
from tracker.evidence import services, storage
from tracker.evidence.blueprint import bp
from tracker.evidence.forms import FileEvidenceForm, LinkEvidenceForm, ask_which_action, chosen_action
from tracker.evidence.models import FILE, LINK, Evidence
from tracker.extensions import db
from tracker.forms_confirm import ConfirmForm
from tracker.pdfs import PdfProblem
from tracker.recommendations.locking import refuse_if_locked
from tracker.shared.access import authorise, record_rule, visible_or_404


def target_for(recommendation_id: int | None, action_id: int | None):
    """The recommendation and (optionally) action the evidence is for, after checking who may add it."""
    if action_id is not None:
        action = action_or_404(action_id)
        authorise(permissions.can_update_action(current_user, action))
        refuse_if_locked(action.recommendation)
        return action.recommendation, action
    assert recommendation_id is not None  # each route gives the action or the recommendation
    recommendation = recommendation_with_actions_or_404(recommendation_id)
    authorise(permissions.can_manage_recommendation(current_user, recommendation))
    refuse_if_locked(recommendation)
    return recommendation, None


def done(recommendation, action):
    flash("Evidence added.", "success")
    if action is not None:
        return redirect(url_for("actions.show_action", action_id=action.id))
    return redirect(url_for("recommendations.show_recommendation", recommendation_id=recommendation.id))


def evidence_form(form_class, recommendation, action):
    form = form_class()
    if action is None:
        ask_which_action(form, recommendation)
    else:
        del form.for_action
    return form


def upload(recommendation_id: int | None = None, action_id: int | None = None):
    recommendation, action = target_for(recommendation_id, action_id)
    form = evidence_form(FileEvidenceForm, recommendation, action)
    if form.validate_on_submit():
        action = action or chosen_action(form, recommendation)
        upload = form.file.data
        try:
            services.add_file_evidence(
                current_user,
                recommendation,
                action,
                form.title.data,
                form.description.data or "",
                upload.filename or "",
                upload.read(),
            )
        except services.EvidenceError as error:
            form.file.errors = [str(error)]
        else:
            return done(recommendation, action)
    return render_template("evidence/upload.html", recommendation=recommendation, action=action, form=form)


def link(recommendation_id: int | None = None, action_id: int | None = None):
    recommendation, action = target_for(recommendation_id, action_id)
    form = evidence_form(LinkEvidenceForm, recommendation, action)
    if form.validate_on_submit():
        action = action or chosen_action(form, recommendation)
        try:
            services.add_link_evidence(
                current_user, recommendation, action, form.title.data, form.description.data or "", form.url.data
            )
        except services.EvidenceError as error:
            form.url.errors = [str(error)]
        else:
            return done(recommendation, action)
    return render_template("evidence/link.html", recommendation=recommendation, action=action, form=form)


bp.add_url_rule(
    "/recommendations/<int:recommendation_id>/evidence/upload",
    "upload_recommendation_evidence",
    record_rule(upload),
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/actions/<int:action_id>/evidence/upload", "upload_action_evidence", record_rule(upload), methods=["GET", "POST"]
)
bp.add_url_rule(
    "/recommendations/<int:recommendation_id>/evidence/link",
    "link_recommendation_evidence",
    record_rule(link),
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/actions/<int:action_id>/evidence/link", "link_action_evidence", record_rule(link), methods=["GET", "POST"]
)


def viewable(evidence_id: int, kind: str | None = FILE) -> Evidence:
    """The evidence (a file, unless `kind` says otherwise), once the person is allowed to see it; 404 for none."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or (kind is not None and evidence.kind != kind):
        abort(404)
    visible_or_404(permissions.can_view_evidence(current_user, evidence))
    return evidence


def viewable_file(evidence_id: int) -> tuple[Evidence, bytes | None]:
    """The evidence file and its bytes, once the person is allowed to see it; 404 for a link or no such file."""
    evidence = viewable(evidence_id)
    return evidence, storage.load_file(evidence)


@bp.get("/evidence/<int:evidence_id>/download")
@record_rule
def download_evidence(evidence_id: int):
    evidence, data = viewable_file(evidence_id)
    if data is None:
        abort(404)
    services.note_opened(current_user, evidence)
    return send_file(
        io.BytesIO(data),
        mimetype=evidence.content_type,
        as_attachment=True,
        download_name=evidence.original_filename or f"evidence-{evidence.id}",
    )


#: a preview is a sandboxed document (no script, no form, its own unique origin) that this site's pages may frame;
#: it loads nothing but itself
PREVIEW_CSP = "sandbox; default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'"


@bp.get("/evidence/<int:evidence_id>/preview")
@record_rule
def preview_evidence(evidence_id: int):
    """The file shown inline, only when its content is a PDF or an image; anything else is a download only."""
    evidence, data = viewable_file(evidence_id)
    mimetype = services.preview_type(data)
    if data is None or mimetype is None:
        abort(404)
    services.note_opened(current_user, evidence)
    g.csp_override, g.frame_options = PREVIEW_CSP, "SAMEORIGIN"
    return send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=False,
        download_name=evidence.original_filename or f"evidence-{evidence.id}",
    )


@bp.get("/evidence/<int:evidence_id>/pages/<int:page>.png")
@record_rule
def preview_page(evidence_id: int, page: int):
    """One of a PDF's first pages drawn on the server, for browsers that show no PDF in a page; guarded as the
    download is. Looking at it does not count as opening the item."""
    evidence = viewable(evidence_id)
    try:
        image = services.page_image(evidence, page)
    except PdfProblem as problem:
        return Response(f"No preview: {problem}", status=404, mimetype="text/plain")
    return send_file(io.BytesIO(image), mimetype="image/png", as_attachment=False, download_name=f"page-{page}.png")


@bp.get("/evidence/<int:evidence_id>/open")
@record_rule
def open_evidence(evidence_id: int):
    """Follow an evidence link (a file is downloaded), noting that the reviewer opened it."""
    evidence = viewable(evidence_id, kind=None)
    if evidence.kind != LINK:
        target = url_for("evidence.download_evidence", evidence_id=evidence.id)
    else:
        try:
            target = services.check_link(evidence.url or "")
        except services.EvidenceError:
            abort(404)  # only a web address is ever followed
    services.note_opened(current_user, evidence)
    return redirect(target)


@bp.route("/evidence/<int:evidence_id>/remove", methods=["GET", "POST"])
@record_rule
def remove_evidence(evidence_id: int):
    evidence = db.get_or_404(Evidence, evidence_id)
    visible_or_404(permissions.can_view_evidence(current_user, evidence))
    authorise(permissions.can_remove_evidence(current_user, evidence))
    refuse_if_locked(evidence.recommendation)
    form = ConfirmForm()
    blocker = services.removal_blocker(evidence)
    if form.validate_on_submit() and blocker is None:
        recommendation, action = evidence.recommendation, evidence.action
        services.remove_evidence(current_user, evidence)
        flash("Evidence removed.", "success")
        if action is not None:
            return redirect(url_for("actions.show_action", action_id=action.id))
        return redirect(url_for("recommendations.show_recommendation", recommendation_id=recommendation.id))
    return render_template("evidence/remove.html", evidence=evidence, form=form, blocker=blocker)
