"""Fixtures for the notification tests: a real SMTP server in the test process, and helpers to run a day.

The reminder and digest tests are scenarios written for the demo as it stands on one declared day, Thursday
26 November 2026: which action falls due on which weekday, the weekend, Christmas and the Monday digests. They run
on that day whatever TEST_TODAY says, on an app of their own; tests/calendar/ checks the rules that must hold on any
day, and the date matrix runs those on many."""

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

import pytest
import time_machine
from aiosmtpd.controller import Controller
from flask import Flask

from tests.conftest import database_urls, demo_app
from tracker.db_types import LONDON
from tracker.extensions import db

#: the day the notification scenarios are written for (a Thursday, four weeks before Christmas)
SCENARIO_DAY = date(2026, 11, 26)


@pytest.fixture(scope="session", params=[name for name, _ in database_urls()])
def app(request, tmp_path_factory) -> Iterator[Flask]:
    """The demo as of SCENARIO_DAY, on its own database, for every test in this folder."""
    yield from demo_app(request, tmp_path_factory, SCENARIO_DAY, suffix="scenario")


@pytest.fixture(autouse=True)
def scenario_clock() -> Iterator[None]:
    with time_machine.travel(datetime.combine(SCENARIO_DAY, time(9, 0), LONDON), tick=True):
        yield


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    to: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content().replace("\r\n", "\n")

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


class Recorder:
    """An aiosmtpd handler that keeps every message; `refuse` makes it reject recipients with a 550,
    `defer` with a 451 (try again later)."""

    def __init__(self):
        self.received: list[Received] = []
        self.refuse: set[str] = set()
        self.defer: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        if address in self.defer:
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.to]


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.recorder = Recorder()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def use_smtp(monkeypatch, app, port: int) -> None:
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_SECURITY", "none")
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 5)


@pytest.fixture
def smtp(app, smtp_server, monkeypatch) -> Recorder:
    """The app sending over SMTP to the test server; returns what the server received."""
    use_smtp(monkeypatch, app, smtp_server.port)
    return smtp_server.recorder


def run_day(app, day: date):
    """Run that day's scheduled jobs as of the day, then deliver the outbox, as the run-jobs command does."""
    from tracker.notifications import jobs, services

    outcomes = jobs.run_day(app.config, day)
    services.send_outbox()
    return outcomes


def set_preference(email_address: str, preference: str) -> None:
    from tracker.auth.services import find_user

    find_user(email_address).reminder_preference = preference
    db.session.commit()
