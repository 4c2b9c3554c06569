"""The review page's pieces: one set of fields per evidence item inside the page's single form, reading what the
reviewer answered, the error summary over all of them, and the progress timeline shown beside the evidence."""

from collections.abc import Sequence

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload
from werkzeug.datastructures import MultiDict

from tracker.actions.models import Action, ProgressUpdate
from tracker.assurance import services
from tracker.assurance.forms import EvidenceDecisionForm, RecommendationDecisionForm
from tracker.extensions import db
from tracker.recommendations.models import REJECTED
from tracker.templating import one_or_many


def current_decision(item, decisions, submission):
    """The decision the page starts from: one made in this or an earlier round, unless it was set aside."""
    decision = decisions.get(item.id)
    return None if decision is None or services.set_aside(item, decisions, submission) else decision


def item_forms(recommendation, decisions, submission, formdata=None) -> dict[int, EvidenceDecisionForm]:
    """Each item's fields, named `e<id>-…`; an item already decided starts from its decision, so opening
    "Change" shows it, and posting it unchanged changes nothing."""
    forms = {}
    for item in recommendation.evidence:
        data = {"version": item.version_id}
        if decision := current_decision(item, decisions, submission):
            data |= {"decision": decision.decision, "comment": decision.comment}
        forms[item.id] = EvidenceDecisionForm(formdata=formdata, prefix=f"e{item.id}", data=data)
    return forms


def answers(recommendation, forms, decisions, submission) -> list[tuple]:
    """(evidence, decision, comment, version) for each item the reviewer answered differently from its current
    decision; items left blank stay undecided. The comment belongs to a rejection (its box is revealed under
    "Reject"), so one left typed in before choosing "Accept" is not kept."""
    result = []
    for item in recommendation.evidence:
        form = forms[item.id]
        if not form.answered:
            continue
        rejected = form.decision.data == REJECTED
        comment = (form.comment.data or "").strip() if rejected else ""
        decision = current_decision(item, decisions, submission)
        if decision is None or decision.decision != form.decision.data or (rejected and decision.comment != comment):
            result.append((item, form.decision.data, comment, form.version.data))
    return result


def titles(items) -> str:
    """“A”, “B” and “C”"""
    quoted = [services.quoted(item.title) for item in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def not_opened_error(items) -> str:
    """Why "Accept all remaining" accepted nothing: every item it would have accepted is one not yet opened."""
    many = len(items)
    return (
        f"Open {titles(items)} before accepting {one_or_many(many, 'it', 'them')} with “Accept all remaining”, "
        f"or choose accept or reject for {one_or_many(many, 'it', 'each')}"
    )


def not_opened_notice(items) -> str:
    """What "Accept all remaining" left undecided, said after the decisions it saved."""
    many = len(items)
    return (
        f"{titles(items)} {one_or_many(many, 'was', 'were')} not accepted, because you have not opened "
        f"{one_or_many(many, 'it', 'them')}: open {one_or_many(many, 'it', 'each')}, then decide."
    )


def undecided(recommendation, decisions) -> list:
    return [item for item in recommendation.evidence if item.id not in decisions]


def posted_as(outcome: str, prefix: str) -> RecommendationDecisionForm:
    """A post to the older /assure or /return address (fields `assure-…` or `return-…`), read as the page's one
    question with its answer already given."""
    fields = MultiDict({f"decide-{name.removeprefix(prefix + '-')}": value for name, value in request.form.items()})
    fields["decide-outcome"] = outcome
    return RecommendationDecisionForm(formdata=fields, prefix="decide")


class ErrorSummary:
    """Every error on the page's forms by field id, in the shape base.html's error summary reads from a form."""

    _fields: dict = {}

    def __init__(self, extra: dict | None, *forms):
        self.errors = {}
        for name, messages in (extra or {}).items():
            self.errors[name] = list(messages)
        for form in forms:
            for field in form:
                if field.errors:
                    self.errors[field.id] = list(field.errors)

    def move(self, field_id: str, target_id: str) -> None:
        """Link an error to another element (the field it belongs to is not on the page)."""
        if field_id in self.errors:
            self.errors[target_id] = self.errors.pop(field_id)


def timeline(recommendation) -> Sequence[ProgressUpdate]:
    """The progress updates on the recommendation's actions, newest first, in one query (authors in one more)."""
    return db.session.scalars(
        select(ProgressUpdate)
        .join(Action)
        .where(Action.recommendation_id == recommendation.id)
        .options(contains_eager(ProgressUpdate.action), selectinload(ProgressUpdate.author))
        .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
    ).all()
