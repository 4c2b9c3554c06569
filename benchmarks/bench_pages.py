"""Times the readiness pages on the synthetic national data: queries per request, median and 95th percentile.

Run it with `.venv/bin/python benchmarks/bench_pages.py [--requests N]`. It builds the data in a scratch SQLite
database (and in PostgreSQL too when TEST_DATABASE_URL is set; that database's schema is reset). Other tools
import `measure_pages(url, requests)`, which returns the figures instead of printing them.
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, event, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402

TODAY = date(2026, 11, 26)
#: the benchmark signs in through the session, so the users' password is random and never used
PASSWORD = secrets.token_urlsafe(16)


@dataclass
class PageFigures:
    page: str
    url: str
    queries: int
    median_ms: float
    p95_ms: float
    requests: int


def reset_postgres(url: str) -> None:
    """Empties a PostgreSQL database for a fresh load (every benchmark's scratch database)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def build_app(url: str | None, folder: str):
    """An app on a fresh database with the Barking demo and the national data loaded."""
    from flask_migrate import upgrade

    if url is None:
        url = f"sqlite:///{folder}/bench.sqlite"
    else:
        reset_postgres(url)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_PATH": f"{folder}/uploads",
            "DEMO_PASSWORD": PASSWORD,
            "WTF_CSRF_ENABLED": False,
            # every request builds its page: these figures are about the work, not the cache
            "CACHE_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        from tracker.demo.national import load_national
        from tracker.demo.services import load_demo

        load_demo(today=TODAY, password=PASSWORD, quiet=True)
        load_national(TODAY)
    return app


def _pages(app) -> list[tuple[str, str, str]]:
    """(page, user email, url) for each page measured."""
    from tracker.inspections.models import Inspection
    from tracker.organisations.models import Organisation

    with app.app_context():
        barking = db.session.scalar(select(Inspection.id).order_by(Inspection.id))
        busiest = db.session.scalar(select(Inspection.id).order_by(Inspection.id.desc()))
        london = db.session.scalar(select(Organisation.id).where(Organisation.name == "London"))
    return [
        ("Regional dashboard (London director)", "london.director@example.org", "/dashboard"),
        ("National dashboard (HMPPS lead)", "hmpps.lead@example.org", "/dashboard"),
        ("Region drill-down (HMPPS lead, London)", "hmpps.lead@example.org", f"/dashboard/regions/{london}"),
        ("Readiness page (Barking)", "head.bdh@example.org", f"/inspections/{barking}/readiness"),
        ("Readiness page (synthetic PDU)", "hmpps.lead@example.org", f"/inspections/{busiest}/readiness"),
        ("Printable report (Barking)", "head.bdh@example.org", f"/inspections/{barking}/readiness/print"),
        ("Action plan XLSX (Barking)", "head.bdh@example.org", f"/inspections/{barking}/action-plan.xlsx"),
        ("Action plan CSV (Barking)", "head.bdh@example.org", f"/inspections/{barking}/action-plan.csv"),
    ]


def _client_for(app, email: str):
    from tracker.auth.services import find_user

    client = app.test_client()
    with app.app_context():
        user_id = find_user(email).id
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
    return client


def _time_page(app, email: str, url: str, requests: int) -> tuple[int, list[float]]:
    client = _client_for(app, email)
    counted = []
    with app.app_context():
        engine = db.engine

    def count(*_args):
        counted.append(1)

    client.get(url)  # warm caches (templates, compiled SQL) before timing
    timings = []
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(counted) // requests, timings


def measure_pages(url: str | None = None, requests: int = 20) -> list[PageFigures]:
    """Figures for each page; url is a database URL (None: a scratch SQLite file)."""
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(url, folder)
        figures = []
        for page, email, path in _pages(app):
            queries, timings = _time_page(app, email, path, requests)
            p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
            figures.append(PageFigures(page, path, queries, statistics.median(timings), p95, requests))
        with app.app_context():
            db.engine.dispose()
        return figures


def print_figures(label: str, figures: list[PageFigures]) -> None:
    print(f"\n{label}")
    print(f"{'Page':<42} {'Queries':>8} {'Median ms':>10} {'95th ms':>9}")
    for f in figures:
        print(f"{f.page:<42} {f.queries:>8} {f.median_ms:>10.1f} {f.p95_ms:>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="requests per page (default 20)")
    args = parser.parse_args()
    print_figures(f"SQLite, {args.requests} requests per page", measure_pages(None, args.requests))
    if os.environ.get("TEST_DATABASE_URL"):
        print_figures(
            f"PostgreSQL, {args.requests} requests per page",
            measure_pages(os.environ["TEST_DATABASE_URL"], args.requests),
        )


if __name__ == "__main__":
    main()
