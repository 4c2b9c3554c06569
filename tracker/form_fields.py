"""Form fields shared by every feature: a GOV.UK date input that never fails on odd input."""

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field
from wtforms.validators import StopValidation


class GovDateField(Field):
    """Day, month and year boxes (all named after the field), read into a date with GOV.UK error messages.

    Missing or extra boxes, letters and impossible dates become a validation error, never a server error."""

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, required: bool = False, required_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.is_required = required
        self.required_message = required_message or f"Enter the {str(label).lower()}"

    def _value(self):
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist):
        parts = [str(v).strip() for v in valuelist[:3]]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        missing = [name for name, value in zip(("day", "month", "year"), parts, strict=True) if not value]
        if missing:
            raise ValueError(f"{self.label.text} must include a {' and '.join(missing)}")
        if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2027")
        try:
            self.data = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError as error:
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2027") from error

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.is_required and self.data is None:
            raise StopValidation(self.required_message)

    def process_data(self, value):
        self.data = value
        if value is not None:
            self.raw_data = None
