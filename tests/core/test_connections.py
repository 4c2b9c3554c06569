"""On PostgreSQL a page view reads without a transaction (no BEGIN and ROLLBACK around every view) and begins one
before its first write, so what it writes still commits or rolls back together. Real commits on a schema of its
own, not the rolled-back connection the other tests share."""

import os
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade
from psycopg.pq import TransactionStatus
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from tests.conftest import DEMO_TODAY, DIRECTOR
from tracker import create_app
from tracker.audit.models import AuditEvent
from tracker.connections import is_plain_read
from tracker.extensions import db
from tracker.recommendations.models import Recommendation

SCHEMA = "connection_tests"
postgres_only = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="needs TEST_DATABASE_URL (PostgreSQL): SQLite has no round trips to save and keeps its transactions",
)


@pytest.fixture(scope="module")
def pg_app(tmp_path_factory):
    url = os.environ["TEST_DATABASE_URL"]
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()
    folder = tmp_path_factory.mktemp("connections")
    # one pooled connection, so each test sees what an earlier request left on it
    options = {"connect_args": {"options": f"-csearch_path={SCHEMA}"}, "pool_size": 1, "max_overflow": 0}
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": options,
            "UPLOAD_PATH": str(folder / "uploads"),
            "WTF_CSRF_ENABLED": False,
            "MAIL_BACKEND": "sink",
        }
    )
    from tracker.demo.services import load_demo

    with app.app_context():
        upgrade()
        load_demo(today=DEMO_TODAY, password="demo-password-for-tests", quiet=True)
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
    engine.dispose()


def status() -> TransactionStatus:
    """Whether the session's connection has a transaction open on the server."""
    return db.session.connection().connection.dbapi_connection.info.transaction_status


@contextmanager
def other_connection(app):
    """A second connection, to see only what was committed."""
    engine = create_engine(
        app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool, connect_args={"options": f"-csearch_path={SCHEMA}"}
    )
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def test_only_a_plain_select_is_read_outside_a_transaction():
    assert is_plain_read("SELECT users.id FROM users WHERE users.id = %(id)s")
    assert is_plain_read("\n  select version from data_version where id = 1")
    assert not is_plain_read("SELECT recommendations.id FROM recommendations WHERE id = 3 FOR UPDATE")
    assert not is_plain_read("SELECT id FROM actions FOR NO KEY UPDATE SKIP LOCKED")
    assert not is_plain_read("SELECT id FROM actions\nFOR SHARE")
    assert not is_plain_read("UPDATE data_version SET version = version + 1")
    assert not is_plain_read("INSERT INTO audit_events (verb) VALUES ('x') RETURNING id")
    assert not is_plain_read("SAVEPOINT sa_savepoint_1")
    # a statement that merely might write is given a transaction too
    assert not is_plain_read("WITH changed AS (UPDATE actions SET title = 'x' RETURNING id) SELECT * FROM changed")


@postgres_only
def test_a_page_view_reads_without_a_transaction_and_a_form_post_within_one(pg_app):
    with pg_app.test_request_context("/", method="GET"):
        assert db.session.scalar(select(func.count(Recommendation.id))) == 13
        assert status() == TransactionStatus.IDLE
        db.session.remove()
    with pg_app.test_request_context("/", method="POST"):
        assert db.session.scalar(select(func.count(Recommendation.id))) == 13
        assert status() == TransactionStatus.INTRANS
        db.session.remove()
    # the connection went back to the pool as it came: work outside a request (the scheduler, a command) is in a
    # transaction as always
    with pg_app.app_context():
        db.session.scalar(select(func.count(Recommendation.id)))
        assert status() == TransactionStatus.INTRANS
        db.session.remove()


def audit(summary: str) -> AuditEvent:
    return AuditEvent(entity_type="test", verb="tested", summary=summary)


def audited(app, summary: str) -> int:
    with other_connection(app) as connection:
        return connection.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.summary == summary))


@postgres_only
def test_a_page_view_that_writes_commits_its_writes_together_or_not_at_all(pg_app):
    with pg_app.test_request_context("/", method="GET"):
        db.session.scalar(select(func.count(Recommendation.id)))
        db.session.add(audit("rolled back"))
        db.session.flush()
        assert status() == TransactionStatus.INTRANS
        db.session.add(audit("rolled back"))
        db.session.flush()
        assert audited(pg_app, "rolled back") == 0  # not committed statement by statement
        db.session.rollback()
        db.session.remove()
    assert audited(pg_app, "rolled back") == 0

    with pg_app.test_request_context("/", method="GET"):
        db.session.add_all([audit("committed"), audit("committed")])
        db.session.flush()
        assert audited(pg_app, "committed") == 0
        db.session.commit()
        assert audited(pg_app, "committed") == 2
        # after the commit the request reads without a transaction again
        db.session.scalar(select(func.count(Recommendation.id)))
        assert status() == TransactionStatus.IDLE
        db.session.remove()


@postgres_only
def test_a_savepoint_in_a_page_view_is_inside_a_transaction(pg_app):
    with pg_app.test_request_context("/", method="GET"):
        db.session.add(audit("kept"))
        savepoint = db.session.begin_nested()
        db.session.add(audit("undone"))
        db.session.flush()
        savepoint.rollback()
        db.session.commit()
        db.session.remove()
    assert (audited(pg_app, "kept"), audited(pg_app, "undone")) == (1, 0)


@postgres_only
def test_a_locking_read_in_a_page_view_holds_its_lock_until_the_request_ends(pg_app):
    with pg_app.test_request_context("/", method="GET"):
        first = db.session.scalar(select(Recommendation.id).order_by(Recommendation.id).limit(1).with_for_update())
        assert status() == TransactionStatus.INTRANS
        with other_connection(pg_app) as connection, pytest.raises(OperationalError, match="could not obtain lock"):
            connection.execute(text("SELECT id FROM recommendations WHERE id = :id FOR UPDATE NOWAIT"), {"id": first})
        db.session.remove()
    with other_connection(pg_app) as connection:
        assert (
            connection.scalar(text("SELECT id FROM recommendations WHERE id = :id FOR UPDATE NOWAIT"), {"id": first})
            == first
        )


@postgres_only
def test_pages_show_a_committed_change_on_the_next_view(pg_app):
    """End to end through the test client: views read outside transactions, a form post writes in one."""
    from tracker.auth.services import find_user

    client = pg_app.test_client()
    with pg_app.app_context():
        director = find_user(DIRECTOR).id
        recommendation = db.session.scalar(select(Recommendation.id).where(Recommendation.number == 1))
        db.session.remove()
    with client.session_transaction() as session:
        session["_user_id"] = str(director)
    assert "Signed in audit" not in client.get(f"/recommendations/{recommendation}").get_data(as_text=True)
    with pg_app.app_context():
        row = db.session.get(Recommendation, recommendation)
        row.text = row.text + " (Signed in audit)"
        db.session.commit()
        db.session.remove()
    assert "Signed in audit" in client.get(f"/recommendations/{recommendation}").get_data(as_text=True)


@postgres_only
def test_a_connection_left_in_autocommit_is_put_back_into_transactions_outside_a_page_view(pg_app):
    """Belt and braces: should a connection ever come back from a page view still in autocommit, the next
    transaction outside one (a form post, the scheduler) still begins a transaction."""
    from tracker.connections import _READING

    with pg_app.app_context(), db.engine.connect() as connection:
        dbapi_connection = connection.connection.dbapi_connection
        dbapi_connection.autocommit = True
        connection.info[_READING] = True
        connection.execute(select(func.count(Recommendation.id)))
        assert dbapi_connection.info.transaction_status == TransactionStatus.INTRANS
        assert dbapi_connection.autocommit is False
