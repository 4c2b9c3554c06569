"""Form for the expected and confirmed re-inspection dates."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput
from wtforms import DateField, SubmitField
from wtforms.validators import Optional, ValidationError


class ReinspectionDatesForm(FlaskForm):
    expected_on = DateField("Expected re-inspection date", format="%d %m %Y", widget=GovDateInput(),
                            validators=[Optional()],
                            description="The date you expect the inspectors back, before it is announced. "
                                        "For example, 27 3 2027")
    confirmed_on = DateField("Confirmed re-inspection date", format="%d %m %Y", widget=GovDateInput(),
                             validators=[Optional()],
                             description="Once the inspection is announced. Leave blank until then.")
    submit = SubmitField("Save dates", widget=GovSubmitInput())

    def validate_expected_on(self, field):
        if field.data is None and self.confirmed_on.data is None and not field.raw_data:
            raise ValidationError("Enter an expected or a confirmed re-inspection date")
