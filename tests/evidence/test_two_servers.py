"""Two app servers behind one load balancer, sharing one PostgreSQL, each with a disk of its own: with
`[uploads] backend = "database"` each serves the evidence uploaded through the other."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from tests.browser.clocked import clock_env
from tests.conftest import DEMO_TODAY, OWNER, make_app, sibling_database
from tracker.actions.models import Action
from tracker.auth.services import find_user
from tracker.demo.services import load_demo, minimal_pdf
from tracker.evidence.models import Evidence
from tracker.extensions import db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-password-for-tests"  # noqa: S105 (the demo's, in a scratch database)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL (PostgreSQL)"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    # Both servers run on the suite's declared clock, one clock for both, as the demo they serve was built on it,
    # with a session that outlives the real clock `requests` judges cookies by (tests/browser/clocked.py).
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": url,
        "TRACKER_UPLOADS_BACKEND": "database",
        "TRACKER_UPLOADS_FOLDER": str(folder),
        **clock_env(),
    }
    # the server's output is kept beside its disk, to read when a step fails
    with open(f"{folder}.log", "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.browser.clocked",
                "--app",
                "app",
                "run",
                "--port",
                str(port),
                "--no-reload",
                "--no-debugger",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=10).status_code == 200:
                return process, base
        except requests.RequestException:
            time.sleep(0.3)
    process.kill()
    process.wait(timeout=10)
    raise AssertionError("the app server did not become healthy")


def csrf_token(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', session.get(url, timeout=10).text).group(1)


def upload_through(session: requests.Session, base: str, action_id: int, title: str) -> None:
    form = f"{base}/actions/{action_id}/evidence/upload"
    response = session.post(
        form,
        data={"csrf_token": csrf_token(session, form), "title": title, "description": ""},
        files={"file": (f"{title}.pdf", minimal_pdf(title), "application/pdf")},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    assert "/sign-in" not in response.headers["Location"], "the upload was sent to sign in, not saved"


@pytest.fixture
def shared_database(tmp_path):
    url = sibling_database(os.environ["TEST_DATABASE_URL"], "servers")
    app = make_app(tmp_path, url, UPLOADS_BACKEND="database")
    with app.app_context():
        load_demo(today=DEMO_TODAY, password=PASSWORD, quiet=True)
        owner = find_user(OWNER)
        action_id = db.session.scalar(select(Action.id).where(Action.owner_id == owner.id).order_by(Action.id))
        db.session.remove()
    yield app, url, action_id
    with app.app_context():
        db.engine.dispose()


def evidence_id_titled(app, title: str) -> int:
    with app.app_context():
        try:
            return db.session.scalar(select(Evidence.id).where(Evidence.title == title))
        finally:
            db.session.remove()


def test_each_server_serves_the_others_evidence(shared_database, tmp_path):
    app, url, action_id = shared_database
    servers: list = []
    try:
        servers.extend(start_server(url, tmp_path / name) for name in ("disk-a", "disk-b"))
        (_, first), (_, second) = servers
        browser = requests.Session()  # one person, sent to either server by the load balancer
        sign_in = f"{first}/sign-in"
        response = browser.post(
            sign_in,
            data={"csrf_token": csrf_token(browser, sign_in), "email": OWNER, "password": PASSWORD},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302
        upload_through(browser, first, action_id, "Uploaded to the first")
        upload_through(browser, second, action_id, "Uploaded to the second")
        for title, other in (("Uploaded to the first", second), ("Uploaded to the second", first)):
            download = browser.get(f"{other}/evidence/{evidence_id_titled(app, title)}/download", timeout=10)
            assert download.status_code == 200 and not download.history, (download.url, download.text[:300])
            assert download.content == minimal_pdf(title)
        assert not any(
            (tmp_path / name).exists() and any((tmp_path / name).iterdir()) for name in ("disk-a", "disk-b")
        ), "no file on either server's disk"
    finally:
        for process, _ in servers:
            process.terminate()
            process.wait(timeout=30)
