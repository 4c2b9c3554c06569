"""A form with only a button, for confirmation pages: it carries the CSRF token and nothing else."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm", widget=GovSubmitInput())
