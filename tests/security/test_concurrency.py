"""Simultaneous writes from real clients over HTTP: no server error, and every failure and update counted exactly.

A threaded server answers 30 wrong sign-ins and 10 API updates to one action sent at the same moment, on each
database. Its own database (an SQLite file, or a PostgreSQL schema of its own), since the requests commit."""

import json
import os
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from werkzeug.serving import make_server

from tests.assurance.test_race import backends
from tests.conftest import DEMO_TODAY, HEAD, OWNER
from tracker import create_app
from tracker.actions.models import Action, ProgressUpdate
from tracker.auth.models import SignInAttempt
from tracker.auth.services import create_api_token, find_user
from tracker.extensions import db

SCHEMA = "concurrency_tests"


def fresh_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()


@pytest.fixture(scope="module", params=list(backends()))
def served(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("concurrency")
    if request.param == "sqlite":
        url, options = f"sqlite:///{folder / 'tracker.sqlite'}", {}
    else:
        url = os.environ["TEST_DATABASE_URL"]
        fresh_schema(url)
        options = {"connect_args": {"options": f"-csearch_path={SCHEMA}"}, "pool_size": 20, "max_overflow": 20}
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": options,
            "UPLOAD_PATH": str(folder / "uploads"),
            "WTF_CSRF_ENABLED": False,
            "MAIL_BACKEND": "sink",
            # the per-address throttle would turn most of the 30 away unchecked; here every one is checked
            "SECURITY_SIGN_IN_RATE_PER_MINUTE": 1000,
        }
    )
    from tracker.demo.services import load_demo

    with app.app_context():
        upgrade()
        load_demo(today=DEMO_TODAY, password="demo-password-for-tests", quiet=True)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()
    if request.param == "postgresql":
        fresh_schema(os.environ["TEST_DATABASE_URL"])


def send(url: str, data: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (a local test server)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def all_at_once(calls) -> list[int]:
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_thirty_simultaneous_wrong_sign_ins_are_each_counted(served):
    app, base = served
    form = b"email=head.bdh%40example.org&password=wrong"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    statuses = all_at_once([lambda: send(base + "/sign-in", form, headers)] * 30)
    assert 500 not in statuses
    assert statuses.count(200) == 30, statuses  # each the sign-in page with its error, none refused as busy
    with app.app_context():
        failures = db.session.scalar(
            select(func.count(SignInAttempt.id)).where(SignInAttempt.email == "head.bdh@example.org")
        )
        db.session.remove()
    assert failures == 30


def test_ten_simultaneous_api_updates_to_one_action_are_each_saved_once(served):
    app, base = served
    with app.app_context():
        owner = find_user(OWNER)
        action_id = db.session.scalar(select(Action.id).where(Action.owner_id == owner.id).order_by(Action.id))
        token = create_api_token(find_user(HEAD), "concurrency")
        db.session.commit()
        before = db.session.scalar(select(func.count(ProgressUpdate.id)).where(ProgressUpdate.action_id == action_id))
        db.session.remove()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    calls = [
        lambda n=n: send(
            f"{base}/api/v1/actions/{action_id}/updates",
            json.dumps({"narrative": f"Simultaneous note {n}"}).encode(),
            headers,
        )
        for n in range(10)
    ]
    statuses = all_at_once(calls)
    assert 500 not in statuses
    assert set(statuses) <= {201, 409, 503}, statuses
    with app.app_context():
        after = db.session.scalar(select(func.count(ProgressUpdate.id)).where(ProgressUpdate.action_id == action_id))
        db.session.remove()
    assert after - before == statuses.count(201)
    assert statuses.count(201) >= 1


def test_a_database_too_busy_to_answer_gets_a_styled_503_not_a_500(tmp_path):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from tests.conftest import make_app, soup_of, text_of
    from tracker.shared.access import public

    app = make_app(tmp_path, None)

    @app.post("/busy")
    @public
    def busy():
        raise OperationalError("INSERT INTO progress_updates ...", {}, sqlite3.OperationalError("database is locked"))

    response = app.test_client().post("/busy")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    page = soup_of(response)
    assert text_of(page.h1) == "Sorry, the service is busy"
    assert "Nothing was saved" in text_of(page.select_one("main"))
    with app.app_context():
        db.engine.dispose()
