"""The database engine and sessions: SQLite by default, PostgreSQL through DATABASE_URL."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool


def normalise_url(url: str) -> str:
    """Return the URL with the psycopg 3 driver named for plain PostgreSQL URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_postgres(engine: Engine) -> bool:
    """Return whether the engine talks to PostgreSQL (row locks are available)."""
    return engine.dialect.name == "postgresql"


def _tune_sqlite(dbapi_connection: Any, _record: Any, busy_timeout_ms: int = 10000) -> None:
    # WAL lets the simulator page read while the worker writes; the busy timeout makes
    # concurrent writers wait instead of failing; SQLite enforces foreign keys only when asked.
    # The driver's own BEGIN is switched off: _begin issues the transactions.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin(connection: Any) -> None:
    # A deferred transaction that reads and then writes cannot wait for another writer:
    # SQLite refuses its upgrade at once ("database is locked"), busy timeout or not. Units of
    # work that write (inbox, worker, delivery) therefore take the write lock at BEGIN and
    # wait their turn; readers begin deferred, so they never hold writers up.
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    """Create the engine for a database URL, creating the SQLite file's folder if needed.

    SQL parameters (PSIDs, typed text, respondent keys) never appear in error messages or
    logs: every engine hides them.
    """
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 10}, hide_parameters=True)
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin)
        return engine
    return create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True
    )


def make_probe_engine(url: str, timeout: float) -> Engine:
    """Create a small engine for /healthz that gives up on a slow database within ``timeout``.

    SQLite waits at most ``timeout`` for a lock; PostgreSQL connections time out (libpq's
    minimum is 2 s: /healthz bounds its own wait too) and each probe transaction sets short
    statement and lock timeouts itself. No connection is pooled: a check every few seconds
    does not need one kept open, and a probe that outlives its wait closes its own.
    """
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"timeout": timeout}, hide_parameters=True, poolclass=NullPool
        )
        event.listen(engine, "connect", partial(_tune_sqlite, busy_timeout_ms=int(timeout * 1000)))
        event.listen(engine, "begin", _begin)
        return engine
    return create_engine(
        url, poolclass=NullPool, connect_args={"connect_timeout": 2}, hide_parameters=True
    )


def make_mark_engine(engine: Engine) -> Engine:
    """Return an engine for delivery's marks: single statements that commit on their own.

    On PostgreSQL they run in autocommit mode without waiting for the disk
    (``synchronous_commit = off``), on a small pool of their own so no other transaction
    inherits the setting: a mark is one round trip instead of four and a flush. A database
    crash may lose the last fraction of a second of marks; bot.delivery's recovery rule
    covers a message left ``sending``. On SQLite it is the engine itself.
    """
    if not is_postgres(engine):
        return engine
    url = engine.url
    given = url.query.get("options")
    given = " ".join(given) if isinstance(given, tuple) else given  # a repeated parameter
    options = " ".join(filter(None, [given, "-c synchronous_commit=off"]))
    marks = create_engine(
        url.update_query_dict({"options": options}),
        isolation_level="AUTOCOMMIT",
        pool_pre_ping=True,
        pool_size=2,
        max_overflow=8,
    )
    # Its connections go when the main engine's do.
    event.listen(engine, "engine_disposed", lambda _engine: marks.dispose())
    return marks


def make_session_factory(engine: Engine, writer: bool = False) -> sessionmaker[Session]:
    """Return a session factory; `writer` sessions take SQLite's write lock when they begin."""
    if writer and engine.dialect.name == "sqlite":
        engine = engine.execution_options(sqlite_begin="IMMEDIATE")
    return sessionmaker(engine, expire_on_commit=False)
