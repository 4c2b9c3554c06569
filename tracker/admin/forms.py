"""Forms for administrators to add people and change their details and roles."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from tracker.auth.models import ROLE_LABELS
from tracker.form_fields import GovGroupedSelect, one_of_the_choices, optional_id
from tracker.text_limits import EMAIL, NAME, single_line

ORGANISATION_HINT = (
    "Where the role applies: HMPPS for national roles, a region for directors, a PDU for heads of "
    "PDU and action owners."
)


def name_field() -> StringField:
    return StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the person's full name"), Length(max=NAME), single_line("Full name")],
    )


def email_field() -> StringField:
    return StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter an email address"),
            Email(message="Enter an email address in the correct format, like name@example.org"),
            Length(max=EMAIL),
        ],
    )


def role_field() -> SelectField:
    """No role is chosen for the administrator: giving someone the wrong one must take a decision."""
    return SelectField(
        "Role",
        choices=[("", "Select a role"), *ROLE_LABELS.items()],
        widget=GovSelect(),
        validators=[DataRequired(message="Select a role")],
    )


def organisation_field() -> SelectField:
    return SelectField(
        "Organisation",
        coerce=optional_id,
        widget=GovGroupedSelect(),
        description=ORGANISATION_HINT,
        render_kw={"placeholder": "Select an organisation"},
        validate_choice=False,
        validators=[one_of_the_choices("Select an organisation")],
    )


class UserForm(FlaskForm):
    name = name_field()
    email = email_field()
    role = role_field()
    organisation_id = organisation_field()
    submit = SubmitField("Add user and send invitation", widget=GovSubmitInput())


class UserDetailsForm(FlaskForm):
    name = name_field()
    email = email_field()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class RoleForm(FlaskForm):
    role = role_field()
    organisation_id = organisation_field()
    submit = SubmitField("Add role", widget=GovSubmitInput())
