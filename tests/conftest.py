"""Test fixtures: one app per database (SQLite always, PostgreSQL when TEST_DATABASE_URL is set), the schema
built by running the migrations, the Barking demo loaded once, and each test rolled back at its end.

The whole suite runs on a declared clock: it starts at 09:00 London time on DEMO_TODAY and ticks on from there, so
the demo data and the code under test see the same "today" whatever the real date. TEST_TODAY moves that
day (the date matrix in `.ci/run` runs the date-sensitive tests on several days with it)."""

import os
import re
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest
import time_machine
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tracker import create_app
from tracker.db_types import LONDON
from tracker.extensions import db

#: the date the demo data and every date-sensitive test are built around
DEMO_TODAY = date.fromisoformat(os.environ.get("TEST_TODAY") or "2026-11-26")
#: the moment the suite's clock starts from
DEMO_START = datetime.combine(DEMO_TODAY, time(9, 0), LONDON)


@pytest.fixture(scope="session", autouse=True)
def declared_clock() -> Iterator[None]:
    """Every test, and the demo it runs on, sees DEMO_TODAY as today: no test reads the real date."""
    with time_machine.travel(DEMO_START, tick=True):
        yield


def database_urls() -> list[tuple[str, str | None]]:
    urls: list[tuple[str, str | None]] = [("sqlite", None)]
    if os.environ.get("TEST_DATABASE_URL"):
        urls.append(("postgresql", os.environ["TEST_DATABASE_URL"]))
    return urls


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_app(tmp_path: Path, url: str | None, **overrides) -> Flask:
    if url is None:
        url = f"sqlite:///{tmp_path / 'test.sqlite'}"
    else:
        reset_postgres(url)
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_PATH": str(tmp_path / "uploads"),
        "WTF_CSRF_ENABLED": False,
        "DEMO_PASSWORD": "demo-password-for-tests",
        "APP_BASE_URL": "http://tracker.test",
        "MAIL_BACKEND": "sink",
        # Tests sign the demo's administrator in without a second factor; tests/auth/test_second_factor.py
        # requires it where it is what is being tested
        "AUTH_REQUIRE_TOTP_FOR": [],
        # The scenarios are Barking's: `flask tracker demo` here adds no fictional PDUs (tests/region has them)
        "DEMO_LIVING_REGION": False,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = PageClient
    with app.app_context():
        upgrade()
    return app


def sibling_database(url: str, suffix: str) -> str:
    """A PostgreSQL database beside the given one, created if need be, for an app that must not share its schema."""
    parsed = make_url(url)
    name = f"{parsed.database}_{suffix}"
    engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def demo_app(request, tmp_path_factory, today: date, suffix: str = "", region: bool = False) -> Iterator[Flask]:
    """An app on its own database with the Barking demo loaded as of `today`, on a clock started that morning;
    with `region`, the living region's fictional London inspections too."""
    url = dict(database_urls())[request.param]
    if url is not None and suffix:
        url = sibling_database(url, suffix)
    app = make_app(tmp_path_factory.mktemp(request.param + suffix), url)
    from tracker.demo.services import load_demo

    # No application context is held across the yield: session fixtures are torn down in the order pytest
    # switches parameters, not in the order they were set up, so a context held open here would be popped
    # out of turn by whichever fixture ends first. Each test gets its own context from `rollback`.
    with app.app_context():
        with time_machine.travel(datetime.combine(today, time(9, 0), LONDON), tick=True):
            load_demo(today=today, password="demo-password-for-tests", quiet=True, region=region)
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session", params=[name for name, _ in database_urls()])
def app(request, tmp_path_factory) -> Iterator[Flask]:
    """The app with the Barking demo loaded as of DEMO_TODAY, committed once for the whole session."""
    yield from demo_app(request, tmp_path_factory, DEMO_TODAY)


@pytest.fixture(autouse=True)
def rollback(request) -> Iterator[None]:
    """Run each test inside a transaction that is rolled back, so tests cannot see each other's changes."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        engine = db.engine
        connection = engine.connect()
        outer = connection.begin()
        engines = db._app_engines[app]
        engines[None] = connection
        db.session.remove()
        db.session.configure(join_transaction_mode="create_savepoint")
        # Rolled-back tests reuse data version numbers, so fragments cached by one test must not reach the next.
        app.extensions.pop("tracker_fragments", None)
        try:
            yield
        finally:
            db.session.remove()
            outer.rollback()
            connection.close()
            engines[None] = engine


class PageClient(FlaskClient):
    """A test client that checks what every page owes a user: a title, unique ids, no server error.

    Each request runs in an application context of its own, as in production; otherwise it would share the
    test's context, and with it `g` (the signed-in user) and the database session, with every other request."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        assert response.status_code != 500, response.get_data(as_text=True)[:2000]
        if response.mimetype == "text/html" and response.status_code != 302:
            check_page(response.get_data(as_text=True))
        return response


def check_page(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    title = soup.title.get_text(strip=True) if soup.title else ""
    assert title and not title.startswith("GOV.UK - The best place"), "page has no title of its own"
    ids = [tag["id"] for tag in soup.select("[id]")]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


def sign_in_as(client: FlaskClient, email: str):
    """Sign a test client in without the password round trip (sign-in itself is tested separately)."""
    from tracker.auth.services import find_user

    with client.application.app_context():
        user = find_user(email)
        assert user is not None, email
        user_id, generation = user.id, user.session_generation
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session["session_generation"] = generation
    return client


@pytest.fixture
def as_user(client):
    def sign_in(email: str):
        return sign_in_as(client, email)

    return sign_in


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def date_fields(on: date) -> list[str]:
    """A date as a person types it into the day, month and year boxes."""
    return [str(on.day), str(on.month), str(on.year)]


def long_date(on: date) -> str:
    """A date as pages show it: 15 January 2027."""
    return f"{on.day} {on:%B %Y}"


def text_of(element) -> str:
    return re.sub(r"\s+", " ", element.get_text(" ", strip=True)).strip()


HEAD = "head.bdh@example.org"
DIRECTOR = "london.director@example.org"
HMPPS = "hmpps.lead@example.org"
OWNER = "action.owner@example.org"
VIEWER = "inspector@example.org"
ADMIN = "admin@example.org"
