"""The plan of some weeks, read from a timetable workbook alone.

``read_plan(path, first, last)`` reads the Term, Sessions, Groups and Intakes sheets (and
Learners and Memberships when present) of a timetable written by ``scheduler solve`` and
returns the RegisterPlan of the dates ``first`` .. ``last``: every weekly session on its real
dates, with the sessions the term's closed days cancel kept apart (they are planned, not held).
Without a Memberships sheet the members of a group are its Groups ``members`` over the whole
term.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from collections.abc import Iterable
from typing import Any

from openpyxl import load_workbook

from scheduler.errors import SchedulerError, UnreadableFileError
from scheduler.records.plan import (
    DEFAULT_COMPLETION_SHARE,
    ClosedDay,
    GroupInfo,
    LearnerInfo,
    Member,
    PlannedIntake,
    RegisterPlan,
    SessionDate,
)
from scheduler.xlsx import sheet_title

WRITTEN_BY = "give a timetable written by scheduler solve"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
Row = dict[str, Any]


def read_plan(
    path: str | os.PathLike, first: dt.date | None = None, last: dt.date | None = None
) -> RegisterPlan:
    """The plan of ``first`` .. ``last`` (default: four weeks from the term start). Raises
    SchedulerError naming the sheet and column when the timetable cannot be used."""
    sheets = _load(path)
    term = _term_facts(sheets["Term"])
    start, end = term["term_start"], term["term_end"]
    first = first or start
    last = last or first + dt.timedelta(days=27)
    if first > last:
        raise SchedulerError(f"--from {first} is after --to {last}")
    if last < start or first > end:
        raise SchedulerError(f"{first} .. {last} lies outside the term ({start} .. {end})")
    first, last = max(first, start), min(last, end)
    closed = _closed_days(sheets["Term"])
    groups = _groups(sheets["Groups"])
    members = _members(sheets, start, end, first, last)
    sessions = _sessions(sheets["Sessions"], closed, first, last)
    return RegisterPlan(
        prison=term["prison"],
        term_start=start,
        term_end=end,
        completion_share=term["completion_share"],
        first=first,
        last=last,
        closed_days=tuple(closed),
        groups=tuple(groups),
        sessions=tuple(sessions),
        members=tuple(members),
        learners=tuple(_learners(sheets.get("Learners"), {m.learner for m in members})),
        intakes=tuple(_intakes(sheets["Intakes"], sheets["Term"], first, last)),
    )


def _load(path: str | os.PathLike) -> dict[str, list[Row]]:
    """Every sheet the plan needs as rows of (column -> value); Term as raw rows."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFileError(f"{path} is not an Excel workbook ({exc}); {WRITTEN_BY}") from exc
    try:
        for name in ("Term", "Sessions", "Groups", "Intakes"):
            if name not in wb.sheetnames:
                raise SchedulerError(f"{path} has no sheet {name}; {WRITTEN_BY}")
        out: dict[str, list[Row]] = {}
        for name in ("Term", "Sessions", "Groups", "Intakes", "Learners", "Memberships"):
            if name in wb.sheetnames:
                out[name] = _rows(wb[name].iter_rows(values_only=True))
        return out
    finally:
        wb.close()


def _rows(values: Iterable[tuple]) -> list[Row]:
    """Rows under a header row, as dicts; each keeps its Excel row number under ``_row``."""
    it = iter(values)
    header = [_text(h).lower() for h in next(it, ())]
    out = []
    for r, row in enumerate(it, start=2):
        if row and any(v is not None and _text(v) != "" for v in row):
            record = dict(zip(header, row, strict=False))
            record["_row"] = r
            out.append(record)
    return out


def _need(rows: list[Row], sheet: str, columns: Iterable[str]) -> None:
    present = set(rows[0]) if rows else set()
    missing = [c for c in columns if rows and c not in present]
    if missing:
        raise SchedulerError(
            f"sheet {sheet} has no column {', '.join(missing)}; solve the term again with this "
            "version of scheduler"
        )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def as_date(value: Any, where: str) -> dt.date:
    """A date cell (or ``YYYY-MM-DD`` text); SchedulerError naming ``where`` otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value)[:10])
    except ValueError as exc:
        raise SchedulerError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from exc


def as_clock(value: Any, where: str) -> str:
    """A time of day as ``HH:MM``."""
    if isinstance(value, dt.time | dt.datetime):
        return f"{value.hour:02d}:{value.minute:02d}"
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", _text(value))
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise SchedulerError(f"{where}: {value!r} is not a time (HH:MM)")
    return f"{int(match[1]):02d}:{match[2]}"


def as_number(value: Any, where: str) -> float:
    try:
        return float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError) as exc:
        raise SchedulerError(f"{where}: {value!r} is not a number") from exc


def _term_facts(rows: list[Row]) -> dict[str, Any]:
    """prison, term_start, term_end, teaching_days and completion_share of the Term sheet."""
    _need(rows, "Term", ("key", "value"))
    facts = {_text(r.get("key")): r.get("value") for r in rows if _text(r.get("key"))}
    for key in ("prison", "term_start", "term_end"):
        if _text(facts.get(key)) == "":
            raise SchedulerError(f"sheet Term has no value for {key}; {WRITTEN_BY}")
    share = facts.get("completion_share")
    days = _text(facts.get("teaching_days")) or "Mon,Tue,Wed,Thu,Fri"
    return {
        "prison": _text(facts["prison"]),
        "term_start": as_date(facts["term_start"], "sheet Term, term_start"),
        "term_end": as_date(facts["term_end"], "sheet Term, term_end"),
        "teaching_days": tuple(d.strip() for d in days.split(",") if d.strip()),
        "completion_share": DEFAULT_COMPLETION_SHARE
        if _text(share) == ""
        else as_number(share, "sheet Term, completion_share"),
    }


def _closed_days(rows: list[Row]) -> list[ClosedDay]:
    out = []
    for r in rows:
        if r.get("closed_date") is None:
            continue
        where = f"sheet Term, row {r['_row']}, column closed_date"
        sections = tuple(s.strip() for s in _text(r.get("closed_sections")).split(",") if s.strip())
        out.append(
            ClosedDay(as_date(r["closed_date"], where), _text(r.get("closed_reason")), sections)
        )
    return sorted(out, key=lambda c: (c.date, c.sections))


def _groups(rows: list[Row]) -> list[GroupInfo]:
    _need(rows, "Groups", ("group", "course", "staff", "members", "total_hours"))
    taken: set[str] = set()
    out = []
    for r in rows:
        where = f"sheet Groups, row {r['_row']}, column total_hours"
        group = _text(r["group"])
        course = _text(r["course"])
        kind = _text(r.get("kind")) or ("MO" if course.upper().startswith("MO") else "NT2")
        out.append(
            GroupInfo(
                group=group,
                sheet=sheet_title(group, taken),
                course=course,
                course_name=_text(r.get("course_name")) or course,
                kind=kind,
                level=_text(r.get("level")),
                language=_text(r.get("language")),
                staff=_text(r["staff"]),
                rooms=_text(r.get("rooms")),
                times=_text(r.get("times")),
                total_hours=as_number(r["total_hours"], where),
            )
        )
    return out


def _members(
    sheets: dict[str, list[Row]], start: dt.date, end: dt.date, first: dt.date, last: dt.date
) -> list[Member]:
    """Memberships overlapping ``first`` .. ``last``: the Memberships sheet when there is one
    (an open ``to`` runs to the term end), else the Groups members over the whole term."""
    out = []
    if "Memberships" in sheets:
        for r in sheets["Memberships"]:
            where = f"sheet Memberships, row {r['_row']}"
            begin = as_date(r["from"], where) if _text(r.get("from")) else start
            stop = as_date(r["to"], where) if _text(r.get("to")) else end
            out.append(Member(_text(r["group"]), _text(r["learner"]), begin, stop))
    else:
        for r in sheets["Groups"]:
            for learner in _text(r["members"]).split(","):
                if learner.strip():
                    out.append(Member(_text(r["group"]), learner.strip(), start, end))
    return [m for m in out if m.start <= last and m.end >= first]


def _closed_cause(closed: list[ClosedDay], date: dt.date, sections: set[str]) -> str:
    """The reason the term closes ``date`` for a group of ``sections`` ('' when open)."""
    for c in closed:
        if c.date == date and (not c.sections or sections.intersection(c.sections)):
            return c.reason or "closed"
    return ""


def _sessions(
    rows: list[Row], closed: list[ClosedDay], first: dt.date, last: dt.date
) -> list[SessionDate]:
    """Every weekly session on each of its dates in range; closed ones carry their cause."""
    _need(rows, "Sessions", ("group", "day", "start", "end"))
    out = []
    for r in rows:
        where = f"sheet Sessions, row {r['_row']}"
        day = _text(r["day"])
        if day not in WEEKDAYS:
            raise SchedulerError(f"{where}, column day: {day!r} is not a day (Mon .. Sun)")
        begin = as_clock(r["start"], f"{where}, column start")
        hours = _session_hours(r, begin, where)
        sections = {s.strip() for s in _text(r.get("sections")).split(",") if s.strip()}
        date = first + dt.timedelta(days=(WEEKDAYS.index(day) - first.weekday()) % 7)
        while date <= last:
            cause = _closed_cause(closed, date, sections)
            out.append(
                SessionDate(
                    _text(r["group"]), date, begin, hours, f"closed: {cause}" if cause else ""
                )
            )
            date += dt.timedelta(days=7)
    return sorted(out, key=lambda s: (s.group, s.date, s.start))


def _session_hours(row: Row, begin: str, where: str) -> float:
    """Clock hours of a session: its periods' length (the ``hours_per_week`` column, which
    leaves out a break it spans), else end minus start."""
    if _text(row.get("hours_per_week")):
        return as_number(row["hours_per_week"], f"{where}, column hours_per_week")
    stop = as_clock(row["end"], f"{where}, column end")
    minutes = int(stop[:2]) * 60 + int(stop[3:]) - int(begin[:2]) * 60 - int(begin[3:])
    return round(minutes / 60, 2)


def _learners(rows: list[Row] | None, wanted: set[str]) -> list[LearnerInfo]:
    """Section, languages and kinds asked of the members (blank without a Learners sheet)."""
    known = {_text(r.get("learner")): r for r in rows or []}
    out = []
    for learner in sorted(wanted):
        r = known.get(learner, {})
        out.append(
            LearnerInfo(
                learner,
                _text(r.get("section")),
                _text(r.get("languages")),
                _text(r.get("asked")),
            )
        )
    return out


def _intakes(
    rows: list[Row], term: list[Row], first: dt.date, last: dt.date
) -> list[PlannedIntake]:
    """Intakes planned on a date in range (the ``date`` column, else week and day)."""
    _need(rows, "Intakes", ("learner", "week", "day", "staff", "start"))
    dates = {(_text(r.get("day")), _text(r.get("week"))): r.get("date") for r in term}
    out = []
    for r in rows:
        where = f"sheet Intakes, row {r['_row']}"
        raw = r.get("date") or dates.get((_text(r["day"]), _text(r["week"])))
        if raw is None:
            continue
        date = as_date(raw, f"{where}, column date")
        if first <= date <= last:
            start = as_clock(r.get("start"), f"{where}, column start")
            out.append(
                PlannedIntake(
                    _text(r["learner"]), date, start, _text(r["staff"]), _text(r.get("language"))
                )
            )
    return sorted(out, key=lambda i: (i.date, i.start, i.learner))
