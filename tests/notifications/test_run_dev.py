"""`make run` starts the web app (gunicorn) and the scheduler together, links in emails point at the port it was
started on, and Ctrl-C stops both."""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split()[2] == "Z")


def children_of(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def ask_for_a_reset_link(base: str, email: str) -> None:
    """What a person does on the forgot-password page, CSRF token and all."""
    browser = requests.Session()
    form = browser.get(f"{base}/forgot-password", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    answer = browser.post(f"{base}/forgot-password", data={"csrf_token": token, "email": email}, timeout=30)
    assert "Check your email" in answer.text


def test_ctrl_c_stops_the_web_app_and_the_scheduler(tmp_path):
    port = free_port()
    database = tmp_path / "run.sqlite"
    flask = f"{ROOT / '.venv/bin/flask'} --app app"
    env = {key: value for key, value in os.environ.items() if key != "TRACKER_APP_BASE_URL"}
    env.update(
        {
            "PORT": str(port),
            "FLASK": flask,
            "TRACKER_DATABASE_URL": f"sqlite:///{database}",
            "TRACKER_DEMO_PASSWORD": "run-dev-demo-password",
        }
    )
    for command in ("db upgrade", "tracker demo --quiet"):
        subprocess.run(
            [*flask.split(), *command.split()], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
        )
    process = subprocess.Popen(
        [str(ROOT / "scripts/run-dev")],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert wait_for(lambda: len(children_of(process.pid)) >= 2, 30), "web app and scheduler did not start"

        def serving() -> bool:
            with socket.socket() as sock:
                return sock.connect_ex(("127.0.0.1", port)) == 0

        assert wait_for(serving, 30), "the web app is not listening"
        sign_in = requests.get(f"http://127.0.0.1:{port}/sign-in", timeout=30)
        assert sign_in.headers["Server"].startswith("gunicorn") and "<h1" in sign_in.text
        ask_for_a_reset_link(f"http://127.0.0.1:{port}", "head.bdh@example.org")
        with sqlite3.connect(database) as connection:
            body = connection.execute("SELECT body_text FROM outbox_messages ORDER BY id DESC").fetchone()[0]
        assert f"http://127.0.0.1:{port}/set-password/" in body, "links in emails follow the port"
        started = children_of(process.pid)
        os.killpg(process.pid, signal.SIGINT)
        # gunicorn gives its workers up to --graceful-timeout (30 s) before killing them; on a busy machine a
        # worker can take seconds to exit, and being killed is what this test refuses
        process.wait(timeout=60)
        assert wait_for(lambda: not any(alive(pid) for pid in started), 15), "a process outlived Ctrl-C"
        output = process.stdout.read().decode()
        assert f"tracker is running at http://127.0.0.1:{port}" in output
        assert "head.bdh@example.org" in output
        assert "development server" not in output and "SIGKILL" not in output
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        process.stdout.close()
