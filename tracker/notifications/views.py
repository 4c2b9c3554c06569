"""Pages: the outbox and job runs for administrators, and each person's choice of reminders."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.extensions import db
from tracker.mail.models import FAILED, KIND_LABELS, MESSAGE_STATUSES, OutboxMessage
from tracker.notifications import services
from tracker.notifications.blueprint import bp
from tracker.notifications.forms import ReminderPreferenceForm, RetryForm
from tracker.security import use_email_preview_policy
from tracker.shared.access import admin_only, signed_in


@bp.get("/admin/outbox")
@admin_only
def list_outbox():
    status = request.args.get("status") or None
    kind = request.args.get("kind") or None
    if status not in (None, *MESSAGE_STATUSES) or kind not in (None, *KIND_LABELS):
        abort(404)
    return render_template(
        "notifications/outbox.html",
        messages=services.list_messages(status, kind),
        status=status,
        kind=kind,
        counts=services.status_counts(),
        job_runs=services.recent_job_runs(),
        statuses=MESSAGE_STATUSES,
        kinds=KIND_LABELS,
    )


@bp.get("/admin/outbox/<int:message_id>")
@admin_only
def show_outbox_message(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("notifications/outbox-message.html", message=message, retry_form=RetryForm())


@bp.get("/admin/outbox/<int:message_id>/html")
@admin_only
def show_outbox_message_html(message_id: int):
    """The HTML part as the recipient's mail program would show it: styled, sandboxed so no script can run."""
    message = db.get_or_404(OutboxMessage, message_id)
    use_email_preview_policy()
    return message.body_html, 200, {"Content-Type": "text/html; charset=utf-8"}


@bp.post("/admin/outbox/<int:message_id>/retry")
@admin_only
def retry_outbox_message(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    form = RetryForm()
    if not form.validate_on_submit() or message.status != FAILED:
        abort(400)
    services.retry_message(current_user, message)
    flash("The email will be sent again the next time the outbox is delivered (within 5 minutes).", "success")
    return redirect(url_for("notifications.show_outbox_message", message_id=message_id))


@bp.route("/account/notifications", methods=["GET", "POST"])
@signed_in
def notification_settings():
    form = ReminderPreferenceForm(preference=current_user.reminder_preference, events=current_user.event_preference)
    if form.validate_on_submit():
        services.set_reminder_preference(current_user, form.preference.data, form.events.data)
        flash("Your reminder settings have been saved.", "success")
        return redirect(url_for("notifications.notification_settings"))
    return render_template("notifications/notification-settings.html", form=form)
