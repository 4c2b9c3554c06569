"""`make run` starts the web app (gunicorn) and the scheduler together, quietly: migrations print one line, not
their notes; the scheduler only what needs attention; 'tracker is running at' once the app answers, then the demo
sign-ins, last. Links in emails point at the port it was started on, from whichever process builds them, and
Ctrl-C stops both."""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import requests
from alembic.config import Config
from alembic.script import ScriptDirectory

from tracker.config import served_address_file

ROOT = Path(__file__).resolve().parents[2]
FLASK = f"{ROOT / '.venv/bin/flask'} --app app"


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


def answers(port: int) -> bool:
    try:
        requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
    except requests.ConnectionError:
        return False
    return True


class Console:
    """What `make run` prints, line by line as it prints it; and, the moment it says where tracker is running,
    whether the app answers there."""

    ANNOUNCEMENT = "tracker is running at"

    def __init__(self, stream, port: int):
        self.lines: list[str] = []
        self.answered_when_announced: bool | None = None
        self.port = port
        self.reader = threading.Thread(target=self.read, args=(stream,), daemon=True)
        self.reader.start()

    def read(self, stream) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode().rstrip("\n")
            if line.startswith(self.ANNOUNCEMENT):
                self.answered_when_announced = answers(self.port)
            self.lines.append(line)

    def announced(self) -> bool:
        return any(line.startswith(self.ANNOUNCEMENT) for line in self.lines)


def environment(port: int, database: Path) -> dict[str, str]:
    """The developer's environment, with neither a base URL nor a scheduler log level of their own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TRACKER_APP_BASE_URL", "TRACKER_SCHEDULER_LOG_LEVEL", "PORT", "MAKEFLAGS", "MFLAGS")
        and not key.startswith("MAKE")
    }
    env.update(
        {
            "FLASK": FLASK,
            "TRACKER_DATABASE_URL": f"sqlite:///{database}",
            "TRACKER_DEMO_PASSWORD": "run-dev-demo-password",
        }
    )
    return env


def test_migrating_prints_one_line_and_none_of_the_notes(tmp_path):
    env = environment(free_port(), tmp_path / "migrate.sqlite")

    def migrate() -> str:
        # -o: the virtual environment is taken as installed, never reinstalled by this test
        done = subprocess.run(
            ["make", "-o", ".venv/.installed", "migrate"], cwd=ROOT, env=env, capture_output=True, timeout=300
        )
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode() + done.stderr.decode()

    first = migrate()
    scripts = Config()
    scripts.set_main_option("script_location", str(ROOT / "migrations"))
    [head] = ScriptDirectory.from_config(scripts).get_heads()
    count = len(list((ROOT / "migrations/versions").glob("*.py")))
    assert first == f"Database migrated: {count} migrations applied, now at revision {head}.\n"
    assert migrate() == ""


def test_make_run_starts_quietly_links_to_its_port_everywhere_and_ctrl_c_stops_both(tmp_path):
    port = free_port()
    database = tmp_path / "run.sqlite"
    env = environment(port, database)
    for command in ("db upgrade -x quiet", "tracker demo --quiet"):
        subprocess.run(
            [*FLASK.split(), *command.split()], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
        )
    process = subprocess.Popen(
        [str(ROOT / "scripts/run-dev")],
        cwd=ROOT,
        env={**env, "PORT": str(port)},
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    console = Console(process.stdout, port)
    try:
        assert wait_for(lambda: len(children_of(process.pid)) >= 2, 30), "web app and scheduler did not start"
        assert wait_for(console.announced, 90), "make run never said where tracker is running"
        assert console.answered_when_announced, "'tracker is running at' came before the app answered"
        sign_in = requests.get(f"http://127.0.0.1:{port}/sign-in", timeout=30)
        assert sign_in.headers["Server"].startswith("gunicorn") and "<h1" in sign_in.text
        ask_for_a_reset_link(f"http://127.0.0.1:{port}", "head.bdh@example.org")
        with sqlite3.connect(database) as connection:
            body = connection.execute("SELECT body_text FROM outbox_messages ORDER BY id DESC").fetchone()[0]
        assert f"http://127.0.0.1:{port}/set-password/" in body, "links in emails follow the port"
        # a command from another terminal, started without PORT, links to the same place
        elsewhere = subprocess.run(
            [*FLASK.split(), "tracker", "base-url"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert elsewhere.stdout == f"http://127.0.0.1:{port}\n", elsewhere.stderr
        started = children_of(process.pid)
        os.killpg(process.pid, signal.SIGINT)
        # gunicorn gives its workers up to --graceful-timeout (30 s) before killing them; on a busy machine a
        # worker can take seconds to exit, and being killed is what this test refuses
        process.wait(timeout=60)
        assert wait_for(lambda: not any(alive(pid) for pid in started), 15), "a process outlived Ctrl-C"
        console.reader.join(timeout=10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        process.stdout.close()
        served_address_file(ROOT / "instance", f"sqlite:///{database}").unlink(missing_ok=True)

    lines = console.lines
    output = "\n".join(lines)
    announced = next(i for i, line in enumerate(lines) if line.startswith(Console.ANNOUNCEMENT))
    assert lines[announced] == (
        f"tracker is running at http://127.0.0.1:{port}  (Ctrl-C stops the web app and the scheduler)"
    )
    end = lines.index("", announced)
    sign_ins = lines[announced + 1 : end]
    assert sign_ins[0] == "Demo sign-ins:" and any("head.bdh@example.org" in line for line in sign_ins)
    assert "  password for all of them: run-dev-demo-password" in sign_ins
    # before the announcement, only the request that found the app answering; after the sign-ins, only the
    # requests this test made: nothing from the scheduler, nothing over the sign-ins
    before = [line for line in lines[:announced] if line]
    assert before == [line for line in before if "route=/healthz" in line], output
    assert all("request_id=" in line for line in lines[end:] if line), output
    assert "scheduler" not in output.replace("the web app and the scheduler", "") and "INFO  [" not in output
    assert "development server" not in output and "SIGKILL" not in output
