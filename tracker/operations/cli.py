"""`flask tracker status`: the scheduler's last and next runs and the outbox backlog, for operators."""

import click

from tracker.operations import services


def when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "never"


def register(group: click.Group) -> None:
    @group.command("status")
    def status() -> None:
        """Print each scheduled job's last run and next run, the outbox backlog and failed messages."""
        health = services.check_health()
        click.echo(f"database: {health.database}, migrations: {health.migrations}")
        summary = services.service_status()
        click.echo(f"{'job':<14} {'last run':<22} {'result':<10} next run")
        for job in summary.jobs:
            beat = job.heartbeat
            last = when(beat.last_started_at if beat else None)
            result = (beat.last_status if beat else "") or "not run"
            click.echo(f"{job.job:<14} {last:<22} {result:<10} {when(job.next_run_at)}")
        oldest = f" (oldest queued {when(summary.oldest_waiting_at)})" if summary.oldest_waiting_at else ""
        click.echo(f"outbox: {summary.outbox_backlog} waiting{oldest}, {summary.failed_messages} failed")
