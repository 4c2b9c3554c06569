"""`make bench`: builds the Barking and the national demo data in scratch SQLite databases, then prints for the
home page, the regional dashboard, a recommendation page and the API's inspection list: SQL statements per
request (SQLite's BEGIN included) on both data sizes, median and 95th-percentile latency in process, and requests
per second under gunicorn (2 workers) beside a bare Flask page of the same size; then times `run-jobs` on the
national data. The dashboard is measured as people mostly see it, from the cache; it is also timed with the cache
off, as the first view after a change is.

Exits with status 1 when a target is missed: the same queries per page at any data size, the regional dashboard
at least 40% of the bare page's throughput, and run-jobs under 10 seconds."""

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

USER = "london.director@example.org"
PASSWORD = "bench-demo-password"  # noqa: S105 (a throwaway scratch database)
PAGES = [("Home page", "/"), ("Regional dashboard", "/dashboard"),
         ("Recommendation page", "/recommendations/{rec}"), ("API inspection list", "/api/v1/inspections"),
         ("Actions list", "/actions?overdue=y&sort=owner"), ("Search", "/search?q=risk+assessment"),
         # Not a target: a tracker page that reads almost nothing, to show the cost of the page frame itself.
         ("Accessibility (frame)", "/accessibility")]
IN_PROCESS_REQUESTS = 40
LOAD_SECONDS = 3
#: throughput is measured in rounds, the bare page between each, and each page's ratio is the median of its rounds
LOAD_ROUNDS = 3
LOAD_THREADS = 4
TARGET_RATIO = 0.40
TARGET_JOBS_SECONDS = 10.0


def env_for(folder: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"TRACKER_DATABASE_URL": f"sqlite:///{folder / 'tracker.sqlite'}", "TRACKER_DEMO_PASSWORD": PASSWORD,
                "TRACKER_UPLOADS_FOLDER": str(folder / "uploads"), "TRACKER_MAIL_BACKEND": "sink", **extra})
    return env


def flask(folder: Path, *args: str) -> str:
    command = [str(BIN / "flask"), "--app", "app", *args]
    result = subprocess.run(command, cwd=ROOT, env=env_for(folder),  # noqa: S603 (our own tool)
                            capture_output=True, text=True, check=False)
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

    return create_app({"DATABASE_URL": f"sqlite:///{folder / 'tracker.sqlite'}", "UPLOADS_FOLDER": str(folder),
                       "DEMO_PASSWORD": PASSWORD, "WTF_CSRF_ENABLED": False, "CACHE_ENABLED": cache})


def first_recommendation(app) -> int:
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.recommendations.models import Recommendation

    with app.app_context():
        return db.session.scalar(select(Recommendation.id).order_by(Recommendation.id))


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


def start_gunicorn(target: str, env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
               target]
    process = subprocess.Popen(command, cwd=cwd, env=env,  # noqa: S603 (our own tool)
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit(f"gunicorn {target} did not start")


def session_cookie(port: int) -> str:
    """Sign in over HTTP as a browser would (CSRF token included) and return the session cookie."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/sign-in")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    body = urlencode({"csrf_token": token.group(1) if token else "", "email": USER, "password": PASSWORD})
    connection.request("POST", "/sign-in", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
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


def throughput(national: Path, token: str, paths: list[str],
               bare_rows: int) -> tuple[list[float], list[float], list[float]]:
    """Tracker pages and the bare page under gunicorn, taking turns in LOAD_ROUNDS rounds so both see the same
    machine. Returns each page's median requests per second and median ratio to the bare page (each round's pages
    against the mean of the bare page measured just before and just after), and every bare measurement."""
    tracker, port = start_gunicorn("app:app", env_for(national), ROOT)
    bare, bare_port = start_gunicorn("bare_app:app", {**os.environ, "BARE_ROWS": str(bare_rows)},
                                     ROOT / "benchmarks")
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
        ratios = [statistics.median(r[i] / statistics.mean(bare_rps[n:n + 2]) for n, r in enumerate(rounds))
                  for i in range(len(paths))]
        return page_rps, ratios, bare_rps
    finally:
        for process in (tracker, bare):
            process.terminate()
            process.wait(timeout=10)


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

        small_app, national_app = app_for(small), app_for(national)
        paths = [path.format(rec=first_recommendation(national_app)) for _, path in PAGES]
        rows = []
        for (label, _), path in zip(PAGES, paths, strict=True):
            small_queries = in_process(small_app, small_token, path)[0]
            queries, median, p95, size = in_process(national_app, token, path)
            rows.append([label, path, small_queries, queries, median, p95, size])
        # The first view after any change builds the table afresh: shown for scale, with the cache switched off.
        uncached = [app_for(small, cache=False), app_for(national, cache=False)]
        uncached_row = ["Dashboard, not cached", paths[1], in_process(uncached[0], small_token, paths[1])[0],
                        *in_process(uncached[1], token, paths[1])]
        dashboard_size = rows[1][6]
        bare_rows = bare_rows_for(dashboard_size)
        page_rps, ratios, bare_rps = throughput(national, token, paths, bare_rows)
        jobs_seconds = run_jobs(national)
    return report(rows, uncached_row, page_rps, ratios, bare_rps, bare_rows, jobs_seconds)


def report(rows, uncached_row, page_rps, ratios, bare_rps, bare_rows, jobs_seconds) -> int:
    bare = statistics.median(bare_rps)
    print(f"\nLondon director ({USER}); latency over {IN_PROCESS_REQUESTS} requests in process on the national "
          f"data; throughput: gunicorn, 2 sync workers, {LOAD_THREADS} clients, "
          f"{LOAD_ROUNDS} rounds of {LOAD_SECONDS}s, medians.")
    print(f"{'Page':<22} {'URL':<26} {'Queries':>8} {'Queries':>9} {'Median':>8} {'95th':>8} {'Size':>8} "
          f"{'Req/s':>7} {'vs bare':>8}")
    print(f"{'':<22} {'':<26} {'Barking':>8} {'national':>9} {'ms':>8} {'ms':>8} {'KB':>8} {'':>7} {'':>8}")
    for (label, path, small_q, national_q, median, p95, size), rps, ratio in zip(rows, page_rps, ratios,
                                                                                   strict=True):
        print(f"{label:<22} {path:<26} {small_q:>8.1f} {national_q:>9.1f} {median:>8.1f} {p95:>8.1f} "
              f"{size / 1024:>8.1f} {rps:>7.0f} {ratio:>7.0%}")
    label, path, small_q, national_q, median, p95, size = uncached_row
    print(f"{label:<22} {path:<26} {small_q:>8.1f} {national_q:>9.1f} {median:>8.1f} {p95:>8.1f} "
          f"{size / 1024:>8.1f} {'':>7} {'':>8}")
    print(f"{'Bare Flask page':<22} {'(template, no database)':<26} {'':>8} {'':>9} {'':>8} {'':>8} "
          f"{'':>8} {bare:>7.0f} {'100%':>8}   ({bare_rows} rows; rounds: {', '.join(f'{b:.0f}' for b in bare_rps)})")
    print(f"\nrun-jobs on the national data: {jobs_seconds:.1f}s")

    misses = [f"{label}: {small_q:g} queries on Barking, {national_q:g} on the national data"
              for label, _, small_q, national_q, *_ in [*rows, uncached_row] if small_q != national_q]
    ratio = ratios[1]
    if ratio < TARGET_RATIO:
        misses.append(f"regional dashboard at {ratio:.0%} of the bare page's throughput (target {TARGET_RATIO:.0%})")
    if jobs_seconds >= TARGET_JOBS_SECONDS:
        misses.append(f"run-jobs took {jobs_seconds:.1f}s (target under {TARGET_JOBS_SECONDS:g}s)")
    print("\nTargets: " + ("all met." if not misses else "MISSED:\n  " + "\n  ".join(misses)))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
