"""Pages for re-dating under governance: the owner asks for a new date, the lead decides, the reviewer agrees."""

from flask import abort, flash, render_template, url_for
from flask_login import current_user

from tracker.actions import date_requests
from tracker.actions.blueprint import bp
from tracker.actions.forms import DecideDateForm, RequestDateForm
from tracker.actions.lookups import action_or_404
from tracker.actions.models import DateChangeRequest
from tracker.actions.services import ActionError
from tracker.actions.views import back_to, refuse_with
from tracker.auth import permissions
from tracker.extensions import db
from tracker.recommendations.locking import refuse_if_locked
from tracker.shared.access import authorise, record_rule


@bp.route("/actions/<int:action_id>/request-date", methods=["GET", "POST"])
@record_rule
def request_new_date(action_id: int):
    action = action_or_404(action_id)
    authorise(permissions.can_request_date(current_user, action))
    refuse_if_locked(action.recommendation)
    form = RequestDateForm(action.target_on)
    pending = date_requests.open_request(action)
    if form.validate_on_submit():
        assert form.reason.data is not None  # DataRequired
        try:
            date_requests.request_new_date(current_user, action, form.target_on.data, form.reason.data)
        except ActionError as error:
            refuse_with(form, "target_on", error)
        else:
            flash("New target date asked for. The recommendation's lead will decide.", "success")
            return back_to(action)
    return render_template(
        "actions/request-date.html",
        action=action,
        form=form,
        pending=pending,
        needs_agreement=action.is_slipped,
        limit=date_requests.redate_limit_days(),
    )


def request_or_404(action, request_id: int) -> DateChangeRequest:
    request = db.session.get(DateChangeRequest, request_id)
    if request is None or request.action_id != action.id:
        abort(404)
    return request


def _decide(action_id: int, request_id: int, allowed, decide, template: str, done: str):
    action = action_or_404(action_id)
    authorise(allowed(action))
    request = request_or_404(action, request_id)
    refuse_if_locked(action.recommendation)
    form = DecideDateForm()
    if form.validate_on_submit():
        try:
            decide(request, form.decision.data == "approve", form.reason.data)
        except ActionError as error:
            refuse_with(form, "decision", error)
        else:
            flash(done.format(state=request.state_label.lower()), "success")
            return back_to(action)
    return render_template(
        template,
        action=action,
        date_request=request,
        form=form,
        back=url_for("actions.show_action", action_id=action.id),
    )


@bp.route("/actions/<int:action_id>/date-requests/<int:request_id>/decide", methods=["GET", "POST"])
@record_rule
def decide_date_request(action_id: int, request_id: int):
    return _decide(
        action_id,
        request_id,
        lambda action: permissions.can_edit_action(current_user, action),
        lambda request, approve, reason: date_requests.decide_request(current_user, request, approve, reason),
        "actions/decide-date.html",
        "Decision saved: {state}.",
    )


@bp.route("/actions/<int:action_id>/date-requests/<int:request_id>/agree", methods=["GET", "POST"])
@record_rule
def agree_date_request(action_id: int, request_id: int):
    return _decide(
        action_id,
        request_id,
        lambda action: permissions.holds_reviewer_role(current_user, action.recommendation),
        lambda request, agree, reason: date_requests.agree_request(current_user, request, agree, reason),
        "actions/agree-date.html",
        "Decision saved: {state}.",
    )
