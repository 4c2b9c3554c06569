"""Forms for adding and editing actions, revising a target date and posting progress."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import HiddenField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from tracker.actions.models import STATUSES
from tracker.form_fields import GovDateField
from tracker.text_limits import LONG_TEXT, REASON

DATE_HINT = "For example, 27 3 2027"


class ActionForm(FlaskForm):
    description = TextAreaField(
        "What will be done", widget=GovTextArea(),
        validators=[DataRequired(message="Enter what will be done"), Length(max=LONG_TEXT)],
        description="Specific and measurable: what, by whom, and how you will know it is done.",
    )
    owner_id = SelectField("Owner", coerce=int, widget=GovSelect(),
                           validators=[InputRequired(message="Select who owns this action")])
    target_on = GovDateField("Target date", description=DATE_HINT, required=True,
                             required_message="Enter the target date")
    submit = SubmitField("Save action", widget=GovSubmitInput())


class EditActionForm(FlaskForm):
    description = TextAreaField(
        "What will be done", widget=GovTextArea(),
        validators=[DataRequired(message="Enter what will be done"), Length(max=LONG_TEXT)],
    )
    owner_id = SelectField("Owner", coerce=int, widget=GovSelect(),
                           validators=[InputRequired(message="Select who owns this action")])
    version = HiddenField()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class ReviseDateForm(FlaskForm):
    target_on = GovDateField("New target date", description=DATE_HINT, required=True,
                             required_message="Enter the new target date")
    reason = TextAreaField("Reason for the change", widget=GovTextArea(),
                           validators=[DataRequired(message="Enter the reason for changing the target date"),
                                       Length(max=REASON)],
                           description="The original date and this reason stay on the record.")
    version = HiddenField()
    submit = SubmitField("Change target date", widget=GovSubmitInput())


class ProgressUpdateForm(FlaskForm):
    narrative = TextAreaField(
        "What has happened", widget=GovTextArea(),
        validators=[DataRequired(message="Enter what has happened since the last update"), Length(max=LONG_TEXT)],
    )
    status = RadioField("Status", choices=[("", "No change")] + list(STATUSES.items()), default="",
                        widget=GovRadioInput(), validators=[])
    version = HiddenField()
    submit = SubmitField("Post update", widget=GovSubmitInput())

    def pre_validate_status(self):
        return True
