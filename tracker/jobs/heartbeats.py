"""The heartbeat the scheduler process writes for each job, for the status page and `tracker status`."""

from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.jobs.models import JobHeartbeat


def record_heartbeat(job: str, **fields) -> None:
    """Called by the scheduler process; its own transaction, so a failed job still leaves its mark."""
    heartbeat = db.session.get(JobHeartbeat, job) or JobHeartbeat(job=job)
    for name, value in fields.items():
        setattr(heartbeat, name, value)
    heartbeat.updated_at = utcnow()
    db.session.add(heartbeat)
    db.session.commit()
