"""Read a timetable workbook back: the one reader of every command that reads a timetable.

``read_timetable(path)`` reads the Term, Sessions, Groups, Memberships, Intakes and Internet
sheets of a workbook written by ``scheduler solve`` (or ``replan``), possibly edited by hand, and
returns a ``Timetable``: the ``Solution`` in force on Term's ``valid_from``, every row with its
dates (history included), the term calendar, and warnings.

What the coordinator may edit (replan.md, Clarifications): Groups/Memberships ``members`` /
``learner`` and ``staff``, Sessions ``day``, ``period``, ``periods``, ``room``, ``internet``. The
cells ``start``, ``end`` and ``size`` are derived: when they differ from what the authoritative
cells say, a warning names the cell. A value that cannot be read (a time ``25:00``, an intake in
week 99, a Term sheet without its columns) is an error naming the sheet, row and column; every
error is collected before ``WorkbookError`` is raised. A file is recognised by its content, not
by its name (``.bak``, ``.csv``). Whether the timetable keeps the rules is not checked here:
that is ``scheduler.verify`` (``scheduler check``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scheduler.data import DAYS, Period, ProblemData, fmt_time
from scheduler.errors import Problem, SchedulerError, UnreadableFileError, WorkbookError
from scheduler.i18n import N_, _
from scheduler.report.identity import digest
from scheduler.solution import Group, Intake, InternetBooking, Session, Solution
from scheduler.workbook.cells import (
    CellError,
    as_text,
    is_blank,
    norm,
    parse_date,
    parse_day,
    parse_days,
    parse_int,
    parse_text_list,
    parse_time,
    parse_yes_no,
    show,
)
from scheduler.workbook.read import RawSheet, load_sheets

WRITTEN_BY = N_("give a timetable written by scheduler solve")  # translated where shown

# Columns each sheet must have; the rest are optional (derived, or written by newer versions).
REQUIRED = {
    "Sessions": ("group", "course", "day", "period", "periods", "room", "staff"),
    "Groups": ("group", "course", "staff", "members"),
    "Memberships": ("group", "learner"),
    "Intakes": ("learner", "week", "day", "period", "room", "staff"),
    "Internet": ("learner", "day", "period", "room"),
    "Term": ("key", "value", "period", "start", "end", "date", "day", "week", "closed"),
}
# Sheets without which a workbook is not a timetable at all.
ESSENTIAL = ("Term", "Sessions", "Groups")


@dataclass(frozen=True)
class TermDate:
    """One teaching date of the term with its week and closures."""

    date: dt.date
    day: str
    week: int
    closed: frozenset[str]  # {"all"}, or the closed sections, or empty


@dataclass(frozen=True)
class TermInfo:
    """The Term sheet: the facts later commands need without the term workbook."""

    prison: str
    term_start: dt.date
    term_end: dt.date
    teaching_days: tuple[str, ...]
    periods: tuple[Period, ...]
    dates: tuple[TermDate, ...]
    valid_from: dt.date
    keys: dict[str, Any] = field(default_factory=dict)  # every key of the key/value block

    @property
    def n_weeks(self) -> int:
        return (self.term_end - self.term_start).days // 7 + 1

    @property
    def period_index(self) -> dict[str, int]:
        return {p.period: i for i, p in enumerate(self.periods)}

    def date_of(self, week: int, day: str) -> dt.date | None:
        """The date of ``day`` in term ``week``, or None outside the term."""
        start = self.term_start + dt.timedelta(days=7 * (week - 1))
        for k in range(7):
            d = start + dt.timedelta(days=k)
            if DAYS[d.weekday()] == day:
                return d if self.term_start <= d <= self.term_end else None
        return None

    def times(self, period: str, length: int) -> tuple[int, int] | None:
        """Start and end minute of ``length`` periods from ``period``; None when they do not
        fit in the day or the period is unknown."""
        first = self.period_index.get(period)
        if first is None or length < 1 or first + length > len(self.periods):
            return None
        return self.periods[first].start, self.periods[first + length - 1].end


@dataclass(frozen=True)
class Dated:
    """Where a row came from and when it holds (``valid_to`` None: open)."""

    row: int
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def history(self, valid_from: dt.date) -> bool:
        """True when the row ended before ``valid_from`` (kept unchanged by a re-plan)."""
        return self.valid_to is not None and self.valid_to < valid_from

    def holds(self, date: dt.date) -> bool:
        """True when the row holds on ``date`` (between its valid_from and valid_to)."""
        return (self.valid_from is None or self.valid_from <= date) and (
            self.valid_to is None or date <= self.valid_to
        )


@dataclass(frozen=True)
class SessionRow:
    session: Session
    dated: Dated
    sections: frozenset[str] = frozenset()
    course_name: str = ""
    kind: str = ""


@dataclass(frozen=True)
class IntakeRow:
    intake: Intake
    dated: Dated


@dataclass(frozen=True)
class BookingRow:
    booking: InternetBooking
    dated: Dated


@dataclass(frozen=True)
class Membership:
    group: str
    learner: str
    start: dt.date | None  # the sheet's ``from``
    end: dt.date | None  # the sheet's ``to``; None: open
    row: int | None = None


@dataclass(frozen=True)
class Timetable:
    """A timetable workbook as read: the solution in force, its rows with dates, the term."""

    path: Path
    term: TermInfo
    solution: Solution
    sessions: tuple[SessionRow, ...]
    intakes: tuple[IntakeRow, ...]
    internet: tuple[BookingRow, ...]
    memberships: tuple[Membership, ...]
    warnings: tuple[Problem, ...] = ()
    edited: bool = False  # the digest no longer matches: edited by hand after it was written

    @property
    def generator(self) -> str:
        return as_text(self.term.keys.get("generator") or "")


# ---------------------------------------------------------------------------------------------
# Cells


class _Sheet:
    """One raw sheet with its column positions; collects problems while cells are read."""

    def __init__(self, raw: RawSheet, problems: list[Problem]):
        self.raw, self.problems, self.name = raw, problems, _canonical_name(raw.title)
        self.columns: dict[str, int] = {}
        for i, cell in enumerate(raw.header):
            if is_blank(cell):
                continue
            try:
                self.columns.setdefault(norm(as_text(cell)), i)
            except CellError as exc:  # a formula Excel never calculated, an error value
                self.error(1, None, _("column {n} of row 1 {problem}", n=i + 1, problem=exc))

    def missing(self, required: Iterable[str]) -> list[str]:
        return [c for c in required if norm(c) not in self.columns]

    def value(self, values: tuple[Any, ...], column: str) -> Any:
        i = self.columns.get(norm(column))
        return values[i] if i is not None and i < len(values) else None

    def error(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.name, row, column, message))

    def warn(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.name, row, column, message, "warning"))

    def cell(
        self,
        values: tuple[Any, ...],
        row: int,
        column: str,
        parse: Callable[[Any], Any],
        required: bool = True,
    ) -> Any:
        """The parsed cell, or None (with an error when required or unreadable)."""
        value = self.value(values, column)
        if is_blank(value):
            if required:
                self.error(row, column, _("is empty; fill it in as the timetable was written"))
            return None
        try:
            return parse(value)
        except CellError as exc:
            self.error(row, column, f"{show(value)} {exc}")
            return None


def _canonical_name(title: str) -> str:
    by_norm = {norm(n): n for n in REQUIRED}
    return by_norm.get(norm(title), title)


def parse_clock(value: Any) -> int:
    """A time of day strictly before midnight (``24:00`` is refused, as in workbook.md)."""
    minutes = parse_time(value)
    if minutes >= 24 * 60:
        raise CellError(_("is not a time of day; a teaching day ends before midnight (23:59)"))
    return minutes


def _text(value: Any) -> str:
    text = as_text(value)
    if not text:
        raise CellError(_("is empty"))
    return text


def _week(value: Any) -> int:
    week = parse_int(value)
    if week < 1:
        raise CellError(_("is not a week of the term; weeks are numbered from 1"))
    return week


def _positive(value: Any) -> int:
    n = parse_int(value)
    if n < 1:
        raise CellError(_("is not a number of periods; type 1 or more"))
    return n


# ---------------------------------------------------------------------------------------------
# Term


def _read_term(sheet: _Sheet) -> TermInfo | None:
    """The Term sheet, or None (with errors) when it cannot be used."""
    missing = sheet.missing(REQUIRED["Term"])
    if missing:
        for column in missing:
            sheet.error(
                1,
                column,
                _(
                    "column {column} is missing from the Term sheet; {hint}",
                    column=column,
                    hint=_(WRITTEN_BY),
                ),
            )
        return None
    keys: dict[str, Any] = {}
    key_rows: dict[str, int] = {}
    periods: list[Period] = []
    dates: list[TermDate] = []
    for row, values in sheet.raw.rows:
        key = sheet.value(values, "key")
        if not is_blank(key):
            try:
                name = as_text(key).casefold()
            except CellError as exc:
                sheet.error(row, "key", _("the key {problem}", problem=exc))
                continue
            keys[name] = sheet.value(values, "value")
            key_rows[name] = row
        if not is_blank(sheet.value(values, "period")):
            period = _term_period(sheet, row, values)
            if period is not None:
                periods.append(period)
        if not is_blank(sheet.value(values, "date")):
            date = _term_date(sheet, row, values)
            if date is not None:
                dates.append(date)
    return _term_info(sheet, keys, key_rows, periods, dates)


def _term_period(sheet: _Sheet, row: int, values: tuple[Any, ...]) -> Period | None:
    name = sheet.cell(values, row, "period", _text)
    start = sheet.cell(values, row, "start", parse_clock)
    end = sheet.cell(values, row, "end", parse_clock)
    if name is None or start is None or end is None:
        return None
    if end <= start:
        sheet.error(
            row,
            "end",
            _("{end} is not after the start {start}", end=fmt_time(end), start=fmt_time(start)),
        )
        return None
    return Period(name, start, end, row)


def _term_date(sheet: _Sheet, row: int, values: tuple[Any, ...]) -> TermDate | None:
    date = sheet.cell(values, row, "date", parse_date)
    day = sheet.cell(values, row, "day", parse_day)
    week = sheet.cell(values, row, "week", _week)
    closed = frozenset(parse_text_list(sheet.value(values, "closed") or ""))
    if date is None or day is None or week is None:
        return None
    if DAYS[date.weekday()] != day:
        sheet.error(
            row, "day", _("{day} is not the weekday of {date}", day=day, date=date.isoformat())
        )
        return None
    return TermDate(date, day, week, closed)


def _key(sheet: _Sheet, keys: dict, rows: dict, key: str, parse, default: Any = None) -> Any:
    """One key of Term's key/value block, parsed; an error when it is required and absent."""
    value = keys.get(key)
    if is_blank(value):
        if default is None:
            sheet.error(
                rows.get(key), "value", _("Term has no {key}; {hint}", key=key, hint=_(WRITTEN_BY))
            )
        return default
    try:
        return parse(value)
    except CellError as exc:
        sheet.error(rows.get(key), "value", f"{key} {show(value)} {exc}")
        return None


def _term_info(
    sheet: _Sheet, keys: dict, rows: dict, periods: list[Period], dates: list[TermDate]
) -> TermInfo | None:
    prison = _key(sheet, keys, rows, "prison", _text)
    start = _key(sheet, keys, rows, "term_start", parse_date)
    end = _key(sheet, keys, rows, "term_end", parse_date)
    days = _key(sheet, keys, rows, "teaching_days", parse_days)
    valid_from = _key(sheet, keys, rows, "valid_from", parse_date, default=start)
    if not periods:
        sheet.error(
            None, "period", _("the Term sheet lists no periods; {hint}", hint=_(WRITTEN_BY))
        )
    if None in (prison, start, end, days, valid_from) or not periods:
        return None
    names = [p.period for p in periods]
    for p in periods:
        if names.count(p.period) > 1:
            sheet.error(p.row, "period", _("period {period} is listed twice", period=p.period))
            return None
    return TermInfo(prison, start, end, days, tuple(periods), tuple(dates), valid_from, keys)


# ---------------------------------------------------------------------------------------------
# Rows of the timetable


def _dated(sheet: _Sheet, row: int, values: tuple[Any, ...]) -> Dated:
    return Dated(
        row,
        sheet.cell(values, row, "valid_from", parse_date, required=False),
        sheet.cell(values, row, "valid_to", parse_date, required=False),
    )


def _slot(sheet: _Sheet, term: TermInfo, row: int, values, length_column: str | None, default: int):
    """(day, period, length) of a row, or None; the period must be one of Term's and the
    appointment must fit in the day."""
    day = sheet.cell(values, row, "day", parse_day)
    period = sheet.cell(values, row, "period", _text)
    length = default
    if length_column is not None:
        length = sheet.cell(values, row, length_column, _positive, required=False) or default
    if day is None or period is None:
        return None
    if period not in term.period_index:
        known = ", ".join(p.period for p in term.periods)
        sheet.error(
            row,
            "period",
            _("{period} is not a period of the term ({known})", period=repr(period), known=known),
        )
        return None
    if term.times(period, length) is None:
        sheet.error(row, length_column or "period",
                    _("{n} periods from {period} run past the last period of the day", n=length,
                      period=period))  # fmt: skip
        return None
    _check_times(sheet, term, row, values, period, length)
    return day, period, length


def _check_times(sheet: _Sheet, term: TermInfo, row: int, values, period: str, length: int):
    """``start`` and ``end`` are derived from the period: unreadable is an error, different a
    warning (the period counts)."""
    expected = term.times(period, length)
    assert expected is not None
    for column, want in zip(("start", "end"), expected, strict=True):
        got = sheet.cell(values, row, column, parse_clock, required=False)
        if got is not None and got != want:
            sheet.warn(row, column,
                       _("{got} differs from period {period}, which runs {start}-{end}; the"
                         " period is used", got=fmt_time(got), period=period,
                         start=fmt_time(expected[0]), end=fmt_time(expected[1])))  # fmt: skip


def _sessions(sheet: _Sheet, term: TermInfo) -> list[SessionRow]:
    out = []
    for row, values in sheet.raw.rows:
        group = sheet.cell(values, row, "group", _text)
        course = sheet.cell(values, row, "course", _text)
        room = sheet.cell(values, row, "room", _text)
        staff = sheet.cell(values, row, "staff", _text)
        internet = sheet.cell(values, row, "internet", parse_yes_no, required=False) or False
        slot = _slot(sheet, term, row, values, "periods", 1)
        dated = _dated(sheet, row, values)
        if None in (group, course, room, staff) or slot is None:
            continue
        day, period, length = slot
        session = Session(group, course, day, period, length, room, staff, internet)
        sections = frozenset(parse_text_list(sheet.value(values, "sections") or ""))
        name = as_text(sheet.value(values, "course_name") or "")
        kind = as_text(sheet.value(values, "kind") or "")
        out.append(SessionRow(session, dated, sections, name, kind))
    return out


def _groups(sheet: _Sheet) -> dict[str, tuple[Group, int]]:
    out: dict[str, tuple[Group, int]] = {}
    for row, values in sheet.raw.rows:
        gid = sheet.cell(values, row, "group", _text)
        course = sheet.cell(values, row, "course", _text)
        staff = sheet.cell(values, row, "staff", _text)
        members = tuple(parse_text_list(sheet.value(values, "members") or ""))
        if None in (gid, course, staff):
            continue
        if gid in out:
            sheet.error(
                row,
                "group",
                _("group {group} is listed twice (also row {row})", group=gid, row=out[gid][1]),
            )
            continue
        if len(set(members)) < len(members):
            sheet.error(row, "members", _("a learner is listed twice in group {group}", group=gid))
            continue
        size = sheet.cell(values, row, "size", parse_int, required=False)
        if size is not None and size != len(members):
            sheet.warn(row, "size", _("{size} differs from the {n} members listed; the members"
                                      " count", size=size, n=len(members)))  # fmt: skip
        out[gid] = (Group(gid, course, staff, members), row)
    return out


def _memberships(sheet: _Sheet | None, groups: dict, valid_from: dt.date) -> list[Membership]:
    """The Memberships sheet, or (a timetable written before it existed) the Groups members."""
    if sheet is None:
        return [
            Membership(g.group, m, valid_from, None, row)
            for g, row in groups.values()
            for m in g.members
        ]
    out = []
    for row, values in sheet.raw.rows:
        group = sheet.cell(values, row, "group", _text)
        learner = sheet.cell(values, row, "learner", _text)
        start = sheet.cell(values, row, "from", parse_date, required=False)
        end = sheet.cell(values, row, "to", parse_date, required=False)
        if group is None or learner is None:
            continue
        if start is not None and end is not None and end < start:
            sheet.error(
                row,
                "to",
                _("{end} is before from {start}", end=end.isoformat(), start=start.isoformat()),
            )
            continue
        out.append(Membership(group, learner, start, end, row))
    return out


def _intakes(sheet: _Sheet, term: TermInfo) -> list[IntakeRow]:
    default = _int_key(term, "intake_periods", 1)
    out = []
    for row, values in sheet.raw.rows:
        learner = sheet.cell(values, row, "learner", _text)
        week = sheet.cell(values, row, "week", _week)
        room = sheet.cell(values, row, "room", _text)
        staff = sheet.cell(values, row, "staff", _text)
        language = sheet.cell(values, row, "language", as_text, required=False) or ""
        slot = _slot(sheet, term, row, values, "periods", default)
        dated = _dated(sheet, row, values)
        if week is not None and week > term.n_weeks:
            sheet.error(row, "week", _("week {week} is outside the term, which has {n} weeks",
                                       week=week, n=term.n_weeks))  # fmt: skip
            continue
        if None in (learner, week, room, staff) or slot is None:
            continue
        day, period, length = slot
        if term.date_of(week, day) is None:
            sheet.error(
                row, "day", _("{day} of week {week} falls outside the term", day=day, week=week)
            )
            continue
        intake = Intake(learner, week, day, period, length, room, staff, language)
        out.append(IntakeRow(intake, dated))
    return out


def _int_key(term: TermInfo, key: str, default: int) -> int:
    try:
        return parse_int(term.keys.get(key)) if not is_blank(term.keys.get(key)) else default
    except CellError:
        return default


def _bookings(sheet: _Sheet, term: TermInfo) -> list[BookingRow]:
    out = []
    for row, values in sheet.raw.rows:
        learner = sheet.cell(values, row, "learner", _text)
        room = sheet.cell(values, row, "room", _text)
        slot = _slot(sheet, term, row, values, None, 1)
        dated = _dated(sheet, row, values)
        if learner is None or room is None or slot is None:
            continue
        day, period, _length = slot
        out.append(BookingRow(InternetBooking(learner, day, period, room), dated))
    return out


# ---------------------------------------------------------------------------------------------
# The workbook


def read_timetable(path: str | os.PathLike) -> Timetable:
    """Read the timetable workbook at ``path`` (any file name: it is recognised by content).

    Raises UnreadableFileError when the file is not a workbook, SchedulerError when it is a
    workbook but not a timetable, WorkbookError listing every unreadable cell otherwise.
    """
    path = Path(path)
    try:
        raw = load_sheets(path)
    except UnreadableFileError as exc:
        raise UnreadableFileError(f"{exc}; {_(WRITTEN_BY)}") from None
    problems: list[Problem] = []
    sheets = {_canonical_name(r.title): _Sheet(r, problems) for r in reversed(raw)}
    absent = [name for name in ESSENTIAL if name not in sheets]
    if absent:
        raise SchedulerError(
            _(
                "{name} is not a timetable workbook (it has no {sheets} sheet); {hint}",
                name=path.name,
                sheets=", ".join(absent),
                hint=_(WRITTEN_BY),
            )
        )
    for name, sheet in sheets.items():
        if name in REQUIRED and name != "Term":
            for column in sheet.missing(REQUIRED[name]):
                sheet.error(
                    1,
                    column,
                    _("column {column} is missing; {hint}", column=column, hint=_(WRITTEN_BY)),
                )
    try:
        term = _read_term(sheets["Term"])
        if term is None or _errors(problems):
            raise WorkbookError(problems)
        timetable = _assemble(path, term, sheets, problems)
    except CellError as exc:  # a cell read where no row and column are at hand
        raise SchedulerError(
            _("{name}: a cell {problem}; {hint}", name=path.name, problem=exc, hint=_(WRITTEN_BY))
        ) from None
    if _errors(problems):
        raise WorkbookError(problems)
    return timetable


def _errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def _assemble(path: Path, term: TermInfo, sheets: dict[str, _Sheet], problems) -> Timetable:
    sessions = _sessions(sheets["Sessions"], term)
    groups = _groups(sheets["Groups"])
    memberships = _memberships(sheets.get("Memberships"), groups, term.valid_from)
    intakes = _intakes(sheets["Intakes"], term) if "Intakes" in sheets else []
    internet = _bookings(sheets["Internet"], term) if "Internet" in sheets else []
    live = term.valid_from
    for s in sessions:
        # A history row may name a group closed since (it is no longer on the Groups sheet).
        if s.session.group not in groups and not s.dated.history(live):
            sheets["Sessions"].error(
                s.dated.row,
                "group",
                _(
                    "group {group} is not on the Groups sheet; add it there or remove the session",
                    group=s.session.group,
                ),
            )
    _check_memberships(sheets, groups, memberships, term.valid_from)
    _check_sizes(sheets["Sessions"], [s for s in sessions if s.dated.holds(live)], groups)
    sessions = _group_staff(sheets["Sessions"], sessions, groups, term.valid_from)
    solution = Solution(
        groups=tuple(g for g, _row in groups.values()),
        sessions=tuple(s.session for s in sessions if s.dated.holds(live)),
        intakes=tuple(i.intake for i in intakes if not i.dated.history(live)),
        internet=tuple(b.booking for b in internet if b.dated.holds(live)),
    )
    edited = _digest_note(sheets, term, problems)
    warnings = tuple(p for p in problems if p.severity != "error")
    return Timetable(
        path, term, solution, tuple(sessions), tuple(intakes), tuple(internet),
        tuple(memberships), warnings, edited,
    )  # fmt: skip


def _check_memberships(sheets, groups: dict, memberships: list[Membership], live: dt.date):
    """Groups ``members`` are the members in force; Memberships must agree (a warning names
    the group when they do not, and Groups counts, being what a coordinator edits)."""
    sheet = sheets.get("Memberships")
    if sheet is None:
        return
    in_force: dict[str, set[str]] = {}
    for m in memberships:
        if (m.start is None or m.start <= live) and (m.end is None or m.end >= live):
            in_force.setdefault(m.group, set()).add(m.learner)
    for gid, (group, row) in groups.items():
        listed = set(group.members)
        if in_force.get(gid, set()) != listed:
            sheets["Groups"].warn(
                row,
                "members",
                _(
                    "the members of {group} differ from its rows on the Memberships sheet; the"
                    " Groups sheet is used",
                    group=gid,
                ),
            )


def _check_sizes(sheet: _Sheet, sessions: list[SessionRow], groups: dict) -> None:
    """Sessions ``size`` is derived from the group's members."""
    rows = dict(sheet.raw.rows)
    for s in sessions:
        values = rows.get(s.dated.row, ())
        size = sheet.cell(values, s.dated.row, "size", parse_int, required=False)
        group = groups.get(s.session.group)
        if size is not None and group is not None and size != group[0].size:
            sheet.warn(s.dated.row, "size",
                       _("{size} differs from the {n} members of {group}; the members count",
                         size=size, n=group[0].size, group=s.session.group))  # fmt: skip


def _group_staff(sheet: _Sheet, sessions: list[SessionRow], groups: dict, live: dt.date):
    """A session in force is taught by its group's staff member and is of its group's course
    (Groups ``staff`` is what a coordinator edits; the Sessions cells follow it): a warning
    names a cell that differs. Rows of the past keep theirs (history)."""
    out = []
    for row in sessions:
        group = groups.get(row.session.group)
        if group is None or not row.dated.holds(live):
            out.append(row)
            continue
        g = group[0]
        for column, have, want in (("staff", row.session.staff, g.staff),
                                   ("course", row.session.course, g.course)):  # fmt: skip
            if have != want:
                sheet.warn(row.dated.row, column,
                           _("{have} differs from {want} of group {group} on the Groups sheet;"
                             " the Groups sheet is used", have=have, want=want,
                             group=g.group))  # fmt: skip
        session = dataclasses.replace(row.session, staff=g.staff, course=g.course)
        out.append(dataclasses.replace(row, session=session))
    return out


def _digest_note(sheets: dict[str, _Sheet], term: TermInfo, problems: list[Problem]) -> bool:
    """A warning when the digest written into Term no longer matches the sheets."""
    written = term.keys.get("digest")
    if is_blank(written):
        return False
    found = digest(
        (name, [s.raw.header, *(v for _r, v in s.raw.rows)]) for name, s in sheets.items()
    )
    if found == as_text(written):
        return False
    problems.append(
        Problem("Term", None, "digest", _("the timetable was edited by hand after it was"
                " written; the edits are taken as they are"), "warning")
    )  # fmt: skip
    return True


def kept_groups(timetable: Timetable) -> frozenset[str]:
    """Groups running since before the timetable's valid_from (a membership starting earlier):
    min_size does not bind them (replan.md, Clarifications)."""
    live = timetable.term.valid_from
    return frozenset(
        m.group for m in timetable.memberships if m.start is not None and m.start < live
    )


def same_term(timetable: Timetable, data: ProblemData) -> None:
    """Raise SchedulerError (one sentence) unless ``timetable`` belongs to the term ``data``:
    same prison and same term start."""
    t, s = timetable.term, data.settings
    if t.prison.strip() == s.prison.strip() and t.term_start == s.term_start:
        return
    raise SchedulerError(
        _(
            "{name} is a timetable of {prison} from {start}, not of this term ({term_prison}"
            " from {term_start}); give the timetable written for this term",
            name=timetable.path.name,
            prison=t.prison,
            start=t.term_start.isoformat(),
            term_prison=s.prison,
            term_start=s.term_start.isoformat(),
        )
    )
