"""Forms for adding evidence: an uploaded file or a link."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from tracker.text_limits import LINK, LONG_TEXT, NAME
from tracker.upload_limits import FileSmallerThanLimit

#: the "Which action is this evidence for?" answer meaning none in particular
WHOLE_RECOMMENDATION = "recommendation"


class EvidenceDetails(FlaskForm):
    for_action = RadioField(
        "Which action is this evidence for?",
        widget=GovRadioInput(),
        validate_choice=True,
        validators=[DataRequired(message="Select which action this evidence is for")],
        description="Evidence for an action counts towards that action being evidenced before the "
        "recommendation can be submitted. Evidence for the recommendation as a whole does not.",
    )
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter a title for the evidence"), Length(max=NAME)],
    )
    description = TextAreaField(
        "Description (optional)",
        widget=GovTextArea(),
        validators=[Length(max=LONG_TEXT)],
        description="What it shows and how it proves the action is done.",
    )


class FileEvidenceForm(EvidenceDetails):
    file = FileField(
        "File",
        widget=GovFileInput(),
        validators=[FileRequired(message="Select a file"), FileSmallerThanLimit()],
        description="PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text or an image.",
    )
    submit = SubmitField("Upload evidence", widget=GovSubmitInput())


class LinkEvidenceForm(EvidenceDetails):
    url = StringField(
        "Link",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the link"), Length(max=LINK)],
        description="For example, https://intranet.example.org/document",
    )
    submit = SubmitField("Add link", widget=GovSubmitInput())


def ask_which_action(form: EvidenceDetails, recommendation) -> None:
    """On a recommendation with actions, ask which one the evidence is for; otherwise there is nothing to ask."""
    if recommendation.actions:
        form.for_action.choices = [(str(action.id), action.description) for action in recommendation.actions] + [
            (WHOLE_RECOMMENDATION, "The recommendation as a whole")
        ]
    else:
        del form.for_action


def chosen_action(form: EvidenceDetails, recommendation):
    if form.for_action is None or form.for_action.data == WHOLE_RECOMMENDATION:
        return None
    return next(action for action in recommendation.actions if str(action.id) == form.for_action.data)
