"""Column types and clock helpers shared by every feature's models."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, Index, text
from sqlalchemy.types import TypeDecorator

#: tracker's calendar: every "today", due date and scheduled time is a day in London
LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today in London: between midnight and 1 a.m. in summer the UTC date is still yesterday."""
    return datetime.now(LONDON).date()


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and always returns them aware, since SQLite drops the zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def never_reuse_ids(metadata) -> None:
    """Give every table with an integer `id` SQLite's AUTOINCREMENT, so a deleted row's id is never handed out
    again: audit events name records by id, and a reused id would join one record's history to another's.
    (PostgreSQL's sequences never go back; the option means nothing there.)"""
    for table in metadata.tables.values():
        if [column.name for column in table.primary_key.columns] == ["id"]:
            table.dialect_options["sqlite"]["autoincrement"] = True


def text_search_index(name: str, column: str) -> Index:
    """A GIN index on the column's English text-search vector, the expression tracker.search matches with, made on
    PostgreSQL only (SQLite searches with LIKE and could not build it)."""
    return Index(name, text(f"to_tsvector('english', {column})"), postgresql_using="gin").ddl_if(dialect="postgresql")
