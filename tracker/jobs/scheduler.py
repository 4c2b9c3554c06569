"""The scheduler process: APScheduler in its own process, never in a web worker, with the jobs in code and
their times from config. A second one started by mistake is harmless: the outbox decides what is sent."""

import logging
import signal

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    EVENT_SCHEDULER_START,
)
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from tracker.db_types import utcnow
from tracker.jobs.heartbeats import record_heartbeat
from tracker.jobs.models import FAILED, MISSED, SUCCEEDED
from tracker.jobs.schedule import LONDON, jobs_of, trigger_for

log = logging.getLogger("tracker.scheduler")

#: the levels [scheduler] log_level may name, quietest last
LOG_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


def log_level(config) -> int:
    """[scheduler] log_level: "info" says when each job runs; `make run` sets "warning", so that only what needs
    attention reaches its console."""
    name = str(config.get("SCHEDULER_LOG_LEVEL") or "info").lower()
    if name not in LOG_LEVELS:
        raise ValueError(f"[scheduler] log_level must be one of {', '.join(LOG_LEVELS)}, not {name!r}")
    return LOG_LEVELS[name]


def build_scheduler(app: Flask) -> BlockingScheduler:
    # coalesce: after downtime a missed run happens once, not once per missed slot
    scheduler = BlockingScheduler(
        timezone=LONDON,
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": 3600,
        },
    )
    for name, (function, config_key) in jobs_of(app).items():
        scheduler.add_job(function, trigger_for(str(app.config[config_key])), args=[app], id=name, name=name)
    scheduler.add_listener(log_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.add_listener(
        lambda event: write_heartbeat(app, scheduler, event),
        EVENT_SCHEDULER_START | EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED,
    )
    return scheduler


def log_event(event) -> None:
    if event.exception is not None:
        log.error("Scheduled job %s failed: %r", event.job_id, event.exception)
    else:
        log.info("Scheduled job %s finished", event.job_id)


def heartbeat_fields(event) -> dict:
    """What the event says about its job's last run, in the heartbeat's terms."""
    now = utcnow()
    if event.code == EVENT_JOB_SUBMITTED:
        return {"last_started_at": now}
    if event.code == EVENT_JOB_MISSED:
        return {"last_status": MISSED, "last_error": None}
    failed = event.exception is not None
    return {
        "last_finished_at": now,
        "last_status": FAILED if failed else SUCCEEDED,
        "last_error": repr(event.exception) if failed else None,
    }


def next_run_of(job):
    """The scheduler's own next run time; a job not yet added to a running scheduler has none, so its trigger's."""
    return getattr(job, "next_run_time", None) or job.trigger.get_next_fire_time(None, utcnow())


def write_heartbeat(app: Flask, scheduler, event) -> None:
    """Every job's next run when the scheduler starts, then each run's start and end as they happen, so the
    status page and `tracker status` show a scheduler that has stopped."""
    with app.app_context():
        try:
            if event.code == EVENT_SCHEDULER_START:
                for job in scheduler.get_jobs():
                    record_heartbeat(job.id, next_run_at=next_run_of(job))
                return
            job = scheduler.get_job(event.job_id)
            record_heartbeat(event.job_id, next_run_at=next_run_of(job) if job else None, **heartbeat_fields(event))
        except Exception:
            # The heartbeat must never stop the jobs it reports on.
            log.exception("Could not write the heartbeat of %s", getattr(event, "job_id", "the scheduler"))


def run(app: Flask) -> None:
    scheduler = build_scheduler(app)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    for job in scheduler.get_jobs():
        log.info("Job %s: %s", job.id, job.trigger)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("Scheduler stopped")
