"""The gap rule (workbook.md, Clarifications, "A session or an intake spanning a gap"): an
appointment of consecutive periods around a gap is one appointment, and every blocking row that
overlaps the gap blocks it; a window must contain the gap.

Each test builds the smallest term where the rule binds: the tiny term's periods are P1 08:30,
P2 09:30, P3 13:00, P4 14:00 (gap 10:30-13:00 between P2 and P3) and the course has one
2-period session a week. A regime row blocks P1 and P4 every day, so the only two-period start
left is P2 (P2+P3, across the gap). A row in the gap then leaves no start at all: the solver
must form no group, the same term without that row gets its group at P2, and the verifier must
catch a hand-made timetable that holds the session across the blocked gap anyway.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.data import (
    InternetWindow,
    LearnerUnavailability,
    ProblemData,
    RegimeBlock,
    Room,
    RoomUnavailability,
    StaffAvailability,
)
from scheduler.model.instance import build_instance
from scheduler.report.reasons import waiting
from scheduler.search.greedy import greedy
from scheduler.solution import Group, Intake, Session, Solution
from scheduler.verify import verify
from tests.conformance.contract_check import check
from tests.helpers.terms import (
    assert_valid,
    learners,
    nt2_course,
    run,
    solved,
    tiny_term,
    with_settings,
)

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")
IN_GAP = (690, 750)  # 11:30-12:30, inside the 10:30-13:00 gap
# P1 and P4 blocked every day: only P2+P3 (across the gap) is left for a 2-period session
EDGES = tuple(RegimeBlock("RA", "all", s, e, "work") for s, e in ((510, 570), (840, 900)))


def gap_term(**fields) -> ProblemData:
    """The tiny term with a 2-period course and only the across-the-gap start free."""
    values: dict = {"courses": (nt2_course(session_periods=2),), "regimes": EDGES}
    values.update(fields)
    return tiny_term(**values)


def across_the_gap(data: ProblemData, who=("L0001", "L0002", "L0003", "L0004")) -> Solution:
    """A hand-made timetable: one group, its session on Mon P2+P3 in C1."""
    return Solution(
        groups=(Group("NT2-1.1-1", "NT2-1.1", "T1", tuple(who)),),
        sessions=(Session("NT2-1.1-1", "NT2-1.1", "Mon", "P2", 2, "C1", "T1"),),
    )


def violations(data: ProblemData, solution: Solution) -> dict[str, tuple[str, ...]]:
    return {c.rule: c.details for c in verify(data, solution) if c.violations}


def starts(solution: Solution) -> list[tuple[str, str]]:
    return [(s.day, s.period) for s in solution.sessions]


def test_without_a_row_in_the_gap_the_session_spans_it():
    """The control: nothing in the gap, so the only start, P2, is used."""
    sol = solved(gap_term())
    assert starts(sol) and all(period == "P2" for _day, period in starts(sol))
    assert_valid(gap_term(), across_the_gap(gap_term()))


def test_a_regime_row_in_the_gap_blocks_the_session():
    data = gap_term(regimes=(*EDGES, RegimeBlock("RA", "all", *IN_GAP, "meal")))
    assert solved(data).groups == ()
    found = violations(data, across_the_gap(data))
    assert set(found) == {"learner_regime"}
    assert (
        "the gap Mon 10:30-13:00 (between P2 and P3) (regime of section A)"
        in found["learner_regime"][0]
    )


def test_a_regime_row_touching_the_gap_by_one_minute_blocks_it():
    """10:30-10:31 overlaps no period and the gap by one minute: Monday is out."""
    data = gap_term(regimes=(*EDGES, RegimeBlock("RA", "Mon", 630, 631, "count")))
    sol = solved(data)
    assert sol.groups and "Mon" not in {d for d, _p in starts(sol)}
    assert set(violations(data, across_the_gap(data))) == {"learner_regime"}


def test_a_learner_unavailability_in_the_gap_keeps_that_learner_out():
    away = tuple(LearnerUnavailability("L0001", d, *IN_GAP, "court") for d in DAYS)
    data = gap_term(learner_unavailability=away)
    sol = solved(data)
    assert {m for g in sol.groups for m in g.members} == {"L0002", "L0003", "L0004"}
    found = violations(data, across_the_gap(data))
    assert set(found) == {"learner_regime"}
    assert found["learner_regime"][0].startswith(
        "Learner L0001, group NT2-1.1-1: blocked on the gap"
    )


def test_a_room_unavailability_in_the_gap_blocks_the_room():
    chapel = tuple(RoomUnavailability("C1", d, *IN_GAP, "chapel") for d in DAYS)
    data = gap_term(room_unavailability=chapel)
    assert solved(data).groups == ()
    # a second room without the row takes the session
    other = data.replace(rooms=(*data.rooms, Room("C2", "Class 2", "classroom", 10)))
    assert {s.room for s in solved(other).sessions} == {"C2"}
    found = violations(data, across_the_gap(data))
    assert set(found) == {"session_room"}
    assert "room C1 is unavailable on the gap Mon 10:30-13:00" in found["session_room"][0]


def test_staff_windows_must_contain_the_gap():
    """Windows P2 and P3 each hold a period but not the gap between them."""
    windows = tuple(
        StaffAvailability("T1", d, s, e) for d in DAYS for s, e in ((570, 630), (780, 840))
    )
    data = gap_term(staff_availability=windows)
    assert solved(data).groups == ()
    whole = tuple(StaffAvailability("T1", d, 570, 840) for d in DAYS)
    assert solved(data.replace(staff_availability=whole)).groups
    found = violations(data, across_the_gap(data))
    assert set(found) == {"staff_availability"}
    assert "T1 is not available on the gap Mon 10:30-13:00" in found["staff_availability"][0]


def test_internet_windows_must_contain_the_gap():
    lab = Room("LAB", "Lab", "computer_lab", 10, 10)
    split = tuple(InternetWindow(d, s, e) for d in DAYS for s, e in ((570, 630), (780, 840)))
    course = nt2_course(session_periods=2, internet_sessions=1)
    data = gap_term(rooms=(lab,), internet_windows=split, courses=(course,))
    assert solved(data).groups == ()
    whole = tuple(InternetWindow(d, 570, 840) for d in DAYS)
    assert solved(data.replace(internet_windows=whole)).groups
    broken = Solution(
        groups=(Group("NT2-1.1-1", "NT2-1.1", "T1", ("L0001", "L0002")),),
        sessions=(Session("NT2-1.1-1", "NT2-1.1", "Mon", "P2", 2, "LAB", "T1", internet=True),),
    )
    found = violations(data, broken)
    assert set(found) == {"internet_sessions"}
    assert "the gap Mon 10:30-13:00" in found["internet_sessions"][0]


def intake_term(**fields) -> ProblemData:
    """Two-period intakes for L0001; a regime leaves only P2+P3 free."""
    values: dict = {"learners": learners(1, intake=True, wants=()), "regimes": EDGES}
    values.update(fields)
    data = tiny_term(rooms=(Room("I1", "Interview", "interview", 1),), **values)
    return with_settings(data, intake_periods=2)


def test_an_intake_spanning_a_blocked_gap_is_not_held():
    assert [i.period for i in solved(intake_term()).intakes] == ["P2"]
    data = intake_term(regimes=(*EDGES, RegimeBlock("RA", "all", *IN_GAP, "meal")))
    assert solved(data).intakes == ()
    broken = Solution((), (), (Intake("L0001", 1, "Mon", "P2", 2, "I1", "K1", "ar"),), ())
    found = violations(data, broken)
    assert set(found) == {"learner_regime"}
    assert "intake in week 1: blocked on the gap Mon 10:30-13:00" in found["learner_regime"][0]


def test_an_intake_room_unavailable_in_the_gap_is_not_used():
    data = intake_term(
        room_unavailability=tuple(RoomUnavailability("I1", d, *IN_GAP) for d in DAYS)
    )
    assert solved(data).intakes == ()
    broken = Solution((), (), (Intake("L0001", 1, "Mon", "P2", 2, "I1", "K1", "ar"),), ())
    assert set(violations(data, broken)) == {"intake"}


def test_the_greedy_and_the_hand_baseline_never_span_a_blocked_gap():
    for data in (
        gap_term(regimes=(*EDGES, RegimeBlock("RA", "all", *IN_GAP, "meal"))),
        gap_term(room_unavailability=tuple(RoomUnavailability("C1", d, *IN_GAP) for d in DAYS)),
        intake_term(regimes=(*EDGES, RegimeBlock("RA", "all", *IN_GAP, "meal"))),
    ):
        for hand in (False, True):
            sol = greedy(data, hand=hand)
            assert sol.sessions == () and sol.intakes == ()
            assert_valid(data, sol)
    # and with the gap free, the greedy does use the start across it
    assert starts(greedy(gap_term()))


def test_no_start_variable_exists_for_a_start_blocked_in_the_gap():
    data = gap_term(room_unavailability=tuple(RoomUnavailability("C1", d, *IN_GAP) for d in DAYS))
    assert build_instance(data).candidates == []  # no start left, so no candidate group
    assert run(data).status == "optimal"


ROW_KINDS = ("regime", "learner", "room", "window")


@settings(max_examples=30, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(ROW_KINDS),
            st.sampled_from(DAYS),
            st.integers(500, 890),
            st.integers(5, 200),
        ),
        max_size=4,
    )
)
def test_solver_greedy_verifier_and_contract_check_agree_on_random_rows(rows):
    """Random rows anywhere in the day (in periods, in the gap, across both) on the 2-period
    term with every start open: whatever the solver and the greedy place, neither the verifier
    nor the test-only contract check objects."""
    regimes, away, busy, windows = [], [], [], []
    for kind, day, start, length in rows:
        end = min(start + length, 900)
        if kind == "regime":
            regimes.append(RegimeBlock("RA", day, start, end))
        elif kind == "learner":
            away.append(LearnerUnavailability("L0001", day, start, end))
        elif kind == "room":
            busy.append(RoomUnavailability("C1", day, start, end))
        else:
            windows.append(StaffAvailability("T1", day, start, end))
    data = gap_term(
        regimes=tuple(regimes),
        learner_unavailability=tuple(away),
        room_unavailability=tuple(busy),
        staff_availability=tuple(windows),
    )
    for sol in (solved(data), greedy(data), greedy(data, hand=True)):
        assert_valid(data, sol)
        assert check(data, sol) == []


def test_waiting_reasons_never_offer_a_start_blocked_in_its_gap():
    """Without the gap rule the Waiting sheet said "free at Mon P2" for a start the meal in the
    gap blocks; with it, the request waits for want of a common free time."""
    meal = (*EDGES, RegimeBlock("RA", "all", *IN_GAP, "meal"))
    windows = tuple(
        StaffAvailability("T1", d, s, e) for d in DAYS for s, e in ((570, 630), (780, 840))
    )
    for data in (
        gap_term(regimes=meal),
        gap_term(staff_availability=windows),
        intake_term(regimes=meal),
    ):
        rows = waiting(data, solved(data))
        assert rows and all(w.reason_code == "no_common_time" for w in rows), rows
        assert not any("Mon P2" in w.reason for w in rows)
