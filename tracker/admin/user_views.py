"""Administration pages about one person: their page, details, roles and invitation."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from tracker.admin import leavers, services
from tracker.admin.blueprint import bp
from tracker.admin.forms import ApiTokenForm, RoleForm, UserDetailsForm
from tracker.auth import oidc, totp
from tracker.auth import services as auth_services
from tracker.auth.models import ROLE_LABELS, ApiToken, User
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.forms_confirm import ConfirmForm
from tracker.handover.services import open_work_of
from tracker.shared.access import admin_only


def user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.get("/users/<int:user_id>")
@admin_only
def show_user(user_id: int):
    user = user_or_404(user_id)
    organisations = list(dict.fromkeys(a.organisation.display_name for a in user.roles))
    now = utcnow()
    failed_sign_ins = services.sign_in_waits([user], now).get(user.id, 0)
    return render_template(
        "admin/user.html",
        user=user,
        history=services.history(user),
        role_labels=ROLE_LABELS,
        status=services.status_of(user, now, failed_sign_ins),
        organisations=organisations,
        now=now,
        failed_sign_ins=failed_sign_ins,
        **services.user_page_extras(user),
    )


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_user(user_id: int):
    user = user_or_404(user_id)
    form = UserDetailsForm(obj=user)
    if form.validate_on_submit():
        assert form.name.data is not None and form.email.data is not None  # DataRequired
        try:
            services.update_details(current_user, user, form.name.data, form.email.data)
        except services.AdminError as error:
            form.email.errors = [str(error)]
        else:
            flash("Details saved.", "success")
            return redirect(url_for("admin.show_user", user_id=user.id))
    return render_template("admin/edit-user.html", form=form, user=user)


@bp.route("/users/<int:user_id>/roles", methods=["GET", "POST"])
@admin_only
def edit_roles(user_id: int):
    user = user_or_404(user_id)
    form = RoleForm()
    form.organisation_id.choices = services.organisation_groups()
    if form.validate_on_submit():
        try:
            services.add_role(current_user, user, form.role.data, form.organisation_id.data)
        except services.AdminError as error:
            form.organisation_id.errors = [str(error)]
        else:
            flash("Role added. It applies from their next page.", "success")
            return redirect(url_for("admin.edit_roles", user_id=user.id))
    return render_template("admin/roles.html", form=form, user=user, role_labels=ROLE_LABELS)


@bp.post("/users/<int:user_id>/roles/<int:assignment_id>/remove")
@admin_only
def remove_role(user_id: int, assignment_id: int):
    user = user_or_404(user_id)
    try:
        lost = services.remove_role(current_user, user, assignment_id)
    except services.AdminError as error:
        flash(str(error), "error")
    else:
        handed = (
            f" {len(lost)} {'item' if len(lost) == 1 else 'items'} of their work there now "
            f"need{'s' if len(lost) == 1 else ''} a new owner."
            if lost
            else ""
        )
        flash(f"Role removed. It no longer applies from their next page.{handed}", "success")
    return redirect(url_for("admin.edit_roles", user_id=user.id))


@bp.post("/users/<int:user_id>/single-sign-on")
@admin_only
def allow_sign_on_link(user_id: int):
    user = user_or_404(user_id)
    if not oidc.is_configured():
        abort(404)
    oidc.allow_link(current_user, user)
    flash(
        f"{user.name}'s next sign-in through {oidc.provider_name()} with {user.email} will link their account. "
        "Any earlier link no longer signs them in.",
        "success",
    )
    return redirect(url_for("admin.show_user", user_id=user.id))


@bp.post("/users/<int:user_id>/invite")
@admin_only
def resend_invitation(user_id: int):
    user = user_or_404(user_id)
    services.resend_invitation(current_user, user)
    flash(f"A new invitation has been emailed to {user.email}. Earlier links no longer work.", "success")
    return redirect(url_for("admin.show_user", user_id=user.id))


@bp.route("/users/<int:user_id>/tokens/new", methods=["GET", "POST"])
@admin_only
def issue_token(user_id: int):
    """The token is on the answer to the form and nowhere else: only its hash is kept, so it is shown this once."""
    user = user_or_404(user_id)
    if not user.is_active:
        flash(f"{user.name} has been deactivated: reactivate them before issuing an API token.", "error")
        return redirect(url_for("admin.show_user", user_id=user.id))
    form = ApiTokenForm()
    if form.validate_on_submit():
        assert form.name.data is not None and form.lifetime.data is not None  # DataRequired
        days = None if form.lifetime.data == "never" else int(form.lifetime.data)
        try:
            token = services.issue_api_token(current_user, user, form.name.data, days)
        except services.AdminError as error:
            form.name.errors = [str(error)]
        else:
            page = render_template("admin/token-issued.html", user=user, token=token, name=form.name.data.strip())
            return page, 200, {"Cache-Control": "no-store"}
    return render_template("admin/issue-token.html", form=form, user=user)


@bp.post("/users/<int:user_id>/tokens/<int:token_id>/revoke")
@admin_only
def revoke_token(user_id: int, token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        abort(404)
    auth_services.revoke_api_token(current_user, token)
    flash("The API token has been revoked. It no longer works.", "success")
    return redirect(url_for("admin.show_user", user_id=user_id))


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@admin_only
def deactivate_user(user_id: int):
    user = user_or_404(user_id)
    form = ConfirmForm()
    work = open_work_of(user)
    if form.validate_on_submit():
        try:
            leavers.deactivate(current_user, user)
        except services.AdminError as error:
            flash(str(error), "error")
        else:
            flash(deactivated_message(user, len(work)), "success")
        return redirect(url_for("admin.show_user", user_id=user.id))
    return render_template("admin/deactivate.html", form=form, user=user, work=work)


def deactivated_message(user: User, open_work: int) -> Markup:
    """The banner after a deactivation, with the way on to their work when they had some."""
    done = Markup("{} has been deactivated and signed out everywhere.").format(user.name)
    if not open_work:
        return done + " They owned no open work."
    return done + Markup(
        ' Their open work now shows as needing a new owner: <a class="govuk-notification-banner__link" '
        'href="{}">reassign their {}</a>.'
    ).format(
        url_for("handover.reassign_work", leaver=user.id),
        f"{open_work} {'item' if open_work == 1 else 'items'} of work",
    )


@bp.post("/users/<int:user_id>/reactivate")
@admin_only
def reactivate_user(user_id: int):
    user = user_or_404(user_id)
    try:
        leavers.reactivate(current_user, user)
    except services.AdminError as error:
        flash(str(error), "error")
    else:
        flash(f"{user.name} has been reactivated.", "success")
    return redirect(url_for("admin.show_user", user_id=user.id))


@bp.post("/users/<int:user_id>/reset-second-factor")
@admin_only
def reset_second_factor(user_id: int):
    user = user_or_404(user_id)
    totp.reset_by_admin(current_user, user)
    flash(
        f"The second factor of {user.name} has been reset and they have been signed out everywhere. They set up "
        "their authenticator app again when they next sign in"
        + (" (their role requires it)." if totp.is_required(user) else ", if they choose."),
        "success",
    )
    return redirect(url_for("admin.show_user", user_id=user.id))
