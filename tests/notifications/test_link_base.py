"""Every link in every email starts with one base URL, whichever process built the message: the web app and the
scheduler `make run PORT=5301` starts, or a command run from another terminal, which reads the address `make run`
recorded; an explicit `[app] base_url` (TRACKER_APP_BASE_URL) wins over both."""

import re
import shutil

import pytest
from sqlalchemy import select

from tests.conftest import HEAD, TEST_PASSWORD_HASH, sqlite_template
from tests.notifications.conftest import SCENARIO_DAY
from tracker import create_app
from tracker.config import served_address_file
from tracker.demo.services import load_demo
from tracker.extensions import db
from tracker.mail.models import ACCOUNT, OutboxMessage

LINK = re.compile(r"https?://[^/\s\"'<>]+")


@pytest.fixture
def database(tmp_path, monkeypatch):
    """A database of its own, named in the environment as `make run` and every command are given it."""
    path = tmp_path / "links.sqlite"
    shutil.copyfile(sqlite_template(), path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    for name in ("TRACKER_APP_BASE_URL", "PORT"):
        monkeypatch.delenv(name, raising=False)
    yield url
    served_address_file(create_app(SETTINGS).instance_path, url).unlink(missing_ok=True)


SETTINGS = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "MAIL_BACKEND": "sink",
    "SECURITY_PASSWORD_HASH": TEST_PASSWORD_HASH,
    "AUTH_REQUIRE_TOTP_FOR": [],
    "DEMO_LIVING_REGION": False,
}


def process(**environment: str):
    """An app as one process builds it from the environment it was started with (the tests' base URL is not set)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        return create_app(SETTINGS)


def command(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["tracker", *args])
    assert result.exit_code == 0, result.output
    return result.output


def links_in(app, query) -> set[str]:
    with app.app_context():
        messages = db.session.scalars(query).all()
        assert messages, "no message was queued"
        found = {base for m in messages for base in LINK.findall(m.body_text + m.body_html)}
        db.session.remove()
    return found


def test_a_message_built_by_a_command_links_where_the_web_app_does(database):
    # `make run PORT=5301`: the web app and the scheduler are started with PORT, and the address is recorded
    web = process(PORT="5301")
    command(process(PORT="5301"), "base-url", "--record", "http://127.0.0.1:5301")
    with web.app_context():
        load_demo(today=SCENARIO_DAY, password="demo-password-for-tests", quiet=True, region=False)
        db.session.remove()
    asked = web.test_client().post("/forgot-password", data={"email": HEAD})
    assert "Check your email" in asked.get_data(as_text=True)

    # another terminal, with neither PORT nor a base URL
    elsewhere = process()
    assert command(elsewhere, "base-url") == "http://127.0.0.1:5301\n"
    output = command(elsewhere, "run-jobs", "--as-of", SCENARIO_DAY.isoformat())
    assert "queued" in output and "queued 0 of" not in output, output

    by_web = links_in(web, select(OutboxMessage).where(OutboxMessage.kind == ACCOUNT))
    by_command = links_in(elsewhere, select(OutboxMessage).where(OutboxMessage.kind != ACCOUNT))
    assert by_web == by_command == {"http://127.0.0.1:5301"}


def test_an_explicit_base_url_wins_over_the_recorded_address(database):
    command(process(PORT="5301"), "base-url", "--record", "http://127.0.0.1:5301")
    assert command(process(), "base-url") == "http://127.0.0.1:5301\n"
    explicit = process(TRACKER_APP_BASE_URL="https://tracker.example.org/")
    assert command(explicit, "base-url") == "https://tracker.example.org\n"
    with explicit.app_context():
        load_demo(today=SCENARIO_DAY, password="demo-password-for-tests", quiet=True, region=False)
        db.session.remove()
    command(explicit, "run-jobs", "--as-of", SCENARIO_DAY.isoformat())
    assert links_in(explicit, select(OutboxMessage)) == {"https://tracker.example.org"}


def test_without_a_recorded_address_a_command_links_to_port_5000(database):
    assert command(process(), "base-url") == "http://127.0.0.1:5000\n"


def test_recording_refuses_what_is_not_a_web_address(database):
    result = process().test_cli_runner().invoke(args=["tracker", "base-url", "--record", "127.0.0.1:5301"])
    assert result.exit_code == 2 and "is not an http:// or https:// address" in result.output
