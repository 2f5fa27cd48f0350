"""Conformance: the timetable rules of workbook.md, one test per rule sentence (RULES.md maps
each sentence to its tests). Each builds the smallest term where the rule binds on the tiny term
of tests/helpers/terms.py (P1 08:30, P2 09:30, P3 13:00, P4 14:00; one 1-period NT2 session a
week; four learners of section A), solves it (``kept``: verifier and contract check find
nothing, and the assertion shows the rule shaped the answer), and hands the verifier and the
contract check a timetable that breaks the rule (``caught``)."""

from __future__ import annotations

import datetime as dt

from scheduler.data import (
    ClosedDay,
    InternetWindow,
    LearnerUnavailability,
    Lock,
    RegimeBlock,
    Room,
    RoomUnavailability,
    Section,
    Separation,
    Staff,
    StaffAvailability,
)
from scheduler.report.figures import group_hours
from scheduler.report.reasons import waiting
from scheduler.solution import Group, Intake, InternetBooking, Session, Solution
from scheduler.term import week_of
from tests.conformance.kit import caught, kept
from tests.helpers.terms import (
    TERM_START,
    WEEKDAYS,
    all_but,
    learner,
    learners,
    members,
    mo_course,
    nt2_course,
    tiny_term,
)

FOUR = ("L0001", "L0002", "L0003", "L0004")
I1 = Room("I1", "Interview", "interview", 1)
LAB = Room("LAB", "Lab", "computer_lab", 10, 4)


def one_session(
    day: str = "Mon",
    period: str = "P1",
    periods: int = 1,
    room: str = "C1",
    who: tuple[str, ...] = FOUR,
    staff: str = "T1",
    course: str = "NT2-1.1",
    internet: bool = False,
) -> Solution:
    """A hand-made timetable: group ``<course>-1`` with one session."""
    gid = f"{course}-1"
    return Solution(
        (Group(gid, course, staff, who),),
        (Session(gid, course, day, period, periods, room, staff, internet),),
    )


def where(sol: Solution) -> set[tuple[str, str]]:
    return {(s.day, s.period) for s in sol.sessions}


# --- Periods, the grid, closed days -----------------------------------------------------------
def test_a_session_of_length_k_occupies_k_consecutive_periods_of_one_day():
    data = tiny_term(courses=(nt2_course(session_periods=3, sessions_per_week=2),))
    sol = kept(data)
    assert all(s.periods == 3 and s.period in ("P1", "P2") for s in sol.sessions)
    caught(data, one_session(period="P3", periods=3), "session_count")


def test_the_weekly_grid_is_teaching_days_by_periods():
    data = tiny_term(
        settings={"teaching_days": ("Tue",)}, courses=(nt2_course(sessions_per_week=2),)
    )
    assert {d for d, _p in where(kept(data))} == {"Tue"}
    caught(data, one_session(day="Wed"), "session_count")


def test_no_intake_on_a_closed_date_and_hours_are_counted_without_closed_dates():
    closed = tuple(ClosedDay(TERM_START + dt.timedelta(days=k), "strike") for k in range(5))
    data = tiny_term(
        rooms=(Room("C1", "Class 1", "classroom", 10), I1),
        learners=learners(1, intake=True, wants=()),
        closed_days=closed,
        settings={"intake_weeks": 2},
    )
    assert [i.week for i in kept(data).intakes] == [2]
    broken = Solution(intakes=(Intake("L0001", 1, "Mon", "P1", 1, "I1", "K1", "ar"),))
    caught(data, broken, "intake")
    group = Group("NT2-1.1-1", "NT2-1.1", "T1", FOUR)
    sessions = one_session().sessions
    assert group_hours(tiny_term(), group, sessions) == 2.0  # two Mondays
    assert group_hours(tiny_term(closed_days=closed), group, sessions) == 1.0


def test_a_section_closure_cancels_the_whole_session_of_a_group_with_a_member_there():
    b_closed = (ClosedDay(TERM_START, "lockdown", ("B",)),)
    mixed = (*learners(3), learner(4, section="B"))
    group = Group("NT2-1.1-1", "NT2-1.1", "T1", FOUR)
    sessions = one_session().sessions
    assert group_hours(tiny_term(learners=mixed, closed_days=b_closed), group, sessions) == 1.0
    only_a = Group("NT2-1.1-1", "NT2-1.1", "T1", FOUR[:3])
    assert group_hours(tiny_term(learners=mixed, closed_days=b_closed), only_a, sessions) == 2.0


def test_weeks_are_seven_day_blocks_from_term_start():
    data = tiny_term()
    assert [week_of(data, TERM_START + dt.timedelta(days=k)) for k in (0, 6, 7, 13)] == [1, 1, 2, 2]
    late = tiny_term(
        rooms=(I1,),
        learners=(learner(1, intake=True, wants=(), arrival=TERM_START + dt.timedelta(days=7)),),
    )
    assert [i.week for i in kept(late).intakes] == [2]


# --- Regimes and blocking rows -----------------------------------------------------------------
def test_a_regime_row_blocks_its_time_for_every_learner_of_its_sections():
    regime = tuple(RegimeBlock("RA", d, s, e, "work") for d, s, e in all_but([("Tue", "P4")]))
    data = tiny_term(regimes=regime, learners=(*learners(3), learner(4, section="B")))
    sol = kept(data)
    assert where(sol) <= {
        ("Tue", "P4"),
        *[(d, p) for d in WEEKDAYS for p in ("P1", "P2", "P3", "P4")],
    }
    a_groups = [g for g in sol.groups if "L0001" in g.members]
    a_sessions = {(s.day, s.period) for s in sol.sessions if s.group == a_groups[0].group}
    assert a_sessions == {("Tue", "P4")}
    caught(data, one_session(day="Mon", who=FOUR[:3]), "learner_regime")


def test_a_regime_row_for_all_days_blocks_every_day():
    data = tiny_term(regimes=(RegimeBlock("RA", "all", 510, 840, "work"),))
    assert {p for _d, p in where(kept(data))} == {"P4"}
    caught(data, one_session(day="Fri", period="P3"), "learner_regime")


def test_time_not_blocked_is_available_for_education():
    """Only Wed P2 is left by the regime: the group meets exactly there."""
    regime = tuple(RegimeBlock("RA", d, s, e) for d, s, e in all_but([("Wed", "P2")]))
    data = tiny_term(regimes=regime)
    assert where(kept(data)) == {("Wed", "P2")}
    caught(data, one_session(day="Wed", period="P3"), "learner_regime")


def test_a_blocking_row_blocks_every_period_it_overlaps_by_one_minute():
    """09:29-09:31 overlaps P1 and P2 by one minute each, every day."""
    data = tiny_term(
        regimes=(RegimeBlock("RA", "all", 569, 571, "count"),),
        courses=(nt2_course(sessions_per_week=5),),
    )
    assert {p for _d, p in where(kept(data))} <= {"P3", "P4"}
    caught(data, one_session(period="P2"), "learner_regime")
    caught(data, one_session(period="P1"), "learner_regime")


def test_a_window_must_contain_the_whole_period():
    """T1's window 08:30-10:29 holds P1 whole but not P2."""
    data = tiny_term(staff_availability=(StaffAvailability("T1", "Mon", 510, 629),))
    assert where(kept(data)) == {("Mon", "P1")}
    caught(data, one_session(period="P2"), "staff_availability")


def test_learner_unavailability_keeps_the_learner_out():
    away = tuple(LearnerUnavailability("L0004", d, 510, 900, "court") for d in WEEKDAYS[:4])
    data = tiny_term(learner_unavailability=away, courses=(nt2_course(max_groups=1),))
    sol = kept(data)
    assert members(sol) == set(FOUR) and where(sol) <= {
        ("Fri", p) for p in ("P1", "P2", "P3", "P4")
    }
    caught(data, one_session(day="Tue"), "learner_regime")


def test_a_room_unavailability_row_keeps_sessions_out_of_the_room():
    busy = tuple(RoomUnavailability("C1", d, 510, 900, "chapel") for d in WEEKDAYS if d != "Thu")
    data = tiny_term(room_unavailability=busy)
    assert {d for d, _p in where(kept(data))} == {"Thu"}
    caught(data, one_session(day="Mon"), "session_room")


# --- Separations -----------------------------------------------------------------------------
def test_separated_learners_never_share_a_group_nor_a_room_at_one_time():
    data = tiny_term(separations=(Separation("L0001", "L0002", "co-accused"),))
    sol = kept(data)
    assert not any({"L0001", "L0002"} <= set(g.members) for g in sol.groups)
    caught(data, one_session(), "separation")
    lab_data = tiny_term(
        rooms=(LAB,),
        internet_windows=(InternetWindow("Mon", 510, 630),),
        learners=(
            learner(1, wants=(), internet_periods=1),
            learner(2, wants=(), internet_periods=1),
        ),
        separations=(Separation("L0001", "L0002", "co-accused"),),
    )
    booked = kept(lab_data).internet
    assert len(booked) == 2 and booked[0].period != booked[1].period
    same = Solution(
        internet=(
            InternetBooking("L0001", "Mon", "P1", "LAB"),
            InternetBooking("L0002", "Mon", "P1", "LAB"),
        )
    )
    caught(lab_data, same, "separation")


def test_a_separation_side_may_be_a_section():
    data = tiny_term(
        learners=(*learners(2), *learners(2, 3, section="B")),
        separations=(Separation("A", "B", "remand vs sentenced"),),
    )
    assert all(len({m[-1] in "12" for m in g.members}) == 1 for g in kept(data).groups)
    caught(data, one_session(), "separation")


def test_separations_are_only_the_rows_of_the_separations_sheet():
    """Men and women, remand and sentenced share a group when no row keeps them apart."""
    sections = (Section("A", "A", "RA", "M", "remand"), Section("B", "B", "RB", "F", "sentenced"))
    data = tiny_term(sections=sections, learners=(*learners(2), *learners(2, 3, section="B")))
    assert members(kept(data)) == set(FOUR) and len(kept(data).groups) == 1


def test_zone_is_informational():
    sections = (Section("A", "A", "RA", zone="north"), Section("B", "B", "RB", zone="south"))
    data = tiny_term(sections=sections, rooms=(Room("C1", "Class", "classroom", 10, zone="east"),))
    assert members(kept(data)) == set(FOUR)


# --- Rooms, internet ---------------------------------------------------------------------------
def test_rooms_seat_the_group_and_are_open_to_its_sections():
    rooms = (
        Room("C1", "Small", "classroom", 2),
        Room("C2", "B only", "classroom", 10, sections=("B",)),
    )
    data = tiny_term(rooms=rooms, courses=(nt2_course(min_size=2),))
    sol = kept(data)
    assert all(s.room == "C1" for s in sol.sessions) and all(g.size <= 2 for g in sol.groups)
    caught(data, one_session(room="C2"), "session_room")
    caught(data, one_session(room="C1"), "session_room")


def test_internet_sessions_and_bookings_lie_inside_a_window():
    data = tiny_term(
        rooms=(LAB,),
        internet_windows=(InternetWindow("Wed", 780, 840),),
        courses=(nt2_course(internet_sessions=1),),
        learners=(*learners(4), learner(5, wants=(), internet_periods=1)),
    )
    sol = kept(data)
    assert where(sol) == {("Wed", "P3")}
    assert [(b.day, b.period) for b in sol.internet] in ([], [("Wed", "P3")])
    caught(
        data, one_session(day="Wed", period="P4", room="LAB", internet=True), "internet_sessions"
    )
    caught(
        data, Solution(internet=(InternetBooking("L0005", "Wed", "P4", "LAB"),)), "internet_booking"
    )


def test_internet_periods_at_most_their_number_and_one_a_day():
    data = tiny_term(
        rooms=(LAB,),
        internet_windows=tuple(InternetWindow(d, 510, 900) for d in ("Mon", "Tue")),
        learners=(learner(1, wants=(), internet_periods=3),),
    )
    booked = kept(data).internet
    assert sorted(b.day for b in booked) == ["Mon", "Tue"]
    twice = Solution(
        internet=(
            InternetBooking("L0001", "Mon", "P1", "LAB"),
            InternetBooking("L0001", "Mon", "P2", "LAB"),
        )
    )
    caught(data, twice, "internet_booking")


# --- Staff ----------------------------------------------------------------------------------------
def test_blank_teaches_means_every_course_of_a_matching_kind_and_blank_days_all_days():
    data = tiny_term(
        courses=(nt2_course(), nt2_course(course="NT2-1.2", level="1.2")),
        learners=(*learners(2), *learners(2, 3, nt2_level="1.2")),
        staff=(Staff("T1", "Teacher", "nt2_teacher"),),
    )
    assert {g.course for g in kept(data).groups} == {"NT2-1.1", "NT2-1.2"}
    narrow = tiny_term(staff=(Staff("T1", "Teacher", "nt2_teacher", teaches=("NT2-1.2",)),))
    assert kept(narrow).groups == ()
    caught(narrow, one_session(), "staff_role")


def test_staff_with_availability_rows_work_only_in_those_windows_and_on_their_days():
    staff = (Staff("T1", "Teacher", "nt2_teacher", days=("Tue", "Wed")),)
    windows = (StaffAvailability("T1", "Mon", 510, 900), StaffAvailability("T1", "Wed", 780, 840))
    data = tiny_term(staff=staff, staff_availability=windows)
    assert where(kept(data)) == {("Wed", "P3")}
    caught(data, one_session(day="Mon"), "staff_availability")
    caught(data, one_session(day="Wed", period="P1"), "staff_availability")


def test_counsellors_and_interview_rooms_serve_intakes_only():
    """A counsellor is never a group's staff member and an interview room holds no session."""
    data = tiny_term(
        staff=(Staff("K1", "Counsellor", "counsellor", languages=("ar",)),), rooms=(I1,)
    )
    assert kept(data).groups == ()
    caught(data, one_session(staff="K1", room="I1", who=FOUR[:1]), "staff_role")
    caught(data, one_session(staff="K1", room="I1", who=FOUR[:1]), "session_room")


# --- Learners, intakes ------------------------------------------------------------------------
def test_a_learner_who_wants_nt2_without_a_level_gets_an_intake_and_waits_for_placement():
    data = tiny_term(
        rooms=(Room("C1", "Class 1", "classroom", 10), I1),
        learners=(*learners(3), learner(4, nt2_level=None, intake=False)),
    )
    sol = kept(data)
    assert "L0004" not in members(sol) and [i.learner for i in sol.intakes] == ["L0004"]
    assert ("L0004", "NT2") in {(w.learner, w.wants) for w in waiting(data, sol)}
    caught(data, one_session(), "group_members")


def test_an_intake_is_one_appointment_with_a_counsellor_speaking_the_learners_language():
    counsellors = (
        Staff("K1", "Counsellor", "counsellor", languages=("fr",)),
        Staff("K2", "Counsellor 2", "counsellor", languages=("ar",)),
    )
    data = tiny_term(
        rooms=(I1,),
        staff=counsellors,
        learners=learners(2, intake=True, wants=()),
        settings={"intake_periods": 2},
    )
    sol = kept(data)
    assert sorted((i.learner, i.staff, i.periods, i.room) for i in sol.intakes) == [
        ("L0001", "K2", 2, "I1"),
        ("L0002", "K2", 2, "I1"),
    ]
    twice = Solution(
        intakes=(
            Intake("L0001", 1, "Mon", "P1", 2, "I1", "K2", "ar"),
            Intake("L0001", 1, "Tue", "P1", 2, "I1", "K2", "ar"),
        )
    )
    caught(data, twice, "intake")
    caught(
        data, Solution(intakes=(Intake("L0001", 1, "Mon", "P1", 2, "I1", "K1", "fr"),)), "intake"
    )
    caught(
        data, Solution(intakes=(Intake("L0001", 1, "Mon", "P1", 1, "I1", "K2", "ar"),)), "intake"
    )


def test_intakes_go_only_to_learners_who_need_one():
    data = tiny_term(rooms=(I1,), learners=(learner(1, wants=()),))
    assert kept(data).intakes == ()
    caught(
        data, Solution(intakes=(Intake("L0001", 1, "Mon", "P1", 1, "I1", "K1", "ar"),)), "intake"
    )


def test_completing_before_release_is_a_penalty_not_a_hard_rule():
    """L0004 leaves after the first week and cannot complete 2 hours; still placed."""
    release = TERM_START + dt.timedelta(days=7)
    data = tiny_term(
        courses=(nt2_course(total_hours=2.0),),
        learners=(*learners(3), learner(4, release=release)),
    )
    assert members(kept(data)) == set(FOUR)


# --- Courses and groups ------------------------------------------------------------------------
def test_group_ids_are_course_and_n_in_activation_order():
    data = tiny_term(courses=(nt2_course(min_size=2, max_size=2),))
    assert sorted(g.group for g in kept(data).groups) == ["NT2-1.1-1", "NT2-1.1-2"]
    renamed = Solution(
        (Group("NT2-1.1-01", "NT2-1.1", "T1", FOUR[:2]),),
        (Session("NT2-1.1-01", "NT2-1.1", "Mon", "P1", 1, "C1", "T1"),),
    )
    caught(data, renamed, "group_course")


def test_max_groups_caps_parallel_groups_and_internet_sessions_default_to_zero():
    data = tiny_term(courses=(nt2_course(min_size=2, max_size=2, max_groups=1),))
    sol = kept(data)
    assert len(sol.groups) == 1 and all(not s.internet for s in sol.sessions)
    two = Solution(
        (
            Group("NT2-1.1-1", "NT2-1.1", "T1", FOUR[:2]),
            Group("NT2-1.1-2", "NT2-1.1", "T1", FOUR[2:]),
        ),
        (
            Session("NT2-1.1-1", "NT2-1.1", "Mon", "P1", 1, "C1", "T1"),
            Session("NT2-1.1-2", "NT2-1.1", "Mon", "P2", 1, "C1", "T1"),
        ),
    )
    caught(data, two, "max_groups")


def test_max_groups_moving_caps_the_sessions_starting_in_one_period():
    data = tiny_term(
        settings={"max_groups_moving": 1},
        courses=(nt2_course(), mo_course("ar")),
        learners=learners(4, wants=("NT2", "MO")),
        regimes=tuple(
            RegimeBlock("RA", d, s, e) for d, s, e in all_but([("Mon", "P1"), ("Mon", "P2")])
        ),
    )
    assert where(kept(data)) == {("Mon", "P1"), ("Mon", "P2")}
    both = Solution(
        (Group("NT2-1.1-1", "NT2-1.1", "T1", FOUR), Group("MO-ar-1", "MO-ar", "M1", FOUR)),
        (
            Session("NT2-1.1-1", "NT2-1.1", "Mon", "P1", 1, "C1", "T1"),
            Session("MO-ar-1", "MO-ar", "Mon", "P1", 1, "C1", "M1"),
        ),
    )
    caught(data, both, "escorts")


# --- Locks --------------------------------------------------------------------------------------
def test_a_session_lock_keeps_the_session_and_blank_cells_leave_that_part_free():
    data = tiny_term(
        rooms=(Room("C1", "Class 1", "classroom", 10), Room("C2", "Class 2", "classroom", 10)),
        locks=(Lock(course="NT2-1.1", day="Thu", period="P2", row=2),),
    )
    sol = kept(data)
    assert where(sol) == {("Thu", "P2")}
    caught(data, one_session(day="Thu", period="P3"), "locks")


def test_a_member_lock_pins_the_learner_into_the_group():
    data = tiny_term(
        courses=(nt2_course(max_size=3, max_groups=1),),
        learners=(*learners(3, priority=5), learner(4)),
        locks=(Lock(kind="member", group="NT2-1.1-1", learner="L0004", row=2),),
    )
    assert "L0004" in kept(data).groups[0].members
    caught(data, one_session(who=FOUR[:3]), "locks")
