"""The scheduler's heartbeat, and the status administrators read on /admin/status and from `tracker status`."""

from datetime import UTC, datetime, timedelta

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_SUBMITTED,
    EVENT_SCHEDULER_START,
    JobExecutionEvent,
    JobSubmissionEvent,
    SchedulerEvent,
)

from tests.conftest import ADMIN, soup_of, text_of
from tracker.cli import tracker_cli
from tracker.extensions import db
from tracker.jobs.models import JobHeartbeat
from tracker.jobs.scheduler import build_scheduler, write_heartbeat
from tracker.mail.models import FAILED, PENDING, OutboxMessage
from tracker.notifications.jobs import JOBS

RUN_AT = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)


def queue_message(key: str, status: str) -> None:
    db.session.add(
        OutboxMessage(
            key=key,
            kind="reminders",
            to_address="a@example.org",
            to_name="A",
            subject="s",
            body_text="t",
            body_html="<p>t</p>",
            status=status,
        )
    )
    db.session.commit()


def run_jobs_through_the_listener(app):
    """The events APScheduler sends when it starts, then when reminders succeeds and send_outbox fails."""
    scheduler = build_scheduler(app)
    write_heartbeat(app, scheduler, SchedulerEvent(EVENT_SCHEDULER_START))
    write_heartbeat(app, scheduler, JobSubmissionEvent(EVENT_JOB_SUBMITTED, "reminders", "default", [RUN_AT]))
    write_heartbeat(app, scheduler, JobExecutionEvent(EVENT_JOB_EXECUTED, "reminders", "default", RUN_AT))
    write_heartbeat(app, scheduler, JobSubmissionEvent(EVENT_JOB_SUBMITTED, "send_outbox", "default", [RUN_AT]))
    write_heartbeat(
        app,
        scheduler,
        JobExecutionEvent(
            EVENT_JOB_ERROR, "send_outbox", "default", RUN_AT, exception=ConnectionRefusedError("mail server down")
        ),
    )


def test_each_run_writes_a_heartbeat(app):
    run_jobs_through_the_listener(app)
    beats = {b.job: b for b in db.session.query(JobHeartbeat)}
    assert set(beats) == set(JOBS), "starting the scheduler writes every job's next run"
    assert beats["reminders"].last_status == "succeeded" and beats["reminders"].last_finished_at is not None
    assert beats["send_outbox"].last_status == "failed" and "mail server down" in beats["send_outbox"].last_error
    assert beats["housekeeping"].last_started_at is None and beats["housekeeping"].next_run_at is not None
    assert all(b.next_run_at > datetime.now(UTC) - timedelta(minutes=1) for b in beats.values())


def test_the_status_page_shows_runs_and_the_outbox(app, as_user):
    run_jobs_through_the_listener(app)
    queue_message("status-test:1", PENDING)
    queue_message("status-test:2", FAILED)
    page = soup_of(as_user(ADMIN).get("/admin/status"))
    assert text_of(page.h1) == "Service status"
    rows = {text_of(r.th): [text_of(c) for c in r.select("td")] for r in page.select("#jobs tbody tr")}
    assert list(rows) == list(JOBS)
    assert rows["reminders"][1] == "Succeeded"
    assert rows["send_outbox"][1].startswith("Failed") and "mail server down" in rows["send_outbox"][1]
    assert rows["housekeeping"][:2] == ["Never", "Not run yet"] and rows["housekeeping"][2] != "Never"
    summary = [text_of(dd) for dd in page.select("#outbox-summary dd")]
    assert summary[0].startswith("1 (oldest queued") and summary[1] == "1"


def test_the_admin_index_links_to_the_status_page(as_user):
    links = [a["href"] for a in soup_of(as_user(ADMIN).get("/admin")).select("main a")]
    assert "/admin/status" in links


def test_tracker_status_prints_the_same(app):
    run_jobs_through_the_listener(app)
    queue_message("status-test:3", FAILED)
    result = app.test_cli_runner().invoke(tracker_cli, ["status"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "database: ok, migrations: current"
    assert any(line.startswith("reminders") and "succeeded" in line for line in lines)
    assert any(line.startswith("housekeeping") and "never" in line and "not run" in line for line in lines)
    assert lines[-1] == "outbox: 0 waiting, 1 failed"
