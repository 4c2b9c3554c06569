"""Writes audit events in the caller's transaction, so a change and its record commit or fail together."""

import re
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


def quoted(text: str, limit: int = 80) -> str:
    """A name or title in curly quotes, shortened to `limit` characters: how an event's summary names a thing."""
    return "“" + (text if len(text) <= limit else text[: limit - 1].rstrip() + "…") + "”"


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


#: how evidence events named their action before summaries named things: "Added evidence 'X' to action 6"
_ACTION_BY_NUMBER = re.compile(r"^(Added evidence '.*') to action (\d+)$", re.DOTALL)


def numbered_action(event: AuditEvent) -> int | None:
    """The action an event recorded before summaries named things gives by its database number, if any."""
    match = _ACTION_BY_NUMBER.match(event.summary)
    return int(match.group(2)) if match else None


def readable_summary(event: AuditEvent, action_names: dict[int, str]) -> str:
    """The event's summary as a history shows it. An event recorded before summaries named things, which gave the
    database's number for an action, names the action instead (from `action_names`, id: description)."""
    match = _ACTION_BY_NUMBER.match(event.summary)
    if match is None:
        return event.summary
    name = action_names.get(int(match.group(2)))
    return f"{match.group(1)} to " + (f"the action {quoted(name, 60)}" if name else "an action since deleted")


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
