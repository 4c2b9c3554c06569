"""Form fields shared by every feature: a GOV.UK date input that never fails on odd input, and a grouped select."""

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSelect
from markupsafe import Markup
from wtforms import Field
from wtforms.validators import StopValidation

from tracker.whole_numbers import record_id


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


class GovGroupedSelect(GovSelect):
    """A GOV.UK select whose choices are grouped (`<optgroup>`): GOV.UK Frontend's select macro has no groups, so
    this writes the same markup itself. The field's choices are a dict of group label to (value, label) pairs."""

    def __call__(self, field, **kwargs):
        error = field.errors[0] if field.errors else None
        described = " ".join(filter(None, [field.description and f"{field.id}-hint", error and f"{field.id}-error"]))
        parts = [
            Markup('<div class="govuk-form-group{}">').format(" govuk-form-group--error" if error else ""),
            Markup('<label class="govuk-label" for="{}">{}</label>').format(field.id, field.label.text),
        ]
        if field.description:
            parts.append(Markup('<div id="{}-hint" class="govuk-hint">{}</div>').format(field.id, field.description))
        if error:
            parts.append(
                Markup(
                    '<p id="{}-error" class="govuk-error-message"><span class="govuk-visually-hidden">'
                    "Error:</span> {}</p>"
                ).format(field.id, error)
            )
        parts.append(
            Markup('<select class="govuk-select{}" id="{}" name="{}"{}>').format(
                " govuk-select--error" if error else "",
                field.id,
                field.name,
                Markup(' aria-describedby="{}"').format(described) if described else "",
            )
        )
        parts.append(
            Markup('<option value="">{}</option>').format(
                field.render_kw.get("placeholder", "Select") if field.render_kw else "Select"
            )
        )
        for group, choices in field.iter_groups():
            parts.append(Markup('<optgroup label="{}">').format(group))
            parts.extend(
                Markup('<option value="{}"{}>{}</option>').format(value, " selected" if selected else "", label)
                for value, label, selected, _ in choices
            )
            parts.append(Markup("</optgroup>"))
        parts.append(Markup("</select></div>"))
        return Markup("").join(parts)


def optional_id(value) -> int | None:
    """An id from a select, or None for its "Select ..." option or anything that is not a number."""
    return record_id(value)


def one_of_the_choices(message: str):
    def check(_form, field) -> None:
        if field.data is None or field.data not in {value for value, *_ in _flat_choices(field)}:
            raise StopValidation(message)

    return check


def _flat_choices(field):
    if isinstance(field.choices, dict):
        return [choice for group in field.choices.values() for choice in group]
    return list(field.choices or [])
