"""The records database: one schema for SQLite and PostgreSQL, versioned by ordered migrations.

``schema_version`` holds one row per migration applied. ``upgrade(conn)`` applies the missing
ones in order inside the caller's transaction, so a database of any earlier version is brought
up to date in place, without losing a row; a database newer than this program is refused.

Version 1: prisons, terms, closed_days, groups, sessions, learners, memberships, attendance,
intakes. Version 2: ``groups.language_or_level`` (the level of an NT2 course, the language of an
MO course, filled in for the groups already stored), ``meta`` (which key pseudonymised the
learner ids, if any) and ``recordings`` (one row per register recorded).

Dates are stored as DATE, months as ``YYYY-MM`` text and flags as 0/1 integers, so that the
report's SQL (the Queries sheet) runs unchanged on both databases.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from scheduler.errors import SchedulerError

metadata = sa.MetaData()
ID = sa.String(80)
TEXT = sa.String(400)


def _v1_tables(md: sa.MetaData) -> dict[str, sa.Table]:
    """The tables of schema version 1 (what every database starts from)."""
    t = {}
    t["prisons"] = sa.Table(
        "prisons", md,
        sa.Column("prison_id", sa.Integer, primary_key=True),
        sa.Column("name", TEXT, nullable=False, unique=True),
    )  # fmt: skip
    t["terms"] = sa.Table(
        "terms", md,
        sa.Column("term_id", sa.Integer, primary_key=True),
        sa.Column("prison_id", sa.Integer, sa.ForeignKey("prisons.prison_id"), nullable=False),
        sa.Column("term_start", sa.Date, nullable=False),
        sa.Column("term_end", sa.Date, nullable=False),
        sa.Column("completion_share", sa.Float, nullable=False),
        sa.UniqueConstraint("prison_id", "term_start"),
    )  # fmt: skip
    t["closed_days"] = sa.Table(
        "closed_days", md,
        sa.Column("term_id", sa.Integer, sa.ForeignKey("terms.term_id"), primary_key=True),
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("sections", TEXT, primary_key=True),
        sa.Column("reason", TEXT, nullable=False),
    )  # fmt: skip
    t["groups"] = sa.Table(
        "groups", md,
        sa.Column("group_id", sa.Integer, primary_key=True),
        sa.Column("term_id", sa.Integer, sa.ForeignKey("terms.term_id"), nullable=False),
        sa.Column("group_code", ID, nullable=False),
        sa.Column("course", ID, nullable=False),
        sa.Column("course_name", TEXT, nullable=False),
        sa.Column("kind", ID, nullable=False),
        sa.Column("level", ID, nullable=False),
        sa.Column("language", ID, nullable=False),
        sa.Column("staff", ID, nullable=False),
        sa.Column("total_hours", sa.Float, nullable=False),
        sa.UniqueConstraint("term_id", "group_code"),
    )  # fmt: skip
    t["sessions"] = sa.Table(
        "sessions", md,
        sa.Column("session_id", sa.Integer, primary_key=True),
        sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.group_id"), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("start", sa.String(5), nullable=False),
        sa.Column("hours", sa.Float, nullable=False),
        sa.Column("held", sa.Integer, nullable=False),
        sa.Column("cause", TEXT, nullable=False),
        sa.UniqueConstraint("group_id", "date", "start"),
    )  # fmt: skip
    t["learners"] = sa.Table(
        "learners", md,
        sa.Column("learner_id", sa.Integer, primary_key=True),
        sa.Column("prison_id", sa.Integer, sa.ForeignKey("prisons.prison_id"), nullable=False),
        sa.Column("learner", ID, nullable=False),
        sa.Column("section", ID, nullable=False),
        sa.Column("languages", TEXT, nullable=False),
        sa.Column("asked", TEXT, nullable=False),
        sa.UniqueConstraint("prison_id", "learner"),
    )  # fmt: skip
    t["memberships"] = sa.Table(
        "memberships", md,
        sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.group_id"), primary_key=True),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.learner_id"), primary_key=True),
        sa.Column("from_date", sa.Date, primary_key=True),
        sa.Column("to_date", sa.Date, nullable=False),
    )  # fmt: skip
    t["attendance"] = sa.Table(
        "attendance", md,
        sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.session_id"), primary_key=True),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.learner_id"), primary_key=True),
        sa.Column("code", sa.String(1), nullable=False),
    )  # fmt: skip
    t["intakes"] = sa.Table(
        "intakes", md,
        sa.Column("intake_id", sa.Integer, primary_key=True),
        sa.Column("term_id", sa.Integer, sa.ForeignKey("terms.term_id"), nullable=False),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.learner_id"), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("start", sa.String(5), nullable=False),
        sa.Column("staff", ID, nullable=False),
        sa.Column("language", ID, nullable=False),
        sa.Column("held", sa.Integer, nullable=True),  # NULL: not filled in
        sa.UniqueConstraint("term_id", "learner_id", "date"),
    )  # fmt: skip
    return t


def _v2_tables(md: sa.MetaData) -> dict[str, sa.Table]:
    """The tables version 2 adds."""
    t = {}
    t["meta"] = sa.Table(
        "meta", md,
        sa.Column("key", ID, primary_key=True),
        sa.Column("value", TEXT, nullable=False),
    )  # fmt: skip
    t["recordings"] = sa.Table(
        "recordings", md,
        sa.Column("recording_id", sa.Integer, primary_key=True),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("source", TEXT, nullable=False),
        sa.Column("term_id", sa.Integer, sa.ForeignKey("terms.term_id"), nullable=False),
        sa.Column("first_date", sa.Date, nullable=False),
        sa.Column("last_date", sa.Date, nullable=False),
        sa.Column("groups", sa.Integer, nullable=False),
        sa.Column("marks", sa.Integer, nullable=False),
    )  # fmt: skip
    return t


schema_version = sa.Table(
    "schema_version", metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
)  # fmt: skip
_tables = _v1_tables(metadata) | _v2_tables(metadata)
_tables["groups"].append_column(sa.Column("language_or_level", ID, nullable=True))
prisons, terms, closed_days = _tables["prisons"], _tables["terms"], _tables["closed_days"]
groups, sessions, learners = _tables["groups"], _tables["sessions"], _tables["learners"]
memberships, attendance, intakes = (
    _tables["memberships"], _tables["attendance"], _tables["intakes"]
)  # fmt: skip
meta, recordings = _tables["meta"], _tables["recordings"]


def _migrate_1(conn: Connection) -> None:
    """Create the version 1 tables."""
    md = sa.MetaData()
    _v1_tables(md)
    md.create_all(conn)


def _migrate_2(conn: Connection) -> None:
    """Add groups.language_or_level (filled from kind, level and language), meta and
    recordings; a database that already holds learners holds them as the prisons' own ids."""
    conn.execute(sa.text("ALTER TABLE groups ADD COLUMN language_or_level VARCHAR(80)"))
    conn.execute(
        sa.text(
            "UPDATE groups SET language_or_level = "
            "CASE WHEN kind = 'NT2' THEN level ELSE language END"
        )
    )
    md = sa.MetaData()
    _v1_tables(md)  # the tables the new ones refer to
    for table in _v2_tables(md).values():
        table.create(conn)
    if conn.execute(sa.text("SELECT COUNT(*) FROM learners")).scalar_one():
        conn.execute(sa.text("INSERT INTO meta (key, value) VALUES ('learner_ids', 'plain')"))


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_migrate_1, _migrate_2)
VERSION = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    """The schema version of the database (0 when it is empty)."""
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0


def upgrade(conn: Connection, to: int = VERSION) -> int:
    """Apply the migrations missing up to version ``to`` in order; return the version the
    database had. Raises SchedulerError for a database newer than this program."""
    if not sa.inspect(conn).has_table("schema_version"):
        schema_version.create(conn)
    found = current_version(conn)
    if found > VERSION:
        raise SchedulerError(
            f"the records database has schema version {found}, newer than this scheduler "
            f"knows ({VERSION}); install a newer scheduler"
        )
    for version in range(found + 1, to + 1):
        MIGRATIONS[version - 1](conn)
        conn.execute(sa.insert(schema_version).values(version=version))
    return found
