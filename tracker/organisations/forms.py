"""Forms for administrators to add and rename regions and PDUs."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from tracker.text_limits import NAME, single_line
from tracker.whole_numbers import form_id


class OrganisationForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the name"), Length(max=NAME), single_line("Name")],
    )
    parent_id = SelectField(
        "Part of",
        coerce=form_id,
        widget=GovSelect(),
        description="A PDU belongs to a region; a region belongs to HMPPS.",
    )
    is_active = BooleanField("In use", widget=GovCheckboxInput(), default=True)
    submit = SubmitField("Save", widget=GovSubmitInput())
