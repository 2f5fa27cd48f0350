"""Cross-sheet checks of a term: every problem, each with where it is and what to do.

``validate(data)`` works on any ProblemData, read from a workbook or built in code (scenarios
patch a ProblemData and validate it again). It runs every rule in ``RULES`` (small functions,
one concern each, in sheet order) and returns all problems found; none is raised. Severity
``"error"`` means the term cannot be solved as it stands; ``"warning"`` flags what is legal but
probably not meant (a course nobody can join, a language no trainer speaks).

The reader checks what a single cell can hold (a time, a day, a number); this module checks
ranges, references between sheets and what only makes sense with other rows in view.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from scheduler.data import (
    DAYS,
    DEFAULT_WEIGHTS,
    NT2_LEVELS,
    SCENARIO_ACTIONS,
    Course,
    Learner,
    ProblemData,
    ScenarioRow,
    fmt_time,
)
from scheduler.errors import Problem, WorkbookError
from scheduler.i18n import N_, _, _n, language
from scheduler.rules import (
    PERSON_YEARS,
    RANGES,
    TEACHING_ROLE,
    TERM_YEARS,
    WEIGHT_RANGE,
    date_problem,
    fits,
    listing,
    may_teach,
    needs_intake,
    term_length_problem,
)
from scheduler.rules import check as check_range
from scheduler.term import closed_for, term_dates
from scheduler.workbook.cells import FLOAT, CellError, Kind, is_blank, norm
from scheduler.workbook.contract import SETTINGS_KINDS, SHEETS, TABLE_FIELDS
from scheduler.workbook.languages import labelled
from scheduler.workbook.read import build, load_sheets, suggest

Rule = Callable[["Context"], Iterable[Problem]]

# Sheets whose first column is a unique id, and how one of their records is called
# (translated where shown: the nouns go into messages).
ID_SHEETS: dict[str, str] = {
    "Periods": N_("period"),
    "Sections": N_("section"),
    "Rooms": N_("room"),
    "Staff": N_("staff member"),
    "Courses": N_("course"),
    "Learners": N_("learner"),
}
NOUNS: dict[str, str] = ID_SHEETS | {"Regimes": N_("regime")}


def _and(items: Iterable[str]) -> str:
    """``a, b and c`` in the current language."""
    return listing(items, _("and"))


def _or(items: Iterable[str]) -> str:
    """``a, b or c`` in the current language."""
    return listing(items, _("or"))


def demand(data: ProblemData) -> dict[str, int]:
    """Course id -> number of learners who fit it."""
    return {c.course: sum(fits(lrn, c) for lrn in data.learners) for c in data.courses}


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """The problems of severity ``error`` (those that make a term unusable)."""
    return [p for p in problems if p.severity == "error"]


@dataclass
class Context:
    """The term under check, with the ids of rows the reader had to leave out (already
    reported there), so that references to them are not reported a second time."""

    data: ProblemData
    unread: Mapping[str, set[str]] = field(default_factory=dict)
    key_rows: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def records(self, sheet: str) -> tuple:
        return getattr(self.data, TABLE_FIELDS[sheet])

    @cached_property
    def ids(self) -> dict[str, set[str]]:
        """Sheet -> every id that may be referred to (read or left out by the reader)."""
        out = {
            sheet: {getattr(r, _id_column(sheet)) for r in self.records(sheet)} for sheet in NOUNS
        }
        for sheet, left_out in self.unread.items():
            out.setdefault(sheet, set()).update(left_out)
        return out

    def key(self, sheet: str, key: str) -> At:
        """Where a problem of the key ``key`` of Settings or Weights is: the row of that key
        when the reader saw it (these records keep no row of their own)."""
        return At(sheet, _KeyRow(self.key_rows.get(sheet, {}).get(key)))

    def has_rows(self, sheet: str) -> bool:
        return bool(self.records(sheet)) or bool(self.unread.get(sheet))

    @property
    def term_ok(self) -> bool:
        """Both term dates given, in order (else checks against the term are skipped)."""
        s = self.data.settings
        return s.term_start is not None and s.term_end is not None and s.term_start <= s.term_end

    @cached_property
    def n_weeks(self) -> int | None:
        s = self.data.settings
        return (s.term_end - s.term_start).days // 7 + 1 if self.term_ok else None


def unless_unread(*sheets: str) -> Callable[[Rule], Rule]:
    """Skip a rule that warns about something missing when rows of ``sheets`` could not be
    read: the missing thing may well be on such a row (already reported by the reader)."""

    def wrap(rule: Rule) -> Rule:
        @functools.wraps(rule)
        def checked(ctx: Context) -> Iterable[Problem]:
            return () if any(ctx.unread.get(s) for s in sheets) else rule(ctx)

        return checked

    return wrap


def _id_column(sheet: str) -> str:
    return SHEETS[sheet].columns[0].name


@dataclass(frozen=True)
class At:
    """Where problems are found: a sheet and a record (its ``row`` is used), or None for the
    sheet as a whole. ``At("Rooms", room).error("seats", "...")`` makes one Problem."""

    sheet: str
    record: Any = None

    def error(self, column: str | None, message: str, severity: str = "error") -> Problem:
        return Problem(self.sheet, getattr(self.record, "row", None), column, message, severity)

    def warning(self, column: str | None, message: str) -> Problem:
        return self.error(column, message, "warning")


@dataclass(frozen=True)
class _KeyRow:
    """The row of a key on Settings or Weights, as ``At`` wants a record."""

    row: int | None


def _label(sheet: str, record: Any) -> str:
    """``section A1`` for a record with an id, else ``this row``."""
    if sheet in ID_SHEETS:
        return f"{_(ID_SHEETS[sheet])} {getattr(record, _id_column(sheet))}"
    return _("this row")


# ---------------------------------------------------------------------------------------------
# Settings and periods
# ---------------------------------------------------------------------------------------------

_REQUIRED_SETTINGS = {
    "prison": N_("the prison's name"),
    "term_start": N_("the first date of the term (e.g. 2027-01-11)"),
    "term_end": N_("the last date of the term (e.g. 2027-04-30)"),
}


def settings_required(ctx: Context) -> Iterator[Problem]:
    """prison, term_start and term_end must be given."""
    s = ctx.data.settings
    left_out = ctx.unread.get("Settings", set())
    for key, what in _REQUIRED_SETTINGS.items():
        if key not in left_out and (getattr(s, key) is None or getattr(s, key) == ""):
            yield ctx.key("Settings", key).error(
                None,
                _(
                    "{key} is required; give {what} as the value of key {key}",
                    key=key,
                    what=_(what),
                ),
            )


def settings_values(ctx: Context) -> Iterator[Problem]:
    """The order of the term dates and the range of every numeric setting."""
    s = ctx.data.settings
    if s.term_start is not None and s.term_end is not None and s.term_end < s.term_start:
        yield ctx.key("Settings", "term_end").error(
            "value",
            _(
                "term_end ({end}) is before term_start ({start}); correct one of them",
                end=s.term_end,
                start=s.term_start,
            ),
        )
    bad_days = [d for d in s.teaching_days if d not in DAYS]
    if not s.teaching_days or bad_days:
        yield ctx.key("Settings", "teaching_days").error(
            "value",
            _(
                "teaching_days must list days such as Mon,Tue,Wed,Thu,Fri (got {got})",
                got=_and(map(str, s.teaching_days)) or _("none"),
            ),
        )
    n = len(ctx.data.periods)
    if n and s.intake_periods > n:
        yield ctx.key("Settings", "intake_periods").error(
            "value",
            _(
                "intake_periods {value} is longer than a day ({periods}); lower it or add periods",
                value=s.intake_periods,
                periods=_n("{n} period", "{n} periods", n),
            ),
        )
    if ctx.n_weeks is not None and s.intake_weeks > ctx.n_weeks:
        yield ctx.key("Settings", "intake_weeks").warning(
            "value",
            _(
                "intake_weeks {value} is more than the {weeks} of the term; intakes can only "
                "take place in the term",
                value=s.intake_weeks,
                weeks=_n("{n} week", "{n} weeks", ctx.n_weeks),
            ),
        )


def number_ranges(ctx: Context) -> Iterator[Problem]:
    """Every number and date inside its range (``scheduler.rules``), which is also what the
    solver can use: a value validate accepts never overflows the model."""
    s = ctx.data.settings
    for (sheet, column), _bounds in RANGES.items():
        if sheet == "Settings":
            if message := check_range(sheet, column, getattr(s, column)):
                yield ctx.key("Settings", column).error("value", message)
            continue
        for record in ctx.records(sheet):
            if message := check_range(sheet, column, getattr(record, column)):
                yield At(sheet, record).error(column, message)
    years_ok = True
    for key in ("term_start", "term_end"):
        if message := date_problem(key, getattr(s, key), TERM_YEARS):
            years_ok = False
            yield ctx.key("Settings", key).error("value", message)
    if years_ok and (message := term_length_problem(s.term_start, s.term_end)):
        yield ctx.key("Settings", "term_end").error("value", f"term_end: {message}")
    for lrn in ctx.data.learners:
        for column in ("arrival", "release"):
            if message := date_problem(column, getattr(lrn, column), PERSON_YEARS):
                yield At("Learners", lrn).error(column, message)


def _at_least_one(sheet: str, what: str) -> Rule:
    """A rule: ``sheet`` must have at least one row (``what``: the message, marked N_)."""

    def rule(ctx: Context) -> Iterator[Problem]:
        if not ctx.has_rows(sheet):
            yield At(sheet).error(None, _(what))

    rule.__doc__ = f"{sheet} must have at least one row."
    rule.__name__ = f"{sheet.lower()}_present"
    return rule


def _time_problems(sheet: str, record: Any) -> Iterator[Problem]:
    """0 <= start < end <= 24:00."""
    start, end = record.start, record.end
    for column, value in (("start", start), ("end", end)):
        if not 0 <= value <= 24 * 60:
            yield At(sheet, record).error(
                column, _("{value} is not a time of day (minutes since midnight)", value=value)
            )
            return
    if start >= end:
        yield At(sheet, record).error(
            "end",
            _(
                "end {end} is not after start {start}; swap them or correct one",
                end=fmt_time(end),
                start=fmt_time(start),
            ),
        )


def periods_order(ctx: Context) -> Iterator[Problem]:
    """Each period ends after it starts and starts when or after the one before ends."""
    previous = None
    for p in ctx.data.periods:
        yield from _time_problems("Periods", p)
        if previous is not None and p.start < previous.end:
            if p.start < previous.start:
                message = _(
                    "period {period} starts before {previous} above it; list the periods in the "
                    "order of the day",
                    period=p.period,
                    previous=previous.period,
                )
            else:
                message = _(
                    "period {period} ({start}) overlaps {previous}, which ends at {end}; periods "
                    "must not overlap",
                    period=p.period,
                    start=fmt_time(p.start),
                    previous=previous.period,
                    end=fmt_time(previous.end),
                )
            yield At("Periods", p).error("start", message)
        previous = p


# ---------------------------------------------------------------------------------------------
# Generic checks driven by tables: ids, references, vocabularies, day-and-time rows
# ---------------------------------------------------------------------------------------------


def duplicate_ids(ctx: Context) -> Iterator[Problem]:
    """Ids are unique within their sheet."""
    for sheet, noun in ID_SHEETS.items():
        column = _id_column(sheet)
        first: dict[str, Any] = {}
        for record in ctx.records(sheet):
            key = getattr(record, column)
            if key in first:
                also = " " + _("(also on row {row})", row=first[key].row) if first[key].row else ""
                yield At(sheet, record).error(
                    column,
                    _(
                        "duplicate {noun} id {key}{also}; ids must be unique, rename or remove one",
                        noun=_(noun),
                        key=repr(key),
                        also=also,
                    ),
                )
            else:
                first[key] = record


# (sheet, column, sheet the ids are on); the column holds one id, a tuple of ids, or None.
REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("ClosedDays", "sections", "Sections"),
    ("Sections", "regime", "Regimes"),
    ("Rooms", "sections", "Sections"),
    ("RoomUnavailability", "room", "Rooms"),
    ("Staff", "teaches", "Courses"),
    ("StaffAvailability", "staff", "Staff"),
    ("Learners", "section", "Sections"),
    ("LearnerUnavailability", "learner", "Learners"),
    ("Locks", "course", "Courses"),
    ("Locks", "period", "Periods"),
    ("Locks", "room", "Rooms"),
    ("Locks", "staff", "Staff"),
    ("Locks", "learner", "Learners"),
)


def references(ctx: Context) -> Iterator[Problem]:
    """Every id that refers to another sheet exists there."""
    for sheet, column, target in REFERENCES:
        known = ctx.ids[target]
        noun = NOUNS[target]
        for record in ctx.records(sheet):
            value = getattr(record, column)
            for key in value if isinstance(value, tuple) else (value,):
                if key is None or key in known:
                    continue
                yield At(sheet, record).error(
                    column,
                    _(
                        "unknown {noun} {key}{hint}; add a row for {noun} {id} on {target}, or "
                        "correct the {column} of {what}",
                        noun=_(noun),
                        key=repr(key),
                        hint=suggest(key, known),
                        id=key,
                        target=target,
                        column=column,
                        what=_label(sheet, record),
                    ),
                )


def vocabularies(ctx: Context) -> Iterator[Problem]:
    """Values of fixed vocabularies (the reader enforces these; data built in code may not)."""
    for sheet, fld in TABLE_FIELDS.items():
        for column in SHEETS[sheet].columns:
            allowed = column.kind.allowed
            if not allowed:
                continue
            for record in getattr(ctx.data, fld):
                value = getattr(record, column.name)
                items = value if column.kind.many else (value,)
                for item in items:
                    if item is not None and item not in allowed:
                        yield At(sheet, record).error(
                            column.name,
                            _(
                                "{value} is not allowed here; use one of {allowed}",
                                value=repr(item),
                                allowed=_or(allowed),
                            ),
                        )


BLOCK_SHEETS = (
    "Regimes",
    "RoomUnavailability",
    "InternetWindows",
    "StaffAvailability",
    "LearnerUnavailability",
)


def block_times(ctx: Context) -> Iterator[Problem]:
    """Rows with a day, start and end: the end comes after the start."""
    for sheet in BLOCK_SHEETS:
        for record in ctx.records(sheet):
            yield from _time_problems(sheet, record)


# ---------------------------------------------------------------------------------------------
# One sheet at a time
# ---------------------------------------------------------------------------------------------


def closed_days(ctx: Context) -> Iterator[Problem]:
    """A closed day outside the term has no effect."""
    s = ctx.data.settings
    if not ctx.term_ok:
        return
    for c in ctx.data.closed_days:
        if not s.term_start <= c.date <= s.term_end:
            yield At("ClosedDays", c).warning(
                "date",
                _(
                    "{date} is outside the term ({start} to {end}) and has no effect",
                    date=c.date,
                    start=s.term_start,
                    end=s.term_end,
                ),
            )


def every_date_closed(ctx: Context) -> Iterator[Problem]:
    """A term whose every teaching date is closed for the whole prison plans nothing: the
    solver would form groups that never meet (issue 12, item 10)."""
    s = ctx.data.settings
    if not ctx.term_ok or not ctx.data.teaching_days or s.term_end.year > TERM_YEARS[1]:
        return
    if not any(not closed_for(ctx.data, d) for d in term_dates(ctx.data)):
        yield At("ClosedDays").warning(
            "date",
            _(
                "every teaching day from {start} to {end} is closed for the whole prison, so no "
                "session can take place and nobody can be placed; remove closed days or correct "
                "term_start and term_end",
                start=s.term_start,
                end=s.term_end,
            ),
        )


@unless_unread("Sections")
def regimes_used(ctx: Context) -> Iterator[Problem]:
    """A regime that no section follows is probably a typo."""
    used = {s.regime for s in ctx.data.sections}
    seen: set[str] = set()
    for r in ctx.data.regimes:
        if r.regime not in used and r.regime not in seen:
            seen.add(r.regime)
            yield At("Regimes", r).warning(
                "regime",
                _(
                    "no section follows regime {regime}{hint}; check the regime of your sections",
                    regime=r.regime,
                    hint=suggest(r.regime, used),
                ),
            )


def separations(ctx: Context) -> Iterator[Problem]:
    """Each side of a separation is a learner or a section, and the two sides differ."""
    known = ctx.ids["Learners"] | ctx.ids["Sections"]
    for sep in ctx.data.separations:
        for column in ("a", "b"):
            key = getattr(sep, column)
            if key not in known:
                yield At("Separations", sep).error(
                    column,
                    _(
                        "{key} is neither a learner nor a section{hint}; correct {column} or add "
                        "it to Learners or Sections",
                        key=repr(key),
                        hint=suggest(key, known),
                        column=column,
                    ),
                )
        if sep.a == sep.b:
            yield At("Separations", sep).error(
                "b",
                _(
                    "a and b are both {key}; a separation keeps two different learners or "
                    "sections apart",
                    key=repr(sep.a),
                ),
            )


def rooms(ctx: Context) -> Iterator[Problem]:
    """Seats, and internet seats only in computer labs and no more than the seats."""
    for r in ctx.data.rooms:
        if r.internet_seats < 0:
            continue  # out of range: number_ranges says so
        if r.internet_seats > 0 and r.kind != "computer_lab":
            yield At("Rooms", r).error(
                "internet_seats",
                _(
                    "room {room} is a {kind}; only a computer_lab has internet seats, so change "
                    "its kind or clear internet_seats",
                    room=r.room,
                    kind=r.kind,
                ),
            )
        elif r.internet_seats > r.seats:
            yield At("Rooms", r).error(
                "internet_seats",
                _(
                    "internet_seats ({internet}) is more than the {seats} seats of room {room}; "
                    "lower internet_seats or raise seats",
                    internet=r.internet_seats,
                    seats=r.seats,
                    room=r.room,
                ),
            )


def internet_windows(ctx: Context) -> Iterator[Problem]:
    """A window on a day without teaching, or too short for any period, is never used."""
    teaching = ctx.data.teaching_days
    for w in ctx.data.internet_windows:
        if w.day in DAYS and w.day not in teaching:
            yield At("InternetWindows", w).warning(
                "day",
                _(
                    "{day} is not a teaching day ({days}); nothing can use this window",
                    day=w.day,
                    days=_and(teaching),
                ),
            )
        elif w.start < w.end and not any(
            w.start <= p.start and p.end <= w.end for p in ctx.data.periods
        ):
            yield At("InternetWindows", w).warning(
                "end",
                _(
                    "{start}-{end} holds no whole period; a window must contain a period from "
                    "its start to its end",
                    start=fmt_time(w.start),
                    end=fmt_time(w.end),
                ),
            )


def staff(ctx: Context) -> Iterator[Problem]:
    """Weekly load, days on site, and languages a counsellor needs."""
    teaching = set(ctx.data.teaching_days)
    for s in ctx.data.staff:
        if s.days and teaching and not set(s.days) & teaching:
            yield At("Staff", s).warning(
                "days",
                _(
                    "none of {days} is a teaching day, so {staff} can never be planned; correct "
                    "days or teaching_days",
                    days=_or(s.days),
                    staff=s.staff,
                ),
            )
        if s.role == "counsellor" and not s.languages:
            yield At("Staff", s).warning(
                "languages",
                _(
                    "counsellor {staff} has no languages, so they can hold no intake; list the "
                    "languages they speak",
                    staff=s.staff,
                ),
            )


def staff_teaches(ctx: Context) -> Iterator[Problem]:
    """Courses in ``teaches`` are of the kind the staff member's role teaches."""
    courses = ctx.data.course_by_id
    for s in ctx.data.staff:
        if s.role == "counsellor" and s.teaches:
            yield At("Staff", s).error(
                "teaches",
                _(
                    "counsellor {staff} teaches no course; clear teaches or change the role",
                    staff=s.staff,
                ),
            )
            continue
        for cid in s.teaches:
            course = courses.get(cid)
            if course is not None and TEACHING_ROLE.get(course.kind) != s.role:
                yield At("Staff", s).error(
                    "teaches",
                    _(
                        "{staff} is a {role} but {course} is an {kind} course; remove it from "
                        "teaches or change the role",
                        staff=s.staff,
                        role=s.role,
                        course=cid,
                        kind=course.kind,
                    ),
                )


def courses_fields(ctx: Context) -> Iterator[Problem]:
    """Level and language by kind, and the range of every number."""
    n_periods = len(ctx.data.periods)
    for c in ctx.data.courses:
        if c.kind == "NT2" and not c.level:
            yield At("Courses", c).error(
                "level",
                _(
                    "NT2 course {course} needs a level ({levels})",
                    course=c.course,
                    levels=_or(NT2_LEVELS),
                ),
            )
        elif c.kind == "NT2" and c.level not in NT2_LEVELS:
            yield At("Courses", c).warning(
                "level",
                _(
                    "level {level} is not one of {levels}; only learners with exactly this "
                    "nt2_level can join",
                    level=repr(c.level),
                    levels=_or(NT2_LEVELS),
                ),
            )
        if c.kind == "MO" and not c.language:
            yield At("Courses", c).error(
                "language",
                _(
                    "MO course {course} needs the language it is taught in (e.g. ar)",
                    course=c.course,
                ),
            )
        yield from _course_numbers(c, n_periods)


def _course_numbers(c: Course, n_periods: int) -> Iterator[Problem]:
    """Ranges of one course's numbers, and how they fit together."""
    # Each number's own range is checked by number_ranges; here how they fit together.
    if c.min_size > c.max_size >= 1:
        yield At("Courses", c).error(
            "min_size",
            _(
                "min_size ({min}) is more than max_size ({max}); lower min_size or raise max_size",
                min=c.min_size,
                max=c.max_size,
            ),
        )
    if n_periods and c.session_periods > n_periods:
        yield At("Courses", c).error(
            "session_periods",
            _(
                "a session of {length} is longer than a day ({periods}); lower session_periods "
                "or add periods",
                length=_n("{n} period", "{n} periods", c.session_periods),
                periods=_n("{n} period", "{n} periods", n_periods),
            ),
        )
    if c.internet_sessions > c.sessions_per_week >= 1:
        yield At("Courses", c).error(
            "internet_sessions",
            _(
                "internet_sessions ({internet}) is more than sessions_per_week ({sessions}); "
                "lower internet_sessions",
                internet=c.internet_sessions,
                sessions=c.sessions_per_week,
            ),
        )


def _teachers(ctx: Context, course: Course) -> list[str]:
    """Staff who may teach ``course`` (scheduler.rules.may_teach)."""
    return [s.staff for s in ctx.data.staff if may_teach(s, course)]


@unless_unread("Learners")
def courses_wanted(ctx: Context) -> Iterator[Problem]:
    """Someone asks for each course (courses without level or language: see courses_fields)."""
    if not ctx.data.learners:
        return
    wanted = demand(ctx.data)
    for c in ctx.data.courses:
        if wanted[c.course] == 0 and (c.level if c.kind == "NT2" else c.language):
            who = (
                _("NT2 at level {level}", level=c.level)
                if c.kind == "NT2"
                else _("MO in {language}", language=labelled(c.language, language()))
            )
            yield At("Courses", c).warning(
                "course",
                _(
                    "no learner asks for {what}, so course {course} will not run; remove it or "
                    "check the learners' nt2_level, languages and wants",
                    what=who,
                    course=c.course,
                ),
            )


@unless_unread("Staff")
def courses_taught(ctx: Context) -> Iterator[Problem]:
    """Someone may teach each course: the role of its kind, teaches, the MO language."""
    for c in ctx.data.courses:
        if c.kind not in TEACHING_ROLE or _teachers(ctx, c):
            continue
        if c.kind == "MO" and not c.language:
            continue  # courses_fields asks for the language; no trainer can speak a blank one
        trainers = [s for s in ctx.data.staff if s.role == "mo_trainer"]
        if c.kind == "MO" and not any(c.language in s.languages for s in trainers):
            message = _(
                "no mo_trainer speaks {language}; add it to a trainer's languages on Staff",
                language=repr(c.language),
            )
        else:
            message = _(
                "no {role} may teach {course}; check role and teaches on Staff",
                role=TEACHING_ROLE[c.kind],
                course=c.course,
            )
        yield At("Courses", c).warning("language" if c.kind == "MO" else "course", message)


@unless_unread("Rooms", "InternetWindows")
def courses_rooms(ctx: Context) -> Iterator[Problem]:
    """Rooms big enough for min_size; a lab with internet seats for internet sessions."""
    for c in ctx.data.courses:
        yield from _course_rooms(ctx, c)


def _course_rooms(ctx: Context, c: Course) -> Iterator[Problem]:
    teaching_rooms = [r for r in ctx.data.rooms if r.kind in ("classroom", "computer_lab")]
    if teaching_rooms and c.min_size > max(r.seats for r in teaching_rooms):
        yield At("Courses", c).warning(
            "min_size",
            _(
                "no classroom or lab has {seats} seats, so course {course} cannot run; lower "
                "min_size or add seats",
                seats=c.min_size,
                course=c.course,
            ),
        )
    if c.internet_sessions > 0:
        labs = [r.internet_seats for r in ctx.data.rooms if r.kind == "computer_lab"]
        if not labs or max(labs) < c.min_size:
            yield At("Courses", c).warning(
                "internet_sessions",
                _(
                    "internet sessions need a computer_lab with at least {seats} internet_seats "
                    "(min_size); there is none",
                    seats=c.min_size,
                ),
            )
        elif not ctx.data.internet_windows:
            yield At("Courses", c).warning(
                "internet_sessions",
                _("internet sessions need an internet window; add rows on InternetWindows"),
            )


def learners_fields(ctx: Context) -> Iterator[Problem]:
    """Priority, internet periods and the order of arrival and release."""
    s = ctx.data.settings
    n_days = len(ctx.data.teaching_days)
    for lrn in ctx.data.learners:
        if 0 <= lrn.internet_periods <= 7 and lrn.internet_periods > n_days:
            yield At("Learners", lrn).error(
                "internet_periods",
                _(
                    "at most one internet period a day, so at most {days} (got {value})",
                    days=n_days,
                    value=lrn.internet_periods,
                ),
            )
        if lrn.arrival is not None and lrn.release is not None and lrn.release < lrn.arrival:
            yield At("Learners", lrn).error(
                "release",
                _(
                    "release ({release}) is before arrival ({arrival}); correct one of them",
                    release=lrn.release,
                    arrival=lrn.arrival,
                ),
            )
        elif lrn.release is not None and ctx.term_ok and lrn.release < s.term_start:
            yield At("Learners", lrn).warning(
                "release",
                _(
                    "learner {learner} is released ({release}) before the term starts ({start}) "
                    "and cannot be planned",
                    learner=lrn.learner,
                    release=lrn.release,
                    start=s.term_start,
                ),
            )
        if lrn.arrival is not None and ctx.term_ok and lrn.arrival > s.term_end:
            yield At("Learners", lrn).warning(
                "arrival",
                _(
                    "learner {learner} arrives ({arrival}) after the term ends ({end}) and cannot "
                    "be planned",
                    learner=lrn.learner,
                    arrival=lrn.arrival,
                    end=s.term_end,
                ),
            )


# Letters typed for the digits they look like, in a level such as 1.l or I.1.
_LOOK_ALIKE = str.maketrans({"l": "1", "I": "1", "i": "1", "|": "1", "o": "0", "O": "0", ",": "."})


def level_meant(typed: str, offered: Iterable[str]) -> str | None:
    """The offered level a typo stands for: ``1.l`` -> ``1.1``, ``2,2`` -> ``2.2``, else the
    closest offered level by spelling; None when nothing offered is close."""
    offered = sorted(offered)
    fixed = typed.strip().translate(_LOOK_ALIKE)
    if fixed in offered:
        return fixed
    close = difflib.get_close_matches(typed.strip(), offered, n=1, cutoff=0.6)
    return close[0] if close else None


@unless_unread("Courses")
def learners_fit(ctx: Context) -> Iterator[Problem]:
    """What a learner asks for exists: an NT2 course at their level, MO in their language."""
    levels = {c.level for c in ctx.data.courses if c.kind == "NT2" and c.level}
    # An NT2 course without a level is an error already; any learner's level may be meant.
    check_levels = all(c.level for c in ctx.data.courses if c.kind == "NT2")
    mo_languages = {c.language for c in ctx.data.courses if c.kind == "MO"}
    for lrn in ctx.data.learners:
        wants_level = "NT2" in lrn.wants and lrn.nt2_level
        if check_levels and wants_level and lrn.nt2_level not in levels:
            offered = _and(sorted(levels)) or _("none")
            meant = level_meant(lrn.nt2_level or "", levels)
            hint = " " + _("(did you mean {value}?)", value=meant) if meant else ""
            yield At("Learners", lrn).warning(
                "nt2_level",
                _(
                    "no NT2 course offers level {level}{hint} (levels offered: {offered}); add a "
                    "course or correct nt2_level",
                    level=repr(lrn.nt2_level),
                    hint=hint,
                    offered=offered,
                ),
            )
        if "MO" in lrn.wants and not set(lrn.languages) & mo_languages:
            spoken = _and(lrn.languages) or _("no language listed")
            yield At("Learners", lrn).warning(
                "languages",
                _(
                    "learner {learner} wants MO but no MO course is taught in their languages "
                    "({languages}); add such a course or a language the learner speaks",
                    learner=lrn.learner,
                    languages=spoken,
                ),
            )


@unless_unread("Staff", "Rooms")
def intakes(ctx: Context) -> Iterator[Problem]:
    """Learners who need an intake can have one: a counsellor speaks their language, and
    there is an interview room."""
    spoken = {lang for s in ctx.data.staff if s.role == "counsellor" for lang in s.languages}
    waiting = [lrn for lrn in ctx.data.learners if needs_intake(lrn)]
    for lrn in waiting:
        if not set(lrn.languages) & spoken:
            langs = _and(lrn.languages) or _("no language listed")
            yield At("Learners", lrn).warning(
                "intake",
                _(
                    "learner {learner} needs an intake but no counsellor speaks their languages "
                    "({languages}); add a language to a counsellor or to the learner",
                    learner=lrn.learner,
                    languages=langs,
                ),
            )
    if waiting and not any(r.kind == "interview" for r in ctx.data.rooms):
        yield At("Rooms").warning(
            "kind",
            _n(
                "{n} learner needs an intake but there is no interview room; add a room of kind "
                "interview",
                "{n} learners need an intake but there is no interview room; add a room of kind "
                "interview",
                len(waiting),
            ),
        )


@unless_unread("Rooms", "InternetWindows")
def internet_access(ctx: Context) -> Iterator[Problem]:
    """Internet periods asked need a lab with internet seats and a window."""
    asking = [lrn for lrn in ctx.data.learners if lrn.internet_periods > 0]
    if not asking:
        return
    if not any(r.kind == "computer_lab" and r.internet_seats > 0 for r in ctx.data.rooms):
        yield At("Rooms").warning(
            "internet_seats",
            _n(
                "{n} learner asks for internet periods but no computer_lab has internet_seats; "
                "give a lab internet_seats",
                "{n} learners ask for internet periods but no computer_lab has internet_seats; "
                "give a lab internet_seats",
                len(asking),
            ),
        )
    if not ctx.data.internet_windows:
        yield At("InternetWindows").warning(
            None,
            _n(
                "{n} learner asks for internet periods but there is no internet window; add rows "
                "on InternetWindows",
                "{n} learners ask for internet periods but there is no internet window; add rows "
                "on InternetWindows",
                len(asking),
            ),
        )


def learners_present(ctx: Context) -> Iterator[Problem]:
    """An empty Learners sheet is legal (a term being prepared) but worth saying."""
    if not ctx.has_rows("Learners"):
        yield At("Learners").warning(None, _("no learners yet; add one row per learner"))


# Group ids are <course>-<n>, n = 1, 2, ... written without leading zeros (NT2-1.1-1).
_GROUP_ID = re.compile(r"^(?P<course>.+)-(?P<n>[1-9]\d*)$")


def locks(ctx: Context) -> Iterator[Problem]:
    """A lock fixes something, on a teaching day, with a group id of a known course; a member
    lock names a group and a learner who may join it."""
    teaching = ctx.data.teaching_days
    for k in ctx.data.locks:
        if k.kind == "member":
            yield from _member_lock(ctx, k)
            continue
        if k.learner is not None:
            yield At("Locks", k).error(
                "learner",
                _(
                    "a learner is only pinned by a lock of kind member; set kind to member (with "
                    "a group) or clear the learner"
                ),
            )
        fields = (k.course, k.group, k.day, k.period, k.room, k.staff)
        if all(f is None for f in fields):
            yield At("Locks", k).error(
                None, _("this lock fixes nothing; fill in at least the course or group")
            )
        if k.day in DAYS and k.day not in teaching:  # a day outside DAYS: vocabularies()
            yield At("Locks", k).error(
                "day",
                _(
                    "{day} is not a teaching day ({days}); correct the day of the lock or "
                    "teaching_days",
                    day=k.day,
                    days=_and(teaching),
                ),
            )
        if k.group is not None:
            yield from _lock_group(ctx, k)
        room = ctx.data.room_by_id.get(k.room) if k.room else None
        if room is not None and room.kind == "interview":
            yield At("Locks", k).error(
                "room",
                _(
                    "room {room} is an interview room; a session takes place in a classroom or "
                    "computer_lab",
                    room=k.room,
                ),
            )


_SESSION_ONLY = ("day", "period", "room", "staff")


def member_pins(ctx: Context) -> Iterator[Problem]:
    """A learner is pinned into at most one group of each course kind (a learner is in at
    most one NT2 and one MO group), and two rows never pin the same learner twice."""
    seen: dict[tuple[str, str], Any] = {}
    for k in ctx.data.locks:
        m = _GROUP_ID.match(k.group or "") if k.kind == "member" else None
        course = ctx.data.course_by_id.get(m["course"]) if m else None
        if course is None or k.learner is None:
            continue
        first = seen.setdefault((k.learner, course.kind), k)
        if first is not k:
            where = _("row {row}", row=first.row) if first.row else _("another row")
            yield At("Locks", k).error(
                "learner",
                _(
                    "{learner} is already pinned into {group} on {where}; a learner is in at most "
                    "one {kind} group, so keep one of the two rows",
                    learner=k.learner,
                    group=first.group,
                    where=where,
                    kind=course.kind,
                ),
            )


def _member_lock(ctx: Context, k: Any) -> Iterator[Problem]:
    """A member lock: a group id and a learner who asked for and fits the group's course."""
    at = At("Locks", k)
    if k.group is None:
        yield at.error(
            "group", _("a member lock needs the group to pin the learner into (e.g. NT2-1.1-1)")
        )
    else:
        yield from _lock_group(ctx, k)
    if k.learner is None:
        yield at.error("learner", _("a member lock needs the learner to pin (e.g. L0042)"))
    for column in _SESSION_ONLY:
        if getattr(k, column) is not None:
            yield at.error(
                column,
                _(
                    "a member lock pins a learner into a group, not a session; clear the {column} "
                    "(use a separate session lock)",
                    column=column,
                ),
            )
    m = _GROUP_ID.match(k.group or "")
    course = ctx.data.course_by_id.get(m["course"]) if m else None
    learner = ctx.data.learner_by_id.get(k.learner or "")
    if course is not None and learner is not None and not fits(learner, course):
        yield at.error(
            "learner",
            _(
                "{learner} cannot join a group of {course}: {why}; correct the learner or the "
                "group, or change the learner's row on Learners",
                learner=learner.learner,
                course=course.course,
                why=_unfit(learner, course),
            ),
        )


def _unfit(learner: Learner, course: Course) -> str:
    """Why ``learner`` does not fit ``course`` (see ``fits``)."""
    if course.kind not in learner.wants:
        return _(
            "they did not ask for {kind} (wants: {wants})",
            kind=course.kind,
            wants=_and(learner.wants) or _("nothing"),
        )
    if course.kind == "NT2":
        return _(
            "their NT2 level is {level}, the course is level {course_level}",
            level=learner.nt2_level or _("blank"),
            course_level=course.level,
        )
    return _("they do not speak {language}", language=course.language)


def _lock_group(ctx: Context, k: Any) -> Iterator[Problem]:
    m = _GROUP_ID.match(k.group)
    if not m or m["course"] not in ctx.ids["Courses"]:
        yield At("Locks", k).error(
            "group",
            _(
                "group {group} is not <course>-<n> for a course on Courses (e.g. NT2-1.1-1)",
                group=repr(k.group),
            ),
        )
    elif k.course is not None and m["course"] != k.course:
        yield At("Locks", k).error(
            "group",
            _(
                "group {group} belongs to course {course}, not to {lock_course}; correct the "
                "course or the group",
                group=k.group,
                course=m["course"],
                lock_course=k.course,
            ),
        )


def weights(ctx: Context) -> Iterator[Problem]:
    """Weights: documented keys only, numbers of 0 or more."""
    for key, value in ctx.data.weights.items():
        if key not in DEFAULT_WEIGHTS:
            yield ctx.key("Weights", key).error(
                "key",
                _(
                    "unknown weight {key}{hint}; the keys are {keys}",
                    key=repr(key),
                    hint=suggest(key, DEFAULT_WEIGHTS),
                    keys=_and(DEFAULT_WEIGHTS),
                ),
            )
        elif not WEIGHT_RANGE.holds(value):
            yield ctx.key("Weights", key).error(
                "value", WEIGHT_RANGE.message(_("weight {key}", key=key), value)
            )


# ---------------------------------------------------------------------------------------------
# Scenarios: each row names a sheet, a row (key) and a column that exist, with a valid value
# ---------------------------------------------------------------------------------------------


def _pairs(text: str) -> list[tuple[str, str]] | None:
    """``col=value; col=value`` as pairs, or None when a part has no ``=``."""
    parts = [p.strip() for p in text.split(";") if p.strip()]
    if not parts or any("=" not in p for p in parts):
        return None
    return [tuple(s.strip() for s in p.split("=", 1)) for p in parts]  # type: ignore[misc]


_KEY_VALUE_SHEETS = ("Settings", "Weights")


def _setting_kind(key: str) -> Kind | None:
    return next((kind for k, kind in SETTINGS_KINDS.items() if norm(k) == norm(key)), None)


def _value_problem(sheet: str, column: str, value: str, key: str = "") -> str | None:
    """Why ``value`` cannot go in ``column`` of ``sheet``, or None when it can."""
    if sheet in ("Settings", "Weights") and column == "key":
        known = SETTINGS_KINDS if sheet == "Settings" else DEFAULT_WEIGHTS
        if any(norm(k) == norm(value) for k in known):
            return None
        return _(
            "{value} is not a key of {sheet}; the keys are {keys}",
            value=repr(value),
            sheet=sheet,
            keys=_and(sorted(known)),
        )
    if sheet == "Settings":
        kind = _setting_kind(key)
    elif sheet == "Weights":
        kind = FLOAT
    else:
        spec_column = SHEETS[sheet].column(column)
        kind = spec_column.kind if spec_column else None
        if spec_column is not None and spec_column.required and is_blank(value):
            return _("{column} cannot be blank", column=column)
    if kind is None or is_blank(value):
        return None
    try:
        kind.read(value)
    except CellError as exc:
        return f"{value!r} {exc}"
    return None


def _key_text(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _row_keys(ctx: Context, sheet: str) -> set[str]:
    """The first-column values of ``sheet`` as text (what a plain scenario key matches)."""
    if sheet == "Settings":
        return set(SETTINGS_KINDS)
    if sheet == "Weights":
        return set(DEFAULT_WEIGHTS)
    column = _id_column(sheet)
    return {_key_text(getattr(r, column)) for r in ctx.records(sheet)} | ctx.unread.get(
        sheet, set()
    )


def _not_a_column(column: str, sheet: str) -> str:
    """A scenario names a column that ``sheet`` does not have."""
    return _(
        "{column} is not a column of {sheet}; the columns are {columns}",
        column=repr(column),
        sheet=sheet,
        columns=_and(SHEETS[sheet].names),
    )


def _scenario_key(ctx: Context, row: ScenarioRow, added: set[str]) -> Iterator[Problem]:
    """The key of a set or remove row names a row of the sheet."""
    spec = SHEETS[row.sheet]
    if is_blank(row.key):
        yield At("Scenarios", row).error(
            "key",
            _(
                "{action} needs a key: the {column} of the row, or col=value pairs",
                action=row.action,
                column=spec.columns[0].name,
            ),
        )
        return
    pairs = _pairs(row.key) if "=" in row.key else None
    if pairs is not None:
        for column, _value in pairs:
            if spec.column(column) is None:
                yield At("Scenarios", row).error("key", _not_a_column(column, row.sheet))
        return
    known = _row_keys(ctx, row.sheet) | added
    if row.sheet in _KEY_VALUE_SHEETS:  # keys of these sheets are matched as the reader does
        found = norm(row.key) in {norm(k) for k in known}
    else:
        found = row.key in known
    if not found:
        yield At("Scenarios", row).error(
            "key",
            _(
                "{sheet} has no row {key}{hint}",
                sheet=row.sheet,
                key=repr(row.key),
                hint=suggest(row.key, known),
            ),
        )


def _scenario_set(ctx: Context, row: ScenarioRow) -> Iterator[Problem]:
    spec = SHEETS[row.sheet]
    column = row.column or ("value" if row.sheet in _KEY_VALUE_SHEETS else "")
    if spec.column(column) is None:
        yield At("Scenarios", row).error("column", _not_a_column(row.column, row.sheet))
    elif (why := _value_problem(row.sheet, column, row.value, row.key)) is not None:
        yield At("Scenarios", row).error("value", why)


def _scenario_add(ctx: Context, row: ScenarioRow, added: set[str]) -> Iterator[Problem]:
    """An added row gives every required column, each value valid; its id is remembered."""
    spec = SHEETS[row.sheet]
    pairs = _pairs(row.value)
    if pairs is None:
        yield At("Scenarios", row).error(
            "value", _("add needs the new row as column=value; column=value")
        )
        return
    given = {}
    for column, value in pairs:
        spec_column = spec.column(column)
        if spec_column is None:
            yield At("Scenarios", row).error("value", _not_a_column(column, row.sheet))
            continue
        given[spec_column.name] = value
        if (
            why := _value_problem(row.sheet, spec_column.name, value, given.get("key", ""))
        ) is not None:
            yield At("Scenarios", row).error("value", f"{spec_column.name}: {why}")
    missing = [c.name for c in spec.columns if c.required and c.name not in given]
    if missing:
        yield At("Scenarios", row).error(
            "value", _("the new row needs {columns}", columns=_and(missing))
        )
    if spec.columns[0].name in given:
        added.add(given[spec.columns[0].name])


def scenarios(ctx: Context) -> Iterator[Problem]:
    """Scenario rows patch sheets, rows and columns that exist, with valid values."""
    added: dict[str, set[str]] = {}
    for row in ctx.data.scenarios:
        if norm(row.scenario) == "base":
            yield At("Scenarios", row).error(
                "scenario", _("base is the workbook itself; give this scenario another name")
            )
        if row.sheet not in SHEETS or row.sheet == "Scenarios":
            options = [s for s in SHEETS if s != "Scenarios"]
            yield At("Scenarios", row).error(
                "sheet",
                _(
                    "{sheet} is not a sheet a scenario can change{hint}; use one of {sheets}",
                    sheet=repr(row.sheet),
                    hint=suggest(row.sheet, options),
                    sheets=_or(options),
                ),
            )
            continue
        if row.action not in SCENARIO_ACTIONS:
            continue  # reported by vocabularies()
        mine = added.setdefault(f"{row.scenario}\n{row.sheet}", set())
        if row.action == "add":
            yield from _scenario_add(ctx, row, mine)
            continue
        yield from _scenario_key(ctx, row, mine)
        if row.action == "set":
            yield from _scenario_set(ctx, row)


RULES: tuple[Rule, ...] = (
    settings_required,
    settings_values,
    number_ranges,
    _at_least_one(
        "Periods", N_("add at least one period (period, start, end, e.g. P1 08:30 09:20)")
    ),
    periods_order,
    duplicate_ids,
    references,
    vocabularies,
    block_times,
    closed_days,
    every_date_closed,
    _at_least_one("Sections", N_("add at least one section (section, name, regime)")),
    regimes_used,
    separations,
    _at_least_one("Rooms", N_("add at least one room (room, name, kind, seats)")),
    rooms,
    internet_windows,
    _at_least_one("Staff", N_("add at least one staff member (staff, name, role)")),
    staff,
    staff_teaches,
    _at_least_one(
        "Courses",
        N_("add at least one course (course, kind, level or language, sessions, sizes)"),
    ),
    courses_fields,
    courses_wanted,
    courses_taught,
    courses_rooms,
    learners_present,
    learners_fields,
    learners_fit,
    intakes,
    internet_access,
    locks,
    member_pins,
    weights,
    scenarios,
)


def validate(
    data: ProblemData,
    unread: Mapping[str, set[str]] | None = None,
    key_rows: Mapping[str, Mapping[str, int]] | None = None,
) -> list[Problem]:
    """Every problem of ``data``, errors and warnings, in the order of ``RULES``.

    ``unread`` maps a sheet to the ids of rows the reader could not read (and reported);
    references to those ids are not reported again. ``key_rows`` gives the row of each key
    of Settings and Weights, so that a problem of a key names its row. Leave both out for
    data built in code.
    """
    ctx = Context(data, unread or {}, key_rows or {})
    return [problem for rule in RULES for problem in rule(ctx)]


__all__ = ["RULES", "Context", "demand", "errors", "fits", "validate"]


# ---------------------------------------------------------------------------------------------
# Reading and validating a workbook file
# ---------------------------------------------------------------------------------------------

_SHEET_ORDER = {name: i for i, name in enumerate(SHEETS)}


def _order(problem: Problem) -> tuple:
    return (_SHEET_ORDER.get(problem.sheet, len(_SHEET_ORDER)), problem.row or 0)


def check_workbook(path: str | os.PathLike) -> tuple[ProblemData | None, list[Problem]]:
    """Read and validate the workbook at ``path``.

    Returns the data (None when there is any error) and every problem found, warnings
    included, in sheet order. Raises UnreadableFileError when the file is not a usable
    workbook. Cross-sheet checks are skipped only when a required sheet or column is missing
    (they would report the consequences of the missing layout, not real problems).
    """
    data, out = build(load_sheets(path))
    problems = list(out.problems)
    if out.layout_ok:
        problems += validate(data, out.unread, out.key_rows)
    problems.sort(key=_order)
    has_errors = any(p.severity == "error" for p in problems)
    return (None if has_errors else data), problems


def read_workbook(path: str | os.PathLike) -> ProblemData:
    """The validated term in the workbook at ``path``.

    Raises WorkbookError listing every error (reading and cross-sheet) and
    UnreadableFileError when the file is not a usable workbook. Warnings are not raised; use
    ``check_workbook`` to see them.
    """
    data, problems = check_workbook(path)
    if data is None:
        raise WorkbookError([p for p in problems if p.severity == "error"])
    return data
