"""The reassign form: several pieces of a leaver's work, or all of it, and the person to give them to."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSelect, GovSubmitInput
from wtforms import SelectField, SelectMultipleField, SubmitField
from wtforms.validators import DataRequired

from tracker.form_fields import one_of_the_choices, optional_id


class ReassignForm(FlaskForm):
    items = SelectMultipleField(
        "Work to reassign",
        widget=GovCheckboxesInput(),
        validators=[DataRequired(message="Select the work to reassign")],
    )
    new_owner_id = SelectField(
        "New owner",
        coerce=optional_id,
        widget=GovSelect(),
        validate_choice=False,
        description="Only people with a role where the chosen work is owned can take it on.",
        validators=[one_of_the_choices("Select the new owner")],
    )
    submit = SubmitField("Reassign", widget=GovSubmitInput())
    #: the whole list at once, ticked or not: a button, so it works without JavaScript
    reassign_all = SubmitField("Reassign all", widget=GovSubmitInput())

    def choose_all_if_asked(self, keys: list[str]) -> None:
        """With Reassign all, every item listed (`keys`) is chosen, whatever was ticked."""
        if self.reassign_all.data:
            self.items.data = list(keys)
