"""The scheduled jobs: thin wrappers that run a use case in an app context (the mail jobs then deliver the
outbox)."""

from datetime import date

from flask import Flask

from tracker.form_tokens.services import discard_old_tokens
from tracker.importer.drafts import discard_unsaved_drafts
from tracker.jobs.schedule import fires_on
from tracker.notifications import services


def reminders_job(app: Flask) -> None:
    with app.app_context():
        services.queue_reminders(services.london_today())
        services.send_outbox()


def send_outbox_job(app: Flask) -> None:
    """Every few minutes: gather the events whose window has closed into one message a person, then deliver."""
    with app.app_context():
        services.queue_events()
        services.send_outbox()


def housekeeping_job(app: Flask) -> None:
    with app.app_context():
        discarded = discard_unsaved_drafts()
        app.logger.info("Housekeeping: discarded %d unsaved report uploads", discarded)
        forgotten = discard_old_tokens()
        app.logger.info("Housekeeping: forgot %d form submission tokens over a week old", forgotten)


#: job name → (entry point, the config key holding its cron expression)
JOBS = {
    "reminders": (reminders_job, "SCHEDULER_REMINDERS_CRON"),
    "send_outbox": (send_outbox_job, "SCHEDULER_SEND_OUTBOX_CRON"),
    "housekeeping": (housekeeping_job, "SCHEDULER_HOUSEKEEPING_CRON"),
}
#: the jobs that queue mail, in the order a day runs them
QUEUE_JOBS = {"reminders": services.queue_reminders}


def jobs_on(config, day: date) -> list[str]:
    return [name for name in QUEUE_JOBS if fires_on(str(config[JOBS[name][1]]), day)]


def run_day(config, day: date, dry_run: bool = False) -> list[services.JobOutcome]:
    """Every mail-queuing job whose schedule fires on `day`, as of that day (the command-line run-jobs)."""
    return [QUEUE_JOBS[name](day, dry_run=dry_run) for name in jobs_on(config, day)]
