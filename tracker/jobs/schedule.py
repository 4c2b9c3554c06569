"""When the jobs run: cron expressions read in London time, and the table of jobs the app factory hands over."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from flask import Flask

LONDON = ZoneInfo("Europe/London")


def init_app(app: Flask, jobs: dict) -> None:
    """`jobs`: job name → (entry point taking the app, the config key holding its cron expression)."""
    app.extensions["tracker_jobs"] = jobs


def jobs_of(app: Flask) -> dict:
    return app.extensions["tracker_jobs"]


def trigger_for(expression: str) -> CronTrigger:
    """Cron in London time, so 07:00 stays 07:00 for people on both sides of a clock change."""
    return CronTrigger.from_crontab(expression, timezone=LONDON)


def fires_on(expression: str, day: date) -> bool:
    start = datetime.combine(day, time(0, 0), tzinfo=LONDON)
    next_fire = trigger_for(expression).get_next_fire_time(None, start)
    return next_fire is not None and next_fire < datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=LONDON)
