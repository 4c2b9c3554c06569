"""A record of each scheduled job run, and one heartbeat row per job written by the scheduler process."""

from datetime import date, datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db_types import UTCDateTime, utcnow
from tracker.extensions import Model

RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"
#: a run that failed (the word a heartbeat uses too)
JOB_FAILED = FAILED
SKIPPED = "skipped"


MISSED = "missed"


class JobRun(Model):
    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: reminders, digest, readiness or send_outbox
    job: Mapped[str] = mapped_column(String(50), index=True)
    #: the calendar day (Europe/London) the job ran for
    as_of: Mapped[date]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: running, succeeded, skipped or failed
    status: Mapped[str] = mapped_column(String(20), default=RUNNING)
    queued_count: Mapped[int] = mapped_column(default=0)
    sent_count: Mapped[int] = mapped_column(default=0)
    failed_count: Mapped[int] = mapped_column(default=0)
    #: why a run was skipped, or other facts about it a person may want
    note: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str | None] = mapped_column(Text)
    #: counts by kind of item, e.g. {"overdue": 3}
    counts: Mapped[dict | None] = mapped_column(JSON)


class JobHeartbeat(Model):
    __tablename__ = "job_heartbeats"

    #: the scheduler's job id: reminders, digest, readiness, send_outbox or housekeeping
    job: Mapped[str] = mapped_column(String(50), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: succeeded, failed or missed; empty until the job first runs
    last_status: Mapped[str] = mapped_column(String(20), default="")
    last_error: Mapped[str | None] = mapped_column(Text)
    #: when the scheduler will next run the job, as it said after the last run
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the last time the scheduler process wrote this row: a scheduler that stopped shows as silent
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
