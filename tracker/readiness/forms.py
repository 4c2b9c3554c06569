"""Forms for recording an internal case audit round and for filtering the dashboards."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from tracker.date_rules import check_any_date
from tracker.db_types import today
from tracker.form_fields import GovDateField
from tracker.inspections.models import RATINGS
from tracker.recommendations.models import ADDRESSEE_CHOICES
from tracker.text_limits import LONG_TEXT
from tracker.whole_numbers import MAX_ID, whole_number

WHOLE_NUMBER = "must be a whole number, like 12"


class CountField(IntegerField):
    """A whole-number field whose error names the field, as the GOV.UK error summary needs."""

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0].strip() == "":
            self.data = None
            return
        self.data = whole_number(valuelist[0].strip(), -MAX_ID, MAX_ID, signed=True)
        if self.data is None:
            raise ValueError(f"{self.label.text} {WHOLE_NUMBER}")


class AuditRoundBaseForm(FlaskForm):
    held_on = GovDateField(
        "Date the audit was completed",
        required=True,
        required_message="Enter the date the audit was completed, for example 27 10 2026",
    )
    notes = StringField("Notes (optional)", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)])
    version = HiddenField()
    submit = SubmitField("Save audit round", widget=GovSubmitInput())


def sample_name(standard) -> str:
    return f"sample_{standard.id}"


def yes_name(key_question) -> str:
    return f"yes_{key_question.id}"


def self_name(standard) -> str:
    return f"self_{standard.id}"


def audit_round_form(inspection, **kwargs) -> FlaskForm:
    """A form with fields for this inspection's standards: a sample and 'Yes' counts for each case-supervision
    standard, a self-assessed rating for each organisational-delivery standard. Not-applicable ones are left out."""

    class AuditRoundForm(AuditRoundBaseForm):
        pass

    for standard in inspection.standards:
        if not standard.is_rated:
            continue
        if standard.domain == 1:
            setattr(
                AuditRoundForm,
                self_name(standard),
                RadioField(
                    f"Self-assessed rating for {standard.label}",
                    choices=[("", "Not assessed this round")] + [(r, r) for r in RATINGS],
                    default="",
                    widget=GovRadioInput(),
                    validators=[Optional()],
                ),
            )
            continue
        setattr(
            AuditRoundForm,
            sample_name(standard),
            CountField(
                f"Cases sampled for {standard.label}",
                widget=GovTextInput(),
                validators=[
                    Optional(),
                    NumberRange(min=1, max=10000, message=f"Cases sampled for {standard.label} must be at least 1"),
                ],
            ),
        )
        for number, kq in enumerate(standard.key_questions, 1):
            setattr(
                AuditRoundForm,
                yes_name(kq),
                CountField(
                    f"{standard.code} question {number}: cases answered 'Yes'",
                    description=kq.text,
                    widget=GovTextInput(),
                    validators=[Optional()],
                ),
            )
    form = AuditRoundForm(**kwargs)
    form.inspection = inspection
    return form


def validate_counts(form) -> bool:
    """Each 'Yes' count needs a sample, and must be between 0 and it; reported against the count's own field."""
    ok = True
    for standard in form.inspection.standards:
        sample_field = getattr(form, sample_name(standard), None)
        if sample_field is None:
            continue
        sample = sample_field.data if not sample_field.errors else None
        for kq in standard.key_questions:
            field = getattr(form, yes_name(kq))
            message = _count_error(field, sample, sample_field)
            if message:
                field.errors = [*field.errors, message]
                ok = False
        if (
            sample_field.data is not None
            and not sample_field.errors
            and any(getattr(form, yes_name(kq)).data is None for kq in standard.key_questions)
        ):
            first = getattr(form, yes_name(standard.key_questions[0]))
            if not first.errors:
                first.errors = [*first.errors, f"Enter the 'Yes' count for every key question of {standard.label}"]
                ok = False
    return ok


def _count_error(field, sample, sample_field) -> str | None:
    if field.errors or field.data is None:
        return None
    if field.data < 0:
        return f"{field.label.text} must be 0 or more"
    if sample_field.data is None and not sample_field.errors:
        return f"Enter the cases sampled before the 'Yes' counts ({field.label.text})"
    if sample is not None and field.data > sample:
        return f"{field.label.text} must be no more than the {sample} cases sampled"
    return None


def _not_in_future(form, field):
    if field.data and field.data > today():
        raise ValidationError("The date the audit was completed must be today or in the past")
    if field.data and (problem := check_any_date(field.data, "The date the audit was completed")):
        raise ValidationError(problem)


AuditRoundBaseForm.validate_held_on = _not_in_future


class DashboardFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField("Recommendation status", widget=GovSelect(), validators=[Optional()])
    owner = SelectField("Addressed to", widget=GovSelect(), validators=[Optional()], choices=ADDRESSEE_CHOICES)
    due_by = GovDateField("Open actions due by")
    sort = HiddenField()
    order = HiddenField()
    submit = SubmitField("Apply filters", widget=GovSubmitInput())


class PlanFilterForm(FlaskForm):
    """The action plan's scope and filters, read from the address so a plan can be bookmarked and shared."""

    class Meta:
        csrf = False

    organisation = SelectField("Region or PDU", widget=GovSelect(), validators=[Optional()])
    flag = SelectMultipleField(
        "Show recommendations with actions that are", widget=GovCheckboxesInput(), validators=[Optional()]
    )
    addressee = SelectField("Addressed to", widget=GovSelect(), validators=[Optional()], choices=ADDRESSEE_CHOICES)
    submit = SubmitField("Apply filters", widget=GovSubmitInput())
