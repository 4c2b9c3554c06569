"""A database URL as operators write it (`postgresql://`, `postgres://`, in DATABASE_URL) uses psycopg 3."""

import os

import pytest
from sqlalchemy import text

from tracker import create_app
from tracker.config import env_overrides, normalise_database_url
from tracker.extensions import db


@pytest.mark.parametrize(
    "written", ["postgresql://app:secret@db.internal:5432/tracker", "postgres://app:secret@db.internal:5432/tracker"]
)
def test_platform_urls_use_psycopg_3(written):
    assert normalise_database_url(written) == "postgresql+psycopg://app:secret@db.internal:5432/tracker"


@pytest.mark.parametrize("kept", ["postgresql+psycopg://u@h/db", "sqlite:///tracker.sqlite"])
def test_other_urls_are_kept(kept):
    assert normalise_database_url(kept) == kept


def test_database_url_is_read_and_tracker_spelling_wins():
    assert env_overrides({"DATABASE_URL": "postgres://h/a"}) == {"DATABASE_URL": "postgres://h/a"}
    both = env_overrides({"DATABASE_URL": "postgres://h/a", "TRACKER_DATABASE_URL": "postgres://h/b"})
    assert both == {"DATABASE_URL": "postgres://h/b"}


def test_config_file_url_is_normalised(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("TRACKER_DATABASE_URL", "postgres://app@db.internal/tracker")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db.internal/tracker"


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_a_postgresql_url_in_database_url_connects(monkeypatch):
    written = os.environ["TEST_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://", 1)
    monkeypatch.setenv("DATABASE_URL", written)
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    app = create_app()
    with app.app_context():
        assert db.engine.dialect.driver == "psycopg"
        assert db.session.scalar(text("SELECT 1")) == 1
        db.session.remove()
        db.engine.dispose()


def test_links_in_emails_follow_the_port_unless_the_base_url_is_set():
    from tracker.config import base_url

    assert base_url({"APP_BASE_URL": ""}, {"PORT": "5050"}) == "http://127.0.0.1:5050"
    assert base_url({"APP_BASE_URL": ""}, {}) == "http://127.0.0.1:5000"
    explicit = {"APP_BASE_URL": "https://tracker.example.org/"}
    assert base_url(explicit, {"PORT": "5050"}) == "https://tracker.example.org"


def test_the_address_make_run_recorded_is_used_when_nothing_else_says():
    from tracker.config import base_url

    recorded = "http://127.0.0.1:5301"
    assert base_url({"APP_BASE_URL": ""}, {}, recorded=recorded) == "http://127.0.0.1:5301"
    # the web app and the scheduler are told their port; an explicit base URL wins over everything
    assert base_url({"APP_BASE_URL": ""}, {"PORT": "5301"}, recorded=recorded) == "http://127.0.0.1:5301"
    explicit = {"APP_BASE_URL": "https://tracker.example.org/"}
    assert base_url(explicit, {}, recorded=recorded) == "https://tracker.example.org"


def test_each_database_has_its_own_recorded_address(tmp_path):
    from tracker.config import record_address, recorded_address, served_address_file

    default = f"sqlite:///{tmp_path / 'tracker.sqlite'}"
    other = "postgresql+psycopg://postgres:secret@127.0.0.1:5432/test"
    assert served_address_file(tmp_path, default) == tmp_path / "served-address.txt"
    assert (
        served_address_file(tmp_path, other).parent == tmp_path
        and "secret" not in served_address_file(tmp_path, other).name
    )
    record_address(tmp_path, default, "http://127.0.0.1:5301/")
    assert recorded_address(tmp_path, default) == "http://127.0.0.1:5301"
    assert recorded_address(tmp_path, other) is None
