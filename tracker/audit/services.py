"""Writes audit events in the caller's transaction, so a change and its record commit or fail together."""

from datetime import date, datetime
from typing import Any

from flask import g, has_request_context
from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.extensions import db


def plain(value: Any) -> Any:
    """JSON-safe form of a column value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(record: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: plain(getattr(record, name)) for name in fields}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, so the history shows what moved rather than every column."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record_event(
    actor,
    entity_type: str,
    entity_id: int | None,
    verb: str,
    summary: str,
    *,
    before: dict | None = None,
    after: dict | None = None,
    recommendation_id: int | None = None,
    inspection_id: int | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        entity_type=entity_type,
        entity_id=entity_id,
        verb=verb,
        summary=summary,
        before=before,
        after=after,
        recommendation_id=recommendation_id,
        inspection_id=inspection_id,
    )
    db.session.add(event)
    if has_request_context():
        g.setdefault("audit_events", []).append(event)
    return event


def events_recorded_in_this_request() -> list[AuditEvent]:
    """The audit events this request has recorded so far: tracker.form_tokens asks whether a form saved something."""
    return g.get("audit_events", []) if has_request_context() else []


def history_for_recommendation(recommendation_id: int) -> list[AuditEvent]:
    query = (
        select(AuditEvent)
        .where(AuditEvent.recommendation_id == recommendation_id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    return list(db.session.scalars(query))


def changes_since(recommendation_id: int, since, leaving_out: tuple[str, ...] = ()) -> list[AuditEvent]:
    """What happened to a recommendation after a moment (oldest first), leaving out the kinds of event named."""
    query = (
        select(AuditEvent)
        .where(
            AuditEvent.recommendation_id == recommendation_id,
            AuditEvent.occurred_at > since,
            AuditEvent.entity_type.not_in(leaving_out),
        )
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    return list(db.session.scalars(query))
