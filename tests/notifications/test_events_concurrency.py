"""Two senders at once, each with its own engine, gathering the same events: each person is told once.

Like test_concurrency, these workers must see each other's commits, so the test builds a database of its own."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import DIRECTOR, HEAD, OWNER
from tests.notifications.conftest import SCENARIO_DAY, SmtpServer
from tests.notifications.test_concurrency import at_once, two_senders
from tracker.actions import services as actions
from tracker.assurance import services as assurance
from tracker.auth.services import find_user
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.mail.models import EVENTS, SENT, OutboxMessage
from tracker.notifications import services
from tracker.recommendations.models import Recommendation
from tracker.work_events.models import NotificationEvent


def rec(number: int) -> Recommendation:
    return db.session.scalar(select(Recommendation).where(Recommendation.number == number))


def make_events() -> None:
    head = find_user(HEAD)
    assurance.submit_recommendation(head, rec(7))
    for month in ("May", "June", "July"):
        actions.create_action(
            head,
            rec(3),
            f"Audit every case allocated in {month}",
            find_user(OWNER).id,
            SCENARIO_DAY + timedelta(days=40),
        )


def gather_and_send(_app) -> None:
    for _ in range(3):
        services.queue_events(now=utcnow() + timedelta(minutes=11))
        services.send_outbox()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_two_senders_tell_each_person_once(tmp_path, kind):
    server = SmtpServer()
    server.start()
    mail = {"MAIL_BACKEND": "smtp", "MAIL_HOST": "127.0.0.1", "MAIL_PORT": server.port, "MAIL_SECURITY": "none"}
    first, second = two_senders(tmp_path, kind, mail, prepare=make_events)
    try:
        errors = at_once((first, second), gather_and_send)
    finally:
        server.stop()

    assert errors == []
    with first.app_context():
        rows = db.session.execute(
            select(OutboxMessage.to_address, OutboxMessage.status).where(OutboxMessage.kind == EVENTS)
        ).all()
        assert sorted(rows) == sorted([(DIRECTOR, SENT), (OWNER, SENT)])
        assert db.session.scalar(select(NotificationEvent).where(NotificationEvent.message_key.is_(None))) is None
        db.session.remove()
        for app in (first, second):
            with app.app_context():
                db.engine.dispose()
    received = {address: [r.message["Subject"] for r in server.recorder.to(address)] for address in (OWNER, DIRECTOR)}
    assert received == {
        OWNER: ["Barking, Dagenham and Havering PDU: 3 actions assigned to you"],
        DIRECTOR: ["London region: 1 recommendation submitted for your review"],
    }
