"""The scheduler process: APScheduler in its own process, never in a web worker, with the jobs in code and
their times from config. A second one started by mistake is harmless: the outbox decides what is sent."""

import logging
import signal

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from tracker.notifications.jobs import JOBS, LONDON, trigger_for

log = logging.getLogger("tracker.scheduler")


def build_scheduler(app: Flask) -> BlockingScheduler:
    # coalesce: after downtime a missed run happens once, not once per missed slot
    scheduler = BlockingScheduler(timezone=LONDON, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 3600,
    })
    for name, (function, config_key) in JOBS.items():
        scheduler.add_job(function, trigger_for(str(app.config[config_key])), args=[app], id=name, name=name)
    scheduler.add_listener(log_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    return scheduler


def log_event(event) -> None:
    if event.exception is not None:
        log.error("Scheduled job %s failed: %r", event.job_id, event.exception)
    else:
        log.info("Scheduled job %s finished", event.job_id)


def run(app: Flask) -> None:
    scheduler = build_scheduler(app)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    for job in scheduler.get_jobs():
        log.info("Job %s: %s", job.id, job.trigger)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("Scheduler stopped")
