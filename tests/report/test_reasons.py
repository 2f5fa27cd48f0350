"""Waiting reasons: each reason code arises on a small instance, and its words are true."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.data import Course, Learner, LearnerUnavailability, RegimeBlock, Section, Separation
from scheduler.report.figures import REASON_CODES, placed_kinds
from scheduler.report.reasons import waiting
from scheduler.solution import Group, Session, Solution
from tests.helpers.timetable_fixture import tiny_data, tiny_solution


def _rows(data, solution):
    return {(w.learner, w.wants): w for w in waiting(data, solution)}


def _with(data, *learners: Learner, **changes):
    """The tiny term with extra learners and other changes."""
    return data.replace(learners=data.learners + learners, **changes)


def _patch(records, key: str, **changes):
    """``records`` with the one whose first field is ``key`` changed."""
    first = dataclasses.fields(records[0])[0].name
    return tuple(
        dataclasses.replace(r, **changes) if getattr(r, first) == key else r for r in records
    )


def _course(data, course_id: str, **changes):
    return _patch(data.courses, course_id, **changes)


def test_the_fixture_gets_one_true_reason_per_request():
    rows = _rows(tiny_data(), tiny_solution())
    assert set(rows) == {
        ("L0004", "MO"),
        ("L0005", "internet"),
        ("L0006", "NT2"),
        ("L0006", "intake"),
        ("L0007", "NT2"),
        ("L0008", "NT2"),
    }
    assert rows[("L0004", "MO")].reason_code == "separation"
    assert "in sections B" in rows[("L0004", "MO")].reason
    assert rows[("L0006", "NT2")].reason_code == "needs_intake"
    assert rows[("L0006", "NT2")].reason.startswith("needs an intake before a level can be set")
    assert rows[("L0006", "intake")].reason == "no counsellor speaks ti"
    assert rows[("L0006", "intake")].reason_code == "other"
    assert rows[("L0007", "NT2")].reason == "no NT2 1.2 course is offered"
    assert rows[("L0007", "NT2")].reason_code == "no_group_at_level"
    assert rows[("L0008", "NT2")].reason == (
        "all NT2 1.1 groups full (1 × 3); no other group can be formed: a new NT2 1.1 group"
        " needs 2; counting L0008, only 1 learner who may share it is not in an NT2 group yet"
    )
    assert rows[("L0008", "NT2")].reason_code == "capacity"
    assert (
        rows[("L0008", "NT2")].unblock == "a larger max_size for NT2-1.1, or min_size 1 for NT2-1.1"
    )
    internet = rows[("L0005", "internet")]
    assert internet.reason_code == "no_common_time"
    assert "Tue P1 (08:30): in MO-ar-1" in internet.reason
    assert all(w.unblock for w in rows.values())


def test_released_before_completion_when_a_group_has_room():
    data = tiny_data()
    late = Learner("L0009", "A", ("fr",), "1.1", ("NT2",), release=dt.date(2027, 1, 20))
    data = _with(data, late, courses=_course(data, "NT2-1.1", max_size=4))
    row = _rows(data, tiny_solution())[("L0009", "NT2")]
    assert row.reason_code == "released_before_completion"
    # Until 19 Jan: Tue 12, Tue 19 and Wed 13 = 3 sessions of 2 h.
    assert row.reason.startswith("released 2027-01-20, before 12 h of NT2 1.1 can be delivered")
    assert "NT2-1.1-1 gives 6 h before then" in row.reason


def test_released_before_the_term_starts():
    data = tiny_data()
    gone = Learner("L0009", "A", ("fr",), "1.1", ("NT2",), release=dt.date(2027, 1, 4))
    row = _rows(_with(data, gone), tiny_solution())[("L0009", "NT2")]
    assert (row.reason_code, row.reason) == (
        "released_before_completion",
        "released 2027-01-04, before the term starts",
    )


def test_a_free_seat_at_free_times_is_reported_as_the_solvers_choice():
    data = tiny_data()
    data = data.replace(courses=_course(data, "NT2-1.1", max_size=4))
    row = _rows(data, tiny_solution())[("L0008", "NT2")]
    assert row.reason_code == "other"
    assert "NT2-1.1-1 has a free seat at times L0008 is free" in row.reason


def test_no_common_time_between_regime_and_teacher_days():
    data = tiny_data()
    busy = RegimeBlock("R3", "Mon", 480, 960, "work"), RegimeBlock("R3", "Tue", 480, 960, "work")
    busy += (RegimeBlock("R3", "Wed", 480, 960, "work"),)
    data = _with(
        data,
        Learner("L0009", "C", ("fr",), "1.1", ("NT2",)),
        sections=data.sections + (Section("C", "C wing", "R3"),),
        regimes=data.regimes + busy,
    )
    row = _rows(data, tiny_solution())[("L0009", "NT2")]
    assert row.reason_code == "no_common_time"
    assert row.reason == (
        "no common free time between regime R3 (section C) and the days of any NT2 1.1"
        " teacher (T1 Mon,Tue,Wed)"
    )


def test_no_common_time_when_the_groups_meet_while_the_learner_is_away():
    data = tiny_data()
    court = (
        LearnerUnavailability("L0009", "Tue", 780, 900, "court"),
        LearnerUnavailability("L0009", "Wed", 510, 630, "court"),
    )
    data = _with(
        data,
        Learner("L0009", "A", ("fr",), "1.1", ("NT2",)),
        courses=_course(data, "NT2-1.1", max_size=4),
        learner_unavailability=court,
    )
    row = _rows(data, tiny_solution())[("L0009", "NT2")]
    assert row.reason_code == "no_common_time"
    assert "NT2-1.1-1 meets Tue P3 (13:00) (their own unavailability: court)" in row.reason


def test_too_few_learners_at_a_level():
    data = tiny_data()
    data = _with(
        data,
        Learner("L0009", "A", ("fr",), "2.2", ("NT2",)),
        courses=data.courses + (Course("NT2-2.2", "NT2", "NT2 2.2", "2.2", "nl", 2, 2, 12, 4, 8),),
    )
    row = _rows(data, tiny_solution())[("L0009", "NT2")]
    assert row.reason_code == "no_group_at_level"
    assert (
        row.reason == "a group of NT2 2.2 needs 4; only 1 learner at level 2.2 is present this term"
    )


def test_no_staff_who_speaks_the_language():
    data = tiny_data()
    data = _with(
        data,
        Learner("L0009", "A", ("fr",), None, ("MO",)),
        Learner("L0010", "A", ("fr",), None, ("MO",)),
        courses=data.courses + (Course("MO-fr", "MO", "MO French", "", "fr", 1, 2, 6, 2, 4),),
    )
    row = _rows(data, tiny_solution())[("L0009", "MO")]
    assert row.reason_code == "no_group_at_level"
    assert (
        row.reason
        == "no staff member can teach MO French: no mo_trainer who may teach it speaks fr"
    )


def test_no_group_formed_because_the_teacher_is_fully_booked():
    data = tiny_data()
    staff = _patch(data.staff, "T1", max_periods_per_week=4)
    other = Course("NT2-1.2", "NT2", "NT2 1.2", "1.2", "nl", 2, 2, 12, 1, 3)
    data = data.replace(staff=staff, courses=data.courses + (other,))
    sol = tiny_solution()
    sol = Solution(
        groups=(Group("NT2-1.2-1", "NT2-1.2", "T1", ("L0007",)), sol.groups[1]),
        sessions=(
            Session("NT2-1.2-1", "NT2-1.2", "Mon", "P3", 2, "C1", "T1"),
            Session("NT2-1.2-1", "NT2-1.2", "Wed", "P3", 2, "C1", "T1"),
            sol.sessions[2],
        ),
        intakes=sol.intakes,
        internet=sol.internet,
    )
    row = _rows(data, sol)[("L0008", "NT2")]
    assert row.reason_code == "capacity"
    assert row.reason == (
        "no NT2 1.1 group can be formed: every NT2 1.1 teacher is at max_periods_per_week"
        " (T1 4 of 4; a group needs 4 a week)"
    )
    assert row.unblock == "more max_periods_per_week for T1 (or another NT2 1.1 teacher)"


def test_no_group_formed_although_everything_is_free():
    sol = tiny_solution()
    sol = Solution(groups=sol.groups[1:], sessions=sol.sessions[2:])
    row = _rows(tiny_data(), sol)[("L0008", "NT2")]
    assert row.reason_code == "other"
    assert row.reason.startswith("no NT2 1.1 group was formed, although T1, L0008 and enough")


def _two_in_b(data):
    """The tiny term with two level-1.1 learners in section B, kept apart from A's group."""
    b = (
        Learner("L0009", "B", ("fr",), "1.1", ("NT2",)),
        Learner("L0010", "B", ("fr",), "1.1", ("NT2",)),
    )
    return _with(data, *b)


def test_a_group_of_a_separated_section_leads_to_why_no_group_of_their_own():
    """B's learners are free (R2 blocks P3) only at P1-P2 of T1's Mon, Tue and Wed: Tue is
    taken by MO-ar-1 in C1 and an internet booking in LAB, Wed by T1's own group."""
    row = _rows(_two_in_b(tiny_data()), tiny_solution())[("L0009", "NT2")]
    assert row.reason == (
        "NT2-1.1-1 has learners of section A (Separations A – B: remand/sentenced); no other"
        " NT2 1.1 group was formed: at the times L0009, enough others and a teacher with periods"
        " left are free, every suitable room is taken at Tue P1 (08:30); T1 teaches other"
        " groups at Wed P1 (08:30); the rest holds 1 of its 2 weekly sessions"
    )
    assert row.reason_code == "capacity"
    assert row.unblock == (
        "a free room at those times, or another NT2 1.1 teacher, or a session of T1 moved"
    )


def test_a_full_group_and_a_group_of_a_separated_section():
    """NT2-1.1-1 is full; NT2-1.1-2 holds section B, kept apart from L0008's section A."""
    data, sol = _two_in_b(tiny_data()), tiny_solution()
    b_group = Group("NT2-1.1-2", "NT2-1.1", "T1", ("L0009", "L0010"))
    sol = dataclasses.replace(
        sol,
        groups=sol.groups + (b_group,),
        sessions=sol.sessions + (Session("NT2-1.1-2", "NT2-1.1", "Mon", "P1", 2, "C1", "T1"),),
    )
    row = _rows(data, sol)[("L0008", "NT2")]
    assert row.reason_code == "capacity"
    assert row.reason.startswith(
        "the NT2 1.1 group they may join is full (1 × 3); NT2-1.1-2 has learners of section B"
        " (Separations A – B: remand/sentenced); no other group can be formed"
    )


def test_no_group_of_their_own_when_the_teacher_has_no_periods_left():
    data = _two_in_b(tiny_data())
    data = data.replace(staff=_patch(data.staff, "T1", max_periods_per_week=6))
    row = _rows(data, tiny_solution())[("L0009", "NT2")]
    assert row.reason_code == "capacity"
    assert row.reason.endswith(
        "no other NT2 1.1 group can be formed: every NT2 1.1 teacher is at"
        " max_periods_per_week (T1 4 of 6; a group needs 4 a week)"
    )
    assert row.unblock == "more max_periods_per_week for T1 (or another NT2 1.1 teacher)"


def test_a_group_full_by_its_internet_seats_asks_for_internet_seats():
    data, sol = tiny_data(), tiny_solution()
    data = data.replace(
        courses=_course(data, "NT2-1.1", max_size=4),
        rooms=_patch(data.rooms, "LAB", internet_seats=3),
    )
    moved = tuple(
        dataclasses.replace(s, room="LAB", internet=True)
        if (s.group, s.day) == ("NT2-1.1-1", "Wed")
        else s
        for s in sol.sessions
    )
    row = _rows(data, dataclasses.replace(sol, sessions=moved))[("L0008", "NT2")]
    assert row.reason.startswith("all NT2 1.1 groups full (1 × 3, 3 internet seats in LAB)")
    assert row.unblock == "more internet seats in LAB, or min_size 1 for NT2-1.1"


def test_intake_capacity_when_the_counsellor_is_at_their_weekly_maximum():
    data = tiny_data()
    staff = _patch(data.staff, "C1", max_periods_per_week=1)
    settings_ = dataclasses.replace(data.settings, intake_weeks=1)
    data = _with(
        data,
        Learner("L0009", "A", ("ar",), "1.1", (), intake=True),
        staff=staff,
        settings=settings_,
    )
    row = _rows(data, tiny_solution())[("L0009", "intake")]
    assert row.reason_code == "capacity"
    assert row.reason.startswith("every counsellor who speaks ar or every interview room is booked")


def test_internet_capacity_when_every_seat_is_taken():
    data = tiny_data()
    rooms = _patch(data.rooms, "LAB", internet_seats=1)
    data = _with(data, Learner("L0009", "A", ("fr",), None, (), internet_periods=1), rooms=rooms)
    row = _rows(data, tiny_solution())[("L0009", "internet")]
    assert row.reason_code == "capacity"
    assert row.reason == (
        "0 of 1 booked; at every internet period L0009 is free the labs are full or hold a class"
        " (Tue P1 (08:30): LAB full (1 of 1); Tue P2 (09:30): LAB full (1 of 1))"
    )
    assert row.unblock == "more internet seats"


def test_internet_separation_when_the_free_seats_are_beside_a_contact_ban():
    data = tiny_data()
    bans = (Separation("L0009", "L0001", "co-accused"), Separation("L0009", "L0008", "co-accused"))
    data = _with(
        data,
        Learner("L0009", "A", ("fr",), None, (), internet_periods=1),
        separations=data.separations + bans,
    )
    row = _rows(data, tiny_solution())[("L0009", "internet")]
    assert row.reason_code == "separation"
    assert row.reason.endswith(
        "(e.g. Tue P1 (08:30) in LAB: L0001 (Separations L0009 – L0001: co-accused))"
    )


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 2)), max_size=4))
def test_every_unplaced_request_gets_exactly_one_row(drops):
    """Removing members from the groups never leaves a request without exactly one reason."""
    data, sol = tiny_data(), tiny_solution()
    groups = list(sol.groups)
    for g, m in drops:
        members = groups[g].members
        if m < len(members):
            groups[g] = dataclasses.replace(groups[g], members=members[:m] + members[m + 1 :])
    sol = dataclasses.replace(sol, groups=tuple(groups))
    rows = waiting(data, sol)
    got = placed_kinds(data, sol)
    expected = {
        (lr.learner, k)
        for lr in data.learners
        for k in lr.wants
        if k not in got.get(lr.learner, ())
    }
    course_rows = [(w.learner, w.wants) for w in rows if w.wants in ("NT2", "MO")]
    assert sorted(course_rows) == sorted(expected)
    assert all(w.reason_code in REASON_CODES and w.reason and w.unblock for w in rows)
    for w in rows:
        if w.reason.startswith("all NT2 1.1 groups full"):
            assert all(g.size >= 3 for g in sol.groups if g.course == "NT2-1.1")
