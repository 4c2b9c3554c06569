"""Lost-update protection: every edit names the version it was based on, and a stale one is refused, not saved."""

from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db
from tracker.whole_numbers import whole_number


class ConflictError(Exception):
    """Someone else changed the record after this person loaded it; nothing of theirs was saved."""

    def __init__(self, record, message: str = "Someone else changed this while you were editing it"):
        super().__init__(message)
        self.record = record


def parse_version(value) -> int | None:
    """The version a form carried; None when it carried none (a client that does not use versions)."""
    if value in (None, ""):
        return None
    version = whole_number(value)
    return -1 if version is None else version


def check_version(record, expected) -> None:
    """Refuse when the person's form was built from an older version than the one now stored."""
    expected = parse_version(expected)
    if expected is not None and expected != record.version_id:
        raise ConflictError(record)


@contextmanager
def guarded(record, expected=None):
    """Check the version, run the change, and turn a lost race into a refusal.

    The check catches a form built from an old version; the version column in the UPDATE's WHERE clause catches
    another transaction that saved between our read and our write (StaleDataError), which is rolled back so the
    loser's change is never written over the winner's."""
    check_version(record, expected)
    try:
        yield
    except StaleDataError as error:
        db.session.rollback()
        raise ConflictError(record) from error


@dataclass
class ConflictRow:
    label: str
    yours: str
    current: str

    @property
    def differs(self) -> bool:
        return self.yours != self.current
