"""The domain rules every layer asks, each written once.

Reading, validation, the model, the warm start, the Waiting reasons, the writers and the
examples all ask the same questions of the data: does this learner still need an intake, may
this staff member teach that course, which learners fit a course, what is a group's id. Each
answer lives here so that a change of the contract changes one function.

``scheduler/verify.py`` is the one exception on purpose: it re-checks a finished timetable
with its own reading of the contract, so that a mistake here cannot hide in both places.

The intake window (workbook.md, Clarifications, "Intake window follows arrival"): a learner's
intake falls in the ``intake_weeks`` weeks starting at the week of their arrival (week 1 when
they arrived before the term), on an open date inside their stay.

Numeric ranges
--------------
``RANGES`` is the one table of the values a term may hold: validation reports a value outside
it, and the solver and the command line take their limits from it, so a value ``validate``
accepts is always one ``solve`` can use (issue 12, item 8: a seed of 2147483648, a ``max_size``
of 1e30, a term ending 9999-12-31 or a weight of 1e17 passed validation and then crashed or
overflowed the solver). The bounds are far outside any real prison and far inside what the
model's integers hold: CP-SAT's seed is an int32, its coefficients int64 (weights are scaled
×10 and multiplied by counts of at most a few thousand).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scheduler.data import Course, Learner, ProblemData, Staff
from scheduler.i18n import _
from scheduler.term import closed_for, learner_window, term_dates, week_of, weekday

# The staff role that teaches each course kind (counsellors hold intakes, not groups).
TEACHING_ROLE: dict[str, str] = {"NT2": "nt2_teacher", "MO": "mo_trainer"}

# The word a coordinator uses for someone of each role.
ROLE_WORD: dict[str, str] = {
    "nt2_teacher": "teacher",
    "mo_trainer": "trainer",
    "counsellor": "counsellor",
}


def role_for(kind: str) -> str | None:
    """The staff role that teaches courses of ``kind``; None for an unknown kind."""
    return TEACHING_ROLE.get(kind)


def needs_intake(learner: Learner) -> bool:
    """Whether ``learner`` needs an intake interview: asked for one (``intake = yes``), or
    wants NT2 without a known level (workbook.md, Clarifications)."""
    return learner.intake or ("NT2" in learner.wants and not learner.nt2_level)


def fits(learner: Learner, course: Course) -> bool:
    """Whether ``learner`` may join a group of ``course``: they asked for its kind, and have
    its level (NT2) or speak its language (MO)."""
    if course.kind not in learner.wants:
        return False
    if course.kind == "NT2":
        return learner.nt2_level is not None and learner.nt2_level == course.level
    return course.language in learner.languages


def may_teach(staff: Staff, course: Course) -> bool:
    """Whether ``staff`` may teach ``course``: the role of its kind, ``teaches`` blank or
    naming it, and for MO the course's language among theirs."""
    if staff.role != role_for(course.kind):
        return False
    if staff.teaches and course.course not in staff.teaches:
        return False
    return course.kind != "MO" or course.language in staff.languages


# ---------------------------------------------------------------------------------------------
# Group ids: ``<course>-<n>``, n = 1, 2, ... in the order groups are activated
# ---------------------------------------------------------------------------------------------


def group_id(course: str, n: int) -> str:
    """The id of the ``n``-th group of ``course``: ``group_id("NT2-1.1", 2) == "NT2-1.1-2"``."""
    return f"{course}-{n}"


def parse_group_id(group: str, courses: Iterable[str]) -> tuple[str, int] | None:
    """``("NT2-1.1", 2)`` for ``"NT2-1.1-2"``; None when no group can have that id (unknown
    course, or a number that is not 1, 2, ... written without leading zeros)."""
    course, _dash, number = group.rpartition("-")
    if course not in set(courses) or not (number.isascii() and number.isdigit()):
        return None
    if number != str(int(number)) or int(number) < 1:
        return None
    return course, int(number)


def group_number(group: str) -> int:
    """The ``n`` of a group id, for sorting; 0 when the id has none."""
    number = group.rpartition("-")[2]
    return int(number) if number.isascii() and number.isdigit() else 0


# ---------------------------------------------------------------------------------------------
# Words: counts and lists in messages and sheets
# ---------------------------------------------------------------------------------------------


def plural(n: int, word: str) -> str:
    """``plural(1, "learner")`` -> ``"1 learner"``; ``plural(2, "learner")`` -> ``"2 learners"``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def listing(items: Iterable[str], word: str = "and") -> str:
    """``T01``, ``T01 and T02``, ``T01, T02 and T03`` (or with ``or``); empty for none."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


# ---------------------------------------------------------------------------------------------
# The intake window: intake_weeks weeks from the week of arrival
# ---------------------------------------------------------------------------------------------


def intake_weeks(data: ProblemData, learner_id: str) -> range:
    """The term weeks of the learner's intake window (may reach past the term's last week)."""
    learner = data.learner_by_id[learner_id]
    first = 1
    if learner.arrival is not None and learner.arrival > data.settings.term_start:
        first = week_of(data, learner.arrival)
    return range(first, first + data.settings.intake_weeks)


def intake_window(data: ProblemData, learner_id: str) -> tuple[dt.date, dt.date]:
    """First and last calendar date of the learner's intake weeks (not cut to the stay)."""
    weeks = intake_weeks(data, learner_id)
    start = data.settings.term_start + dt.timedelta(days=7 * (weeks.start - 1))
    return start, start + dt.timedelta(days=7 * len(weeks) - 1)


def intake_dates(data: ProblemData, learner_id: str) -> list[tuple[int, str, dt.date]]:
    """(week, day, date) on which the learner's intake may take place: teaching days of their
    intake weeks, inside their stay, not closed for the prison or their section."""
    weeks = intake_weeks(data, learner_id)
    first, last = learner_window(data, learner_id)
    section = data.learner_by_id[learner_id].section
    out = []
    for d in term_dates(data):
        week = week_of(data, d)
        if week in weeks and first <= d <= last and not closed_for(data, d, (section,)):
            out.append((week, weekday(d), d))
    return out


# ---------------------------------------------------------------------------------------------
# Numeric ranges (see the module docstring)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Range:
    """The values a number may take: ``low`` .. ``high`` (``low`` itself excluded when
    ``above_low``), whole when ``whole``; ``example`` is a value that passes validation."""

    low: float
    high: float
    example: str
    whole: bool = True
    above_low: bool = False
    decimals: int | None = None  # most decimal places (weights: 1, they are scaled ×10)

    def holds(self, value: Any) -> bool:
        """Whether ``value`` is a finite number inside the range (and whole, when it must be)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if not math.isfinite(value):
            return False
        low_ok = value > self.low if self.above_low else value >= self.low
        if not (low_ok and value <= self.high):
            return False  # checked first: a huge value has no decimals worth counting
        if self.whole and value != int(value):
            return False
        return self.decimals is None or _has_decimals(value, self.decimals)

    def describe(self) -> str:
        """``from 1 to 1000`` / ``more than 0 and at most 86400``, for messages."""
        low, high = _show(self.low), _show(self.high)
        if self.decimals is not None:
            kind = _("a number with at most {n} decimal place", n=self.decimals)
        else:
            kind = _("a whole number") if self.whole else _("a number")
        if self.above_low:
            return _("{kind} more than {low} and at most {high}", kind=kind, low=low, high=high)
        return _("{kind} from {low} to {high}", kind=kind, low=low, high=high)

    def message(self, name: str, value: Any) -> str:
        """What a coordinator reads when ``name`` holds ``value`` outside the range."""
        return _(
            "{name} must be {range} (got {value}); for example {example}",
            name=name,
            range=self.describe(),
            value=_show(value),
            example=self.example,
        )


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int | float) and abs(value) >= 1e15:
        return f"{value:.3g}"
    return str(value)


def _has_decimals(value: float, decimals: int) -> bool:
    scaled = value * 10**decimals
    return abs(scaled - round(scaled)) < 1e-6


INT32_MAX = 2**31 - 1
MANY = 1_000  # more learners, seats or groups than any Belgian prison has

RANGES: dict[tuple[str, str], Range] = {
    # Settings
    ("Settings", "seed"): Range(0, INT32_MAX, "0"),
    ("Settings", "time_limit_s"): Range(0, 86_400, "60", whole=False, above_low=True),
    ("Settings", "max_groups_moving"): Range(1, MANY, "4"),
    ("Settings", "intake_periods"): Range(1, 12, "1"),
    ("Settings", "intake_weeks"): Range(1, 53, "2"),
    ("Settings", "completion_share"): Range(0, 1, "0.8", whole=False, above_low=True),
    # Rooms
    ("Rooms", "seats"): Range(1, MANY, "12"),
    ("Rooms", "internet_seats"): Range(0, MANY, "8"),
    # Staff
    ("Staff", "max_periods_per_week"): Range(0, 7 * 24, "20"),
    # Courses
    ("Courses", "sessions_per_week"): Range(1, 7 * 24, "2"),
    ("Courses", "session_periods"): Range(1, 24, "2"),
    ("Courses", "total_hours"): Range(0, 10_000, "60", whole=False, above_low=True),
    ("Courses", "min_size"): Range(1, MANY, "4"),
    ("Courses", "max_size"): Range(1, MANY, "12"),
    ("Courses", "internet_sessions"): Range(0, 7 * 24, "1"),
    ("Courses", "max_groups"): Range(1, MANY, "2"),
    # Learners
    ("Learners", "internet_periods"): Range(0, 7, "2"),
    ("Learners", "priority"): Range(1, 5, "3"),
}

# Weights: at most one decimal place (scaled ×10 for CP-SAT); a million keeps every objective
# term far inside int64 whatever the counts.
WEIGHT_RANGE = Range(0, 1_000_000, "100", whole=False, decimals=1)

# Dates: a term lies in this century and lasts at most two years (a term of 9999 years made
# every per-date loop run for ever); learners' arrival and release may lie further out.
TERM_YEARS = (2000, 2099)
TERM_MAX_DAYS = 731
PERSON_YEARS = (1900, 2199)


def date_problem(name: str, value: dt.date | None, years: tuple[int, int]) -> str | None:
    """A message when ``value`` lies outside ``years``, else None."""
    if value is None or years[0] <= value.year <= years[1]:
        return None
    return _(
        "{name} {value} must lie in the years {first} to {last}; for example {example}",
        name=name,
        value=value.isoformat(),
        first=years[0],
        last=years[1],
        example=str(years[0] + 27) + "-01-11",
    )


def term_length_problem(start: dt.date | None, end: dt.date | None) -> str | None:
    """A message when the term lasts more than TERM_MAX_DAYS, else None."""
    if start is None or end is None or (end - start).days < TERM_MAX_DAYS:
        return None
    return _(
        "the term from {start} to {end} lasts {days} days; a term lasts at most {most} days (two "
        "years); for example term_end {example}",
        start=start,
        end=end,
        days=(end - start).days + 1,
        most=TERM_MAX_DAYS,
        example=str(start.year) + "-06-30",
    )


def check(sheet: str, column: str, value: Any) -> str | None:
    """The message for ``value`` in ``sheet``/``column`` when it is outside its range."""
    bounds = RANGES.get((sheet, column))
    if bounds is None or value is None or bounds.holds(value):
        return None
    return bounds.message(column, value)
