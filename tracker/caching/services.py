"""The data version, and an in-process cache of rendered fragments keyed by it.

Every transaction that changes a record a page can show raises `data_version.version` by one as the last statement
before it commits (after its final flush, so it waits on no other lock while holding this row). A fragment cached
under the version it was built at can therefore never be served after a change: the next request reads the new
version and builds afresh. Each web worker keeps its own cache; they share the version through the database.

Changes that no page shows (sign-in attempts, API token use, the outbox and job bookkeeping, the audit trail itself)
do not raise the version, so they cannot empty the cache on every request.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from flask import current_app, g, has_app_context
from flask_login import current_user
from sqlalchemy import Table, event, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from tracker.caching.models import DataVersion
from tracker.db_types import today
from tracker.extensions import db

T = TypeVar("T")

#: tables whose changes no cached fragment shows
UNCOUNTED_TABLES = frozenset(
    {
        "data_version",
        "audit_events",
        "sign_in_attempts",
        "api_tokens",
        "outbox_messages",
        "delivery_attempts",
        "job_runs",
        "report_import_drafts",
        "job_heartbeats",
    }
)
_CHANGED = "tracker_data_changed"


def _counts(table_name: str | None) -> bool:
    return table_name is not None and table_name not in UNCOUNTED_TABLES


def _table_of(instance) -> str | None:
    return getattr(type(instance), "__tablename__", None)


def _changed_instances(session: Session):
    yield from session.new
    yield from session.deleted
    yield from (obj for obj in session.dirty if session.is_modified(obj, include_collections=False))


@event.listens_for(Session, "after_flush")
def _note_flushed_changes(session: Session, _context) -> None:
    # still the state before the flush here: new, dirty and deleted hold what this flush wrote
    if any(_counts(_table_of(obj)) for obj in _changed_instances(session)):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if _counts(getattr(table, "name", None)):
            state.session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _raise_version(session: Session) -> None:
    session.flush()
    if session.info.pop(_CHANGED, False):
        # a declared model's __table__ is a Table, which SQLAlchemy types only as a FromClause
        table = cast(Table, DataVersion.__table__)
        session.connection().execute(update(table).values(version=DataVersion.version + 1))


@event.listens_for(Session, "after_commit")
def _forget_read_version(_session: Session) -> None:
    if has_app_context():
        g.pop("data_version", None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_changes(session: Session, _transaction) -> None:
    # Only once the whole transaction is gone: a savepoint rolled back leaves the changes made before it.
    if not session.in_transaction():
        session.info.pop(_CHANGED, None)


def version_column():
    """The data version as a column, for a query that every page runs anyway (the signed-in user's) to carry."""
    return select(DataVersion.version).where(DataVersion.id == 1).scalar_subquery().label("data_version")


def note_version(version: int | None) -> None:
    g.data_version = version or 0


def data_version() -> int:
    """The committed data version, read once per request."""
    if "data_version" not in g:
        # plain SQL: this runs on nearly every page, and needs none of the ORM's statement building
        g.data_version = (
            db.session.connection().exec_driver_sql("SELECT version FROM data_version WHERE id = 1").scalar() or 0
        )
    return g.data_version


class FragmentCache:
    """A bounded least-recently-used map, safe to share between a worker's threads."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_build(self, key: Hashable, build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
        value = build()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def get(self, key: Hashable) -> Any:
        """What is kept for the key, or None."""
        with self._lock:
            if key not in self._items:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def fragments() -> FragmentCache:
    cache = current_app.extensions.get("tracker_fragments")
    if cache is None:
        cache = current_app.extensions["tracker_fragments"] = FragmentCache(
            int(current_app.config.get("CACHE_FRAGMENTS", 512))
        )
    return cache


def cached(key: tuple, build: Callable[[], T], still_good: Callable[[T], bool] | None = None) -> T:
    """`build()`, or what it returned before for the same key at the current data version (and, given
    `still_good`, while that says so: for what changes with the clock, not the data)."""
    if not current_app.config.get("CACHE_ENABLED", True):
        return build()
    key = (*key, data_version())
    value = fragments().get_or_build(key, build)
    if still_good is not None and not still_good(value):
        value = build()
        fragments().put(key, value)
    return value


def viewer_key() -> tuple:
    """Who is looking, as far as a page can differ: the person (their name and permissions), their roles, the day."""

    return (current_user.id, tuple(sorted((a.role, a.organisation_id) for a in current_user.roles)), today())
