"""Opening the records database: SQLite by default, PostgreSQL for an agency.

The URL is ``--db``, else the environment variable ``SCHEDULER_DB``, else
``sqlite:///records/records.sqlite`` (beside ``exports/``). ``postgresql://`` URLs use the
psycopg 3 driver. ``transaction(engine)`` is a write transaction that runs alone: SQLite starts
it with ``BEGIN IMMEDIATE`` (waiting for another writer instead of failing half-way), PostgreSQL
takes a transaction-scoped advisory lock, so two ``record`` commands on one database run one
after the other and neither loses the other's rows. Every connection upgrades the schema first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, OperationalError

from scheduler.errors import SchedulerError
from scheduler.records import schema

DEFAULT_URL = "sqlite:///records/records.sqlite"
ENV = "SCHEDULER_DB"
# One lock id for every writer of the records (an arbitrary constant of this program).
ADVISORY_LOCK = 152027
BUSY_TIMEOUT_S = 120


def resolve_url(url: str | None) -> str:
    """``url``, else $SCHEDULER_DB, else the default SQLite file; PostgreSQL URLs without a
    driver get psycopg 3."""
    url = url or os.environ.get(ENV) or DEFAULT_URL
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def shown(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def connect(url: str | None = None) -> Engine:
    """An engine on the records database, its schema upgraded to this program's version."""
    full = resolve_url(url)
    try:
        parsed = sa.make_url(full)
    except ArgumentError as exc:
        raise SchedulerError(
            f"{full!r} is not a database URL; give sqlite:///PATH or postgresql://USER@HOST/DB"
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite(parsed)
    elif parsed.get_backend_name() == "postgresql":
        engine = sa.create_engine(parsed, pool_pre_ping=True)
    else:
        raise SchedulerError(f"{shown(full)}: only SQLite and PostgreSQL databases are supported")
    try:
        with transaction(engine) as conn:
            schema.upgrade(conn)
    except OperationalError as exc:
        engine.dispose()
        raise SchedulerError(f"cannot open the records database {shown(full)}: {exc.orig}") from exc
    return engine


def _sqlite(url: sa.URL) -> Engine:
    """A SQLite engine whose transactions the program controls (see the module docstring)."""
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # The driver's own implicit transactions would not cover DDL; we begin them ourselves.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that commits when the block ends normally and rolls back otherwise, run
    alone among the program's writers."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK})
        yield conn
