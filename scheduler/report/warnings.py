"""Warnings that matter to a coordinator, shown on the Overview sheet and after a solve.

A timetable can be valid and still leave something a coordinator must act on (decisions.md,
Coordinator issue):

- **section**: a section whose share of learner-courses placed is under half the prison's,
  while at least ``MIN_ASKING`` of its learners asked for NT2 or MO;
- **idle_staff**: a staff member with 0 periods while a Waiting row with reason ``capacity`` or
  ``no_group_at_level`` asks for a course they could teach (``rules.may_teach``) and that the
  learner fits (``rules.fits``);
- **unused_room**: a classroom or computer lab used in no period while learners wait for a
  group (``capacity``, ``no_group_at_level`` or ``no_common_time``) of a course that room could
  hold (seats at least the course's ``min_size``, the learner's section allowed in it) and that
  a staff member below their ``max_periods_per_week`` may teach (when every such teacher is
  full, staff and not rooms is what the learners wait for).

Each warning has a code (English, machine-readable) and a message in the current language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from scheduler.data import Course, Learner, ProblemData, Room
from scheduler.i18n import _, _n
from scheduler.report.figures import occupied_slots, placed_kinds, staff_periods
from scheduler.report.reasons import WaitingRow
from scheduler.rules import fits, may_teach
from scheduler.solution import Solution

MIN_ASKING = 5  # learners of a section who asked, before its share is judged
SHARE_FACTOR = 0.5  # a section is flagged under this fraction of the prison's share
STAFF_CODES = frozenset({"capacity", "no_group_at_level"})
ROOM_CODES = frozenset({"capacity", "no_group_at_level", "no_common_time"})
TEACHING_ROOMS = ("classroom", "computer_lab")


@dataclass(frozen=True)
class CoordinatorWarning:
    """One warning: ``code`` (section, idle_staff, unused_room), what it is about, the text."""

    code: str
    subject: str
    message: str


def coordinator_warnings(
    data: ProblemData, solution: Solution, waiting: Sequence[WaitingRow]
) -> list[CoordinatorWarning]:
    """Every warning that holds for this timetable, sections first, then staff, then rooms."""
    return [
        *section_warnings(data, solution),
        *idle_staff_warnings(data, solution, waiting),
        *unused_room_warnings(data, solution, waiting),
    ]


def section_shares(data: ProblemData, solution: Solution) -> dict[str, tuple[int, int, int]]:
    """section -> (learners who asked, learner-courses asked, learner-courses placed)."""
    placed = placed_kinds(data, solution)
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for lrn in data.learners:
        kinds = [k for k in lrn.wants if k in ("NT2", "MO")]
        if not kinds:
            continue
        row = out[lrn.section]
        row[0] += 1
        row[1] += len(kinds)
        row[2] += len(set(kinds) & placed.get(lrn.learner, set()))
    return {s: (a, b, c) for s, (a, b, c) in out.items()}


def section_warnings(data: ProblemData, solution: Solution) -> list[CoordinatorWarning]:
    """Sections placed far below the prison as a whole."""
    shares = section_shares(data, solution)
    asked = sum(v[1] for v in shares.values())
    if not asked:
        return []
    prison = sum(v[2] for v in shares.values()) / asked
    out = []
    for section, (learners, wanted, got) in sorted(shares.items()):
        share = got / wanted
        if learners >= MIN_ASKING and share < SHARE_FACTOR * prison:
            out.append(
                CoordinatorWarning(
                    "section",
                    section,
                    _(
                        "Section {section}: {placed} of {asked} requests placed ({share}), under "
                        "half the prison's {prison}; {learners} of its learners asked.",
                        section=section,
                        placed=got,
                        asked=wanted,
                        share=format(share, ".0%"),
                        prison=format(prison, ".0%"),
                        learners=learners,
                    ),
                )
            )
    return out


def _waiting_courses(
    data: ProblemData, waiting: Sequence[WaitingRow], codes: frozenset[str]
) -> dict[str, list[Learner]]:
    """course id -> the learners waiting for it with a reason in ``codes``."""
    learners = {lrn.learner: lrn for lrn in data.learners}
    out: dict[str, list[Learner]] = defaultdict(list)
    for row in waiting:
        lrn = learners.get(row.learner)
        if row.reason_code not in codes or lrn is None:
            continue
        for course in data.courses:
            if course.kind == row.wants and fits(lrn, course):
                out[course.course].append(lrn)
    return out


def idle_staff_warnings(
    data: ProblemData, solution: Solution, waiting: Sequence[WaitingRow]
) -> list[CoordinatorWarning]:
    """Staff with no period while learners wait for a course they may teach."""
    periods = staff_periods(data, solution)
    wanted = _waiting_courses(data, waiting, STAFF_CODES)
    courses = {c.course: c for c in data.courses}
    out = []
    for member in data.staff:
        if periods.get(member.staff, 0) > 0:
            continue
        could = [c for c in sorted(wanted) if may_teach(member, courses[c])]
        if not could:
            continue
        count = len({lrn.learner for c in could for lrn in wanted[c]})
        out.append(
            CoordinatorWarning(
                "idle_staff",
                member.staff,
                _n(
                    "{staff} has no period this week while {n} learner waits for {courses}, "
                    "which they may teach; check their days, availability and max periods.",
                    "{staff} has no period this week while {n} learners wait for {courses}, "
                    "which they may teach; check their days, availability and max periods.",
                    count,
                    staff=_who(member.staff, member.name),
                    courses=", ".join(could),
                ),
            )
        )
    return out


def _who(staff: str, name: str) -> str:
    return f"{staff} ({name})" if name else staff


def _room_holds(room: Room, course: Course, learner: Learner) -> bool:
    """Whether a group of ``course`` with ``learner`` could meet in ``room`` by its size and
    sections (time aside)."""
    if room.kind not in TEACHING_ROOMS or room.seats < course.min_size:
        return False
    return not room.sections or learner.section in room.sections


def _has_room_for_more(most: int | None, used: int) -> bool:
    return most is None or used < most


def unused_room_warnings(
    data: ProblemData, solution: Solution, waiting: Sequence[WaitingRow]
) -> list[CoordinatorWarning]:
    """Teaching rooms used in no period while learners wait for a group that could meet there."""
    periods = staff_periods(data, solution)
    courses = {c.course: c for c in data.courses}
    wanted = {
        course: learners
        for course, learners in _waiting_courses(data, waiting, ROOM_CODES).items()
        if any(
            may_teach(m, courses[course])
            and _has_room_for_more(m.max_periods_per_week, periods.get(m.staff, 0))
            for m in data.staff
        )
    }
    out = []
    for room in data.rooms:
        if room.kind not in TEACHING_ROOMS or occupied_slots(data, solution, room.room):
            continue
        learners = {
            lrn.learner
            for course, waiting_learners in wanted.items()
            for lrn in waiting_learners
            if _room_holds(room, courses[course], lrn)
        }
        if learners:
            out.append(
                CoordinatorWarning(
                    "unused_room",
                    room.room,
                    _n(
                        "Room {room} is used in no period while {n} learner waits for a group "
                        "that could meet there; check its unavailability and the staff's days.",
                        "Room {room} is used in no period while {n} learners wait for a group "
                        "that could meet there; check its unavailability and the staff's days.",
                        len(learners),
                        room=room.room,
                    ),
                )
            )
    return out
