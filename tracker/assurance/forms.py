"""Forms for submitting, reviewing evidence, assuring, returning and reopening, and for action dependencies."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import HiddenField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from tracker.recommendations.models import DECISIONS, REJECTED
from tracker.text_limits import LONG_TEXT
from tracker.whole_numbers import form_id


class SubmitForm(FlaskForm):
    """The last step of "Check your answers": an optional note for the reviewer, then submit."""

    covering_note = TextAreaField(
        "Covering note for the reviewer (optional)",
        widget=GovTextArea(),
        validators=[Length(max=LONG_TEXT)],
        description="The reviewer sees it beside the evidence: for example, where in a long document to look, "
        "or why an item is a link rather than a file.",
    )
    version = HiddenField()
    submit = SubmitField("Submit for assurance", widget=GovSubmitInput())


class EvidenceDecisionForm(FlaskForm):
    """One evidence item's answer inside the review page's single form: field ids are prefixed with the item's id
    so they stay unique, and the page's form carries the one CSRF token. Left blank, the item stays undecided."""

    class Meta:
        csrf = False

    decision = RadioField("Decision", choices=list(DECISIONS.items()), widget=GovRadioInput(), validate_choice=False)
    comment = TextAreaField(
        "Comment",
        widget=GovTextArea(),
        validators=[Length(max=LONG_TEXT)],
        description="Required when you reject the evidence: say what is missing.",
    )
    version = HiddenField()

    def validate_decision(self, field):
        if field.data not in (None, "", *DECISIONS):
            raise ValidationError("Select accept or reject")

    def validate_comment(self, field):
        if self.decision.data == REJECTED and not (field.data or "").strip():
            raise ValidationError("Explain why the evidence is rejected")

    @property
    def answered(self) -> bool:
        return self.decision.data in DECISIONS


class EvidenceDecisionsForm(FlaskForm):
    """The review page's one form for every evidence item: the items' own fields are EvidenceDecisionForms."""

    save = SubmitField("Save decisions", widget=GovSubmitInput())
    accept_remaining = SubmitField("Accept all remaining", widget=GovSubmitInput())


ASSURE, RETURN = "assure", "return"


class RecommendationDecisionForm(FlaskForm):
    """The decision on the recommendation as one question: assure it (optional comment) or return it (reasons)."""

    outcome = RadioField(
        "What is your decision?",
        choices=[(ASSURE, "Assure the recommendation"), (RETURN, "Return it to the owner")],
        widget=GovRadioInput(),
        validate_choice=False,
    )
    comment = TextAreaField("Comment (optional)", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)])
    reasons = TextAreaField(
        "Reasons for returning it",
        widget=GovTextArea(),
        validators=[Length(max=LONG_TEXT)],
        description="The owner sees these reasons; say what must change before resubmitting.",
    )
    version = HiddenField()
    submit = SubmitField("Save your decision", widget=GovSubmitInput())

    def validate_outcome(self, field):
        if field.data not in (ASSURE, RETURN):
            raise ValidationError("Select whether to assure the recommendation or return it")

    def validate_reasons(self, field):
        if self.outcome.data == RETURN and not (field.data or "").strip():
            raise ValidationError("Enter the reasons for returning the recommendation")


class AssureForm(FlaskForm):
    comment = TextAreaField("Comment (optional)", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)])
    version = HiddenField()
    submit = SubmitField("Assure the recommendation", widget=GovSubmitInput())


class ReturnForm(FlaskForm):
    reasons = TextAreaField(
        "Reasons for returning it",
        widget=GovTextArea(),
        validators=[DataRequired(message="Enter the reasons for returning the recommendation"), Length(max=LONG_TEXT)],
        description="The owner sees these reasons; say what must change before resubmitting.",
    )
    version = HiddenField()
    submit = SubmitField("Return the recommendation", widget=GovSubmitInput())


class ReopenForm(FlaskForm):
    reason = TextAreaField(
        "Reason for reopening",
        widget=GovTextArea(),
        validators=[DataRequired(message="Enter the reason for reopening the recommendation"), Length(max=LONG_TEXT)],
        description="For example, new concerns before re-inspection. The history is kept.",
    )
    version = HiddenField()
    submit = SubmitField("Reopen the recommendation", widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    version = HiddenField()
    submit = SubmitField("Withdraw the submission", widget=GovSubmitInput())


class DependencyForm(FlaskForm):
    blocker_id = SelectField(
        "This action waits on",
        coerce=form_id,
        widget=GovSelect(),
        validators=[InputRequired(message="Select the action this one waits on")],
        description="Usually an action at region or HMPPS level.",
    )
    submit = SubmitField("Add dependency", widget=GovSubmitInput())


class RemoveDependencyForm(FlaskForm):
    submit = SubmitField("Remove", widget=GovSubmitInput())
