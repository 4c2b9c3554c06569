"""A load run on PostgreSQL: 4 gunicorn workers, 16 clients mixing reads (home, recommendation, action, actions list
and API pages) with writes, for a fixed time: progress updates posted through the API by each action's owner, and
evidence decisions by the London director on recommendations submitted for review (each client decides its own
items, as two reviewers never decide the same item at the same moment).

    BENCH_DATABASE_URL=postgresql+psycopg://… .venv/bin/python benchmarks/load.py [--seconds 30] [--reuse --password P]

The database's schema is dropped and the national demo data loaded first (`--reuse` keeps data already there).
Prints throughput, p50/p95/p99 latency, errors, deadlocks (PostgreSQL's own count for the database) and lost
updates: every update and decision the server answered 201 for must be a row at the end, and no row may exist that
was not answered. Exits 1 on any error, deadlock or lost update."""

import argparse
import http.client
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (the benchmark's own helpers: data, gunicorn, signing in)

WORKERS = 4
CLIENTS = 16
#: one request in this many is a write
WRITE_EVERY = 5


def owners_and_actions(app, count: int) -> list[tuple[str, list[int]]]:
    """(API token, ids of open actions they own) for `count` action owners with open actions."""
    from tracker.actions.models import Action
    from tracker.auth.models import User
    from tracker.auth.services import create_api_token
    from tracker.extensions import db
    from tracker.recommendations.status import COMPLETE

    with app.app_context():
        owners = db.session.scalars(
            select(User)
            .join(Action, Action.owner_id == User.id)
            .where(Action.status != COMPLETE)
            .group_by(User.id)
            .order_by(User.id)
            .limit(count)
        ).all()
        result = []
        for owner in owners:
            actions = list(
                db.session.scalars(
                    select(Action.id).where(Action.owner_id == owner.id, Action.status != COMPLETE).limit(20)
                )
            )
            result.append((create_api_token(owner, "load run"), actions))
        db.session.remove()
    return result


def evidence_to_review(app, clients: int, per_client: int = 4) -> tuple[str, list[list[int]]]:
    """(the London director's API token, evidence ids for each client): London PDUs' recommendations with
    evidence (owned by London PDUs) are marked submitted by a head of PDU in London, so that the director may
    decide on their evidence."""
    from tracker.auth.models import RoleAssignment, User
    from tracker.auth.services import create_api_token, find_user
    from tracker.evidence.models import Evidence
    from tracker.extensions import db
    from tracker.organisations.models import PDU, Organisation
    from tracker.recommendations.models import SUBMITTED, Recommendation, Submission

    with app.app_context():
        director = find_user(bench.USER)
        london = next(a.organisation_id for a in director.roles if a.role == "regional_director")
        head = db.session.scalar(
            select(User.id)
            .join(RoleAssignment)
            .join(Organisation, RoleAssignment.organisation_id == Organisation.id)
            .where(RoleAssignment.role == "head_of_pdu", Organisation.parent_id == london)
            .order_by(User.id)
        )
        rows = db.session.execute(
            select(Evidence.id, Evidence.recommendation_id)
            .join(Recommendation)
            .join(Organisation, Recommendation.owner_org_id == Organisation.id)
            # owned by a London PDU, so the director reviews them (region and HMPPS ones are HMPPS's to review)
            .where(
                Organisation.kind == PDU,
                Organisation.parent_id == london,
                Evidence.uploaded_by_id.is_distinct_from(director.id),
            )
            .order_by(Evidence.id)
            .limit(clients * per_client)
        ).all()
        for recommendation_id in sorted({r for _, r in rows}):
            recommendation = db.session.get(Recommendation, recommendation_id)
            if not recommendation.submissions or recommendation.submissions[-1].state != SUBMITTED:
                db.session.add(Submission(recommendation=recommendation, state=SUBMITTED, submitted_by_id=head))
        db.session.commit()
        token = create_api_token(director, "load run")
        db.session.remove()
    items = [evidence_id for evidence_id, _ in rows]
    return token, [items[i::clients] for i in range(clients)]


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.written: list[str] = []

    def add(self, seconds: float, error: str | None = None, narrative: str | None = None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if error:
                self.errors.append(error)
            if narrative:
                self.written.append(narrative)


def client_loop(
    index: int,
    port: int,
    cookie: str,
    token: str,
    actions: list[int],
    reviewing: tuple[str, list[int]],
    reads: list[str],
    stop_at: float,
    tally: Tally,
    tag: str,
) -> None:
    rng = random.Random(index)  # noqa: S311  # nosec B311 (a load mix, not a secret)
    sequence = 0
    reviewer_token, evidence = reviewing
    while time.monotonic() < stop_at:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        started = time.perf_counter()
        narrative = None
        try:
            if rng.randrange(WRITE_EVERY) == 0 and (actions or evidence):
                sequence += 1
                narrative = f"{tag} client {index} write {sequence}"
                if evidence and (not actions or sequence % 2 == 0):
                    body = json.dumps({"decision": "accepted", "comment": narrative})
                    path, writer = f"/api/v1/evidence/{rng.choice(evidence)}/decision", reviewer_token
                else:
                    body = json.dumps({"narrative": narrative})
                    path, writer = f"/api/v1/actions/{rng.choice(actions)}/updates", token
                connection.request(
                    "POST",
                    path,
                    body=body,
                    headers={"Authorization": f"Bearer {writer}", "Content-Type": "application/json"},
                )
                expected = 201
            else:
                path = rng.choice(reads)
                headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {"Cookie": cookie}
                connection.request("GET", path, headers=headers)
                expected = 200
            response = connection.getresponse()
            response.read()
            error = None if response.status == expected else f"{response.status} {'POST ' if narrative else ''}{path}"
        except OSError as problem:
            error = f"{type(problem).__name__}: {problem}"
        finally:
            connection.close()
        tally.add(time.perf_counter() - started, error, narrative if narrative and not error else None)


def deadlocks(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"))
    engine.dispose()
    return int(count or 0)


def rows_written(app, tag: str) -> set[str]:
    """The writes of this run found in the database: progress updates by narrative, decisions by comment."""
    from tracker.actions.models import ProgressUpdate
    from tracker.extensions import db
    from tracker.recommendations.models import EvidenceReview

    with app.app_context():
        updates = set(
            db.session.scalars(select(ProgressUpdate.narrative).where(ProgressUpdate.narrative.like(f"{tag} %")))
        )
        decisions = set(
            db.session.scalars(select(EvidenceReview.comment).where(EvidenceReview.comment.like(f"{tag} %")))
        )
        total = db.session.scalar(select(func.count()).select_from(ProgressUpdate))
        db.session.remove()
    print(
        f"  progress updates in the database at the end: {total}; this run's updates {len(updates)}, "
        f"evidence decisions {len(decisions)}"
    )
    return updates | decisions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep the national data already in the database")
    parser.add_argument("--password", help="the demo users' password in data kept with --reuse")
    args = parser.parse_args()
    bench.PASSWORD = args.password or bench.PASSWORD
    url = bench.postgres_url()
    if not url:
        sys.exit("Set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL database")
    with tempfile.TemporaryDirectory(prefix="tracker-load-") as scratch:
        folder = Path(scratch) / "postgresql"
        folder.mkdir()
        if not args.reuse:
            print("Building the national data in PostgreSQL (its schema dropped and rebuilt):")
            bench.reset_postgres(url)
            bench.build(folder, "national")
        app = bench.app_for(folder)
        ids = bench.record_ids(app)
        # pages as the London director; the API as each writer (lists are narrowed to what they may see)
        reads = [path.format(**ids) for _, path, daily in bench.PAGES if daily] + [
            "/api/v1/inspections",
            "/api/v1/recommendations?limit=100",
        ]
        writers = owners_and_actions(app, CLIENTS)
        reviewer_token, evidence = evidence_to_review(app, CLIENTS)
        tag = f"load-{time.time_ns()}"
        before = deadlocks(url)
        process, port = bench.start_gunicorn("app:app", bench.env_for(folder), bench.ROOT, workers=WORKERS)
        try:
            cookie = bench.session_cookie(port)
            tally = Tally()
            stop_at = time.monotonic() + args.seconds
            started = time.monotonic()
            threads = [
                threading.Thread(
                    target=client_loop,
                    args=(
                        i,
                        port,
                        cookie,
                        *writers[i % len(writers)],
                        (reviewer_token, evidence[i]),
                        reads,
                        stop_at,
                        tally,
                        tag,
                    ),
                )
                for i in range(CLIENTS)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
        finally:
            bench.stop(process)
        found = rows_written(app, tag)
    return report(tally, elapsed, deadlocks(url) - before, found)


def report(tally: Tally, elapsed: float, new_deadlocks: int, found: set[str]) -> int:
    latencies = sorted(ms * 1000 for ms in tally.latencies)
    centiles = statistics.quantiles(latencies, n=100)
    answered = set(tally.written)
    lost, phantom = answered - found, found - answered
    print(
        f"\n{WORKERS} gunicorn workers, {CLIENTS} clients, {elapsed:.0f}s on PostgreSQL, one request in "
        f"{WRITE_EVERY} a write"
    )
    print(
        f"  requests: {len(latencies)} ({len(latencies) / elapsed:.0f}/s), of which writes (progress updates and "
        f"evidence decisions) answered 201: {len(answered)}"
    )
    print(f"  latency ms: p50 {centiles[49]:.0f}, p95 {centiles[94]:.0f}, p99 {centiles[98]:.0f}")
    print(f"  errors: {len(tally.errors)}" + (f" (first: {tally.errors[0]})" if tally.errors else ""))
    print(f"  deadlocks: {new_deadlocks}")
    print(f"  lost updates: {len(lost)} (answered 201 but no row); rows never answered: {len(phantom)}")
    return 1 if tally.errors or new_deadlocks or lost else 0


if __name__ == "__main__":
    sys.exit(main())
