"""Forms for administrators to add people, change their details and roles, and issue them API tokens."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField
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


#: how long an API token issued from a person's page works: days, or never stops ("")
TOKEN_LIFETIMES = [("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("never", "It does not expire")]


class ApiTokenForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        description="What the token is for, so it can be told apart from their others, like “Monthly report”.",
        validators=[
            DataRequired(message="Enter a name for the token"),
            Length(max=NAME, message=f"The name must be {NAME} characters or fewer"),
            single_line("The name"),
        ],
    )
    lifetime = RadioField(
        "When should it stop working?",
        choices=TOKEN_LIFETIMES,
        widget=GovRadioInput(),
        validators=[DataRequired(message="Select when the token stops working")],
    )
    submit = SubmitField("Issue the token", widget=GovSubmitInput())
