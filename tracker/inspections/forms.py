"""Form for the expected and confirmed re-inspection dates."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import ValidationError

from tracker.date_rules import check_reinspection_date
from tracker.form_fields import GovDateField


class ReinspectionDatesForm(FlaskForm):
    expected_on = GovDateField(
        "Expected re-inspection date",
        description="The date you expect the inspectors back, before it is announced. For example, 27 3 2027",
    )
    confirmed_on = GovDateField(
        "Confirmed re-inspection date", description="Once the inspection is announced. Leave blank until then."
    )
    submit = SubmitField("Save dates", widget=GovSubmitInput())

    def __init__(self, inspection, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspection = inspection

    def validate_expected_on(self, field):
        if field.data is None and self.confirmed_on.data is None and not self.confirmed_on.errors:
            raise ValidationError("Enter an expected or a confirmed re-inspection date")
        self._check(field, "Expected re-inspection date")

    def validate_confirmed_on(self, field):
        self._check(field, "Confirmed re-inspection date")

    def _check(self, field, label: str) -> None:
        if field.data and (problem := check_reinspection_date(field.data, self.inspection, label)):
            raise ValidationError(problem)
