"""Storing filled registers: one transaction for the whole command, all or nothing.

An attendance record is keyed by (prison, term start, group, session start, learner).
Recording a register replaces everything it covers: for each of its groups the sessions (and
their attendance) dated in its range, the group's memberships, and the term's intakes in its
range. So recording the same register twice stores it once, a blank cell erases an earlier
code, and a register of later weeks adds its dates.

With a pseudonymisation key, learner ids are stored as HMAC-SHA256(key, prison + U+241F + id),
so equal ids of two prisons never merge and the database never holds a prison's ids. The
database remembers which key (by a fingerprint) or that plain ids were used, and refuses
records made otherwise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from scheduler.errors import SchedulerError
from scheduler.records import schema as t
from scheduler.records.db import transaction
from scheduler.records.plan import RegisterPlan
from scheduler.records.read import FilledRegister, GroupRecords, RecordError

SEPARATOR = "\u241f"  # SYMBOL FOR UNIT SEPARATOR: cannot occur in a prison name or an id
PLAIN = "plain"


@dataclass(frozen=True)
class Recorded:
    """What one register added: groups, sessions, attendance codes and intakes."""

    path: Path
    groups: int
    sessions: int
    marks: int
    intakes: int


def read_key(path: str | Path) -> bytes:
    """The pseudonymisation key in ``path`` (surrounding whitespace ignored)."""
    try:
        key = Path(path).read_bytes().strip()
    except OSError as exc:
        raise SchedulerError(f"cannot read the key file {path}: {exc.strerror}") from exc
    if len(key) < 16:
        raise SchedulerError(
            f"the key in {path} is too short ({len(key)} bytes); use at least 16 random bytes, "
            "e.g. python -c 'import secrets; print(secrets.token_hex(32))' > KEYFILE"
        )
    return key


def fingerprint(key: bytes) -> str:
    """Identifies a key without revealing it (an HMAC of a fixed text)."""
    return hmac.new(key, b"scheduler records key fingerprint", hashlib.sha256).hexdigest()[:32]


def pseudonym(key: bytes, prison: str, learner: str) -> str:
    """HMAC-SHA256(key, prison + U+241F + learner id), as hex."""
    message = (prison + SEPARATOR + learner).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def record(engine: Engine, registers: list[FilledRegister], key: bytes | None) -> list[Recorded]:
    """Store every register in one transaction; RecordError (nothing stored) when one of them
    conflicts with what the database holds."""
    done = []
    with transaction(engine) as conn:
        _check_key(conn, key)
        problems: dict[str, list[str]] = {}
        for reg in registers:
            ident = _identifier(key, reg.plan.prison)
            found = _conflicts(conn, reg)
            if found:
                problems[str(reg.path)] = found
                continue
            done.append(_store(conn, reg, ident))
        if problems:
            raise RecordError(problems)  # rolls the whole transaction back
    return done


def _identifier(key: bytes | None, prison: str) -> Callable[[str], str]:
    if key is None:
        return lambda learner: learner
    return lambda learner: pseudonym(key, prison, learner)


def _check_key(conn: Connection, key: bytes | None) -> None:
    """The database's ids are all plain or all made with one key: refuse a mix."""
    want = PLAIN if key is None else f"hmac-sha256:{fingerprint(key)}"
    have = conn.execute(sa.select(t.meta.c.value).where(t.meta.c.key == "learner_ids")).scalar()
    if have is None:
        conn.execute(sa.insert(t.meta).values(key="learner_ids", value=want))
    elif have != want:
        raise SchedulerError(_key_message(have, key is not None))


def _key_message(have: str, keyed: bool) -> str:
    if have == PLAIN:
        return (
            "this database holds the prisons' own learner ids; record into it without "
            "--pseudonymise, or into another database"
        )
    if keyed:
        return (
            "this database was recorded with another pseudonymisation key (its fingerprint "
            "differs); use the key it was made with"
        )
    return "this database holds pseudonymised ids; give the key with --pseudonymise KEYFILE"


def _upsert(conn: Connection, table: sa.Table, keys: dict, values: dict, id_col: str) -> int:
    """The id of the row of ``table`` with ``keys``, inserting it (with ``values``) when
    missing and updating ``values`` otherwise. Safe against a concurrent insert."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(table).values(**keys, **values).on_conflict_do_nothing())
    where = [table.c[k] == v for k, v in keys.items()]
    if values:
        conn.execute(sa.update(table).where(*where).values(**values))
    return conn.execute(sa.select(table.c[id_col]).where(*where)).scalar_one()


def _conflicts(conn: Connection, reg: FilledRegister) -> list[str]:
    """A register of another term for the same group, or of another timetable of its term."""
    plan = reg.plan
    rows = conn.execute(
        sa.select(
            t.terms.c.term_start, t.terms.c.term_end, t.groups.c.group_code, t.groups.c.course
        )
        .join(t.prisons, t.prisons.c.prison_id == t.terms.c.prison_id)
        .join(t.groups, t.groups.c.term_id == t.terms.c.term_id)
        .where(t.prisons.c.name == plan.prison)
        .where(t.terms.c.term_start <= plan.term_end, t.terms.c.term_end >= plan.term_start)
    ).all()
    stored = {(r.group_code, r.term_start): r for r in rows}
    out = []
    for g in reg.groups:
        other = [
            r
            for (code, start), r in stored.items()
            if code == g.group.group and start != plan.term_start
        ]
        same = stored.get((g.group.group, plan.term_start))
        if other:
            out.append(
                f"Sheet {g.group.sheet}: the database holds group {g.group.group} of {plan.prison} "
                f"in the term {other[0].term_start} – {other[0].term_end}, which overlaps this "
                f"register's term {plan.term_start} – {plan.term_end}; this register belongs to "
                "another term (print registers from the timetable in use)"
            )
        elif same is not None and same.term_end != plan.term_end:
            out.append(
                f"Sheet {g.group.sheet}: the database holds the term of {plan.term_start} ending "
                f"{same.term_end}, this register's ends {plan.term_end}; it comes from another "
                "timetable of the term (print registers from the timetable in use)"
            )
        elif same is not None and same.course != g.group.course:
            out.append(
                f"Sheet {g.group.sheet}: group {g.group.group} is course {same.course} in the "
                f"database but {g.group.course} here; this register comes from another "
                "timetable of the term"
            )
    return out


def _store(conn: Connection, reg: FilledRegister, ident: Callable[[str], str]) -> Recorded:
    plan = reg.plan
    prison_id = _upsert(conn, t.prisons, {"name": plan.prison}, {}, "prison_id")
    term_id = _upsert(
        conn, t.terms, {"prison_id": prison_id, "term_start": plan.term_start},
        {"term_end": plan.term_end, "completion_share": plan.completion_share}, "term_id",
    )  # fmt: skip
    _closed_days(conn, term_id, plan)
    learner_ids = _learners(conn, prison_id, plan, ident)
    sessions = marks = 0
    for g in reg.groups:
        group_id = _group(conn, term_id, g)
        sessions, marks = (
            sessions + len(plan.sessions_of(g.group.group, held_only=False)),
            marks + _sessions(conn, group_id, plan, g, learner_ids, ident),
        )
        _memberships(conn, group_id, plan, g.group.group, learner_ids, ident)
    intakes = _intakes(conn, term_id, reg, learner_ids, ident)
    conn.execute(
        sa.insert(t.recordings).values(
            recorded_at=dt.datetime.now(dt.UTC).replace(tzinfo=None), source=reg.path.name,
            term_id=term_id, first_date=plan.first, last_date=plan.last,
            groups=len(reg.groups), marks=marks,
        )
    )  # fmt: skip
    return Recorded(reg.path, len(reg.groups), sessions, marks, intakes)


def _closed_days(conn: Connection, term_id: int, plan: RegisterPlan) -> None:
    conn.execute(sa.delete(t.closed_days).where(t.closed_days.c.term_id == term_id))
    rows = [
        {"term_id": term_id, "date": c.date, "sections": ",".join(c.sections), "reason": c.reason}
        for c in plan.closed_days
    ]
    if rows:
        conn.execute(sa.insert(t.closed_days), _unique(rows, ("date", "sections")))


def _unique(rows: list[dict], keys: Iterable[str]) -> list[dict]:
    """Rows with distinct ``keys`` (the last of each wins)."""
    keys = tuple(keys)
    return list({tuple(r[k] for k in keys): r for r in rows}.values())


def _learners(
    conn: Connection, prison_id: int, plan: RegisterPlan, ident: Callable[[str], str]
) -> dict[str, int]:
    """Stored id (prison-local id or pseudonym) -> learner_id, for every learner in ``plan``."""
    info = {x.learner: x for x in plan.learners}
    wanted = {m.learner for m in plan.members} | {i.learner for i in plan.intakes}
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    rows = []
    for learner in sorted(wanted):
        x = info.get(learner)
        rows.append({
            "prison_id": prison_id, "learner": ident(learner),
            "section": x.section if x else "", "languages": x.languages if x else "",
            "asked": x.asked if x else "",
        })  # fmt: skip
    if rows:
        stmt = dialect.insert(t.learners)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["prison_id", "learner"],
                set_={c: stmt.excluded[c] for c in ("section", "languages", "asked")},
            ),
            rows,
        )
    stored = conn.execute(
        sa.select(t.learners.c.learner, t.learners.c.learner_id).where(
            t.learners.c.prison_id == prison_id
        )
    ).all()
    return {r.learner: r.learner_id for r in stored}


def _group(conn: Connection, term_id: int, g: GroupRecords) -> int:
    info = g.group
    return _upsert(
        conn, t.groups, {"term_id": term_id, "group_code": info.group},
        {"course": info.course, "course_name": info.course_name, "kind": info.kind,
         "level": info.level, "language": info.language, "staff": info.staff,
         "total_hours": info.total_hours, "language_or_level": info.language_or_level},
        "group_id",
    )  # fmt: skip


def _sessions(
    conn: Connection,
    group_id: int,
    plan: RegisterPlan,
    g: GroupRecords,
    learner_ids: dict[str, int],
    ident: Callable[[str], str],
) -> int:
    """Replace the group's sessions in range and their attendance; return the codes stored.
    Sessions keep their row (and id) when recorded again; those no longer planned go."""
    in_range = (t.sessions.c.group_id == group_id, t.sessions.c.date.between(plan.first, plan.last))
    ids_in_range = sa.select(t.sessions.c.session_id).where(*in_range)
    conn.execute(sa.delete(t.attendance).where(t.attendance.c.session_id.in_(ids_in_range)))
    rows = []
    planned = plan.sessions_of(g.group.group, held_only=False)
    for s in planned:
        # A session the term's closed days cancelled keeps that cause ("closed: strike").
        word = s.cause or g.held.get(s.label, "yes")
        rows.append({
            "group_id": group_id, "date": s.date, "month": s.date.strftime("%Y-%m"),
            "start": s.start, "hours": s.hours, "held": int(word == "yes"),
            "cause": "" if word == "yes" else word,
        })  # fmt: skip
    labels = {s.label for s in planned}
    ids = {
        f"{r.date.isoformat()} {r.start}": r.session_id
        for r in conn.execute(
            sa.select(t.sessions.c.session_id, t.sessions.c.date, t.sessions.c.start).where(
                *in_range
            )
        )
    }
    gone = [i for label, i in ids.items() if label not in labels]
    if gone:
        conn.execute(sa.delete(t.sessions).where(t.sessions.c.session_id.in_(gone)))
    if not rows:
        return 0
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(t.sessions)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["group_id", "date", "start"],
            set_={c: stmt.excluded[c] for c in ("month", "hours", "held", "cause")},
        ),
        rows,
    )
    ids = {
        f"{r.date.isoformat()} {r.start}": r.session_id
        for r in conn.execute(
            sa.select(t.sessions.c.session_id, t.sessions.c.date, t.sessions.c.start).where(
                *in_range
            )
        )
    }
    marks = [
        {"session_id": ids[label], "learner_id": learner_ids[ident(learner)], "code": code}
        for (label, learner), code in g.codes.items()
    ]
    if marks:
        conn.execute(sa.insert(t.attendance), marks)
    return len(marks)


def _memberships(
    conn: Connection,
    group_id: int,
    plan: RegisterPlan,
    group: str,
    learner_ids: dict[str, int],
    ident: Callable[[str], str],
) -> None:
    """The group's memberships as the register's timetable has them."""
    conn.execute(sa.delete(t.memberships).where(t.memberships.c.group_id == group_id))
    rows = [
        {"group_id": group_id, "learner_id": learner_ids[ident(m.learner)],
         "from_date": m.start, "to_date": m.end}
        for m in plan.members_of(group)
    ]  # fmt: skip
    if rows:
        conn.execute(sa.insert(t.memberships), _unique(rows, ("learner_id", "from_date")))


def _intakes(
    conn: Connection,
    term_id: int,
    reg: FilledRegister,
    learner_ids: dict[str, int],
    ident: Callable[[str], str],
) -> int:
    """Replace the term's intakes in range by those of the register's Intakes sheet (a row
    recorded again keeps its id)."""
    plan = reg.plan
    rows = _unique(
        [
            {"term_id": term_id, "learner_id": learner_ids[ident(i.learner)], "date": i.date,
             "month": i.date.strftime("%Y-%m"), "start": i.start, "staff": i.staff,
             "language": i.language, "held": _flag(reg.intakes.get((i.learner, i.date)))}
            for i in plan.intakes
        ],
        ("learner_id", "date"),
    )  # fmt: skip
    keep = {(r["learner_id"], r["date"]) for r in rows}
    stored = conn.execute(
        sa.select(t.intakes.c.intake_id, t.intakes.c.learner_id, t.intakes.c.date).where(
            t.intakes.c.term_id == term_id, t.intakes.c.date.between(plan.first, plan.last)
        )
    ).all()
    gone = [r.intake_id for r in stored if (r.learner_id, r.date) not in keep]
    if gone:
        conn.execute(sa.delete(t.intakes).where(t.intakes.c.intake_id.in_(gone)))
    if rows:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(t.intakes)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["term_id", "learner_id", "date"],
                set_={c: stmt.excluded[c] for c in ("month", "start", "staff", "language", "held")},
            ),
            rows,
        )
    return len(rows)


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)
