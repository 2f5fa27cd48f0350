"""One behaviour test per hard rule of the rules note: a tiny term in which the rule binds
(without it the optimum would be different) and the exact outcome of a real solve.

Every solve that must give a timetable goes through ``solved``, which requires a proven
optimum and zero violations from the independent verifier. Where a rule can be switched off
in the data (a size, a limit, a row), the test also solves the same term without it and
shows the outcome changes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from scheduler.data import (
    ClosedDay,
    InternetWindow,
    LearnerUnavailability,
    Lock,
    RegimeBlock,
    Room,
    RoomUnavailability,
    Separation,
    Staff,
    StaffAvailability,
)
from scheduler.solution import Solution
from tests.helpers.terms import (
    TERM_START,
    Slot,
    all_but,
    assert_valid,
    learner,
    learners,
    members,
    mo_course,
    nt2_course,
    placed,
    run,
    slot_rows,
    solved,
    tiny_term,
    with_settings,
)

C1 = Room("C1", "Class 1", "classroom", 10)
C2 = Room("C2", "Class 2", "classroom", 10)
I1 = Room("I1", "Interview 1", "interview", 2)
I2 = Room("I2", "Interview 2", "interview", 2)
T1 = Staff("T1", "Teacher", "nt2_teacher")
M1 = Staff("M1", "Trainer", "mo_trainer", languages=("ar", "fr"))
K1 = Staff("K1", "Counsellor", "counsellor", languages=("ar", "fr"))
ALL_DAY = (510, 900)


def lab(seats: int = 10, internet_seats: int = 4, **fields) -> Room:
    return Room("LAB", "Lab", "computer_lab", seats, internet_seats, **fields)


def available(staff: str, *slots: Slot) -> tuple[StaffAvailability, ...]:
    """StaffAvailability rows that make ``staff`` available in exactly ``slots``."""
    return tuple(StaffAvailability(staff, *row) for row in slot_rows(slots))


def room_closed_but(room: str, *free: Slot) -> tuple[RoomUnavailability, ...]:
    return tuple(RoomUnavailability(room, *row) for row in all_but(free))


def learner_away_but(learner_id: str, *free: Slot) -> tuple[LearnerUnavailability, ...]:
    return tuple(LearnerUnavailability(learner_id, *row) for row in all_but(free))


def regime_but(regime: str, *free: Slot) -> tuple[RegimeBlock, ...]:
    return tuple(RegimeBlock(regime, *row) for row in all_but(free))


def where(solution: Solution, course: str | None = None) -> list[tuple[str, str, str]]:
    """(day, period, room) of every session (of ``course``), sorted."""
    return sorted(
        (s.day, s.period, s.room) for s in solution.sessions if course in (None, s.course)
    )


def bookings(solution: Solution) -> list[tuple[str, str, str, str]]:
    """(learner, day, period, room) of every internet booking, sorted."""
    return sorted((b.learner, b.day, b.period, b.room) for b in solution.internet)


def only_internet(n: int, first: int = 1, **fields):
    """Learners who want no course, only ``internet_periods`` (default 1)."""
    return learners(n, first, wants=(), **{"internet_periods": 1, **fields})


def only_intake(n: int, first: int = 1, **fields):
    """Learners who want no course, only an intake."""
    return learners(n, first, wants=(), intake=True, **fields)


# 1. group_course -------------------------------------------------------------------------------
def test_two_groups_of_a_course_are_numbered_from_one():
    """Eight learners, 3..4 a group: only two full groups place all eight."""
    data = tiny_term(courses=(nt2_course(min_size=3),), learners=learners(8))
    sol = solved(data)
    assert [(g.group, g.course, g.size) for g in sol.groups] == [
        ("NT2-1.1-1", "NT2-1.1", 4),
        ("NT2-1.1-2", "NT2-1.1", 4),
    ]
    assert sorted(s.group for s in sol.sessions) == ["NT2-1.1-1", "NT2-1.1-2"]


# 2. group_members ------------------------------------------------------------------------------
INELIGIBLE_NT2 = {
    "other level": {"nt2_level": "1.2"},
    "no level yet": {"nt2_level": None},
    "asked for MO only": {"wants": ("MO",)},
    "released on the first day": {"release": TERM_START},
    "arrives after the term": {"arrival": dt.date(2027, 2, 1)},
}


@pytest.mark.parametrize("fields", INELIGIBLE_NT2.values(), ids=INELIGIBLE_NT2.keys())
def test_an_ineligible_learner_is_not_placed_in_nt2(fields):
    eligible = tiny_term(learners=learners(3))
    assert members(solved(eligible)) == {"L0001", "L0002", "L0003"}
    data = tiny_term(learners=learners(2) + (learner(3, **fields),))
    assert members(solved(data)) == {"L0001", "L0002"}


def test_mo_members_speak_the_course_language():
    course = mo_course("ar")
    speakers = learners(2, wants=("MO",), languages=("ar", "en"))
    data = tiny_term(
        courses=(course,), learners=speakers + (learner(3, wants=("MO",), languages=("fr",)),)
    )
    sol = solved(data)
    assert [(g.course, g.members) for g in sol.groups] == [("MO-ar", ("L0001", "L0002"))]


# 3. group_size ---------------------------------------------------------------------------------
def test_max_size_places_four_of_five_and_the_lowest_priority_waits():
    people = learners(4, priority=5) + (learner(5, priority=1),)
    data = tiny_term(courses=(nt2_course(min_size=3, max_size=4),), learners=people)
    sol = solved(data)
    assert [g.members for g in sol.groups] == [("L0001", "L0002", "L0003", "L0004")]
    roomy = data.replace(courses=(nt2_course(min_size=3, max_size=5),))
    assert len(members(solved(roomy))) == 5


def test_min_size_forms_no_group_for_two_learners():
    data = tiny_term(courses=(nt2_course(min_size=3),), learners=learners(2))
    sol = solved(data)
    assert sol.groups == () and sol.sessions == ()
    assert members(solved(data.replace(courses=(nt2_course(min_size=2),)))) == {"L0001", "L0002"}


# 4. max_groups ---------------------------------------------------------------------------------
def test_max_groups_one_keeps_the_four_highest_priorities():
    people = learners(4, priority=5) + learners(4, first=5, priority=1)
    data = tiny_term(courses=(nt2_course(max_groups=1),), learners=people)
    sol = solved(data)
    assert [(g.group, g.members) for g in sol.groups] == [
        ("NT2-1.1-1", ("L0001", "L0002", "L0003", "L0004"))
    ]
    assert len(members(solved(data.replace(courses=(nt2_course(),))))) == 8


# 5. one_group_per_kind -------------------------------------------------------------------------
def test_a_bilingual_learner_joins_one_mo_group_only():
    """Without the rule L0001 would sit in MO-ar with L0002 and in MO-fr with L0003."""
    people = (
        learner(1, wants=("MO",), languages=("ar", "fr")),
        learner(2, wants=("MO",), languages=("ar",), priority=5),
        learner(3, wants=("MO",), languages=("fr",), priority=1),
    )
    data = tiny_term(courses=(mo_course("ar"), mo_course("fr")), learners=people)
    sol = solved(data)
    assert [(g.group, g.members) for g in sol.groups] == [("MO-ar-1", ("L0001", "L0002"))]


# 6. session_count ------------------------------------------------------------------------------
def test_three_double_sessions_on_two_teaching_days():
    """Three 2-period sessions a week on Mon and Wed only: one day holds two (P1-P2 and
    P3-P4, the only non-overlapping pair), the other one; none starts at P4."""
    course = nt2_course(sessions_per_week=3, session_periods=2)
    data = tiny_term(settings={"teaching_days": ("Mon", "Wed")}, courses=(course,))
    sol = solved(data)
    assert len(sol.sessions) == 3
    assert all(s.periods == 2 and not s.internet for s in sol.sessions)
    per_day = Counter(s.day for s in sol.sessions)
    assert set(per_day) == {"Mon", "Wed"} and sorted(per_day.values()) == [1, 2]
    busy = max(per_day, key=per_day.get)
    assert sorted(s.period for s in sol.sessions if s.day == busy) == ["P1", "P3"]


# 7. internet_sessions --------------------------------------------------------------------------
def test_internet_session_in_the_lab_window_caps_the_group_at_internet_seats():
    course = nt2_course(sessions_per_week=2, internet_sessions=1, max_size=6)
    people = learners(3, priority=5) + learners(2, first=4, priority=1)
    data = tiny_term(
        rooms=(C1, lab(internet_seats=3)),
        internet_windows=(InternetWindow("Thu", 780, 840),),
        courses=(course,),
        learners=people,
    )
    sol = solved(data)
    assert [g.members for g in sol.groups] == [("L0001", "L0002", "L0003")]
    online = [(s.day, s.period, s.room) for s in sol.sessions if s.internet]
    assert online == [("Thu", "P3", "LAB")]
    assert len(sol.sessions) == 2
    wide = data.replace(rooms=(C1, lab(internet_seats=6)))
    assert len(members(solved(wide))) == 5


# 8. session_room -------------------------------------------------------------------------------
def test_the_group_meets_in_the_only_room_that_seats_it():
    people = learners(5) + (learner(6, priority=1),)
    small, mid = Room("C1", "Small", "classroom", 3), Room("C2", "Mid", "classroom", 5)
    data = tiny_term(
        rooms=(small, mid), courses=(nt2_course(max_size=6, max_groups=1),), learners=people
    )
    sol = solved(data)
    assert [g.members for g in sol.groups] == [tuple(f"L{n:04d}" for n in range(1, 6))]
    assert [s.room for s in sol.sessions] == ["C2"]
    big = data.replace(rooms=(small, Room("C2", "Big", "classroom", 6)))
    assert len(members(solved(big))) == 6


def test_a_room_for_section_b_only_takes_only_the_b_learners():
    people = learners(2, section="A") + learners(2, first=3, section="B")
    data = tiny_term(
        rooms=(Room("C1", "B class", "classroom", 10, sections=("B",)),), learners=people
    )
    sol = solved(data)
    assert [(g.members, s.room) for g, s in zip(sol.groups, sol.sessions, strict=True)] == [
        (("L0003", "L0004"), "C1")
    ]
    assert len(members(solved(data.replace(rooms=(C1,))))) == 4


def test_room_unavailability_leaves_only_tue_p4():
    data = tiny_term(room_unavailability=room_closed_but("C1", ("Tue", "P4")))
    assert where(solved(data)) == [("Tue", "P4", "C1")]


def test_no_group_session_in_an_interview_room():
    """The interview room is free all week; the classroom only on Fri P1."""
    data = tiny_term(rooms=(I1, C1), room_unavailability=room_closed_but("C1", ("Fri", "P1")))
    assert where(solved(data)) == [("Fri", "P1", "C1")]


# 9. room_clash ---------------------------------------------------------------------------------
def test_two_groups_share_one_room_one_after_the_other():
    """M1 can only come Mon P1, T1 Mon P1 or P2, one room: NT2 must move to P2."""
    people = learners(2) + learners(2, first=3, wants=("MO",))
    data = tiny_term(
        courses=(nt2_course(), mo_course("ar")),
        learners=people,
        staff_availability=available("T1", ("Mon", "P1"), ("Mon", "P2"))
        + available("M1", ("Mon", "P1")),
    )
    sol = solved(data)
    assert where(sol, "MO-ar") == [("Mon", "P1", "C1")]
    assert where(sol, "NT2-1.1") == [("Mon", "P2", "C1")]


def test_no_internet_booking_in_the_lab_while_a_group_uses_it():
    """The lab is the only room; the group must meet there Tue P1, so the booking (window Tue
    P1-P2) goes to Tue P2."""
    data = tiny_term(
        rooms=(lab(),),
        internet_windows=(InternetWindow("Tue", 510, 630),),
        learners=learners(2) + only_internet(1, first=3),
        staff_availability=available("T1", ("Tue", "P1")),
    )
    sol = solved(data)
    assert where(sol) == [("Tue", "P1", "LAB")]
    assert bookings(sol) == [("L0003", "Tue", "P2", "LAB")]


# 10. staff_role --------------------------------------------------------------------------------
MO_SPEAKERS = learners(4, wants=("MO",))
STAFF_CASES = {
    "MO trainer who does not speak ar": (
        mo_course("ar"),
        (Staff("M1", "Trainer", "mo_trainer", languages=("fr",)), T1, K1),
        None,
    ),
    "a second MO trainer speaks ar": (
        mo_course("ar"),
        (
            Staff("M1", "Trainer", "mo_trainer", languages=("fr",)),
            T1,
            K1,
            Staff("M2", "Ar", "mo_trainer", languages=("ar",)),
        ),
        "M2",
    ),
    "NT2 with only an MO trainer": (nt2_course(), (M1, K1), None),
    "NT2 teacher for 1.2 only": (
        nt2_course(),
        (Staff("T1", "Teacher", "nt2_teacher", teaches=("NT2-1.2",)),),
        None,
    ),
    "second NT2 teacher teaches 1.1": (
        nt2_course(),
        (
            Staff("T1", "Teacher", "nt2_teacher", teaches=("NT2-1.2",)),
            Staff("T2", "Teacher", "nt2_teacher", teaches=("NT2-1.1",)),
        ),
        "T2",
    ),
}


@pytest.mark.parametrize("course, staff, expected", STAFF_CASES.values(), ids=STAFF_CASES.keys())
def test_only_staff_of_the_right_role_language_and_courses_teach(course, staff, expected):
    people = MO_SPEAKERS if course.kind == "MO" else learners(4)
    sol = solved(tiny_term(courses=(course,), staff=staff, learners=people))
    if expected is None:
        assert sol.groups == () and sol.sessions == ()
    else:
        assert [g.staff for g in sol.groups] == [expected]
        assert {s.staff for s in sol.sessions} == {expected}
        assert len(members(sol)) == 4


# 11. staff_availability ------------------------------------------------------------------------
def test_staff_days_put_every_session_on_wednesday():
    course = nt2_course(sessions_per_week=2)
    data = tiny_term(
        courses=(course,), staff=(Staff("T1", "Teacher", "nt2_teacher", days=("Wed",)),)
    )
    sol = solved(data)
    assert [s.day for s in sol.sessions] == ["Wed", "Wed"]


def test_a_thursday_afternoon_window_fits_one_double_session_at_p3():
    course = nt2_course(session_periods=2)
    data = tiny_term(
        courses=(course,), staff_availability=(StaffAvailability("T1", "Thu", 780, 900),)
    )
    assert where(solved(data)) == [("Thu", "P3", "C1")]


# 12. staff_load --------------------------------------------------------------------------------
def test_teacher_load_of_two_periods_runs_two_groups_of_four():
    data = tiny_term(
        staff=(Staff("T1", "Teacher", "nt2_teacher", max_periods_per_week=2),),
        learners=learners(12),
    )
    sol = solved(data)
    assert [g.size for g in sol.groups] == [4, 4]
    more = data.replace(staff=(Staff("T1", "Teacher", "nt2_teacher", max_periods_per_week=3),))
    assert len(members(solved(more))) == 12


@pytest.mark.parametrize("limit, weeks, per_week", [(1, 1, [1]), (1, 2, [1, 1]), (None, 1, [3])])
def test_counsellor_load_counts_periods_per_week(limit, weeks, per_week):
    """Three learners need an intake; a limit of one period a week holds one a week."""
    counsellor = Staff(
        "K1", "Counsellor", "counsellor", languages=("ar",), max_periods_per_week=limit
    )
    data = tiny_term(
        settings={"intake_weeks": weeks},
        rooms=(I1,),
        staff=(counsellor,),
        learners=only_intake(3),
    )
    weeks_held = Counter(i.week for i in solved(data).intakes)
    assert [weeks_held[w] for w in sorted(weeks_held)] == per_week


# 13. staff_clash -------------------------------------------------------------------------------
def test_a_teacher_free_one_period_teaches_one_group_of_two_possible():
    data = tiny_term(
        rooms=(C1, C2),
        learners=learners(8),
        staff_availability=available("T1", ("Mon", "P1")),
    )
    sol = solved(data)
    assert [(g.size, s.day, s.period) for g, s in zip(sol.groups, sol.sessions, strict=True)] == [
        (4, "Mon", "P1")
    ]
    second = data.replace(staff=data.staff + (Staff("T2", "Teacher 2", "nt2_teacher"),))
    assert len(members(solved(second))) == 8


def test_a_counsellor_free_one_period_holds_one_intake_a_week():
    data = tiny_term(
        rooms=(I1, I2),
        learners=only_intake(2),
        staff_availability=available("K1", ("Mon", "P1")),
    )
    sol = solved(data)
    assert [(i.week, i.day, i.period) for i in sol.intakes] == [(1, "Mon", "P1")]
    two_weeks = with_settings(data, intake_weeks=2)
    assert sorted(i.week for i in solved(two_weeks).intakes) == [1, 2]


# 14. learner_regime ----------------------------------------------------------------------------
def test_regime_blocks_all_but_tue_p4():
    """Mornings every day by an "all" row, afternoons day by day, except Tue P4."""
    rows = (RegimeBlock("RA", "all", 510, 630, "work"),) + tuple(
        RegimeBlock("RA", day, 780, 900 if day != "Tue" else 840, "yard")
        for day in ("Mon", "Tue", "Wed", "Thu", "Fri")
    )
    data = tiny_term(regimes=rows)
    assert where(solved(data)) == [("Tue", "P4", "C1")]


def test_one_learners_unavailability_moves_the_group_to_wed_p2():
    data = tiny_term(
        courses=(nt2_course(min_size=3),),
        learners=learners(3),
        learner_unavailability=learner_away_but("L0001", ("Wed", "P2")),
    )
    sol = solved(data)
    assert where(sol) == [("Wed", "P2", "C1")]
    assert members(sol) == {"L0001", "L0002", "L0003"}


def test_regime_moves_an_internet_booking_to_the_free_period():
    data = tiny_term(
        rooms=(lab(),),
        internet_windows=(InternetWindow("Tue", *ALL_DAY),),
        regimes=(RegimeBlock("RA", "Tue", 510, 840),),
        learners=only_internet(1),
    )
    assert bookings(solved(data)) == [("L0001", "Tue", "P4", "LAB")]


def test_regime_moves_an_intake_to_the_free_period():
    data = tiny_term(rooms=(I1,), regimes=regime_but("RA", ("Thu", "P1")), learners=only_intake(1))
    sol = solved(data)
    assert [(i.learner, i.week, i.day, i.period, i.room) for i in sol.intakes] == [
        ("L0001", 1, "Thu", "P1", "I1")
    ]


# 15. learner_clash -----------------------------------------------------------------------------
def test_nt2_and_mo_of_the_same_learners_never_at_once():
    """Both staff can only come Mon P1 and each course needs three of the same four learners:
    only one of the two groups can run. With M1 on Mon P2 instead, both run."""
    data = tiny_term(
        rooms=(C1, C2),
        courses=(nt2_course(min_size=3), mo_course("ar", min_size=3)),
        learners=learners(4, wants=("NT2", "MO")),
        staff_availability=available("T1", ("Mon", "P1")) + available("M1", ("Mon", "P1")),
    )
    sol = solved(data)
    assert len(sol.groups) == 1 and sol.groups[0].size == 4
    later = data.replace(
        staff_availability=available("T1", ("Mon", "P1")) + available("M1", ("Mon", "P2"))
    )
    assert len(placed(solved(later))) == 8


def test_a_members_internet_booking_avoids_their_session():
    """The group meets Mon P1 in C1 (the lab seats only one, too few for the group), the
    window is Mon P1-P2: L0001's booking goes to P2."""
    data = tiny_term(
        rooms=(C1, lab(seats=1, internet_seats=1)),
        internet_windows=(InternetWindow("Mon", 510, 630),),
        learners=(learner(1, internet_periods=1), learner(2)),
        staff_availability=available("T1", ("Mon", "P1")),
    )
    sol = solved(data)
    assert where(sol) == [("Mon", "P1", "C1")]
    assert bookings(sol) == [("L0001", "Mon", "P2", "LAB")]


def test_an_intake_avoids_the_learners_weekly_session():
    data = tiny_term(
        rooms=(C1, I1),
        learners=(learner(1, intake=True), learner(2)),
        staff_availability=available("T1", ("Mon", "P1"))
        + available("K1", ("Mon", "P1"), ("Mon", "P2")),
    )
    sol = solved(data)
    assert where(sol) == [("Mon", "P1", "C1")]
    assert [(i.learner, i.week, i.day, i.period) for i in sol.intakes] == [
        ("L0001", 1, "Mon", "P2")
    ]


# 16. separation --------------------------------------------------------------------------------
KEPT_APART = {
    "learner/learner": (Separation("L0001", "L0002"), ("L0001", "L0003", "L0004")),
    "section/section": (Separation("A", "B"), ("L0003", "L0004")),
    "learner/section": (Separation("L0001", "B"), ("L0002", "L0003", "L0004")),
}


@pytest.mark.parametrize("row, expected", KEPT_APART.values(), ids=KEPT_APART.keys())
def test_separated_sides_are_never_in_one_group(row, expected):
    """One group at most; priorities L0001 5, L0002 1, L0003 and L0004 (section B) 4 each."""
    people = (
        learner(1, priority=5),
        learner(2, priority=1),
        learner(3, section="B", priority=4),
        learner(4, section="B", priority=4),
    )
    data = tiny_term(courses=(nt2_course(max_groups=1),), learners=people)
    assert len(members(solved(data))) == 4
    sol = solved(data.replace(separations=(row,)))
    assert [g.members for g in sol.groups] == [expected]


def test_separated_learners_never_share_the_lab():
    """One bookable period (Tue P1), four internet seats, three learners; L0001 and L0002 are
    kept apart, so only one of them is booked beside L0003."""
    data = tiny_term(
        rooms=(lab(),),
        internet_windows=(InternetWindow("Tue", 510, 570),),
        learners=only_internet(3),
    )
    assert len(solved(data).internet) == 3
    sol = solved(data.replace(separations=(Separation("L0001", "L0002"),)))
    booked = {b.learner for b in sol.internet}
    assert len(booked) == 2 and "L0003" in booked


# 17. escorts -----------------------------------------------------------------------------------
def test_one_escort_lets_only_one_group_start_in_the_one_possible_period():
    people = learners(2) + learners(2, first=3, wants=("MO",))
    data = tiny_term(
        rooms=(C1, C2),
        courses=(nt2_course(), mo_course("ar")),
        learners=people,
        staff_availability=available("T1", ("Mon", "P1")) + available("M1", ("Mon", "P1")),
    )
    assert len(solved(data).groups) == 2
    limited = with_settings(data, max_groups_moving=1)
    sol = solved(limited)
    assert len(sol.groups) == 1 and where(sol)[0][:2] == ("Mon", "P1")


# 18. intake ------------------------------------------------------------------------------------
def test_intakes_go_to_those_who_need_one_in_a_language_the_counsellor_speaks():
    people = (
        learner(1, wants=(), intake=True, languages=("ti",)),
        learner(2, wants=(), intake=True, languages=("ar",)),
        learner(3, wants=(), intake=True, languages=("ti", "fr")),
        learner(4, wants=("MO",), languages=("ar",)),
        learner(5, wants=("NT2",), nt2_level=None, languages=("ar",)),
    )
    data = tiny_term(rooms=(I1,), learners=people)
    sol = solved(data)
    assert sorted((i.learner, i.language, i.room, i.staff) for i in sol.intakes) == [
        ("L0002", "ar", "I1", "K1"),
        ("L0003", "fr", "I1", "K1"),
        ("L0005", "ar", "I1", "K1"),
    ]
    assert solved(data.replace(rooms=(C1,))).intakes == ()


def test_a_closed_monday_moves_the_intake_to_week_two():
    """The counsellor only works Mondays; the first Monday is closed."""
    data = tiny_term(
        settings={"intake_weeks": 2},
        rooms=(I1,),
        staff=(Staff("K1", "Counsellor", "counsellor", languages=("ar",), days=("Mon",)),),
        closed_days=(ClosedDay(TERM_START, "strike"),),
        learners=only_intake(1),
    )
    assert [(i.week, i.day) for i in solved(data).intakes] == [(2, "Mon")]
    one_week = with_settings(data, intake_weeks=1)
    assert solved(one_week).intakes == ()


def test_a_section_closure_cancels_only_that_sections_intake():
    data = tiny_term(
        rooms=(I1,),
        staff=(Staff("K1", "Counsellor", "counsellor", languages=("ar",), days=("Mon",)),),
        closed_days=(ClosedDay(TERM_START, "lockdown", sections=("A",)),),
        learners=only_intake(1) + only_intake(1, first=2, section="B"),
    )
    assert [(i.learner, i.week) for i in solved(data).intakes] == [("L0002", 1)]


def test_a_late_arrival_gets_the_intake_in_week_two():
    data = tiny_term(
        settings={"intake_weeks": 2},
        rooms=(I1,),
        learners=only_intake(1, arrival=dt.date(2027, 1, 18)),
    )
    assert [i.week for i in solved(data).intakes] == [2]


def test_the_intake_uses_the_interview_room_when_it_is_open():
    data = tiny_term(
        rooms=(C1, I1),
        room_unavailability=room_closed_but("I1", ("Wed", "P3")),
        learners=only_intake(1),
    )
    sol = solved(data)
    assert [(i.day, i.period, i.room) for i in sol.intakes] == [("Wed", "P3", "I1")]


def test_one_interview_room_open_one_period_holds_one_intake_a_week():
    data = tiny_term(
        rooms=(I1,),
        staff=(K1, Staff("K2", "Counsellor 2", "counsellor", languages=("ar",))),
        room_unavailability=room_closed_but("I1", ("Mon", "P1")),
        learners=only_intake(2),
    )
    assert len(solved(data).intakes) == 1


def test_an_interview_room_for_section_b_only_has_no_intake_for_a():
    data = tiny_term(
        rooms=(Room("I1", "B interview", "interview", 2, sections=("B",)),), learners=only_intake(1)
    )
    assert solved(data).intakes == ()
    assert len(solved(data.replace(learners=only_intake(1, section="B"))).intakes) == 1


def test_a_two_period_intake_never_starts_in_the_last_period():
    data = tiny_term(
        settings={"intake_periods": 2},
        rooms=(I1,),
        staff_availability=(StaffAvailability("K1", "Fri", 570, 900),),
        learners=only_intake(1),
    )
    sol = solved(data)
    assert [(i.day, i.periods) for i in sol.intakes] == [("Fri", 2)]
    assert sol.intakes[0].period in ("P2", "P3")


# 19. internet_booking --------------------------------------------------------------------------
def test_at_most_one_booking_a_day():
    data = tiny_term(
        rooms=(lab(),),
        internet_windows=(InternetWindow("Tue", *ALL_DAY), InternetWindow("Thu", *ALL_DAY)),
        learners=only_internet(1, internet_periods=3),
    )
    assert [b[1] for b in bookings(solved(data))] == ["Thu", "Tue"]


def test_at_most_internet_periods_bookings_a_week():
    data = tiny_term(
        rooms=(lab(),),
        internet_windows=tuple(
            InternetWindow(d, *ALL_DAY) for d in ("Mon", "Tue", "Wed", "Thu", "Fri")
        ),
        learners=only_internet(1, internet_periods=2)
        + only_internet(1, first=2, internet_periods=0),
    )
    sol = solved(data)
    assert len(sol.internet) == 2 and {b.learner for b in sol.internet} == {"L0001"}
    assert len({b.day for b in sol.internet}) == 2


def test_a_booking_lies_wholly_inside_the_window():
    """10:00-14:20 on Wed wholly contains only P3 (13:00-14:00)."""
    data = tiny_term(
        rooms=(lab(),),
        internet_windows=(InternetWindow("Wed", 600, 860),),
        learners=only_internet(1),
    )
    assert bookings(solved(data)) == [("L0001", "Wed", "P3", "LAB")]


def test_internet_seats_cap_the_bookings_of_one_period():
    data = tiny_term(
        rooms=(lab(internet_seats=2),),
        internet_windows=(InternetWindow("Tue", 510, 570),),
        learners=only_internet(3),
    )
    assert len(solved(data).internet) == 2


def test_a_lab_for_section_b_only_books_only_b():
    data = tiny_term(
        rooms=(lab(sections=("B",)),),
        internet_windows=(InternetWindow("Tue", 510, 570),),
        learners=only_internet(1) + only_internet(1, first=2, section="B"),
    )
    assert [b[0] for b in bookings(solved(data))] == ["L0002"]


def test_lab_unavailability_leaves_fri_p2():
    data = tiny_term(
        rooms=(lab(),),
        internet_windows=(InternetWindow("Fri", *ALL_DAY),),
        room_unavailability=room_closed_but("LAB", ("Fri", "P2")),
        learners=only_internet(1),
    )
    assert bookings(solved(data)) == [("L0001", "Fri", "P2", "LAB")]


# 20. locks -------------------------------------------------------------------------------------
def test_a_lock_fixes_day_period_and_room():
    data = tiny_term(
        rooms=(C1, C2), locks=(Lock(course="NT2-1.1", day="Wed", period="P3", room="C2"),)
    )
    assert where(solved(data)) == [("Wed", "P3", "C2")]


def test_a_lock_on_a_second_group_splits_the_learners():
    """One group of four is best, but the lock asks for NT2-1.1-2 on Thu P1."""
    data = tiny_term(locks=(Lock(group="NT2-1.1-2", day="Thu", period="P1"),))
    sol = solved(data)
    assert [g.group for g in sol.groups] == ["NT2-1.1-1", "NT2-1.1-2"]
    assert members(sol) == {"L0001", "L0002", "L0003", "L0004"}
    assert [(s.day, s.period) for s in sol.sessions if s.group == "NT2-1.1-2"] == [("Thu", "P1")]


def test_a_lock_picks_the_staff_member():
    """Both teachers fit; the lock on T2 leaves T1 without a group."""
    data = tiny_term(staff=(T1, Staff("T2", "Teacher 2", "nt2_teacher")), locks=(Lock(staff="T2"),))
    sol = solved(data)
    assert {g.staff for g in sol.groups} == {"T2"} and len(members(sol)) == 4


IMPOSSIBLE_LOCKS = (
    Lock(course="NT2-1.1", day="Tue", row=6),  # possible
    Lock(course="NT2-1.1", day="Mon", period="P1", row=7),  # section A's regime blocks Mon P1
)


def test_an_impossible_lock_makes_the_term_infeasible_and_names_its_row():
    data = tiny_term(regimes=(RegimeBlock("RA", "Mon", 510, 570),), locks=IMPOSSIBLE_LOCKS)
    assert len(solved(data.replace(locks=IMPOSSIBLE_LOCKS[:1])).groups) == 1
    result = run(data)
    assert result.status == "infeasible" and result.solution is None
    assert any("Locks row 7" in c for c in result.conflicts)


def test_only_the_impossible_lock_is_named():
    data = tiny_term(regimes=(RegimeBlock("RA", "Mon", 510, 570),), locks=IMPOSSIBLE_LOCKS)
    result = run(data)
    assert result.status == "infeasible"
    assert [c.split(" (")[0] for c in result.conflicts] == ["Locks row 7"]


def assert_honoured_or_infeasible(data, row: int) -> None:
    """Either a timetable the verifier accepts, or infeasible naming Locks row ``row``."""
    result = run(data)
    if result.solution is not None:
        assert_valid(data, result.solution)
    else:
        assert result.status == "infeasible"
        assert any(f"Locks row {row}" in c for c in result.conflicts)


def test_locks_on_two_groups_of_one_course_are_not_met_by_one_group():
    """Only L0001 and L0002 are free on Mon P1 and Tue P1, so the two locked groups cannot
    both be formed: the term is infeasible, although one group could hold both slots."""
    away = tuple(
        LearnerUnavailability(m, day, 510, 570)
        for m in ("L0003", "L0004")
        for day in ("Mon", "Tue")
    )
    data = tiny_term(
        courses=(nt2_course(sessions_per_week=2),),
        learner_unavailability=away,
        locks=(
            Lock(group="NT2-1.1-1", day="Mon", period="P1", row=2),
            Lock(group="NT2-1.1-2", day="Tue", period="P1", row=3),
        ),
    )
    assert_honoured_or_infeasible(data, 3)


@pytest.mark.parametrize("group", ["NT2-1.1-x", "NT2-1.1-0", "NT2-1.1-01"])
def test_a_lock_on_a_group_id_no_group_can_have_is_not_honoured(group):
    assert_honoured_or_infeasible(tiny_term(locks=(Lock(group=group, row=4),)), 4)
