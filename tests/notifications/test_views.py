"""The admin outbox pages, the reminder settings page and the run-jobs command."""

from sqlalchemy import func, select

from tests.conftest import ADMIN, DIRECTOR, HEAD, OWNER, soup_of, text_of
from tests.notifications.conftest import SCENARIO_DAY
from tracker.audit.models import AuditEvent
from tracker.auth.services import find_user
from tracker.extensions import db
from tracker.jobs.models import JobRun
from tracker.mail.models import OutboxMessage
from tracker.notifications import services


def test_admin_sees_the_outbox_and_reads_a_message(app, client, as_user):
    services.queue_reminders(SCENARIO_DAY)
    services.send_outbox()
    as_user(ADMIN)

    page = soup_of(client.get("/admin/outbox"))
    assert text_of(page.h1) == "Outbox"
    rows = page.select("#outbox-messages tbody tr")
    assert len(rows) == 3
    assert any(
        "Barking, Dagenham and Havering PDU: 1 action due in 3 days" in text_of(row) and OWNER in text_of(row)
        for row in rows
    )
    assert "reminders" in text_of(page.select_one("#job-runs tbody"))

    link = next(a for a in page.select("#outbox-messages a") if "due in 3 days" in text_of(a))
    message = soup_of(client.get(link["href"]))
    assert text_of(message.h1) == "Barking, Dagenham and Havering PDU: 1 action due in 3 days"
    assert "Dear Taylor Okafor" in message.select_one("#body-text").get_text()
    html_link = next(a for a in message.select("a") if text_of(a) == "Open the HTML version")
    html = client.get(html_link["href"])
    assert html.status_code == 200 and '<th scope="col">Action</th>' in html.get_data(as_text=True)
    policy = html.headers["Content-Security-Policy"]
    assert policy.startswith("sandbox;") and "script-src" not in policy and "'unsafe-inline'" in policy
    assert "sandbox" not in client.get("/admin/outbox").headers["Content-Security-Policy"]


def test_outbox_filters_by_status(app, client, as_user):
    services.queue_reminders(SCENARIO_DAY)
    as_user(ADMIN)

    assert len(soup_of(client.get("/admin/outbox?status=pending")).select("#outbox-messages tbody tr a")) == 3
    assert soup_of(client.get("/admin/outbox?status=sent")).select("#outbox-messages tbody tr a") == []
    assert client.get("/admin/outbox?status=nonsense").status_code == 404


def test_a_failing_job_is_shown_on_the_admin_page(app, client, as_user, monkeypatch):
    def broken(as_of):
        raise RuntimeError("reminder rules exploded")

    monkeypatch.setitem(services.PLANNERS, "reminders", broken)
    try:
        services.queue_reminders(SCENARIO_DAY)
    except RuntimeError:
        pass
    else:
        raise AssertionError("the job's error was swallowed")
    as_user(ADMIN)

    page = soup_of(client.get("/admin/outbox"))
    assert "1 recent job run failed" in text_of(page.select_one(".govuk-warning-text"))
    assert "reminder rules exploded" in text_of(page.select_one("#job-runs"))


def test_non_admins_get_403(app, client, as_user):
    services.queue_reminders(SCENARIO_DAY)
    message_id = db.session.scalar(select(OutboxMessage.id))
    for email in (HEAD, DIRECTOR, OWNER):
        as_user(email)
        assert client.get("/admin/outbox").status_code == 403
        assert client.get(f"/admin/outbox/{message_id}").status_code == 403
        assert client.post(f"/admin/outbox/{message_id}/retry").status_code == 403


def test_preferences_page_saves_and_audits(app, client, as_user):
    as_user(OWNER)
    page = soup_of(client.get("/account/notifications"))
    assert text_of(page.h1) == "Reminder emails"
    assert page.select_one("input[name=preference][value=immediate]").has_attr("checked")

    response = client.post("/account/notifications", data={"preference": "weekly", "events": "immediate"})
    assert response.status_code == 302
    after = soup_of(client.get(response.location))
    assert after.select_one("input[name=preference][value=weekly]").has_attr("checked")
    assert find_user(OWNER).reminder_preference == "weekly"
    event = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "user", AuditEvent.verb == "update")
        .order_by(AuditEvent.id.desc())
    )
    assert event.after == {"reminder_preference": "weekly"} and event.actor_id == find_user(OWNER).id


def test_preferences_page_needs_a_choice(app, client, as_user):
    as_user(OWNER)
    page = soup_of(client.post("/account/notifications", data={"preference": "hourly"}))
    assert "Not a valid choice" in text_of(page.select_one(".govuk-error-summary"))
    assert find_user(OWNER).reminder_preference == "immediate"


def test_preferences_need_sign_in(app, client):
    response = client.get("/account/notifications")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_run_jobs_dry_run_saves_nothing(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tracker", "run-jobs", "--as-of", "2026-11-26", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "reminders (2026-11-26): would queue 3 of 3 planned" in result.output
    assert "Barking, Dagenham and Havering PDU: 1 action due in 3 days" in result.output
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert db.session.scalar(select(func.count(JobRun.id))) == 0


def test_run_jobs_queues_and_delivers(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tracker", "run-jobs", "--as-of", "2026-11-26"])
    again = runner.invoke(args=["tracker", "run-jobs", "--as-of", "2026-11-26"])

    assert "reminders (2026-11-26): queued 3 of 3 planned" in result.output
    assert "outbox: 3 sent; waiting: 0 pending, 0 retrying, 0 failed" in result.output
    assert "queued 0 of 3 planned" in again.output
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 3
