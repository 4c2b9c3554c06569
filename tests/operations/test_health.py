"""`GET /healthz`: 200 when the database answers and the schema is at the migrations' head, 503 otherwise."""

import pytest
from sqlalchemy import text

from tests.conftest import PageClient
from tracker import create_app
from tracker.extensions import db


def test_healthy_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "migrations": "current"}
    assert response.headers["Cache-Control"] == "no-store"


def test_a_pending_migration_is_503(app, client):
    # as if the code had been deployed with a migration not yet run: the database is one revision behind
    db.session.execute(text("UPDATE alembic_version SET version_num = '0007'"))
    db.session.commit()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "ok", "migrations": "pending"}


#: a PostgreSQL server on a port where none listens; an SQLite file in a folder that is not there
UNREACHABLE = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:9/tracker?connect_timeout=2",
    "sqlite": "sqlite:///{tmp_path}/gone/tracker.sqlite",
}


@pytest.mark.parametrize("kind", sorted(UNREACHABLE))
def test_an_unreachable_database_is_503(tmp_path, kind):
    url = UNREACHABLE[kind].format(tmp_path=tmp_path)
    broken = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    broken.test_client_class = PageClient
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "unreachable", "migrations": "unknown"}
    with broken.app_context():
        db.engine.dispose()
