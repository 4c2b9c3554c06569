"""Action pages: view, add, edit, revise the target date, post a progress update."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.actions import services
from tracker.actions.forms import ActionForm, EditActionForm, ProgressUpdateForm, ReviseDateForm
from tracker.actions.models import Action
from tracker.auth import permissions
from tracker.auth.access import authorise, record_rule
from tracker.db_types import today
from tracker.extensions import db
from tracker.recommendations.services import people_choices
from tracker.recommendations.status import action_status
from tracker.recommendations.views import recommendation_or_404

bp = Blueprint("actions", __name__)


def action_or_404(action_id: int) -> Action:
    action = db.session.get(Action, action_id)
    if action is None:
        abort(404)
    authorise(permissions.can_view_recommendation(current_user, action.recommendation))
    return action


def back_to(action: Action):
    return redirect(url_for("actions.show_action", action_id=action.id))


def refuse_with(form, field_name: str, error: Exception) -> None:
    getattr(form, field_name).errors = [*getattr(form, field_name).errors, str(error)]


@bp.get("/actions/<int:action_id>")
@record_rule
def show_action(action_id: int):
    action = action_or_404(action_id)
    return render_template("actions/show.html", action=action, status=action_status(action, today()),
                           can_update=permissions.can_update_action(current_user, action),
                           can_edit=permissions.can_edit_action(current_user, action))


@bp.route("/recommendations/<int:recommendation_id>/actions/new", methods=["GET", "POST"])
@record_rule
def create_action(recommendation_id: int):
    recommendation = recommendation_or_404(recommendation_id)
    authorise(permissions.can_manage_recommendation(current_user, recommendation))
    form = ActionForm()
    form.owner_id.choices = people_choices(recommendation)
    if form.validate_on_submit():
        action = services.create_action(current_user, recommendation, form.description.data, form.owner_id.data,
                                        form.target_on.data)
        flash("Action added.", "success")
        return back_to(action)
    return render_template("actions/new.html", recommendation=recommendation, form=form)


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@record_rule
def edit_action(action_id: int):
    action = action_or_404(action_id)
    authorise(permissions.can_edit_action(current_user, action))
    form = EditActionForm(obj=action)
    form.owner_id.choices = people_choices(action.recommendation)
    if form.validate_on_submit():
        services.edit_action(current_user, action, form.description.data, form.owner_id.data)
        flash("Action updated.", "success")
        return back_to(action)
    return render_template("actions/edit.html", action=action, form=form)


@bp.route("/actions/<int:action_id>/revise-date", methods=["GET", "POST"])
@record_rule
def revise_target_date(action_id: int):
    action = action_or_404(action_id)
    authorise(permissions.can_edit_action(current_user, action))
    form = ReviseDateForm()
    if form.validate_on_submit():
        try:
            services.revise_target_date(current_user, action, form.target_on.data, form.reason.data)
        except services.ActionError as error:
            refuse_with(form, "target_on", error)
        else:
            flash("Target date changed. The original date and your reason are kept.", "success")
            return back_to(action)
    return render_template("actions/revise-date.html", action=action, form=form)


@bp.route("/actions/<int:action_id>/updates/new", methods=["GET", "POST"])
@record_rule
def post_update(action_id: int):
    action = action_or_404(action_id)
    authorise(permissions.can_update_action(current_user, action))
    form = ProgressUpdateForm()
    if form.validate_on_submit():
        services.post_update(current_user, action, form.narrative.data, form.status.data or None)
        flash("Progress update posted.", "success")
        return back_to(action)
    return render_template("actions/post-update.html", action=action, form=form)
