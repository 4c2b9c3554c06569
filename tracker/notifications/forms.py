"""Forms for choosing how often to be reminded, and for an administrator retrying a failed email."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from tracker.auth.models import IMMEDIATE, WEEKLY


class ReminderPreferenceForm(FlaskForm):
    preference = RadioField(
        "How do you want to hear about your actions?",
        choices=[
            (IMMEDIATE, "Reminders as things fall due (on working days)"),
            (WEEKLY, "A weekly summary only, on Mondays"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select how often you want reminders")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class RetryForm(FlaskForm):
    submit = SubmitField("Send again", widget=GovSubmitInput())
