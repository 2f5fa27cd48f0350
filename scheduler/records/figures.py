"""The reach figures, computed with pandas from the records database.

``load(conn, first, last, prison)`` reads what a period needs into DataFrames; ``reach``,
``months`` and ``delivery`` compute the sheets of the reach report (records.md):

- a Reach row is a prison x course kind x language (MO) or level (NT2); intakes held form rows
  of their own (kind ``intake``, the interview language);
- reached = attended at least one session of the row in the period, or a member of one of its
  groups in the period who had an intake held in the period; started = attended at least one;
- sessions_attended = ``P`` codes in the period, hours_attended = their sessions' hours;
- completed = started, and hours attended in the row up to the period's end reach
  ``completion_share`` x ``total_hours`` of the course (the highest of the row's courses);
- still_running = started, not completed, and a member of one of the row's groups on that
  group's last session in the period; dropped = started, not completed, not still running.

``scheduler.records.queries`` gives the same figures as one SQL query each; the tests check
that both agree on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from scheduler.records import schema as t

ROW = ["prison", "kind", "language_or_level"]
REACH_COLUMNS = [
    *ROW, "reached", "started", "sessions_attended", "hours_attended", "completed",
    "still_running", "dropped",
]  # fmt: skip
COUNTS = ["reached", "started", "sessions_attended", "completed", "still_running", "dropped"]
# Hours are compared with a margin: sums of session hours are floating-point numbers.
EPSILON = 1e-6
CAUSES = ["no", "strike", "lockdown", "staff absent", "room unavailable", "other"]
CODE_COLUMNS = {"P": "present", "A": "absent", "E": "excused", "S": "sick", "R": "refused"}
DELIVERY_COLUMNS = [
    "prison", "month", "planned", "held", "not_held", "closed_day",
    *[c.replace(" ", "_") for c in CAUSES], *CODE_COLUMNS.values(),
]  # fmt: skip


@dataclass(frozen=True)
class Records:
    """The rows a report of ``first`` .. ``last`` needs: attendance codes up to ``last``
    (completion counts earlier hours), sessions, memberships and intakes of the period."""

    first: dt.date
    last: dt.date
    marks: pd.DataFrame
    sessions: pd.DataFrame
    members: pd.DataFrame
    intakes: pd.DataFrame


def _frame(conn: Connection, query: sa.Select, dates: tuple[str, ...]) -> pd.DataFrame:
    result = conn.execute(query)
    df = pd.DataFrame(result.all(), columns=list(result.keys()))
    for col in dates:
        df[col] = pd.to_datetime(df[col]).dt.date if len(df) else pd.Series(dtype=object)
    return df


def load(conn: Connection, first: dt.date, last: dt.date, prison: str | None = None) -> Records:
    """Read the records of the period (of one prison when ``prison`` is given)."""
    p, g, s, m = t.prisons, t.groups, t.sessions, t.memberships
    a, i, tm, ln = t.attendance, t.intakes, t.terms, t.learners
    row = [p.c.name.label("prison"), g.c.kind, g.c.language_or_level]
    group_join = g.join(tm, tm.c.term_id == g.c.term_id).join(p, p.c.prison_id == tm.c.prison_id)
    only = [p.c.name == prison] if prison else []
    marks = (
        sa.select(*row, a.c.learner_id, s.c.group_id, s.c.date, s.c.month, s.c.hours, a.c.code,
                  (tm.c.completion_share * g.c.total_hours).label("need"))
        .select_from(
            a.join(s, s.c.session_id == a.c.session_id)
            .join(group_join, g.c.group_id == s.c.group_id)
        )
        .where(s.c.date <= last, *only)
    )  # fmt: skip
    sessions = (
        sa.select(*row, s.c.group_id, s.c.date, s.c.month, s.c.held, s.c.cause)
        .select_from(s.join(group_join, g.c.group_id == s.c.group_id))
        .where(s.c.date.between(first, last), *only)
    )
    members = (
        sa.select(*row, m.c.group_id, m.c.learner_id, m.c.from_date, m.c.to_date)
        .select_from(m.join(group_join, g.c.group_id == m.c.group_id))
        .where(m.c.from_date <= last, m.c.to_date >= first, *only)
    )
    intakes = (
        sa.select(p.c.name.label("prison"), i.c.learner_id, i.c.language, i.c.date, i.c.month,
                  i.c.held)
        .select_from(
            i.join(ln, ln.c.learner_id == i.c.learner_id)
            .join(p, p.c.prison_id == ln.c.prison_id)
        )
        .where(i.c.date.between(first, last), *only)
    )  # fmt: skip
    return Records(
        first,
        last,
        _frame(conn, marks, ("date",)),
        _frame(conn, sessions, ("date",)),
        _frame(conn, members, ("from_date", "to_date")),
        _frame(conn, intakes, ("date",)),
    )


def reach(rec: Records, first: dt.date | None = None, last: dt.date | None = None) -> pd.DataFrame:
    """The Reach sheet's rows for ``first`` .. ``last`` (default: the whole period loaded)."""
    first, last = first or rec.first, last or rec.last
    marks = rec.marks[rec.marks["date"] <= last]
    present = marks[(marks["code"] == "P") & (marks["date"] >= first)]
    keys = [*ROW, "learner_id"]
    started = present[keys].drop_duplicates()
    out = present.groupby(ROW).agg(
        started=("learner_id", "nunique"),
        sessions_attended=("code", "size"),
        hours_attended=("hours", "sum"),
    )
    status = _status(rec, marks[marks["code"] == "P"], started, first, last)
    out = out.join(status.groupby(ROW)[["completed", "still_running", "dropped"]].sum())
    out = out.join(_reached(rec, started, first, last), how="outer")
    out = pd.concat([out.reset_index(), _intake_rows(rec, first, last)], ignore_index=True)
    out = out.reindex(columns=REACH_COLUMNS)
    ints = [c for c in COUNTS if c in out]
    out[ints] = out[ints].fillna(0).astype(int)
    out["hours_attended"] = out["hours_attended"].fillna(0.0).round(2)
    return out.sort_values(ROW, ignore_index=True)


def _status(
    rec: Records, present: pd.DataFrame, started: pd.DataFrame, first: dt.date, last: dt.date
) -> pd.DataFrame:
    """Per (row, learner) who started: completed, still_running and dropped as 0/1."""
    keys = [*ROW, "learner_id"]
    hours = present.groupby(keys).agg(hours=("hours", "sum"), need=("need", "max")).reset_index()
    df = started.merge(hours, on=keys, how="left")
    df["completed"] = (df["hours"] + EPSILON >= df["need"]).astype(int)
    sessions = rec.sessions[(rec.sessions["date"] >= first) & (rec.sessions["date"] <= last)]
    ends = sessions.groupby("group_id")["date"].max().rename("group_end").reset_index()
    members = rec.members.merge(ends, on="group_id")
    on_end = members[
        (members["from_date"] <= members["group_end"])
        & (members["group_end"] <= members["to_date"])
    ]
    running = on_end[keys].drop_duplicates().assign(member=1)
    df = df.merge(running, on=keys, how="left")
    df["still_running"] = ((df["completed"] == 0) & (df["member"] == 1)).astype(int)
    df["dropped"] = ((df["completed"] == 0) & (df["still_running"] == 0)).astype(int)
    return df


def _reached(rec: Records, started: pd.DataFrame, first: dt.date, last: dt.date) -> pd.Series:
    """Learners per row who attended, or were members in the period with an intake held."""
    keys = [*ROW, "learner_id"]
    held = rec.intakes[
        (rec.intakes["held"] == 1) & (rec.intakes["date"] >= first) & (rec.intakes["date"] <= last)
    ]
    members = rec.members[(rec.members["from_date"] <= last) & (rec.members["to_date"] >= first)]
    interviewed = members.merge(
        held[["prison", "learner_id"]].drop_duplicates(), on=["prison", "learner_id"]
    )
    both = pd.concat([started[keys], interviewed[keys]]).drop_duplicates()
    return both.groupby(ROW)["learner_id"].nunique().rename("reached")


def _intake_rows(rec: Records, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Rows of kind ``intake``: learners with an intake held, per interview language."""
    i = rec.intakes
    held = i[(i["held"] == 1) & (i["date"] >= first) & (i["date"] <= last)]
    out = (
        held.groupby(["prison", "language"])["learner_id"].nunique().rename("reached").reset_index()
    )
    return out.rename(columns={"language": "language_or_level"}).assign(kind="intake")


def month_spans(first: dt.date, last: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """(``YYYY-MM``, first day, last day) of each month of ``first`` .. ``last``, clipped."""
    out = []
    start = first
    while start <= last:
        following = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        end = min(last, following - dt.timedelta(days=1))
        out.append((start.strftime("%Y-%m"), start, end))
        start = following
    return out


def months(rec: Records) -> pd.DataFrame:
    """The Reach figures per month of the period (a month column first)."""
    parts = [
        reach(rec, start, end).assign(month=label)
        for label, start, end in month_spans(rec.first, rec.last)
    ]
    if not parts:
        return pd.DataFrame(columns=["month", *REACH_COLUMNS])
    out = pd.concat(parts, ignore_index=True)
    return out[["month", *REACH_COLUMNS]]


def attending(rec: Records) -> pd.DataFrame:
    """Learners attending at least one session, per month (rows) and prison (columns)."""
    present = rec.marks[(rec.marks["code"] == "P") & (rec.marks["date"] >= rec.first)]
    table = present.groupby(["month", "prison"])["learner_id"].nunique().unstack(fill_value=0)
    all_months = [label for label, _, _ in month_spans(rec.first, rec.last)]
    return table.reindex(all_months, fill_value=0).astype(int)


def delivery(rec: Records) -> pd.DataFrame:
    """Sessions planned vs held per prison and month, the causes, and the codes recorded."""
    s = rec.sessions.copy()
    s["closed_day"] = s["cause"].str.startswith("closed").astype(int)
    for cause in CAUSES:
        s[cause.replace(" ", "_")] = (s["cause"] == cause).astype(int)
    out = s.groupby(["prison", "month"]).agg(
        planned=("group_id", "size"),
        held=("held", "sum"),
        closed_day=("closed_day", "sum"),
        **{c.replace(" ", "_"): (c.replace(" ", "_"), "sum") for c in CAUSES},
    )
    out["not_held"] = out["planned"] - out["held"]
    marks = rec.marks[rec.marks["date"] >= rec.first]
    codes = marks.groupby(["prison", "month", "code"]).size().unstack(fill_value=0)
    codes = codes.reindex(columns=list(CODE_COLUMNS), fill_value=0).rename(columns=CODE_COLUMNS)
    out = out.join(codes, how="left").fillna(0).reset_index()
    out = out.reindex(columns=DELIVERY_COLUMNS)
    out[DELIVERY_COLUMNS[2:]] = out[DELIVERY_COLUMNS[2:]].astype(int)
    return out.sort_values(["prison", "month"], ignore_index=True)


def suppress(df: pd.DataFrame, below: int, columns: list[str]) -> pd.DataFrame:
    """``df`` with every count under ``below`` blanked (for publication); hours go blank with
    the sessions they were counted from."""
    out = df.astype({c: object for c in columns if c in df})
    for col in columns:
        if col in out:
            small = out[col].notna() & (pd.to_numeric(out[col]) < below)
            if col == "sessions_attended" and "hours_attended" in out:
                out["hours_attended"] = out["hours_attended"].astype(object).where(~small, None)
            out[col] = out[col].where(~small, None)
    return out
