"""A person's own account: what it holds, and their second factor (set up, new recovery codes, turned off); and
the rule that keeps someone whose role requires a second factor on its set-up page until it is done."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from tracker.auth import passwords, sessions, totp
from tracker.auth.blueprint import bp
from tracker.auth.forms import SetUpTotpForm, TotpCodeForm
from tracker.shared.access import signed_in

#: what someone who must still set up their second factor may reach meanwhile
_ALLOWED_BEFORE_SET_UP = {
    "auth.set_up_totp",
    "auth.sign_out",
    "auth.sign_in",
    "static",
    "pages.healthcheck",
    "operations.healthz",
    "pages.accessibility",
    "pages.privacy",
}


def must_set_up_second_factor() -> bool:
    """A password sign-in by someone whose role requires a second factor they have not set up. Checked on every
    request, so a role given mid-session, or a second factor reset by an administrator, applies at once."""
    if "_user_id" not in session or not passwords.local_passwords_on() or not totp.required_roles():
        return False
    return (
        current_user.is_authenticated
        and sessions.signed_in_with_password()
        and totp.is_required(current_user)
        and not totp.is_enabled(current_user)
    )


@bp.before_app_request
def require_second_factor():
    if request.endpoint in _ALLOWED_BEFORE_SET_UP or not must_set_up_second_factor():
        return None
    if request.path.startswith("/api/"):
        abort(403)
    return redirect(url_for("auth.set_up_totp"))


def _local_accounts_only() -> None:
    if not passwords.local_passwords_on():
        abort(404)


@bp.get("/account")
@signed_in
def show_account():
    return render_template(
        "auth/account.html",
        totp_on=totp.is_enabled(current_user),
        totp_required=totp.is_required(current_user),
        codes_left=totp.recovery_codes_left(current_user) if totp.is_enabled(current_user) else 0,
    )


@bp.route("/account/two-factor", methods=["GET", "POST"])
@signed_in
def set_up_totp():
    _local_accounts_only()
    if totp.is_enabled(current_user):
        return redirect(url_for("auth.show_account"))
    secret = totp.pending_secret(current_user)
    form = SetUpTotpForm()
    if form.validate_on_submit():
        try:
            codes = totp.confirm_setup(current_user, form.code.data)
        except totp.SecondFactorError as error:
            form.code.errors = [str(error)]
        else:
            return render_template("auth/recovery-codes.html", codes=codes, first_time=True)
    return render_template(
        "auth/set-up-totp.html",
        form=form,
        qr_code=totp.qr_code_svg(current_user),
        secret=totp.grouped(secret),
        required=must_set_up_second_factor(),
    )


@bp.route("/account/two-factor/recovery-codes", methods=["GET", "POST"])
@signed_in
def regenerate_recovery_codes():
    _local_accounts_only()
    if not totp.is_enabled(current_user):
        return redirect(url_for("auth.show_account"))
    form = TotpCodeForm()
    if form.validate_on_submit():
        try:
            codes = totp.regenerate_recovery_codes(current_user, form.code.data)
        except totp.SecondFactorError as error:
            form.code.errors = [str(error)]
        else:
            return render_template("auth/recovery-codes.html", codes=codes, first_time=False)
    return render_template(
        "auth/confirm-totp-change.html",
        form=form,
        title="Make new recovery codes",
        lead="Your earlier recovery codes will stop working.",
        button="Make new codes",
    )


@bp.route("/account/two-factor/turn-off", methods=["GET", "POST"])
@signed_in
def turn_off_totp():
    _local_accounts_only()
    if not totp.is_enabled(current_user) or totp.is_required(current_user):
        flash(
            "Your role requires a second factor, so it cannot be turned off."
            if totp.is_enabled(current_user)
            else "Your authenticator app is not set up.",
            "info",
        )
        return redirect(url_for("auth.show_account"))
    form = TotpCodeForm()
    if form.validate_on_submit():
        try:
            totp.turn_off(current_user, form.code.data)
        except totp.SecondFactorError as error:
            form.code.errors = [str(error)]
        else:
            flash("Your authenticator app has been turned off. Signing in now needs only your password.", "success")
            return redirect(url_for("auth.show_account"))
    return render_template(
        "auth/confirm-totp-change.html",
        form=form,
        title="Turn off your authenticator app",
        lead="Signing in will need only your password.",
        button="Turn off",
        warning=True,
    )
