"""Forms for uploading a report and for checking and correcting what was read from it before saving."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from tracker.date_rules import check_any_date
from tracker.form_fields import GovDateField
from tracker.importer.review import NEW_PDU, owners_missing
from tracker.inspections.models import NOT_APPLICABLE, RATINGS
from tracker.upload_limits import FileSmallerThanLimit

OWNER_CHOICES = [("pdu", "The PDU"), ("region", "The PDU's region"), ("hmpps", "HMPPS nationally")]
ADDRESSEE_CHOICES = [
    ("pdu", "The PDU"),
    ("region", "The region"),
    ("hmpps", "HMPPS"),
    ("other", "Another body (for example the police or a local authority)"),
]
RATING_CHOICES = [(rating, rating) for rating in (*RATINGS, NOT_APPLICABLE)]
WHOLE_PERCENT = "Enter a whole number from 0 to 100"


class UploadReportForm(FlaskForm):
    file = FileField(
        "Inspection report",
        widget=GovFileInput(),
        validators=[FileRequired(message="Select a report"), FileSmallerThanLimit()],
        description="The report as a PDF, the report's web page saved as HTML, or a text file.",
    )
    submit = SubmitField("Upload and check", widget=GovSubmitInput())


class KeyQuestionFields(Form):
    percentage = IntegerField(
        "Percentage",
        widget=GovTextInput(),
        validators=[InputRequired(message=WHOLE_PERCENT), NumberRange(min=0, max=100, message=WHOLE_PERCENT)],
    )


class StandardFields(Form):
    rating = SelectField("Rating", widget=GovSelect(), choices=RATING_CHOICES)
    key_questions = FieldList(FormField(KeyQuestionFields))


class PduSectionForm(FlaskForm):
    pdu = SelectField("PDU", widget=GovSelect(), validators=[DataRequired(message="Choose the PDU the report is for")])
    new_pdu_name = StringField("Name of the new PDU", widget=GovTextInput(), validators=[Length(max=200)])
    new_pdu_region = SelectField("Region of the new PDU", widget=GovSelect())
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def __init__(self, *args, pdu_choices, region_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.pdu.choices = [("", "Choose a PDU"), *pdu_choices, (NEW_PDU, "A PDU not in the tracker yet")]
        self.new_pdu_region.choices = [("", "Choose a region"), *region_choices]

    def validate_new_pdu_name(self, field):
        if self.pdu.data == NEW_PDU and not (field.data or "").strip():
            raise ValidationError("Enter the new PDU's name")

    def validate_new_pdu_region(self, field):
        if self.pdu.data == NEW_PDU and not field.data:
            raise ValidationError("Choose the region the new PDU belongs to")


class InspectionSectionForm(FlaskForm):
    title = StringField(
        "Report title",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the report's title"), Length(max=300)],
    )
    fieldwork_on = GovDateField("Fieldwork started")
    published_on = GovDateField("Published")
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate_fieldwork_on(self, field):
        if field.data and (problem := check_any_date(field.data, "Fieldwork started")):
            raise ValidationError(problem)

    def validate_published_on(self, field):
        if field.data and (problem := check_any_date(field.data, "Published")):
            raise ValidationError(problem)


class RatingsSectionForm(FlaskForm):
    overall_rating = SelectField(
        "Overall rating", widget=GovSelect(), choices=[("", "Not rated"), *[(r, r) for r in RATINGS]]
    )
    score = IntegerField(
        "Score",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=0, max=100, message="Enter the score as a whole number")],
    )
    score_max = IntegerField(
        "Out of",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=1, max=100, message="Enter the maximum score as a whole number")],
    )
    outcomes_percentage = IntegerField(
        "Outcomes percentage",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=0, max=100, message=WHOLE_PERCENT)],
    )
    standards = FieldList(FormField(StandardFields))
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def __init__(self, *args, extraction, **kwargs):
        super().__init__(*args, **kwargs)
        self.extraction = extraction

    def validate_score_max(self, field):
        if (self.score.data is None) != (field.data is None):
            raise ValidationError("Enter both the score and the maximum, or neither")
        if field.data is not None and self.score.data is not None and self.score.data > field.data:
            raise ValidationError("The score cannot be more than the maximum")

    def validate_standards(self, field):
        expected = [len(s.key_questions) for s in self.extraction.standards]
        if [len(entry.key_questions.entries) for entry in field.entries] != expected:
            raise ValidationError("The ratings were not all sent; reload the page and try again")

    def name_errors(self) -> None:
        """Say which key question each error is about, since the summary lists them together."""
        for entry, data in zip(self.standards.entries, self.extraction.standards, strict=False):
            for number, question in enumerate(entry.form.key_questions.entries, start=1):
                for subfield in question.form:
                    _prefix_errors(subfield, f"Standard {data.code}, key question {number}")


class RecommendationSectionForm(FlaskForm):
    text = TextAreaField(
        "Text",
        widget=GovTextArea(),
        validators=[DataRequired(message="Enter the recommendation's text"), Length(max=5000)],
    )
    addressee_kind = SelectField("Addressed to", widget=GovSelect(), choices=ADDRESSEE_CHOICES)
    owner_kind = RadioField(
        "Who will follow it up in the tracker",
        widget=GovRadioInput(),
        choices=OWNER_CHOICES,
        validators=[InputRequired(message="Choose who will follow up this recommendation")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class AddRecommendationForm(FlaskForm):
    number = IntegerField(
        "Number",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the recommendation's number as the report prints it"),
            NumberRange(min=1, max=99, message="Enter a number from 1 to 99"),
        ],
    )
    heading = SelectField("Under which heading is it in the report", widget=GovSelect())
    text = TextAreaField(
        "Text, as the report words it",
        widget=GovTextArea(),
        validators=[DataRequired(message="Enter the recommendation's text"), Length(max=5000)],
    )
    owner_kind = RadioField(
        "Who will follow it up in the tracker",
        widget=GovRadioInput(),
        choices=OWNER_CHOICES,
        validators=[InputRequired(message="Choose who will follow up this recommendation")],
    )
    submit = SubmitField("Add recommendation", widget=GovSubmitInput())

    def __init__(self, *args, headings, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        self.heading.choices = [(name, f"{name} should:") for name, _ in headings]
        self.numbers = numbers

    def validate_number(self, field):
        if field.data in self.numbers:
            raise ValidationError(f"There is already a recommendation {field.data}; change it instead")


class SaveImportForm(FlaskForm):
    confirm_new_pdu = BooleanField("Create this PDU", widget=GovCheckboxInput())
    accept_warnings = BooleanField("I have checked each warning against the report", widget=GovCheckboxInput())
    update_existing = BooleanField(
        "Update the existing inspection with this report's figures and wording", widget=GovCheckboxInput()
    )
    submit = SubmitField("Save inspection", widget=GovSubmitInput())

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review

    def validate_confirm_new_pdu(self, field):
        if self.review.pdu == NEW_PDU and not field.data:
            raise ValidationError("Confirm that the new PDU should be created")

    def validate_accept_warnings(self, field):
        extraction = self.review.extraction
        if (extraction.warnings or extraction.unconfirmed_endings) and not field.data:
            raise ValidationError("Confirm that you have checked each warning against the report")

    def validate_submit(self, field):
        if self.review.target() is None:
            raise ValidationError("Choose the PDU the report is for: use the PDU section's Change link")
        for recommendation in owners_missing(self.review.extraction):
            field.errors.append(
                f"Choose who will follow up recommendation {recommendation.number}, addressed to "
                f"{recommendation.addressee_name}: use its Change link"
            )
        if field.errors:
            raise ValidationError(field.errors.pop())


class DiscardImportForm(FlaskForm):
    submit = SubmitField("Discard this import", widget=GovSubmitInput())


def _prefix_errors(field, prefix: str) -> None:
    # Changed in place: the form's cached error summary holds these same lists.
    if isinstance(field.errors, list):
        field.errors[:] = [f"{prefix}: {error}" for error in field.errors]
