"""GOV.UK Notify as the mail backend, against a local server that speaks Notify's API: every message goes once
through the one template, a 400 or 403 fails that message for good (and shows on the admin page with Notify's
answer), and a 429, a 500 or no answer at all is retried with backoff until it goes."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, HEAD, OWNER, soup_of
from tests.notifications.conftest import SCENARIO_DAY, run_day
from tests.notifications.notify_server import API_KEY, SECRET, SERVICE_ID, TEMPLATE_ID, NotifyServer
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.mail.models import FAILED, PENDING, SENT, OutboxMessage
from tracker.notifications import services


@pytest.fixture
def notify(app, monkeypatch):
    server = NotifyServer()
    server.start()
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "notify")
    monkeypatch.setitem(app.config, "MAIL_NOTIFY_API_KEY", API_KEY)
    monkeypatch.setitem(app.config, "MAIL_NOTIFY_TEMPLATE_ID", TEMPLATE_ID)
    monkeypatch.setitem(app.config, "MAIL_NOTIFY_BASE_URL", server.base_url)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 5)
    yield server
    server.stop()


def messages() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def message_to(address: str) -> OutboxMessage:
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == address))


def test_each_message_goes_once_through_the_template(app, notify):
    run_day(app, SCENARIO_DAY)
    run_day(app, SCENARIO_DAY)
    queued = messages()
    assert len(queued) > 2
    assert [s.email_address for s in notify.state.sent] == [m.to_address for m in queued]
    for sent, message in zip(notify.state.sent, queued, strict=True):
        assert sent.subject == message.subject
        assert sent.body == message.body_text
        assert sent.reference == f"outbox-{message.id}@example.org"
        assert (message.status, message.sent_via) == (SENT, "notify")


def test_a_400_fails_that_message_alone_and_shows_notifys_answer(app, notify, as_user):
    notify.state.answer_for[HEAD] = 400
    run_day(app, SCENARIO_DAY)
    db.session.expire_all()
    failed = message_to(HEAD)
    assert failed.status == FAILED
    assert failed.last_error.endswith(
        "GOV.UK Notify answered 400: BadRequestError: Can't send to this recipient using a team-only API key"
    )
    assert all(m.status == SENT for m in messages() if m.to_address != HEAD and m.kind != "mail_alert")
    assert OWNER in [s.email_address for s in notify.state.sent]

    page = as_user(ADMIN).get("/admin/outbox?status=failed")
    rows = [row.get_text(" ", strip=True) for row in soup_of(page).select("tbody tr")]
    assert any(HEAD in row for row in rows)
    detail = as_user(ADMIN).get(f"/admin/outbox/{failed.id}")
    assert "Can't send to this recipient using a team-only API key" in soup_of(detail).get_text()


def test_a_wrong_api_key_is_a_403_and_final(app, notify, monkeypatch):
    wrong = f"tracker_test-{SERVICE_ID}-{SECRET[:-4]}0000"
    monkeypatch.setitem(app.config, "MAIL_NOTIFY_API_KEY", wrong)
    run_day(app, SCENARIO_DAY)
    db.session.expire_all()
    assert notify.state.sent == []
    assert {m.status for m in messages()} == {FAILED}
    assert "GOV.UK Notify answered 403: AuthError: Invalid token: API key not found" in message_to(HEAD).last_error


@pytest.mark.parametrize("status", [429, 500])
def test_rate_limits_and_server_errors_are_retried_until_they_go_once(app, notify, status):
    notify.state.next_answers = [status, status]
    run_day(app, SCENARIO_DAY)
    db.session.expire_all()
    waiting = messages()
    assert len(notify.state.sent) == 0
    # the first refusal stops the batch: the rest wait for the backoff without being tried
    assert notify.state.requests == 1
    assert {m.status for m in waiting} == {PENDING}
    assert f"GOV.UK Notify answered {status}" in waiting[0].last_error

    services.send_outbox(now=utcnow() + timedelta(minutes=2))
    db.session.expire_all()
    assert len(notify.state.sent) == 0
    services.send_outbox(now=utcnow() + timedelta(minutes=10))
    services.send_outbox(now=utcnow() + timedelta(minutes=20))
    db.session.expire_all()
    assert {m.status for m in messages()} == {SENT}
    assert sorted(s.email_address for s in notify.state.sent) == sorted(m.to_address for m in waiting)


def test_no_answer_at_all_is_retried(app, notify):
    notify.stop()
    run_day(app, SCENARIO_DAY)
    db.session.expire_all()
    assert {m.status for m in messages()} == {PENDING}
    assert "GOV.UK Notify answered 503" in messages()[0].last_error
