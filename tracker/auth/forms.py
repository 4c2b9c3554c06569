"""Sign-in and password forms."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from tracker.text_limits import EMAIL


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter your email address"),
            Email(message="Enter an email address in the correct format, like name@example.org"),
            Length(max=EMAIL),
        ],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[DataRequired(message="Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def new_password_field(label: str = "New password") -> PasswordField:
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        description="At least 12 characters. Three random words make a strong password that is easy to remember.",
        validators=[DataRequired(message="Enter a new password")],
    )


def confirm_field() -> PasswordField:
    return PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            DataRequired(message="Enter the new password again"),
            EqualTo("password", message="The passwords do not match"),
        ],
    )


class ForgotPasswordForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter your email address"),
            Email(message="Enter an email address in the correct format, like name@example.org"),
            Length(max=254),
        ],
    )
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class SetPasswordForm(FlaskForm):
    password = new_password_field()
    confirm = confirm_field()
    submit = SubmitField("Set password", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        "Current password", widget=GovPasswordInput(), validators=[DataRequired(message="Enter your current password")]
    )
    password = new_password_field()
    confirm = confirm_field()
    submit = SubmitField("Change password", widget=GovSubmitInput())


def code_field(label: str = "Code from your authenticator app", hint: str = "") -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        description=hint,
        validators=[
            DataRequired(message="Enter the code from your authenticator app"),
            Length(max=40, message="Enter the code from your authenticator app"),
        ],
    )


class SignInCodeForm(FlaskForm):
    code = code_field(
        hint="The 6-digit code your app shows now. If you have lost your phone, enter one of your "
        "recovery codes instead."
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SetUpTotpForm(FlaskForm):
    code = code_field(hint="The 6-digit code your app shows after you add this account to it.")
    submit = SubmitField("Turn on", widget=GovSubmitInput())


class TotpCodeForm(FlaskForm):
    """Proves the person holds the second factor before it is changed."""

    code = code_field(hint="The 6-digit code your app shows now, or one of your recovery codes.")
    submit = SubmitField("Continue", widget=GovSubmitInput())
