"""Administration: the index of admin pages, and managing people."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.admin import services
from tracker.admin.blueprint import bp
from tracker.admin.forms import UserForm
from tracker.auth import passwords
from tracker.auth.models import User
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.shared.access import admin_only

#: (title, endpoint, description) of each admin page; shown when the feature providing it is present
ADMIN_PAGES = (
    ("Regions and PDUs", "organisations.list_organisations", "Add and rename regions and PDUs."),
    ("Users", "admin.list_users", "Invite people, change their roles, deactivate leavers and clear sign-in waits."),
    ("Import a report", "importer.upload_report", "Read an inspection report and create its inspection."),
    ("Outbox", "notifications.list_outbox", "Emails waiting, sent and failed; the local mail sink."),
    ("Service status", "operations.show_status", "Scheduled jobs' last and next runs, and the outbox backlog."),
)


@bp.get("")
@admin_only
def index():
    pages = [page for page in ADMIN_PAGES if page[1] in current_app.view_functions]
    return render_template("admin/index.html", pages=pages)


@bp.get("/users")
@admin_only
def list_users():
    users, now = services.all_users(), utcnow()
    return render_template(
        "admin/users.html", users=users, now=now, status_of=services.status_of, waits=services.sign_in_waits(users, now)
    )


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def create_user():
    form = UserForm()
    form.organisation_id.choices = services.organisation_groups()
    if form.validate_on_submit():
        assert form.name.data is not None and form.email.data is not None  # DataRequired
        try:
            user = services.add_user(
                current_user, form.name.data, form.email.data, form.role.data, form.organisation_id.data
            )
        except services.AdminError as error:
            field = form.email if "email" in str(error) else form.organisation_id
            field.errors = [str(error)]
        else:
            flash(
                f"{user.name} added."
                + (
                    " An invitation to choose a password has been emailed to them."
                    if passwords.local_passwords_on()
                    else ""
                ),
                "success",
            )
            return redirect(url_for("admin.show_user", user_id=user.id))
    return render_template("admin/new-user.html", form=form)


@bp.post("/users/<int:user_id>/unlock")
@admin_only
def unlock_user(user_id: int):
    user = db.get_or_404(User, user_id)
    services.unlock_user(current_user, user)
    flash(f"Sign-in waits cleared: {user.email} can be tried again at once from any address.", "success")
    return redirect(url_for("admin.show_user", user_id=user.id))
