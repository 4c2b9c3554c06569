"""Helpers for readiness tests: the Barking inspection, an audit round posted through the form, query counting."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from tracker.extensions import db
from tracker.inspections.models import Inspection


def barking() -> Inspection:
    return db.session.scalar(select(Inspection).order_by(Inspection.id))


def round_form(
    inspection: Inspection, held_on=("12", "11", "2026"), counts=None, samples=None, self_ratings=None
) -> dict:
    """Form data for an audit round; by default 20 cases per case-supervision standard.

    counts maps a standard code to its three 'Yes' counts; samples and self_ratings map a code to a value.
    """
    counts = counts or {}
    samples = samples or {}
    data = {"held_on": list(held_on), "notes": "Audited by the quality team"}
    for standard in inspection.standards:
        if standard.domain == 1:
            data[f"self_{standard.id}"] = (self_ratings or {}).get(standard.code, "")
            continue
        if standard.code in counts or standard.code in samples:
            data[f"sample_{standard.id}"] = str(samples.get(standard.code, 20))
            for kq, count in zip(standard.key_questions, counts.get(standard.code, ("", "", "")), strict=True):
                data[f"yes_{kq.id}"] = str(count)
    return data


#: a round on Barking: 2.2 improves to Good, 2.3 to Requires improvement (on a boundary), 2.4 Inadequate (48% of 21),
#: 2.5 Outstanding; 1.1 self-assessed Good
AUDIT_COUNTS = {"2.2": (15, 16, 14), "2.3": (12, 15, 10), "2.4": (14, 12, 10), "2.5": (17, 18, 16)}
AUDIT_SAMPLES = {"2.4": 21}


@contextmanager
def counting_queries():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def inspection(app):
    return barking()
