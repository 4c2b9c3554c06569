"""Two schedulers at once, each with its own engine, against a committed database: every message once.

These tests cannot use the per-test rollback (the workers must see each other's commits), so each builds a
fresh app and database of its own."""

import os
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import make_app, sibling_database
from tests.notifications.conftest import SCENARIO_DAY, SmtpServer
from tracker import create_app
from tracker.extensions import db
from tracker.mail.models import SENT, OutboxMessage
from tracker.notifications import jobs, services

DAYS = [SCENARIO_DAY + timedelta(days=n) for n in (0, 1, 4, 33)]


def database_url(kind: str) -> str | None:
    if kind == "sqlite":
        return None
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("TEST_DATABASE_URL is not set: the two-schedulers test on PostgreSQL needs a server")
    return sibling_database(os.environ["TEST_DATABASE_URL"], "workers")


def two_senders(tmp_path, kind: str, mail: dict, prepare=lambda: None) -> tuple:
    """Two apps, each with its own engine, on one committed demo database; `prepare()` runs in the first after the
    demo is loaded."""
    first = make_app(tmp_path, database_url(kind), **mail)
    with first.app_context():
        from tracker.demo.services import load_demo

        load_demo(today=SCENARIO_DAY, password="demo-password-for-tests", quiet=True)
        prepare()
        db.session.remove()
    second = create_app(
        {key: first.config[key] for key in ("TESTING", "SQLALCHEMY_DATABASE_URI", "UPLOAD_PATH", "APP_BASE_URL", *mail)}
    )
    return first, second


def at_once(apps, steps) -> list:
    """Runs `steps(app)` in each app on a thread of its own, all starting together; returns what they raised."""
    barrier = threading.Barrier(len(apps))
    errors: list = []

    def work(app) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                steps(app)
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported by the test, in the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def run_the_days(app) -> None:
    for day in DAYS:
        jobs.run_day(app.config, day)
        services.send_outbox()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_two_schedulers_at_once_send_each_message_once(tmp_path, kind):
    server = SmtpServer()
    server.start()
    mail = {
        "MAIL_BACKEND": "smtp",
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": server.port,
        "MAIL_SECURITY": "none",
        "MAIL_BATCH_SIZE": 2,
    }
    first, second = two_senders(tmp_path, kind, mail)
    try:
        errors = at_once((first, second), run_the_days)
    finally:
        server.stop()

    assert errors == []
    with first.app_context():
        rows = db.session.execute(select(OutboxMessage.key, OutboxMessage.status)).all()
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == len(rows) > 10
        assert {status for _, status in rows} == {SENT}
        db.session.remove()
        for app in (first, second):
            with app.app_context():
                db.engine.dispose()
    # The Message-ID is the outbox row's: a repeat would show as a duplicate here
    message_ids = [r.message["Message-ID"] for r in server.recorder.received]
    assert len(message_ids) == len(rows)
    assert len(set(message_ids)) == len(message_ids), "a message was delivered twice"
