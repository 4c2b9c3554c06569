"""Pages for passwords people choose themselves: forgotten, set from an emailed link, and changed."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.auth import passwords
from tracker.auth.blueprint import bp
from tracker.auth.forms import ChangePasswordForm, ForgotPasswordForm, SetPasswordForm
from tracker.shared.access import public, signed_in


def _local_passwords_only() -> None:
    if not passwords.local_passwords_on():
        abort(404)


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
def forgot_password():
    _local_passwords_only()
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        assert form.email.data is not None  # DataRequired
        passwords.request_reset(form.email.data)
        return render_template("auth/reset-sent.html", email=form.email.data)
    return render_template("auth/forgot-password.html", form=form)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    _local_passwords_only()
    link = passwords.valid_link(token)
    if link is None:
        return render_template("auth/link-expired.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        assert form.password.data is not None  # DataRequired
        try:
            passwords.set_password_from_link(link, form.password.data)
        except passwords.PasswordError as error:
            form.password.errors = [str(error)]
        else:
            flash("Your password has been set. Sign in with it now.", "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/set-password.html", form=form, user=link.user)


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    _local_passwords_only()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        assert form.current.data is not None and form.password.data is not None  # DataRequired
        try:
            passwords.change_password(current_user, form.current.data, form.password.data)
        except passwords.PasswordError as error:
            field = form.current if "current" in str(error) else form.password
            field.errors = [str(error)]
        else:
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("pages.home"))
    return render_template("auth/change-password.html", form=form)
