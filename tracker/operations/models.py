"""One heartbeat row per scheduled job, written by the scheduler process each time the job runs."""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db_types import UTCDateTime, utcnow
from tracker.extensions import db

SUCCEEDED = "succeeded"
FAILED = "failed"
MISSED = "missed"


class JobHeartbeat(db.Model):
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
