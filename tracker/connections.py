"""How the app's database connections behave, beyond SQLAlchemy's defaults.

PostgreSQL:
- **Reads need no transaction.** A page view (GET or HEAD) runs its statements in autocommit: each SELECT sees
  what was committed when it started, as it would inside a READ COMMITTED transaction, which is PostgreSQL's
  default and tracker's. What it saves is the BEGIN and ROLLBACK round trips around every view, and the server's
  work to start and end a transaction: most of a cached page's database time. The moment such a request writes
  (any statement but a plain SELECT, or a locking SELECT ... FOR UPDATE), a transaction is begun first, so its
  writes commit or roll back together exactly as a form's do.

SQLite needs foreign keys switched on, explicit BEGINs so savepoints and locking behave, and WAL.
"""

import re

from flask import has_request_context, request
from sqlalchemy import event

#: marks a pooled connection lent to a request that reads without a transaction
_READING = "tracker_reads_without_transaction"
_LOCKING_READ = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b", re.IGNORECASE)


def configure_engine(engine) -> None:
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    elif engine.dialect.name == "postgresql":
        read_without_transaction(engine)


def request_may_write() -> bool:
    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")


def _request_reads() -> bool:
    return has_request_context() and request.method in ("GET", "HEAD")


def is_plain_read(statement: str) -> bool:
    """A SELECT that takes no row locks: safe outside a transaction."""
    return statement.lstrip()[:6].upper() == "SELECT" and not _LOCKING_READ.search(statement)


def read_without_transaction(engine) -> None:
    """Page views read in autocommit, and begin a transaction before their first write (module docstring)."""

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # the driver has sent nothing yet: it would send BEGIN with the first statement
        reading = _request_reads()
        if reading != bool(connection.info.get(_READING)):
            # (a connection still marked, as its return to the pool should have cleared, is put right here too)
            connection.connection.dbapi_connection.autocommit = reading
            connection.info[_READING] = reading

    @event.listens_for(engine, "before_cursor_execute")
    def before_statement(connection, _cursor, statement, _parameters, _context, _executemany):
        if connection.info.get(_READING) and not is_plain_read(statement):
            dbapi_connection = connection.connection.dbapi_connection
            if dbapi_connection.info.transaction_status == dbapi_connection.info.transaction_status.IDLE:
                # Commit and rollback end it as they would any transaction: the driver sends COMMIT or ROLLBACK
                # whenever one is open, autocommit or not.
                dbapi_connection.execute("BEGIN")

    @event.listens_for(engine, "checkin")
    def on_checkin(dbapi_connection, record):
        # after the pool's reset, which rolled back anything left open
        if not record.info.pop(_READING, False) or dbapi_connection is None:
            return
        try:
            dbapi_connection.autocommit = False
        except engine.dialect.loaded_dbapi.Error:
            # a connection that cannot say so is not lent to anyone else in autocommit
            record.invalidate()


def _configure_sqlite(engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        # The web app and the scheduler share the file: WAL lets readers carry on while one process writes,
        # and with it NORMAL synchronisation is still safe against corruption while committing far faster.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A request that may write (any method but GET and HEAD) takes the write lock when its transaction
        # begins: SQLite then queues simultaneous writers (for busy_timeout) instead of failing one that read
        # before it wrote with "database is locked". Page views stay concurrent readers; the scheduler's long
        # reads do not hold writers up.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if request_may_write() else "BEGIN")
