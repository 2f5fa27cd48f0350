"""The plan of some weeks, read from a timetable workbook alone.

``read_plan(path, first, last)`` reads the timetable with the project's one timetable reader
(``scheduler.report.read``: Term, Sessions, Groups, Memberships, Intakes, every cell checked)
and takes from the same workbook what that reader leaves aside: each group's course details
(Groups ``course_name``, ``level``, ``language``, ``kind``, ``total_hours``, ``rooms``,
``times``), the learners' section, languages and kinds asked (Learners) and the closed days'
reasons (Term). It returns the RegisterPlan of the dates ``first`` .. ``last``: every weekly
session on its real dates inside the row's ``valid_from`` .. ``valid_to``, the sessions the term's
closed days cancel kept apart with their cause. Without a Memberships sheet the members of a
group are its Groups ``members`` over the whole term.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from scheduler.data import fmt_time
from scheduler.errors import SchedulerError
from scheduler.excel import sheet_title
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
from scheduler.report.read import SessionRow, TermInfo, Timetable, read_timetable
from scheduler.workbook.cells import (
    CellError,
    as_text,
    is_blank,
    norm,
    parse_date,
    parse_float,
    parse_text_list,
)
from scheduler.workbook.read import RawSheet, load_sheets

WRITTEN_BY = "solve the term again with this version of scheduler"


def read_plan(
    path: str | os.PathLike, first: dt.date | None = None, last: dt.date | None = None
) -> RegisterPlan:
    """The plan of ``first`` .. ``last`` (default: four weeks from the term start). Raises
    SchedulerError (or WorkbookError) naming the sheet, row and column of what cannot be used."""
    tt = read_timetable(path)
    raw = {norm(sheet.title): sheet for sheet in load_sheets(path)}
    term = tt.term
    first = first or term.term_start
    last = last or first + dt.timedelta(days=27)
    if first > last:
        raise SchedulerError(f"--from {first} is after --to {last}")
    if last < term.term_start or first > term.term_end:
        raise SchedulerError(
            f"{first} .. {last} lies outside the term ({term.term_start} .. {term.term_end})"
        )
    first, last = max(first, term.term_start), min(last, term.term_end)
    closed = _closed_days(raw["term"])
    members = _members(tt, first, last)
    return RegisterPlan(
        prison=term.prison,
        term_start=term.term_start,
        term_end=term.term_end,
        completion_share=_share(term),
        first=first,
        last=last,
        closed_days=tuple(closed),
        groups=tuple(_groups(raw["groups"])),
        sessions=tuple(_sessions(tt, closed, first, last)),
        members=tuple(members),
        learners=tuple(_learners(raw.get("learners"), {m.learner for m in members})),
        intakes=tuple(_intakes(tt, first, last)),
    )


class _Rows:
    """A raw sheet's rows as (Excel row, column -> value)."""

    def __init__(self, sheet: RawSheet):
        self.name = sheet.title
        self.columns = {norm(as_text(h)): i for i, h in enumerate(sheet.header) if not is_blank(h)}
        self.rows = sheet.rows

    def need(self, *columns: str) -> None:
        missing = [c for c in columns if norm(c) not in self.columns]
        if missing:
            raise SchedulerError(
                f"sheet {self.name} has no column {', '.join(missing)}; {WRITTEN_BY}"
            )

    def get(self, values: tuple[Any, ...], column: str) -> Any:
        i = self.columns.get(norm(column))
        return values[i] if i is not None and i < len(values) else None

    def text(self, values: tuple[Any, ...], column: str) -> str:
        return as_text(self.get(values, column))

    def parsed(self, values: tuple[Any, ...], row: int, column: str, parse) -> Any:
        try:
            return parse(self.get(values, column))
        except CellError as exc:
            value = self.get(values, column)
            raise SchedulerError(
                f"sheet {self.name}, row {row}, column {column}: {value!r} {exc}"
            ) from exc


def _share(term: TermInfo) -> float:
    value = term.keys.get("completion_share")
    if is_blank(value):
        return DEFAULT_COMPLETION_SHARE
    try:
        return parse_float(value)
    except CellError as exc:
        raise SchedulerError(f"sheet Term, completion_share: {value!r} {exc}") from exc


def _closed_days(sheet: RawSheet) -> list[ClosedDay]:
    """The closed days with their reasons (Term's closed_date block)."""
    rows = _Rows(sheet)
    out = []
    for row, values in rows.rows:
        if is_blank(rows.get(values, "closed_date")):
            continue
        date = rows.parsed(values, row, "closed_date", parse_date)
        sections = parse_text_list(rows.get(values, "closed_sections") or "")
        out.append(ClosedDay(date, rows.text(values, "closed_reason"), tuple(sections)))
    return sorted(out, key=lambda c: (c.date, c.sections))


def _groups(sheet: RawSheet) -> list[GroupInfo]:
    rows = _Rows(sheet)
    rows.need("group", "course", "staff", "total_hours")
    taken: set[str] = set()
    out = []
    for row, values in rows.rows:
        group, course = rows.text(values, "group"), rows.text(values, "course")
        if not group:
            continue
        kind = rows.text(values, "kind") or ("MO" if course.upper().startswith("MO") else "NT2")
        out.append(
            GroupInfo(
                group=group,
                sheet=sheet_title(group, taken),
                course=course,
                course_name=rows.text(values, "course_name") or course,
                kind=kind,
                level=rows.text(values, "level"),
                language=rows.text(values, "language"),
                staff=rows.text(values, "staff"),
                rooms=rows.text(values, "rooms"),
                times=rows.text(values, "times"),
                total_hours=rows.parsed(values, row, "total_hours", parse_float),
            )
        )
    return out


def _members(tt: Timetable, first: dt.date, last: dt.date) -> list[Member]:
    """Memberships overlapping ``first`` .. ``last``; open ends run to the term's ends."""
    out = []
    for m in tt.memberships:
        member = Member(
            m.group, m.learner, m.start or tt.term.term_start, m.end or tt.term.term_end
        )
        if member.start <= last and member.end >= first:
            out.append(member)
    return out


def _closed_cause(closed: list[ClosedDay], date: dt.date, sections: frozenset[str]) -> str:
    """Why the term closes ``date`` for a group of ``sections`` ('' when open)."""
    for c in closed:
        if c.date == date and (not c.sections or sections.intersection(c.sections)):
            return f"closed: {c.reason or 'closed'}"
    return ""


def _sessions(
    tt: Timetable, closed: list[ClosedDay], first: dt.date, last: dt.date
) -> list[SessionDate]:
    """Every weekly session on each of its term dates in range and inside its valid dates;
    those the closed days cancel carry their cause."""
    out = []
    for row in tt.sessions:
        start, hours = _start_and_hours(tt.term, row)
        begin = max(first, row.dated.valid_from or first)
        end = min(last, row.dated.valid_to or last)
        for day in tt.term.dates:
            if day.day == row.session.day and begin <= day.date <= end:
                cause = _closed_cause(closed, day.date, row.sections)
                if not cause and ("all" in day.closed or day.closed & row.sections):
                    cause = "closed: closed day"  # Term marks it closed without a reason row
                out.append(SessionDate(row.session.group, day.date, start, hours, cause))
    return sorted(out, key=lambda s: (s.group, s.date, s.start))


def _start_and_hours(term: TermInfo, row: SessionRow) -> tuple[str, float]:
    """``HH:MM`` of the session's start and its clock hours (its periods, not a break it
    spans)."""
    first = term.period_index[row.session.period]
    periods = term.periods[first : first + row.session.periods]
    return fmt_time(periods[0].start), round(sum(p.end - p.start for p in periods) / 60, 4)


def _learners(sheet: RawSheet | None, wanted: set[str]) -> list[LearnerInfo]:
    """Section, languages and kinds asked of the members (blank without a Learners sheet)."""
    known: dict[str, tuple[str, str, str]] = {}
    if sheet is not None:
        rows = _Rows(sheet)
        for _row, values in rows.rows:
            known[rows.text(values, "learner")] = (
                rows.text(values, "section"),
                rows.text(values, "languages"),
                rows.text(values, "asked"),
            )
    return [LearnerInfo(x, *known.get(x, ("", "", ""))) for x in sorted(wanted)]


def _intakes(tt: Timetable, first: dt.date, last: dt.date) -> list[PlannedIntake]:
    """Intakes planned on a date in range."""
    out = []
    for row in tt.intakes:
        i = row.intake
        date = tt.term.date_of(i.week, i.day)
        if date is not None and first <= date <= last:
            start = fmt_time(tt.term.periods[tt.term.period_index[i.period]].start)
            out.append(PlannedIntake(i.learner, date, start, i.staff, i.language))
    return sorted(out, key=lambda i: (i.date, i.start, i.learner))
