"""Forms for choosing how often to be reminded, and for an administrator retrying a failed email."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from tracker.auth.models import EVENTS_IMMEDIATE, EVENTS_WITH_REMINDERS, IMMEDIATE, WEEKLY


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
    events = RadioField(
        "How do you want to hear when something happens to your work?",
        description="An action assigned to you, a recommendation submitted for your review, returned to you or "
        "assured, or evidence of yours rejected.",
        choices=[
            (EVENTS_IMMEDIATE, "Straight away, in one email for what happens within a few minutes"),
            (EVENTS_WITH_REMINDERS, "In my reminder email (daily, or weekly if that is what I chose)"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select how you want to hear when something happens to your work")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class RetryForm(FlaskForm):
    submit = SubmitField("Send again", widget=GovSubmitInput())
