"""Every claim of every Waiting row is true: re-derived here from the data and the timetable.

Random small terms (hypothesis) get a timetable from the greedy warm start, which leaves
plenty of learners waiting; each typed claim of each Waiting row is then checked by code
written from workbook.md, sharing nothing with ``scheduler.report.reasons``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.data import (
    Course,
    InternetWindow,
    Learner,
    ProblemData,
    RegimeBlock,
    Room,
    Section,
    Separation,
    Staff,
    StaffAvailability,
)
from scheduler.report.reasons import Claim, waiting
from scheduler.search.greedy import greedy
from scheduler.solution import Solution
from scheduler.verify import total_violations, verify
from tests.helpers.terms import PERIODS, WEEKDAYS, tiny_term

PERIOD_IDS = [p.period for p in PERIODS]


@st.composite
def terms(draw) -> ProblemData:
    """A random small term: wings with regimes and separations, rooms, a lab with internet
    windows, staff with days, availability and weekly maxima, two or three courses, learners."""
    regimes = tuple(
        RegimeBlock(f"R{draw(st.integers(0, 2))}", draw(st.sampled_from(WEEKDAYS)), p.start, p.end)
        for p in draw(st.lists(st.sampled_from(PERIODS), max_size=6))
    )
    sections = tuple(Section(s, f"{s} wing", f"R{i}") for i, s in enumerate("ABC"))
    separations = (Separation("A", "C"),) if draw(st.booleans()) else ()
    rooms = (
        Room("C1", "Class 1", "classroom", draw(st.integers(2, 6))),
        Room("C2", "Class 2", "classroom", draw(st.integers(2, 6))),
        Room("LAB", "Lab", "computer_lab", 4, draw(st.integers(1, 3))),
    )
    windows = tuple(
        InternetWindow(d, PERIODS[0].start, PERIODS[1].end)
        for d in draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=2, unique=True))
    )
    staff = tuple(
        Staff(
            f"T{i}",
            f"Teacher {i}",
            "nt2_teacher",
            days=tuple(draw(st.lists(st.sampled_from(WEEKDAYS), max_size=3, unique=True))),
            max_periods_per_week=draw(st.sampled_from([None, 2, 4])),
        )
        for i in (1, 2)
    ) + (Staff("M1", "Trainer", "mo_trainer", languages=("ar",), max_periods_per_week=4),)
    availability = (
        (StaffAvailability("T2", "Tue", PERIODS[0].start, PERIODS[2].end),)
        if draw(st.booleans())
        else ()
    )
    courses = (
        _course(draw, "NT2-1.1", "NT2", "1.1", "nl"),
        _course(draw, "NT2-1.2", "NT2", "1.2", "nl"),
        _course(draw, "MO-ar", "MO", "", "ar"),
    )
    learners = tuple(
        Learner(
            f"L{n:04d}",
            draw(st.sampled_from("ABC")),
            ("ar",),
            draw(st.sampled_from(["1.1", "1.2"])),
            tuple(draw(st.lists(st.sampled_from(["NT2", "MO"]), min_size=1, unique=True))),
            internet_periods=draw(st.integers(0, 1)),
            priority=draw(st.integers(1, 5)),
        )
        for n in range(1, draw(st.integers(4, 12)) + 1)
    )
    moving = draw(st.sampled_from([None, 1, 2]))
    return tiny_term(
        settings={"max_groups_moving": moving},
        sections=sections,
        regimes=regimes,
        separations=separations,
        rooms=rooms,
        internet_windows=windows,
        staff=staff + (tiny_term().staff[2],),
        staff_availability=availability,
        courses=courses,
        learners=learners,
    )


def _course(draw, course: str, kind: str, level: str, language: str) -> Course:
    internet = draw(st.integers(0, 1))
    return Course(
        course,
        kind,
        course,
        level,
        language,
        sessions_per_week=draw(st.integers(1, 2)) + internet,
        session_periods=draw(st.integers(1, 2)),
        total_hours=1.0,
        min_size=draw(st.integers(2, 3)),
        max_size=draw(st.integers(3, 5)),
        internet_sessions=internet,
        max_groups=draw(st.sampled_from([None, 1])),
    )


# ---------------------------------------------------------------------------------------------
# Claims re-derived from workbook.md


def _span(data: ProblemData, period: str, length: int) -> list[str]:
    first = [p.period for p in data.periods].index(period)
    return [p.period for p in data.periods[first : first + length]]


def _holds(data: ProblemData, sol: Solution, room_or_staff: str, day: str, period: str):
    """Groups whose session on ``day`` covers ``period`` in that room or with that staff."""
    return {
        s.group
        for s in sol.sessions
        if room_or_staff in (s.room, s.staff)
        and s.day == day
        and period in _span(data, s.period, s.periods)
    }


def _on_site(data: ProblemData, staff: Staff, day: str, period: str) -> bool:
    if staff.days and day not in staff.days:
        return False
    windows = [a for a in data.staff_availability if a.staff == staff.staff]
    p = next(x for x in data.periods if x.period == period)
    return not windows or any(
        a.day == day and a.start <= p.start and p.end <= a.end for a in windows
    )


def _qualified(staff: Staff, course: Course) -> bool:
    role = {"NT2": "nt2_teacher", "MO": "mo_trainer"}[course.kind]
    if staff.role != role or (staff.teaches and course.course not in staff.teaches):
        return False
    return course.kind != "MO" or course.language in staff.languages


def claim_holds(data: ProblemData, sol: Solution, claim: Claim) -> bool:
    """Whether ``claim`` is true of ``data`` and ``sol`` (workbook.md's words, not the code's)."""
    a = claim.args
    if claim.kind == "staff_busy":
        staff_id, day, period, group, course_id = a
        staff, course = data.staff_by_id[str(staff_id)], data.course_by_id[str(course_id)]
        load = sum(s.periods for s in sol.sessions if s.staff == staff_id)
        weekly = course.sessions_per_week * course.session_periods
        return (
            group in _holds(data, sol, str(staff_id), str(day), str(period))
            and _qualified(staff, course)
            and _on_site(data, staff, str(day), str(period))
            and (staff.max_periods_per_week is None or load + weekly <= staff.max_periods_per_week)
        )
    if claim.kind == "room_taken":
        room, day, period, group = a
        return group in _holds(data, sol, str(room), str(day), str(period))
    if claim.kind == "escorts_full":
        day, period, limit = a
        starting = sum(1 for s in sol.sessions if s.day == day and s.period == period)
        return limit == data.settings.max_groups_moving and starting >= int(limit)
    if claim.kind == "too_few_compatible":
        course_id, n, needed = a
        course = data.course_by_id[str(course_id)]
        fitting = [
            lr
            for lr in data.learners
            if course.kind in lr.wants
            and (course.kind != "NT2" or lr.nt2_level == course.level)
            and (course.kind != "MO" or course.language in lr.languages)
        ]
        return needed == course.min_size and 1 <= int(n) < int(needed) and int(n) <= len(fitting)
    if claim.kind == "lab_full":
        lab, day, period, used, seats = a
        booked = sum(
            1 for b in sol.internet if b.room == lab and b.day == day and b.period == period
        )
        return seats == data.room_by_id[str(lab)].internet_seats and booked == used >= int(seats)
    if claim.kind == "max_groups_reached":
        course_id, formed, limit = a
        n = sum(1 for g in sol.groups if g.course == course_id)
        return n == formed and limit == data.course_by_id[str(course_id)].max_groups <= n
    if claim.kind == "staff_at_max":
        staff_id, course_id, load = a
        staff, course = data.staff_by_id[str(staff_id)], data.course_by_id[str(course_id)]
        weekly = course.sessions_per_week * course.session_periods
        taught = sum(s.periods for s in sol.sessions if s.staff == staff_id)
        limit = staff.max_periods_per_week
        return (
            taught == load
            and _qualified(staff, course)
            and limit is not None
            and load + weekly > limit
        )
    raise AssertionError(f"unknown claim kind {claim.kind}")


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(terms())
def test_every_claim_of_every_waiting_row_is_true(data):
    sol = greedy(data)
    assert total_violations(verify(data, sol)) == 0
    for row in waiting(data, sol):
        for claim in row.claims:
            assert claim_holds(data, sol, claim), (row.learner, row.wants, claim, row.reason)


def test_busy_staff_are_only_those_teaching_then():
    """T2 teaches no group and is not on site: the reason never names them (issue 11)."""
    data = tiny_term(
        staff=(
            Staff("T1", "Teacher 1", "nt2_teacher", max_periods_per_week=8),
            Staff("T2", "Teacher 2", "nt2_teacher", days=("Fri",)),
        ),
        rooms=(Room("C1", "Class 1", "classroom", 2),),
        learners=tiny_term().learners,
    )
    sol = greedy(data)
    for row in waiting(data, sol):
        for claim in row.claims:
            assert claim_holds(data, sol, claim)
            if claim.kind == "staff_busy":
                assert claim.args[0] in {s.staff for s in sol.sessions}


def _one_free_slot_term(**settings_):
    """Sections A and B are free only on Mon P1; A has four learners at level 1.1, B two at
    level 1.2. NT2-1.1-1 (T1, C1) meets Mon P1."""
    from scheduler.data import Learner as L
    from tests.helpers.terms import all_but, nt2_course

    blocked = all_but([("Mon", "P1")])
    return tiny_term(
        settings=settings_,
        regimes=tuple(RegimeBlock(r, d, s, e) for r in ("RA", "RB") for d, s, e in blocked),
        rooms=(Room("C1", "Class 1", "classroom", 6), Room("C2", "Class 2", "classroom", 6)),
        staff=(
            Staff("T1", "Teacher 1", "nt2_teacher"),
            Staff("T2", "Teacher 2", "nt2_teacher", teaches=("NT2-1.1",)),
        ),
        courses=(
            nt2_course(),
            nt2_course(course="NT2-1.2", name="NT2 1.2", level="1.2"),
        ),
        learners=tuple(L(f"L000{n}", "A", ("ar",), "1.1", ("NT2",)) for n in range(1, 5))
        + tuple(L(f"L000{n}", "B", ("ar",), "1.2", ("NT2",)) for n in (5, 6)),
    )


def _timetable(staff: str = "T1") -> Solution:
    from scheduler.solution import Group, Session

    return Solution(
        groups=(Group("NT2-1.1-1", "NT2-1.1", staff, ("L0001", "L0002", "L0003", "L0004")),),
        sessions=(Session("NT2-1.1-1", "NT2-1.1", "Mon", "P1", 1, "C1", staff),),
    )


def test_a_busy_teacher_is_named_with_the_group_they_teach_then():
    data, sol = _one_free_slot_term(), _timetable("T1")
    assert total_violations(verify(data, sol)) == 0
    (row,) = [w for w in waiting(data, sol) if w.learner == "L0005"]
    assert Claim("staff_busy", ("T1", "Mon", "P1", "NT2-1.1-1", "NT2-1.2")) in row.claims
    assert "T1 teaches other groups at Mon P1" in row.reason
    assert "T2" not in row.reason.replace("NT2", "")  # T2 may not teach NT2-1.2
    assert all(claim_holds(data, sol, c) for c in row.claims)


def test_the_escort_cap_is_a_reason_where_it_binds():
    # T2 teaches NT2-1.1-1, so T1 is free for NT2-1.2 at Mon P1 in C2: only the escorts
    # (one group may start a period) stop it.
    data, sol = _one_free_slot_term(max_groups_moving=1), _timetable("T2")
    assert total_violations(verify(data, sol)) == 0
    (row,) = [w for w in waiting(data, sol) if w.learner == "L0005"]
    assert Claim("escorts_full", ("Mon", "P1", 1)) in row.claims
    assert "escorts are full at Mon P1" in row.reason
    assert "max_groups_moving" in row.unblock
    assert all(claim_holds(data, sol, c) for c in row.claims)
