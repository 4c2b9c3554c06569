"""PostgreSQL's plan for every statement a page runs, with the cache off: `EXPLAIN ANALYZE` for each, slowest first.

    BENCH_DATABASE_URL=postgresql+psycopg://… .venv/bin/python benchmarks/explain.py [PATH ...]

The database must already hold the national data (`flask tracker demo --scale national`); nothing is changed.
Paths default to the regional dashboard, the home page and the actions list, as the London director."""

import sys
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402

DEFAULT_PATHS = ["/dashboard", "/", "/actions"]
SHOW = 3


def statements_for(app, path: str) -> list[tuple[str, object]]:
    from tracker.extensions import db

    client = bench.signed_in_client(app, "")
    client.environ_base.pop("HTTP_AUTHORIZATION", None)
    seen: list[tuple[str, object]] = []
    with app.app_context():
        engine = db.engine

    def record(_connection, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code}")
    return [(s, p) for s, p in seen if s.lstrip().upper().startswith("SELECT")]


def explain(app, statement: str, parameters) -> tuple[float, str]:
    from tracker.extensions import db

    with app.app_context():
        cursor = db.engine.raw_connection().cursor()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.connection.rollback()
    total = float(plan.rsplit("Execution Time: ", 1)[1].split(" ")[0])
    return total, plan


def main() -> None:
    url = bench.postgres_url()
    if not url:
        sys.exit("Set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL database with the national data")
    folder = Path("postgresql")
    app = bench.app_for(folder, cache=False)
    for path in sys.argv[1:] or DEFAULT_PATHS:
        plans = sorted((explain(app, s, p) + (s,) for s, p in statements_for(app, path)), reverse=True)
        print(f"\n===== {path}: {len(plans)} SELECT statements, {sum(t for t, *_ in plans):.1f} ms in all")
        for total, plan, statement in plans[:SHOW]:
            print(f"\n--- {total:.2f} ms\n{statement}\n\n{plan}")


if __name__ == "__main__":
    main()
