"""The lock under review: while a recommendation waits for assurance, and once it is assured, nothing its submission
vouched for may change (its actions, their dates and statuses, its evidence, its response and lead).

Every change of that kind calls `ensure_unlocked` inside its own transaction. It takes the recommendation's row lock
first (PostgreSQL `FOR UPDATE`; on SQLite the database's write lock), then reads the latest submission afresh, so a
change and a reviewer's decision never interleave: whichever comes second sees the other's result."""

from sqlalchemy import select, text

from tracker.extensions import db
from tracker.recommendations.models import ASSURED, SUBMITTED, Recommendation, Submission


class UnderReviewError(Exception):
    """A change refused because the recommendation is submitted or assured; the message says the way out."""

    def __init__(self, recommendation, message: str, state: str | None):
        super().__init__(message)
        self.recommendation = recommendation
        #: submitted or assured: which way out the page offers (withdraw, or ask for a reopen)
        self.state = state


def lock_message(recommendation, state: str | None) -> str | None:
    """Why the recommendation cannot change now, and what to do about it; None when it can."""
    name = f"Recommendation {recommendation.number}"
    if state == SUBMITTED:
        return (
            f"{name} is submitted for assurance, so its actions, evidence, response and lead cannot change "
            "while it waits for review. Withdraw the submission to make changes, then submit it again."
        )
    if state == ASSURED:
        return (
            f"{name} is assured, so its actions, evidence, response and lead cannot change. "
            "Ask its reviewer to reopen it if something must change."
        )
    return None


def current_state(recommendation) -> str | None:
    """The latest submission's state as the loaded collection holds it (no query): for pages and links."""
    submissions = getattr(recommendation, "submissions", None) or []
    return submissions[-1].state if submissions else None


def locked_reason(recommendation) -> str | None:
    """For pages: why changes are refused now, from what is already loaded."""
    return lock_message(recommendation, current_state(recommendation))


def take_row_lock(recommendation_id: int) -> None:
    """Hold the recommendation's row (PostgreSQL) or the database's write lock (SQLite) until the commit."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Recommendation.id).where(Recommendation.id == recommendation_id).with_for_update())
    else:
        # any UPDATE makes SQLite take its write lock for the rest of the transaction; this one changes nothing
        db.session.execute(text("UPDATE recommendations SET id = id WHERE id = :id"), {"id": recommendation_id})


def fresh_state(recommendation) -> str | None:
    """Lock, then read the latest submission from the database, not from what this session loaded earlier."""
    take_row_lock(recommendation.id)
    latest = db.session.scalar(
        select(Submission)
        .where(Submission.recommendation_id == recommendation.id)
        .order_by(Submission.id.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )
    return latest.state if latest is not None else None


def ensure_unlocked(recommendation) -> None:
    """Refuse (UnderReviewError) a change to what a submission vouched for while it is submitted or assured."""
    state = fresh_state(recommendation)
    message = lock_message(recommendation, state)
    if message:
        db.session.rollback()
        raise UnderReviewError(recommendation, message, state)


def refuse_if_locked(recommendation) -> None:
    """For a page: open no form whose saving would only be refused (the service checks again, under the lock)."""
    if message := locked_reason(recommendation):
        raise UnderReviewError(recommendation, message, current_state(recommendation))
