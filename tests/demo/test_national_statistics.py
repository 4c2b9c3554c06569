"""After the national demo's bulk load the database's planner knows how many rows each table holds, so the first
pages after `tracker demo --scale national` are planned for the data that is there."""

from sqlalchemy import func, select, text

from tests.conftest import DEMO_TODAY
from tracker.actions.models import ProgressUpdate
from tracker.demo.national import load_national
from tracker.extensions import db


def planner_estimate(table: str) -> int:
    if db.session.get_bind().dialect.name == "postgresql":
        return int(db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": table}))
    stat = db.session.scalar(text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t ORDER BY idx LIMIT 1"), {"t": table})
    return int(stat.split()[0])


def test_the_planner_knows_the_size_of_the_bulk_loaded_tables(app):
    load_national(DEMO_TODAY, pdus_per_region=2, inspections_per_pdu=1, updates_per_action=3)
    rows = db.session.scalar(select(func.count()).select_from(ProgressUpdate))
    assert rows > 1000
    assert abs(planner_estimate("progress_updates") - rows) <= rows // 10
