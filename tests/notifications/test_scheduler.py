"""The scheduler's triggers: London time on both sides of the clock changes, and the jobs it registers."""

from datetime import UTC, date, datetime

import pytest

from tracker.jobs.schedule import fires_on, trigger_for
from tracker.jobs.scheduler import build_scheduler
from tracker.notifications.jobs import JOBS, jobs_on

SEVEN_AM = "0 7 * * mon-fri"


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # British Summer Time starts on Sunday 29 March 2026: 07:00 in London is 06:00 UTC from Monday
        (datetime(2026, 3, 27, 8, 0, tzinfo=UTC), datetime(2026, 3, 30, 6, 0, tzinfo=UTC)),
        (datetime(2026, 3, 26, 8, 0, tzinfo=UTC), datetime(2026, 3, 27, 7, 0, tzinfo=UTC)),
        # and ends on Sunday 25 October 2026: back to 07:00 UTC from Monday
        (datetime(2026, 10, 23, 8, 0, tzinfo=UTC), datetime(2026, 10, 26, 7, 0, tzinfo=UTC)),
        (datetime(2026, 10, 22, 8, 0, tzinfo=UTC), datetime(2026, 10, 23, 6, 0, tzinfo=UTC)),
    ],
)
def test_seven_am_london_on_both_sides_of_the_clock_change(after, expected):
    fire = trigger_for(SEVEN_AM).get_next_fire_time(None, after)
    assert fire.astimezone(UTC) == expected
    assert (fire.hour, fire.minute) == (7, 0)


def test_scheduler_registers_every_job_from_config(app):
    scheduler = build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}

    assert set(jobs) == set(JOBS)
    monday = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    assert jobs["reminders"].trigger.get_next_fire_time(None, monday).astimezone(UTC) == datetime(
        2026, 11, 30, 7, 0, tzinfo=UTC
    )
    assert jobs["housekeeping"].trigger.get_next_fire_time(None, monday).astimezone(UTC) == datetime(
        2026, 11, 30, 3, 0, tzinfo=UTC
    )


def test_which_jobs_a_day_runs(app):
    assert jobs_on(app.config, date(2026, 11, 30)) == ["reminders"]
    assert jobs_on(app.config, date(2026, 11, 26)) == ["reminders"]
    assert jobs_on(app.config, date(2026, 11, 28)) == []
    assert fires_on("0 8 * * mon", date(2026, 11, 30)) and not fires_on("0 8 * * mon", date(2026, 12, 1))


def test_a_scheduler_log_level_it_does_not_know_is_refused_with_the_ones_it_does(app, monkeypatch):
    monkeypatch.setitem(app.config, "SCHEDULER_LOG_LEVEL", "loud")
    result = app.test_cli_runner().invoke(args=["tracker", "scheduler"])
    assert result.exit_code == 1
    assert "[scheduler] log_level must be one of debug, info, warning, error, not 'loud'" in result.output
