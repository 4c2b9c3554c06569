"""One set of limits for every text a person can enter, checked whenever a row is saved, whoever sent it.

Forms show the same limits as inline errors; this check is what holds for the API, the importer and any other
caller of a service, and it keeps an oversized value out of the page, the audit trail and the database."""

import re

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from wtforms.validators import StopValidation

#: an email address (RFC 5321's longest path)
EMAIL = 254
#: a person's or organisation's name, an evidence title
NAME = 200
#: a report's title
TITLE = 300
#: why a target date moved
REASON = 2000
#: a web address
LINK = 2000
#: narratives, descriptions, comments and reasons for decisions
LONG_TEXT = 5000

#: limits of the TEXT columns that people write; a VARCHAR column's own length is its limit
TEXT_COLUMNS = {
    "actions.description": LONG_TEXT,
    "target_date_revisions.reason": REASON,
    "progress_updates.narrative": LONG_TEXT,
    "submissions.decision_reason": LONG_TEXT,
    "submissions.reopen_reason": LONG_TEXT,
    "evidence_reviews.comment": LONG_TEXT,
    "evidence.description": LONG_TEXT,
    "audit_rounds.notes": LONG_TEXT,
    "recommendations.text": LONG_TEXT,
    "recommendations.response_rationale": LONG_TEXT,
}


#: names shown in page headings, lists, emails and email headers: one line of printable text
SINGLE_LINE_COLUMNS = {"users.name", "organisations.name"}
#: C0 and C1 control characters (CR, LF and tab among them) and the Unicode line and paragraph separators
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class TextTooLong(ValueError):
    """Raised before anything is written; the error pages answer it with a 400 that names the field."""


class ControlCharacters(TextTooLong):
    """A name with a line break or other control character; answered as TextTooLong is, with a 400 naming it."""


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def single_line(label: str):
    """A WTForms validator: the field's text must be one line with no control characters."""

    def check(_form, field) -> None:
        if isinstance(field.data, str) and has_control_characters(field.data):
            raise StopValidation(f"{label} must be on one line, without line breaks, tabs or other control characters")

    return check


def limit_of(column) -> int | None:
    return TEXT_COLUMNS.get(f"{column.table.name}.{column.name}") or getattr(column.type, "length", None)


def _changed_texts(instance, is_new: bool):
    state = inspect(instance)
    for attribute in state.mapper.column_attrs:
        value = getattr(instance, attribute.key, None) if is_new else None
        if not is_new:
            added = state.attrs[attribute.key].history.added
            value = added[0] if added else None
        if isinstance(value, str):
            yield attribute.columns[0], value


def check_lengths(session: Session, _context, _instances) -> None:
    for instances, is_new in ((session.new, True), (session.dirty, False)):
        for instance in instances:
            for column, value in _changed_texts(instance, is_new):
                if f"{column.table.name}.{column.name}" in SINGLE_LINE_COLUMNS and has_control_characters(value):
                    label = column.name.replace("_", " ").capitalize()
                    raise ControlCharacters(
                        f"{label} must be on one line, without line breaks, tabs or other "
                        "control characters. Nothing was saved."
                    )
                limit = limit_of(column)
                if limit is not None and len(value) > limit:
                    label = column.name.replace("_", " ").capitalize()
                    raise TextTooLong(f"{label} must be {limit:,} characters or fewer. Nothing was saved.")


event.listen(Session, "before_flush", check_lengths)
