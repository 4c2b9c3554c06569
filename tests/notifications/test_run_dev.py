"""`make run` starts the web app and the scheduler together, and Ctrl-C stops both."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

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


def test_ctrl_c_stops_the_web_app_and_the_scheduler(tmp_path):
    port = free_port()
    env = {**os.environ, "PORT": str(port), "FLASK": f"{ROOT / '.venv/bin/flask'} --app app",
           "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite'}"}
    process = subprocess.Popen([str(ROOT / "scripts/run-dev")], cwd=ROOT, env=env, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert wait_for(lambda: len(children_of(process.pid)) >= 2, 30), "web app and scheduler did not start"

        def serving() -> bool:
            with socket.socket() as sock:
                return sock.connect_ex(("127.0.0.1", port)) == 0

        assert wait_for(serving, 30), "the web app is not listening"
        started = children_of(process.pid)
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
        assert wait_for(lambda: not any(alive(pid) for pid in started), 15), "a process outlived Ctrl-C"
        output = process.stdout.read().decode()
        assert f"tracker is running at http://127.0.0.1:{port}" in output
        assert "head.bdh@example.org" in output
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        process.stdout.close()
