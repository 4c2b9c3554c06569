"""Forms for the service's response to a recommendation, and for the person who leads it."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import HiddenField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.recommendations.models import NOT_AGREED, PARTLY_AGREED, RESPONSES
from tracker.text_limits import LONG_TEXT
from tracker.whole_numbers import form_id


class ResponseForm(FlaskForm):
    response = RadioField(
        "Response",
        choices=list(RESPONSES.items()),
        widget=GovRadioInput(),
        validators=[DataRequired(message="Select whether the recommendation is agreed, partly agreed or not agreed")],
    )
    rationale = TextAreaField(
        "Rationale",
        widget=GovTextArea(),
        validators=[Length(max=LONG_TEXT)],
        description="Required when partly agreed or not agreed: which part is not agreed, and why "
        "(commissioning, policy, operational or affordability reasons).",
    )
    version = HiddenField()
    submit = SubmitField("Save response", widget=GovSubmitInput())

    def validate_rationale(self, field):
        if self.response.data in (PARTLY_AGREED, NOT_AGREED) and not (field.data or "").strip():
            raise ValidationError("Explain why the recommendation is not fully agreed")


class LeadForm(FlaskForm):
    lead_id = SelectField(
        "Person who leads it",
        coerce=form_id,
        widget=GovSelect(),
        description="The person accountable to the owner for delivering this recommendation: someone with a role "
        "at the owner or at the inspected PDU.",
    )
    version = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())
