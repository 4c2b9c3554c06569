"""Forms for adding evidence: an uploaded file or a link."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from tracker.text_limits import LINK, LONG_TEXT, NAME
from tracker.upload_limits import FileSmallerThanLimit


class EvidenceDetails(FlaskForm):
    title = StringField("Title", widget=GovTextInput(),
                        validators=[DataRequired(message="Enter a title for the evidence"), Length(max=NAME)])
    description = TextAreaField("Description (optional)", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)],
                                description="What it shows and how it proves the action is done.")


class FileEvidenceForm(EvidenceDetails):
    file = FileField("File", widget=GovFileInput(),
                     validators=[FileRequired(message="Select a file"), FileSmallerThanLimit()],
                     description="PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text or an image.")
    submit = SubmitField("Upload evidence", widget=GovSubmitInput())


class LinkEvidenceForm(EvidenceDetails):
    url = StringField("Link", widget=GovTextInput(),
                      validators=[DataRequired(message="Enter the link"), Length(max=LINK)],
                      description="For example, https://intranet.example.org/document")
    submit = SubmitField("Add link", widget=GovSubmitInput())
