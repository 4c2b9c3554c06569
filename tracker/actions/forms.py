"""Forms for adding and editing actions, revising a target date and posting progress."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.actions.lists import ActionFilters
from tracker.date_rules import check_revised_date, check_target_date
from tracker.form_fields import GovDateField
from tracker.recommendations.models import ADDRESSEE_CHOICES
from tracker.recommendations.status import STATUSES
from tracker.text_limits import LONG_TEXT, REASON
from tracker.whole_numbers import form_id, id_in_address, record_id

DATE_HINT = "For example, 27 3 2027"


class ActionForm(FlaskForm):
    description = TextAreaField(
        "What will be done",
        widget=GovTextArea(),
        validators=[DataRequired(message="Enter what will be done"), Length(max=LONG_TEXT)],
        description="Specific and measurable: what, by whom, and how you will know it is done.",
    )
    owner_id = SelectField(
        "Owner", coerce=form_id, widget=GovSelect(), validators=[InputRequired(message="Select who owns this action")]
    )
    target_on = GovDateField(
        "Target date", description=DATE_HINT, required=True, required_message="Enter the target date"
    )
    submit = SubmitField("Save action", widget=GovSubmitInput())

    def validate_target_on(self, field):
        if field.data and (problem := check_target_date(field.data)):
            raise ValidationError(problem)


class EditActionForm(FlaskForm):
    description = TextAreaField(
        "What will be done",
        widget=GovTextArea(),
        validators=[DataRequired(message="Enter what will be done"), Length(max=LONG_TEXT)],
    )
    owner_id = SelectField(
        "Owner", coerce=form_id, widget=GovSelect(), validators=[InputRequired(message="Select who owns this action")]
    )
    version = HiddenField()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class ReviseDateForm(FlaskForm):
    target_on = GovDateField(
        "New target date", description=DATE_HINT, required=True, required_message="Enter the new target date"
    )
    reason = TextAreaField(
        "Reason for the change",
        widget=GovTextArea(),
        validators=[DataRequired(message="Enter the reason for changing the target date"), Length(max=REASON)],
        description="The original date and this reason stay on the record.",
    )
    version = HiddenField()
    submit = SubmitField("Change target date", widget=GovSubmitInput())

    def __init__(self, current_on, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_on = current_on

    def validate_target_on(self, field):
        if field.data and (problem := check_revised_date(field.data, self.current_on)):
            raise ValidationError(problem)


class ProgressUpdateForm(FlaskForm):
    narrative = TextAreaField(
        "What has happened",
        widget=GovTextArea(),
        validators=[DataRequired(message="Enter what has happened since the last update"), Length(max=LONG_TEXT)],
    )
    status = RadioField(
        "Status",
        choices=[("", "No change")] + list(STATUSES.items()),
        default="",
        widget=GovRadioInput(),
        validators=[],
    )
    #: shown only while the action waits on unfinished actions: why it is complete all the same
    override_reason = TextAreaField(
        "If you mark it complete: why it is complete although the actions it waits on are not",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=REASON)],
        description="Only needed to mark it complete now. The reason is kept in the history.",
    )
    version = HiddenField()
    submit = SubmitField("Post update", widget=GovSubmitInput())

    def pre_validate_status(self):
        return True


class CorrectUpdateForm(FlaskForm):
    narrative = TextAreaField(
        "What has happened",
        widget=GovTextArea(),
        validators=[DataRequired(message="Enter what has happened since the last update"), Length(max=LONG_TEXT)],
    )
    submit = SubmitField("Save correction", widget=GovSubmitInput())


class ActionListFilterForm(FlaskForm):
    """The actions list's filters, read from the address so a filtered list can be bookmarked and shared."""

    class Meta:
        csrf = False

    organisation = SelectField("Organisation", widget=GovSelect(), validators=[Optional()])
    addressee = SelectField(
        "Recommendation addressed to", widget=GovSelect(), validators=[Optional()], choices=ADDRESSEE_CHOICES
    )
    owner = SelectField("Action owner", widget=GovSelect(), validators=[Optional()])
    status = SelectMultipleField(
        "Status",
        widget=GovCheckboxesInput(),
        validators=[Optional()],
        choices=[("open", "Not complete"), *STATUSES.items()],
    )
    overdue = BooleanField("Overdue only", widget=GovCheckboxInput())
    slipped = BooleanField("Slipped only (target later than first agreed)", widget=GovCheckboxInput())
    due_from = GovDateField("Due on or after", description=DATE_HINT)
    due_to = GovDateField("Due on or before", description=DATE_HINT)
    blocked = BooleanField("Blocked only (waiting on an unfinished action)", widget=GovCheckboxInput())
    waiting = HiddenField()
    recommendation = HiddenField(validators=[id_in_address("recommendation")])
    inspection = HiddenField(validators=[id_in_address("inspection")])
    current = HiddenField()
    mine = HiddenField()
    sort = HiddenField()
    order = HiddenField()
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def to_filters(self) -> ActionFilters:
        """The filters that are valid; one that is not is reported and left out, never a server error."""

        def value(field):
            return field.data if not field.errors else None

        return ActionFilters(
            organisation_id=_whole(value(self.organisation)),
            addressee=value(self.addressee) or "",
            owner=value(self.owner) or "",
            statuses=value(self.status) or [],
            overdue=bool(self.overdue.data),
            slipped=bool(self.slipped.data),
            blocked=bool(self.blocked.data),
            waiting_on_mine=self.waiting.data == "mine",
            due_from=value(self.due_from),
            due_to=value(self.due_to),
            recommendation_id=_whole(value(self.recommendation)),
            inspection_id=_whole(value(self.inspection)),
            current_only=self.current.data == "1",
            recommendations_i_own=self.mine.data == "recommendations",
        )

    def validate_due_to(self, field):
        if field.data and self.due_from.data and field.data < self.due_from.data:
            raise ValidationError("Due on or before must be the same as or after due on or after")


def _whole(value) -> int | None:
    return record_id(value)


class RequestDateForm(FlaskForm):
    """The action's owner asks the recommendation's lead for a new target date."""

    target_on = GovDateField(
        "New target date", description=DATE_HINT, required=True, required_message="Enter the new target date"
    )
    reason = TextAreaField(
        "Why the date needs to move",
        widget=GovTextArea(),
        validators=[DataRequired(message="Enter the reason for changing the target date"), Length(max=REASON)],
        description="The recommendation's lead decides; the reason stays on the record.",
    )
    submit = SubmitField("Ask for this date", widget=GovSubmitInput())

    def __init__(self, current_on, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_on = current_on

    def validate_target_on(self, field):
        if field.data and (problem := check_revised_date(field.data, self.current_on)):
            raise ValidationError(problem)


class DecideDateForm(FlaskForm):
    """The lead's decision on a requested date, or the reviewer's agreement to one."""

    decision = RadioField(
        "Your decision",
        choices=[("approve", "Approve the new date"), ("refuse", "Refuse it")],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select whether you approve or refuse the new date")],
    )
    reason = TextAreaField(
        "Your reason",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=REASON)],
        description="Needed to refuse. It is kept in the history and sent to the person who asked.",
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def validate_reason(self, field):
        if self.decision.data == "refuse" and not (field.data or "").strip():
            raise ValidationError("Enter why the new date is refused")
