"""Test fixtures: one app per database (SQLite always, PostgreSQL when TEST_DATABASE_URL is set), the schema
built by running the migrations once and copying the result, the Barking demo loaded once, and each test rolled
back at its end.

Under pytest-xdist (`make test` runs one worker per core) each worker has a PostgreSQL database of its own:
TEST_DATABASE_URL is pointed at `<database>_<worker>` (or `<database>_<TEST_RUN>_<worker>`) before any test reads
it, so every sibling database and schema a test makes is the worker's own too.

The whole suite runs on a declared clock: it starts at 09:00 London time on DEMO_TODAY and ticks on from there, so
the demo data and the code under test see the same "today" whatever the real date. TEST_TODAY moves that
day (the date matrix in `.ci/run` runs the date-sensitive tests on several days with it)."""

import atexit
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
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


#: the cheap password hash the suite signs in with; production refuses anything but scrypt (tracker.config)
TEST_PASSWORD_HASH = "pbkdf2:sha256:1"


def pytest_configure(config) -> None:
    """Give this process a PostgreSQL database of its own: one per xdist worker, and one per TEST_RUN (the name
    `.ci/run` gives each of its stages, which run at the same time against one server)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker and getattr(config.option, "numprocesses", None):
        return  # xdist's controller runs no test; its workers, started from it, each take their own
    url = os.environ.get("TEST_DATABASE_URL")
    suffix = "_".join(part for part in (os.environ.get("TEST_RUN"), worker) if part)
    if url and suffix:
        os.environ["TEST_DATABASE_URL"] = sibling_database(url, suffix)


@pytest.fixture(scope="session", autouse=True)
def declared_clock() -> Iterator[None]:
    """Every test, and the demo it runs on, sees DEMO_TODAY as today: no test reads the real date."""
    with time_machine.travel(DEMO_START, tick=True):
        yield


def database_urls() -> list[tuple[str, str | None]]:
    """SQLite, and PostgreSQL when TEST_DATABASE_URL is set; TEST_DATABASES ("sqlite" or "postgresql") keeps one
    of them (scripts/date-matrix runs each day on one)."""
    urls: list[tuple[str, str | None]] = [("sqlite", None)]
    if os.environ.get("TEST_DATABASE_URL"):
        urls.append(("postgresql", os.environ["TEST_DATABASE_URL"]))
    chosen = os.environ.get("TEST_DATABASES")
    if chosen:
        urls = [(name, url) for name, url in urls if name in chosen.split(",")]
        if not urls:
            raise pytest.UsageError(f"TEST_DATABASES={chosen} names no database this run has")
    return urls


#: migrated once per process, then copied for every app a test builds: {"sqlite": path, "postgresql": name}
_templates: dict[str, str] = {}


def migrated(url: str) -> None:
    """Run the migrations on an empty database."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "MAIL_BACKEND": "sink"})
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()


def sqlite_template() -> Path:
    if "sqlite" not in _templates:
        folder = tempfile.mkdtemp(prefix="tracker-template-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = Path(folder) / "migrated.sqlite"
        migrated(f"sqlite:///{path}")
        _templates["sqlite"] = str(path)
    return Path(_templates["sqlite"])


def server_engine(url: str):
    """An engine on the server's `postgres` database, for creating and dropping others."""
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def postgres_template(url: str) -> str:
    """The name of a migrated database to copy, made once per process beside TEST_DATABASE_URL's."""
    if "postgresql" not in _templates:
        parsed = make_url(os.environ.get("TEST_DATABASE_URL") or url)
        name = f"{parsed.database}_migrated"
        engine = server_engine(url)
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        migrated(parsed.set(database=name).render_as_string(hide_password=False))
        _templates["postgresql"] = name
    return _templates["postgresql"]


def reset_postgres(url: str) -> None:
    """Replace the database with a copy of the migrated template (much quicker than migrating again)."""
    template = postgres_template(url)
    name = make_url(url).database
    engine = server_engine(url)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    engine.dispose()


def make_app(tmp_path: Path, url: str | None, **overrides) -> Flask:
    """An app on a freshly migrated database: an SQLite file in `tmp_path` (kept if it exists already), or the
    PostgreSQL database at `url`, replaced."""
    if url is None:
        path = tmp_path / "test.sqlite"
        if not path.exists():
            shutil.copyfile(sqlite_template(), path)
        url = f"sqlite:///{path}"
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
        "SECURITY_PASSWORD_HASH": TEST_PASSWORD_HASH,
        # The scenarios are Barking's: `flask tracker demo` here adds no fictional PDUs (tests/region has them)
        "DEMO_LIVING_REGION": False,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = PageClient
    return app


def sibling_database(url: str, suffix: str) -> str:
    """A PostgreSQL database beside the given one, created if need be, for an app that must not share its schema."""
    parsed = make_url(url)
    name = f"{parsed.database}_{suffix}"
    engine = server_engine(url)
    with engine.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def demo_app(
    request,
    tmp_path_factory,
    today: date,
    suffix: str = "",
    region: bool = False,
    national: dict | None = None,
    prepare: Callable[[], None] | None = None,
) -> Iterator[Flask]:
    """An app on its own database with the Barking demo loaded as of `today`, on a clock started that morning;
    with `region`, the living region's fictional London inspections too; with `national`, the national data of
    those sizes (load_national's arguments); then `prepare`, if given, is called in the app's context."""
    database = getattr(request, "param", None) or request.getfixturevalue("database")
    url = dict(database_urls())[database]
    if url is not None and suffix:
        url = sibling_database(url, suffix)
    app = make_app(tmp_path_factory.mktemp(database + suffix), url)
    from tracker.demo.national import load_national
    from tracker.demo.services import load_demo

    # No application context is held across the yield: session fixtures are torn down in the order pytest
    # switches parameters, not in the order they were set up, so a context held open here would be popped
    # out of turn by whichever fixture ends first. Each test gets its own context from `rollback`.
    with app.app_context():
        with time_machine.travel(datetime.combine(today, time(9, 0), LONDON), tick=True):
            load_demo(today=today, password="demo-password-for-tests", quiet=True, region=region)
            if national is not None:
                load_national(today, **national)
            if prepare is not None:
                prepare()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session", params=[name for name, _ in database_urls()])
def app(request, tmp_path_factory) -> Iterator[Flask]:
    """The app with the Barking demo loaded as of DEMO_TODAY, committed once for the whole session."""
    yield from demo_app(request, tmp_path_factory, DEMO_TODAY)


@pytest.fixture(scope="session")
def database(app) -> str:
    """The name of the database `app` runs on ("sqlite" or "postgresql"): fixtures that build an app of their own
    from it run once per database and keep the test ids `app` gives."""
    return app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0].split("+")[0]


#: the apps with national data loaded that a test may take in place of `app`, with the sizes each loads
NATIONAL_APPS = {
    # four PDUs a region, two inspections each: lists that page, and counts that must not grow with the data
    "national_app": {"pdus_per_region": 4, "inspections_per_pdu": 2, "updates_per_action": 2},
    # every PDU with one inspection: the dashboards' rows for all 111
    "every_pdu_app": {"inspections_per_pdu": 1, "updates_per_action": 1},
}


@pytest.fixture(scope="session")
def national_app(request, tmp_path_factory, database) -> Iterator[Flask]:
    """The Barking demo and national data (NATIONAL_APPS) on a database of their own, loaded and committed once per
    worker and database; each test on it still runs in a transaction that is rolled back."""
    yield from demo_app(
        request, tmp_path_factory, DEMO_TODAY, suffix="national", national=NATIONAL_APPS["national_app"]
    )


@pytest.fixture(scope="session")
def every_pdu_app(request, tmp_path_factory, database) -> Iterator[Flask]:
    """As national_app, with every PDU (NATIONAL_APPS)."""
    yield from demo_app(
        request, tmp_path_factory, DEMO_TODAY, suffix="every_pdu", national=NATIONAL_APPS["every_pdu_app"]
    )


def app_of(request) -> Flask:
    """The app a test runs against: a national one when it takes one, otherwise `app`."""
    for name in NATIONAL_APPS:
        if name in request.fixturenames:
            return request.getfixturevalue(name)
    return request.getfixturevalue("app")


@pytest.fixture(autouse=True)
def rollback(request) -> Iterator[None]:
    """Run each test inside a transaction that is rolled back, so tests cannot see each other's changes."""
    if "app" not in request.fixturenames:
        yield
        return
    app = app_of(request)
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
    soup = BeautifulSoup(html, "lxml")
    title = soup.title.get_text(strip=True) if soup.title else ""
    assert title and not title.startswith("GOV.UK - The best place"), "page has no title of its own"
    ids = [tag["id"] for tag in soup.select("[id]")]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"


@pytest.fixture
def client(request, app) -> FlaskClient:
    return app_of(request).test_client()


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
    return BeautifulSoup(response.get_data(as_text=True), "lxml")


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
