"""Forms for administrators to add people, change their details and roles, and reassign a leaver's work."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, StopValidation

from tracker.auth.models import ROLE_LABELS
from tracker.form_fields import GovGroupedSelect

ORGANISATION_HINT = ("Where the role applies: HMPPS for national roles, a region for directors, a PDU for heads of "
                     "PDU and action owners.")


def name_field() -> StringField:
    return StringField("Full name", widget=GovTextInput(),
                       validators=[DataRequired(message="Enter the person's full name"), Length(max=200)])


def email_field() -> StringField:
    return StringField("Email address", widget=GovTextInput(),
                       validators=[DataRequired(message="Enter an email address"),
                                   Email(message="Enter an email address in the correct format, like "
                                                 "name@example.org"), Length(max=254)])


def role_field() -> SelectField:
    """No role is chosen for the administrator: giving someone the wrong one must take a decision."""
    return SelectField("Role", choices=[("", "Select a role"), *ROLE_LABELS.items()], widget=GovSelect(),
                       validators=[DataRequired(message="Select a role")])


def optional_id(value) -> int | None:
    """An id from a select, or None for its "Select ..." option or anything that is not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def one_of_the_choices(message: str):
    def check(_form, field) -> None:
        if field.data is None or field.data not in {value for value, *_ in _flat_choices(field)}:
            raise StopValidation(message)

    return check


def _flat_choices(field):
    if isinstance(field.choices, dict):
        return [choice for group in field.choices.values() for choice in group]
    return list(field.choices or [])


def organisation_field() -> SelectField:
    return SelectField("Organisation", coerce=optional_id, widget=GovGroupedSelect(), description=ORGANISATION_HINT,
                       render_kw={"placeholder": "Select an organisation"}, validate_choice=False,
                       validators=[one_of_the_choices("Select an organisation")])


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


class ReassignForm(FlaskForm):
    items = SelectMultipleField("Work to reassign", widget=GovCheckboxesInput(),
                                validators=[DataRequired(message="Select the work to reassign")])
    new_owner_id = SelectField("New owner", coerce=optional_id, widget=GovSelect(), validate_choice=False,
                               validators=[one_of_the_choices("Select the new owner")])
    submit = SubmitField("Reassign", widget=GovSubmitInput())
