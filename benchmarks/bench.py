"""`make bench`: builds the Barking and the national demo data in scratch SQLite databases, then prints for the
pages people open every day (home, recommendation, action, inspection, readiness, the actions list), the regional
dashboard and the API's inspection list: SQL statements per request (SQLite's BEGIN included) on both data sizes,
median and 95th-percentile latency in process, and requests per second under gunicorn (2 workers) beside a bare
Flask page of the same size; then times `run-jobs` on the national data. When BENCH_DATABASE_URL (or else
TEST_DATABASE_URL) names a PostgreSQL database, every row is measured there too, on the national data loaded by
`flask tracker demo --scale national` (that database's schema is dropped and rebuilt first).

Exits with status 1 when a target is missed: the same queries per page at any data size, the regional dashboard
and every daily page at least 40% of the bare page's throughput on each database, and run-jobs under 10 seconds."""

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from bench_pages import reset_postgres  # noqa: E402  (one way to empty a scratch database)

USER = "london.director@example.org"
PASSWORD = "bench-demo-password"  # noqa: S105 (a throwaway scratch database)
#: (label, address, a daily page held to the throughput target); {rec}, {action} and {inspection} are filled in
PAGES = [
    ("Home page", "/", True),
    ("Regional dashboard", "/dashboard", True),
    ("Recommendation page", "/recommendations/{rec}", True),
    ("Action page", "/actions/{action}", True),
    ("Inspection page", "/inspections/{inspection}", True),
    ("Readiness page", "/inspections/{inspection}/readiness", True),
    ("Actions list", "/actions", True),
    ("Search", "/search?q=risk+assessment", False),
    ("API inspection list", "/api/v1/inspections", False),
    # Not a target: a tracker page that reads almost nothing, to show the cost of the page frame itself.
    ("Accessibility (frame)", "/accessibility", False),
]
IN_PROCESS_REQUESTS = 40
LOAD_SECONDS = 3
#: throughput is measured in rounds, the bare page between each, and each page's ratio is the median of its rounds
LOAD_ROUNDS = 3
LOAD_THREADS = 4
TARGET_RATIO = 0.40
TARGET_JOBS_SECONDS = 10.0


def postgres_url() -> str | None:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    return url if url and url.startswith("postgresql") else None


def database_url(folder: Path) -> str:
    """The folder's SQLite file, or the PostgreSQL database for a folder named "postgresql"."""
    return postgres_url() if folder.name == "postgresql" else f"sqlite:///{folder / 'tracker.sqlite'}"


def env_for(folder: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "TRACKER_DATABASE_URL": database_url(folder),
            "TRACKER_DEMO_PASSWORD": PASSWORD,
            "TRACKER_UPLOADS_FOLDER": str(folder / "uploads"),
            "TRACKER_MAIL_BACKEND": "sink",
            **extra,
        }
    )
    return env


def flask(folder: Path, *args: str) -> str:
    command = [str(BIN / "flask"), "--app", "app", *args]
    result = subprocess.run(  # noqa: S603 (our own tool)
        command,
        cwd=ROOT,
        env=env_for(folder),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def build(folder: Path, scale: str) -> None:
    started = time.perf_counter()
    flask(folder, "db", "upgrade")
    summary = flask(folder, "tracker", "demo", "--scale", scale)
    national = next((line for line in summary.splitlines() if line.startswith("National data")), "")
    print(f"  {scale:<9} data built in {time.perf_counter() - started:5.1f}s  {national}")


def app_for(folder: Path, cache: bool = True):
    from tracker import create_app

    return create_app(
        {
            "DATABASE_URL": database_url(folder),
            "UPLOADS_FOLDER": str(folder),
            "DEMO_PASSWORD": PASSWORD,
            "WTF_CSRF_ENABLED": False,
            "CACHE_ENABLED": cache,
        }
    )


def record_ids(app) -> dict[str, int]:
    """The first inspection (Barking's), its first recommendation and that recommendation's first action."""
    from sqlalchemy import select

    from tracker.actions.models import Action
    from tracker.extensions import db
    from tracker.inspections.models import Inspection
    from tracker.recommendations.models import Recommendation

    with app.app_context():
        inspection = db.session.scalar(select(Inspection.id).order_by(Inspection.id))
        rec = db.session.scalar(
            select(Recommendation.id).where(Recommendation.inspection_id == inspection).order_by(Recommendation.number)
        )
        action = db.session.scalar(select(Action.id).where(Action.recommendation_id == rec).order_by(Action.id))
        db.session.remove()
    return {"inspection": inspection, "rec": rec, "action": action}


def signed_in_client(app, token: str):
    from tracker.auth.services import find_user
    from tracker.extensions import db

    client = app.test_client()
    with app.app_context():
        user_id = find_user(USER).id
        db.session.remove()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def in_process(app, token: str, path: str) -> tuple[float, float, float, int]:
    """(queries per request, median ms, 95th percentile ms, response bytes) with the Flask test client."""
    from tracker.extensions import db

    client = signed_in_client(app, token)
    size = len(client.get(path).get_data())  # the first request compiles templates and SQL
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *_args: statements.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    timings = []
    try:
        for _ in range(IN_PROCESS_REQUESTS):
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                sys.exit(f"{path} answered {response.status_code}")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    p95 = statistics.quantiles(timings, n=20)[-1]
    return len(statements) / IN_PROCESS_REQUESTS, statistics.median(timings), p95, size


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(target: str, env: dict[str, str], cwd: Path, workers: int = 2) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        target,
    ]
    process = subprocess.Popen(  # noqa: S603 (our own tool)
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit(f"gunicorn {target} did not start")


def stop(process: subprocess.Popen) -> None:
    """Gunicorn finishes its requests on SIGTERM; on a busy machine that can take a while, so wait, then kill."""
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def session_cookie(port: int) -> str:
    """Sign in over HTTP as a browser would (CSRF token included) and return the session cookie."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/sign-in")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    body = urlencode({"csrf_token": token.group(1) if token else "", "email": USER, "password": PASSWORD})
    connection.request(
        "POST", "/sign-in", body=body, headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 302:
        sys.exit(f"could not sign in to the gunicorn server: {response.status}")
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    # Follow the redirect as a browser would, keeping the cookie it sets: the first page after signing in adds the
    # sign-out form's CSRF token to the session. Hammering with the sign-in cookie instead would have every request
    # rewrite the session, which no browser causes.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/", headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    connection.close()
    return (response.getheader("Set-Cookie") or cookie).split(";")[0]


def load(port: int, path: str, headers: dict[str, str]) -> float:
    """Requests per second from LOAD_THREADS clients hammering one page for LOAD_SECONDS (gunicorn's sync workers
    close each connection, so every request opens a new one, for tracker and the bare page alike)."""
    counts, failures = [0] * LOAD_THREADS, []
    stop_at = time.monotonic() + LOAD_SECONDS

    def hammer(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop_at:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
                return
            counts[index] += 1
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        connection.close()

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(LOAD_THREADS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"{path} answered {failures[0]} under load")
    return sum(counts) / (time.monotonic() - started)


def bare_rows_for(size: int) -> int:
    """Rows the bare page needs to be about `size` bytes long."""
    os.environ["BARE_ROWS"] = "100"
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bare_app

    per_hundred = len(bare_app.app.test_client().get("/").get_data())
    return max(1, round(100 * size / per_hundred))


def run_jobs(folder: Path) -> float:
    today = date.today()
    monday = today + timedelta(days=7 - today.weekday())
    started = time.perf_counter()
    flask(folder, "tracker", "run-jobs", "--as-of", monday.isoformat())
    return time.perf_counter() - started


def throughput(
    national: Path, token: str, paths: list[str], bare_rows: int
) -> tuple[list[float], list[float], list[float]]:
    """Tracker pages and the bare page under gunicorn, taking turns in LOAD_ROUNDS rounds so both see the same
    machine. Returns each page's median requests per second and median ratio to the bare page (each round's pages
    against the mean of the bare page measured just before and just after), and every bare measurement."""
    tracker, port = start_gunicorn("app:app", env_for(national), ROOT)
    bare, bare_port = start_gunicorn("bare_app:app", {**os.environ, "BARE_ROWS": str(bare_rows)}, ROOT / "benchmarks")
    try:
        headers = {"Cookie": session_cookie(port)}
        bare_rps = [load(bare_port, "/", {})]
        rounds: list[list[float]] = []
        for _ in range(LOAD_ROUNDS):
            rounds.append([])
            for path in paths:
                extra = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
                rounds[-1].append(load(port, path, {**headers, **extra}))
            bare_rps.append(load(bare_port, "/", {}))
        page_rps = [statistics.median(r[i] for r in rounds) for i in range(len(paths))]
        ratios = [
            statistics.median(r[i] / statistics.mean(bare_rps[n : n + 2]) for n, r in enumerate(rounds))
            for i in range(len(paths))
        ]
        return page_rps, ratios, bare_rps
    finally:
        for process in (tracker, bare):
            stop(process)


def measure(name: str, national: Path, token: str, small: Path | None = None, small_token: str = "") -> dict:
    """Every row on one database: statements (also on the Barking data when given), latency, throughput."""
    national_app = app_for(national)
    paths = [path.format(**record_ids(national_app)) for _, path, _ in PAGES]
    small_app = app_for(small) if small else None
    rows = []
    for (label, _, _), path in zip(PAGES, paths, strict=True):
        small_queries = in_process(small_app, small_token, path)[0] if small_app else None
        rows.append([label, path, small_queries, *in_process(national_app, token, path)])
    # The first view after any change builds the table afresh: shown for scale, with the cache switched off.
    uncached_row = [
        "Dashboard, not cached",
        paths[1],
        in_process(app_for(small, cache=False), small_token, paths[1])[0] if small else None,
        *in_process(app_for(national, cache=False), token, paths[1]),
    ]
    bare_rows = bare_rows_for(rows[1][6])
    print(f"  measuring throughput on {name} ...", flush=True)
    page_rps, ratios, bare_rps = throughput(national, token, paths, bare_rows)
    result = {
        "name": name,
        "rows": rows,
        "uncached": uncached_row,
        "rps": page_rps,
        "ratios": ratios,
        "bare_rps": bare_rps,
        "bare_rows": bare_rows,
    }
    print_table(result)
    return result


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as scratch:
        small, national = Path(scratch) / "barking", Path(scratch) / "national"
        small.mkdir()
        national.mkdir()
        print("Building the data (scratch SQLite databases):")
        build(small, "barking")
        build(national, "national")
        token = flask(national, "tracker", "create-token", USER).split()[-1]
        small_token = flask(small, "tracker", "create-token", USER).split()[-1]
        results = [measure("SQLite", national, token, small, small_token)]
        jobs_seconds = run_jobs(national)
        if postgres_url():
            postgres = Path(scratch) / "postgresql"
            postgres.mkdir()
            print("Building the national data in PostgreSQL (its schema dropped and rebuilt):")
            reset_postgres(postgres_url())
            build(postgres, "national")
            results.append(
                measure("PostgreSQL", postgres, flask(postgres, "tracker", "create-token", USER).split()[-1])
            )
    return report(results, jobs_seconds)


def print_table(result: dict) -> None:
    print(
        f"\n{result['name']}: London director ({USER}); latency over {IN_PROCESS_REQUESTS} requests in process "
        f"on the national data; throughput: gunicorn, 2 sync workers, {LOAD_THREADS} clients, "
        f"{LOAD_ROUNDS} rounds of {LOAD_SECONDS}s, medians."
    )
    print(
        f"{'Page':<22} {'URL':<30} {'Queries':>8} {'Queries':>9} {'Median':>8} {'95th':>8} {'Size':>8} "
        f"{'Req/s':>7} {'vs bare':>8}"
    )
    print(f"{'':<22} {'':<30} {'Barking':>8} {'national':>9} {'ms':>8} {'ms':>8} {'KB':>8} {'':>7} {'':>8}")
    for row, rps, ratio in zip(result["rows"], result["rps"], result["ratios"], strict=True):
        print_row(row, f"{rps:>7.0f} {ratio:>7.0%}")
    print_row(result["uncached"], f"{'':>7} {'':>8}")
    bare_rps = result["bare_rps"]
    print(
        f"{'Bare Flask page':<22} {'(template, no database)':<30} {'':>8} {'':>9} {'':>8} {'':>8} {'':>8} "
        f"{statistics.median(bare_rps):>7.0f} {'100%':>8}   ({result['bare_rows']} rows; rounds: "
        f"{', '.join(f'{b:.0f}' for b in bare_rps)})"
    )


def print_row(row: list, tail: str) -> None:
    label, path, small_q, national_q, median, p95, size = row
    small = "–" if small_q is None else f"{small_q:.1f}"
    print(
        f"{label:<22} {path:<30} {small:>8} {national_q:>9.1f} {median:>8.1f} {p95:>8.1f} {size / 1024:>8.1f} " + tail
    )


def misses_of(result: dict) -> list[str]:
    misses = [
        f"{result['name']}, {label}: {small_q:g} queries on Barking, {national_q:g} on the national data"
        for label, _, small_q, national_q, *_ in [*result["rows"], result["uncached"]]
        if small_q is not None and small_q != national_q
    ]
    misses += [
        f"{result['name']}, {label}: {ratio:.0%} of the bare page's throughput (target {TARGET_RATIO:.0%})"
        for (label, _, daily), ratio in zip(PAGES, result["ratios"], strict=True)
        if daily and ratio < TARGET_RATIO
    ]
    return misses


def report(results: list[dict], jobs_seconds: float) -> int:
    print(f"\nrun-jobs on the national data (SQLite): {jobs_seconds:.1f}s")
    misses = [miss for result in results for miss in misses_of(result)]
    if jobs_seconds >= TARGET_JOBS_SECONDS:
        misses.append(f"run-jobs took {jobs_seconds:.1f}s (target under {TARGET_JOBS_SECONDS:g}s)")
    if not postgres_url():
        print("\n(PostgreSQL not measured: set BENCH_DATABASE_URL to a PostgreSQL database to include it.)")
    print("\nTargets: " + ("all met." if not misses else "MISSED:\n  " + "\n  ".join(misses)))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
