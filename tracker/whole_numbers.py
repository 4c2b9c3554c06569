"""The one reading of a whole number that a request carries, in its path, query string, form or JSON body.

Only the ASCII digits 0 to 9 are read (`str.isdigit()` also accepts "²" and "٣", which `int()` refuses or reads
as another number), and only a number the database can hold: every id column here is INTEGER, 32-bit signed on
PostgreSQL, and any other number is held to 64 bits. Anything else is None, for the caller to refuse or ignore;
nothing that arrives in a request reaches `int()` or the database unchecked."""

import re

from wtforms.validators import StopValidation

#: the largest id any table here can hold: ids are INTEGER columns, 32-bit signed on PostgreSQL (SQLite's hold
#: more, but no id there comes near this); a larger one in a query overflows the database's type
MAX_ID = 2**31 - 1
#: the largest number a BIGINT (and SQLite's INTEGER) holds
MAX_BIGINT = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,40}")
_SIGNED_DIGITS = re.compile(r"-?[0-9]{1,40}")


def whole_number(value, minimum: int = 0, maximum: int = MAX_BIGINT, signed: bool = False) -> int | None:
    """`value` as an int when it is one, or text of ASCII digits (a leading minus sign too when `signed`), from
    `minimum` to `maximum`; otherwise None. A JSON true or false is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and (_SIGNED_DIGITS if signed else _DIGITS).fullmatch(value):
        number = int(value)
    else:
        return None
    return number if minimum <= number <= maximum else None


def record_id(value) -> int | None:
    """An id a table could hold (1 to MAX_ID), or None."""
    return whole_number(value, 1, MAX_ID)


def form_id(value) -> int:
    """A select's coerce: its value as an id, or ValueError (which WTForms reports as an invalid choice)."""
    number = whole_number(value, 0, MAX_ID)
    if number is None:
        raise ValueError("not an id")
    return number


def id_in_address(what: str):
    """A WTForms validator for a filter's id carried in a list's address: one that no record could have is
    reported (and so left out of the filters) rather than read, with a message that says what happened."""

    def check(_form, field) -> None:
        if field.data not in (None, "") and record_id(field.data) is None:
            raise StopValidation(
                f"The {what} in this page's address is not one that exists, so the list is not filtered by {what}"
            )

    return check
