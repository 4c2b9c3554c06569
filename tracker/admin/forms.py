"""Forms for administrators to add people and give them a role."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from tracker.auth.models import ROLE_LABELS
from tracker.text_limits import EMAIL, NAME


class UserForm(FlaskForm):
    name = StringField("Full name", widget=GovTextInput(),
                       validators=[DataRequired(message="Enter the person's full name"), Length(max=NAME)])
    email = StringField("Email address", widget=GovTextInput(),
                        validators=[DataRequired(message="Enter an email address"),
                                    Email(message="Enter an email address in the correct format, like "
                                                  "name@example.org"), Length(max=EMAIL)])
    password = PasswordField("Temporary password", widget=GovPasswordInput(),
                             validators=[DataRequired(message="Enter a temporary password"),
                                         Length(min=12, message="The password must be 12 characters or more")])
    role = SelectField("Role", choices=list(ROLE_LABELS.items()), widget=GovSelect())
    organisation_id = SelectField("Organisation", coerce=int, widget=GovSelect(),
                                  description="Where the role applies: HMPPS for national roles, a region for "
                                              "directors, a PDU for heads of PDU and action owners.")
    submit = SubmitField("Add user", widget=GovSubmitInput())
