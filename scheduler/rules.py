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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from scheduler.data import Course, Learner, ProblemData, Staff
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
    course, _, number = group.rpartition("-")
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
