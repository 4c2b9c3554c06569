"""Action pages: view, add, edit, revise the target date, post a progress update."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.actions import date_requests, services
from tracker.actions.blueprint import bp
from tracker.actions.forms import ActionForm, CorrectUpdateForm, EditActionForm, ProgressUpdateForm, ReviseDateForm
from tracker.actions.lookups import action_or_404, recommendation_with_actions_or_404
from tracker.actions.models import Action, ProgressUpdate
from tracker.auth import permissions
from tracker.caching.pages import CachedPage, main_content, render_cached_page
from tracker.db_types import today
from tracker.extensions import db
from tracker.forms_confirm import ConfirmForm
from tracker.recommendations.locking import locked_reason, refuse_if_locked
from tracker.recommendations.services import decisions_on, people_choices
from tracker.recommendations.status import COMPLETE, STATUSES, action_status
from tracker.shared.access import authorise, record_rule
from tracker.shared.conflict_views import conflict_page
from tracker.shared.conflicts import ConflictError, ConflictRow


@bp.app_context_processor
def action_hooks():
    """What pages of lower features show about actions (the recommendation page's blocked actions), without those
    features importing this one."""
    return {"blocked_actions": lambda actions: services.blocked_action_ids(a.id for a in actions)}


def back_to(action: Action):
    return redirect(url_for("actions.show_action", action_id=action.id))


def refuse_with(form, field_name: str, error: Exception) -> None:
    getattr(form, field_name).errors = [*getattr(form, field_name).errors, str(error)]


@bp.get("/actions/<int:action_id>")
@record_rule
def show_action(action_id: int):
    return render_cached_page(("action", action_id), lambda: _action_page(action_id))


def _action_page(action_id: int) -> CachedPage:
    action = action_or_404(action_id)
    unlocked = locked_reason(action.recommendation) is None
    can_update = permissions.can_update_action(current_user, action)
    can_edit = unlocked and permissions.can_edit_action(current_user, action)
    main = main_content(
        "actions/_show-main.html",
        action=action,
        status=action_status(action, today()),
        today=today(),
        changeable=lambda update: services.can_change_update(current_user, update),
        can_update=can_update,
        can_add_evidence=unlocked and can_update,
        can_edit=can_edit,
        date_request=date_requests.open_request(action),
        can_request_date=unlocked and permissions.can_request_date(current_user, action),
        is_reviewer=permissions.holds_reviewer_role(current_user, action.recommendation),
        # offered only where it will work: nothing yet recorded against the action
        can_delete=can_edit and not services.deletion_blockers(action),
        decisions=decisions_on([item.id for item in action.evidence]),
        can_remove=lambda evidence: unlocked and permissions.can_remove_evidence(current_user, evidence),
    )
    back = url_for("recommendations.show_recommendation", recommendation_id=action.recommendation_id)
    # the Change link on the viewer's own recent updates goes when its correction window closes
    closing = [
        u.created_at + services.correction_window()
        for u in action.updates
        if services.can_change_update(current_user, u)
    ]
    return CachedPage(
        "Action",
        main,
        back,
        f"Back to recommendation {action.recommendation.number}",
        valid_until=min(closing, default=None),
    )


@bp.route("/recommendations/<int:recommendation_id>/actions/new", methods=["GET", "POST"])
@record_rule
def create_action(recommendation_id: int):
    recommendation = recommendation_with_actions_or_404(recommendation_id)
    authorise(permissions.can_manage_recommendation(current_user, recommendation))
    refuse_if_locked(recommendation)
    form = ActionForm()
    form.owner_id.choices = people_choices(recommendation)
    if form.validate_on_submit():
        assert form.description.data is not None  # DataRequired
        try:
            action = services.create_action(
                current_user, recommendation, form.description.data, form.owner_id.data, form.target_on.data
            )
        except services.ActionError as error:
            refuse_with(form, "target_on", error)
        else:
            flash("Action added.", "success")
            return back_to(action)
    return render_template("actions/new.html", recommendation=recommendation, form=form)


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@record_rule
def edit_action(action_id: int):
    action = action_or_404(action_id)
    authorise(permissions.can_edit_action(current_user, action))
    refuse_if_locked(action.recommendation)
    form = EditActionForm(obj=action)
    form.owner_id.choices = people_choices(action.recommendation)
    stamp_version(form, action)
    if form.validate_on_submit():
        assert form.description.data is not None  # DataRequired
        try:
            services.edit_action(
                current_user, action, form.description.data, form.owner_id.data, expected_version=form.version.data
            )
        except ConflictError:
            people = dict(form.owner_id.choices)
            return action_conflict(
                action,
                [
                    ConflictRow("What will be done", form.description.data, action.description),
                    ConflictRow("Owner", people.get(form.owner_id.data, ""), action.owner.name if action.owner else ""),
                ],
            )
        flash("Action updated.", "success")
        return back_to(action)
    return render_template("actions/edit.html", action=action, form=form)


def stamp_version(form, action: Action) -> None:
    """The version the person is looking at travels with the form, so a stale save can be recognised."""
    if not form.is_submitted():
        form.version.data = action.version_id


def action_conflict(action: Action, rows: list[ConflictRow]):
    """Someone changed the action first: show their version beside this person's, nothing overwritten."""
    shown = {row.label for row in rows}
    context = [
        ConflictRow("Status", "", action.status_label),
        ConflictRow("Target date", "", action.target_on.isoformat()),
    ]
    rows = rows + [row for row in context if row.label not in shown]
    return conflict_page(action, rows, url_for("actions.show_action", action_id=action.id), "this action")


@bp.route("/actions/<int:action_id>/revise-date", methods=["GET", "POST"])
@record_rule
def revise_target_date(action_id: int):
    action = action_or_404(action_id)
    authorise(permissions.can_edit_action(current_user, action))
    refuse_if_locked(action.recommendation)
    form = ReviseDateForm(action.target_on)
    correction = services.is_correctable(action)
    if correction:
        del form.reason  # nothing is recorded against the action yet: a wrong date is simply put right
        form.submit.label.text = "Correct target date"
    stamp_version(form, action)
    if form.validate_on_submit():
        # asked for (DataRequired) unless the date is only put right
        reason = "" if correction else form.reason.data
        assert reason is not None
        try:
            if correction:
                services.correct_target_date(
                    current_user, action, form.target_on.data, expected_version=form.version.data
                )
            elif date_requests.needs_agreement(action, form.target_on.data):
                date_requests.ask_for_agreement(
                    current_user, action, form.target_on.data, reason, expected_version=form.version.data
                )
                flash(
                    "This change needs the reviewer's agreement, so it has been sent to them. The target date "
                    "stays as it is until they agree.",
                    "success",
                )
                return back_to(action)
            else:
                services.revise_target_date(
                    current_user, action, form.target_on.data, reason, expected_version=form.version.data
                )
        except ConflictError:
            return action_conflict(
                action,
                [
                    ConflictRow("Target date", form.target_on.data.isoformat(), action.target_on.isoformat()),
                    *([] if correction else [ConflictRow("Reason", reason, "")]),
                ],
            )
        except services.ActionError as error:
            refuse_with(form, "target_on", error)
        else:
            flash(
                "Target date corrected."
                if correction
                else "Target date changed. The original date and your reason are kept.",
                "success",
            )
            return back_to(action)
    return render_template(
        "actions/revise-date.html",
        action=action,
        form=form,
        correction=correction,
        limit=date_requests.redate_limit_days(),
        pending=date_requests.open_request(action),
    )


@bp.route("/actions/<int:action_id>/updates/new", methods=["GET", "POST"])
@record_rule
def post_update(action_id: int):
    action = action_or_404(action_id)
    authorise(permissions.can_update_action(current_user, action))
    form = ProgressUpdateForm()
    if reason := locked_reason(action.recommendation):
        # a narrative may still be posted under review; a change of status may not
        form.status.choices = [("", "No change")]
        form.status.description = reason
    stamp_version(form, action)
    blockers = services.unfinished_blockers(action) if action.status != COMPLETE else []
    if form.validate_on_submit():
        assert form.narrative.data is not None  # DataRequired
        try:
            services.post_update(
                current_user,
                action,
                form.narrative.data,
                form.status.data or None,
                expected_version=form.version.data,
                override_reason=form.override_reason.data,
            )
        except ConflictError:
            return action_conflict(
                action,
                [
                    ConflictRow("Update", form.narrative.data, ""),
                    ConflictRow("Status", STATUSES.get(form.status.data or "", "No change"), action.status_label),
                ],
            )
        except services.ActionError as error:
            refuse_with(form, "override_reason" if blockers else "narrative", error)
        else:
            flash("Progress update posted.", "success")
            return back_to(action)
    return render_template("actions/post-update.html", action=action, form=form, blockers=blockers)


def update_or_404(update_id: int) -> ProgressUpdate:
    """An update its author may still change: anyone else, or the author after the window, is refused."""
    update = db.session.get(ProgressUpdate, update_id)
    if update is None:
        abort(404)
    action_or_404(update.action_id)
    authorise(
        permissions.can_update_action(current_user, update.action) and services.can_change_update(current_user, update)
    )
    return update


@bp.route("/updates/<int:update_id>/correct", methods=["GET", "POST"])
@record_rule
def correct_update(update_id: int):
    update = update_or_404(update_id)
    form = CorrectUpdateForm(obj=update)
    if form.validate_on_submit():
        assert form.narrative.data is not None  # DataRequired
        try:
            services.correct_update(current_user, update, form.narrative.data)
        except services.ActionError as error:
            refuse_with(form, "narrative", error)
        else:
            flash("Progress update corrected.", "success")
            return back_to(update.action)
    return render_template(
        "actions/correct-update.html",
        update=update,
        action=update.action,
        form=form,
        window=services.correction_window(),
    )


@bp.route("/updates/<int:update_id>/withdraw", methods=["GET", "POST"])
@record_rule
def withdraw_update(update_id: int):
    update = update_or_404(update_id)
    form = ConfirmForm()
    problem = None
    if form.validate_on_submit():
        try:
            action = services.withdraw_update(current_user, update)
        except services.ActionError as error:
            problem = str(error)
        else:
            flash("Progress update withdrawn.", "success")
            return back_to(action)
    return render_template(
        "actions/withdraw-update.html", update=update, action=update.action, form=form, problem=problem
    )


@bp.route("/actions/<int:action_id>/delete", methods=["GET", "POST"])
@record_rule
def delete_action(action_id: int):
    action = action_or_404(action_id)
    authorise(permissions.can_edit_action(current_user, action))
    refuse_if_locked(action.recommendation)
    form = ConfirmForm()
    blockers = services.deletion_blockers(action)
    if form.validate_on_submit() and not blockers:
        recommendation_id = action.recommendation_id
        services.delete_action(current_user, action)
        flash("Action deleted.", "success")
        return redirect(url_for("recommendations.show_recommendation", recommendation_id=recommendation_id))
    return render_template("actions/delete.html", action=action, form=form, blockers=blockers)
