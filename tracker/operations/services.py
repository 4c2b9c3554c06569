"""The health check (database answers, schema at the migrations' head), the heartbeat the scheduler writes, and
the status summary shown to administrators and by `tracker status`."""

from dataclasses import dataclass
from datetime import datetime

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.jobs.models import JobHeartbeat
from tracker.jobs.schedule import jobs_of, trigger_for
from tracker.mail.models import FAILED, PENDING, SENDING, OutboxMessage


@dataclass
class Health:
    database: str
    migrations: str

    @property
    def is_healthy(self) -> bool:
        return self.database == "ok" and self.migrations == "current"


def migration_heads() -> set[str]:
    """The heads in migrations/, read once per process: they change only with a new release."""
    heads = current_app.extensions.get("tracker_migration_heads")
    if heads is None:
        heads = set(ScriptDirectory(current_app.extensions["migrate"].directory).get_heads())
        current_app.extensions["tracker_migration_heads"] = heads
    return heads


def check_health() -> Health:
    try:
        db.session.execute(text("SELECT 1"))
        current = set(MigrationContext.configure(db.session.connection()).get_current_heads())
    except SQLAlchemyError:
        db.session.rollback()
        return Health(database="unreachable", migrations="unknown")
    finally:
        db.session.rollback()
    return Health(database="ok", migrations="current" if current == migration_heads() else "pending")


@dataclass
class JobStatus:
    job: str
    heartbeat: JobHeartbeat | None
    next_run_at: datetime | None


@dataclass
class ServiceStatus:
    jobs: list[JobStatus]
    outbox_backlog: int
    oldest_waiting_at: datetime | None
    failed_messages: int


def next_run(job: str, heartbeat: JobHeartbeat | None, now: datetime) -> datetime | None:
    """What the scheduler said, while still ahead; otherwise the next time the configured schedule fires."""
    if heartbeat is not None and heartbeat.next_run_at is not None and heartbeat.next_run_at > now:
        return heartbeat.next_run_at
    return trigger_for(str(current_app.config[jobs_of(current_app)[job][1]])).get_next_fire_time(None, now)


def service_status(now: datetime | None = None) -> ServiceStatus:
    now = now or utcnow()
    heartbeats = {h.job: h for h in db.session.scalars(select(JobHeartbeat))}
    jobs = [
        JobStatus(job, heartbeats.get(job), next_run(job, heartbeats.get(job), now)) for job in jobs_of(current_app)
    ]
    waiting = db.session.execute(
        select(func.count(OutboxMessage.id), func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status.in_((PENDING, SENDING))
        )
    ).one()
    failed = db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status == FAILED))
    return ServiceStatus(jobs, waiting[0], waiting[1], failed or 0)
