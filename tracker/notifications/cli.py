"""`flask tracker scheduler`, `flask tracker run-jobs` and `flask tracker send-outbox`."""

import logging
from datetime import date

import click
from flask import current_app

from tracker.jobs import scheduler as process
from tracker.notifications import jobs, services


def echo_outcome(outcome) -> None:
    verb = "would queue" if outcome.dry_run else "queued"
    if outcome.skipped:
        click.echo(f"{outcome.job} ({outcome.as_of}): skipped. {outcome.skipped}")
        return
    click.echo(f"{outcome.job} ({outcome.as_of}): {verb} {len(outcome.queued)} of {outcome.planned} planned")
    for message in outcome.queued:
        click.echo(f"  {message.kind:<17} {message.recipient.email:<32} {message.subject}")


def report_delivery(result) -> None:
    """What this run did and what waits in the outbox; a non-zero exit when mail has failed for good."""
    counts = services.outbox_counts()
    click.echo(
        f"outbox: {result.sent} sent; waiting: {counts['pending']} pending, {counts['retrying']} retrying, "
        f"{counts['failed']} failed"
    )
    for answer in dict.fromkeys(result.failures):
        click.echo(f"failed: {answer}", err=True)
    if result.last_error and not result.failures:
        click.echo(f"last error: {result.last_error}", err=True)
    if result.failed or counts["failed"]:
        raise SystemExit(1)


def register(group: click.Group) -> None:
    @group.command("scheduler")
    def scheduler() -> None:
        """Run the scheduled jobs (reminders, digests, readiness, delivery) until stopped."""
        try:
            level = process.log_level(current_app.config)
        except ValueError as error:
            raise click.ClickException(str(error)) from error
        logging.basicConfig(level=level, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        # Flask types current_app as the Flask app itself, not as the LocalProxy it is
        process.run(current_app._get_current_object())  # type: ignore[attr-defined]

    @group.command("run-jobs")
    @click.option(
        "--as-of",
        "as_of",
        required=True,
        type=click.DateTime(formats=["%Y-%m-%d"]),
        help="Run the jobs due on this day (YYYY-MM-DD) as if it were today.",
    )
    @click.option("--dry-run", is_flag=True, help="Print what would be queued and save nothing.")
    def run_jobs(as_of, dry_run: bool) -> None:
        """Run one day's jobs as of a date, print what they queued, then deliver the outbox."""
        day: date = as_of.date()
        outcomes = jobs.run_day(current_app.config, day, dry_run=dry_run)
        if not outcomes:
            click.echo(f"No jobs are scheduled on {day:%A %d %B %Y}.")
        for outcome in outcomes:
            echo_outcome(outcome)
        if not dry_run:
            services.queue_events()
            report_delivery(services.send_outbox())

    @group.command("send-outbox")
    def send_outbox() -> None:
        """Gather event notifications whose window has closed, then deliver every pending email that is due;
        exits 1 when any email has failed for good."""
        services.queue_events()
        report_delivery(services.send_outbox())
