"""Times `run-jobs` (queue every job of a day, then deliver to the sink) on the Barking demo and on about
100 PDUs of synthetic data, in a scratch SQLite database, and counts the SQL statements each run issues.

Usage: .venv/bin/python benchmarks/bench_jobs.py [--database-url URL]   (a PostgreSQL URL is reset first)"""

import argparse
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import event, func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scratch import demo_on_scratch  # noqa: E402
from tracker.extensions import db  # noqa: E402

TODAY = date(2026, 11, 26)
#: the demo users' password in the scratch database, which is deleted when the run ends
PASSWORD = "bench-" + "password"
#: a Monday, so the day runs every job: reminders, readiness and the weekly digests
MONDAY = TODAY + timedelta(days=4)


@contextmanager
def counted(engine):
    counter = {"statements": 0}

    def count(*_args):
        counter["statements"] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", count)


def time_day(day: date, label: str, dry_run: bool = False) -> None:
    from tracker.notifications import jobs, services

    with counted(db.engine) as counter:
        started = time.perf_counter()
        outcomes = jobs.run_day(_config(), day, dry_run=dry_run)
        queued = time.perf_counter() - started
        sent = 0 if dry_run else services.send_outbox().sent
        total = time.perf_counter() - started
    planned = sum(o.planned for o in outcomes)
    print(
        f"{label:<44} {day}  jobs: {', '.join(o.job for o in outcomes):<27} planned {planned:>4}  "
        f"queued {sum(len(o.queued) for o in outcomes):>4}  sent {sent:>4}  queue {queued:6.2f}s  "
        f"total {total:6.2f}s  SQL statements {counter['statements']}"
    )


def _config():
    from flask import current_app

    return current_app.config


def scale() -> str:
    from tracker.actions.models import Action
    from tracker.organisations.models import PDU, Organisation
    from tracker.recommendations.models import Recommendation

    pdus = db.session.scalar(select(func.count(Organisation.id)).where(Organisation.kind == PDU))
    recs = db.session.scalar(select(func.count(Recommendation.id)))
    actions = db.session.scalar(select(func.count(Action.id)))
    return f"{pdus} PDUs, {recs} recommendations, {actions} actions"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="defaults to a scratch SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{Path(scratch) / 'bench.sqlite'}"
        if url.startswith("postgresql"):
            from tests.conftest import reset_postgres

            reset_postgres(url)
        with demo_on_scratch(url, Path(scratch), TODAY, PASSWORD):
            print(f"Barking demo: {scale()}")
            time_day(TODAY, "demo, Thursday (reminders, readiness)")
            time_day(MONDAY, "demo, Monday (all jobs)")
            national_data()
            print(f"National: {scale()}")
            time_day(MONDAY + timedelta(days=7), "national, Monday, dry run", dry_run=True)
            time_day(MONDAY + timedelta(days=7), "national, Monday (all jobs)")
            time_day(MONDAY + timedelta(days=8), "national, Tuesday (reminders, readiness)")


def national_data() -> None:
    try:
        from tracker.demo.national import load_national
    except ModuleNotFoundError:
        raise SystemExit("tracker.demo.national is not available: no national data to time") from None
    started = time.perf_counter()
    print(load_national(TODAY))
    print(f"(loaded in {time.perf_counter() - started:.1f}s)")


if __name__ == "__main__":
    main()
