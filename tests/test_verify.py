"""The independent verifier: silent on a valid timetable, exact on deliberately broken ones."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from scheduler.data import (
    DAYS,
    Course,
    InternetWindow,
    Learner,
    Period,
    ProblemData,
    RegimeBlock,
    Room,
    Section,
    Separation,
    Settings,
    Staff,
)
from scheduler.solution import Group, Intake, InternetBooking, Session, Solution
from scheduler.verify import MAX_DETAILS, RULES, RuleCheck, total_violations, verify
from tests.helpers.verify_cases import CASES, data_row, valid_data, valid_solution

RULE_IDS = (
    "group_course", "group_members", "group_size", "max_groups", "one_group_per_kind",
    "session_count", "internet_sessions", "session_room", "room_clash", "staff_role",
    "staff_availability", "staff_load", "staff_clash", "learner_regime", "learner_clash",
    "separation", "escorts", "intake", "internet_booking", "locks",
)  # fmt: skip


def fired(checks: list[RuleCheck]) -> set[str]:
    return {c.rule for c in checks if c.violations}


def by_rule(checks: list[RuleCheck]) -> dict[str, RuleCheck]:
    return {c.rule: c for c in checks}


def test_rules_are_the_twenty_of_the_rules_note_in_order():
    assert tuple(rule for rule, _ in RULES) == RULE_IDS
    assert all(description.endswith(".") for _, description in RULES)


def test_valid_timetable_breaks_no_rule():
    checks = verify(valid_data(), valid_solution())
    assert [c.rule for c in checks] == list(RULE_IDS)
    assert [(c.rule, c.violations, c.details) for c in checks if c.violations or c.details] == []
    assert total_violations(checks) == 0


def test_separated_learners_may_share_an_interview_slot_in_different_weeks():
    # L0004 and L0006 are kept apart; their intakes share I1, Mon P3, in weeks 1 and 2.
    same_slot = {(x.room, x.day, x.period) for x in valid_solution().intakes}
    assert len(same_slot) == 1
    assert by_rule(verify(valid_data(), valid_solution()))["separation"].violations == 0


def test_every_rule_has_a_broken_case():
    assert {c.rule for c in CASES} == set(RULE_IDS)
    assert len(CASES) >= 25


@pytest.mark.parametrize("broken", CASES, ids=[c.name for c in CASES])
def test_broken_timetable_breaks_exactly_its_rules(broken):
    data, solution = broken.apply(valid_data(), valid_solution())
    checks = verify(data, solution)
    assert fired(checks) == broken.rules
    details = by_rule(checks)[broken.rule].details
    assert any(broken.needle in d for d in details), details


def test_counts_are_complete_while_details_are_capped():
    extra = tuple(InternetBooking(f"L9{i:03d}", "Tue", "P3", "X9") for i in range(30))
    solution = dataclasses.replace(valid_solution(), internet=valid_solution().internet + extra)
    check = by_rule(verify(valid_data(), solution))["internet_booking"]
    assert check.violations == 60  # unknown learner and unknown room, each booking
    assert len(check.details) == MAX_DETAILS


def test_counts_are_per_violation():
    # Three learners of one group sit in the regime's work time, for two periods.
    data, solution = valid_data(), valid_solution()
    moved = dataclasses.replace(solution.sessions[1], day="Mon", room="C2")
    solution = dataclasses.replace(
        solution, sessions=(solution.sessions[0], moved, solution.sessions[2])
    )
    check = by_rule(verify(data, solution))["learner_regime"]
    assert check.violations == 3
    assert (
        "Learner L0001, group NT2-1.1-1: blocked on Mon P1 (regime of section A), Mon P2"
        in check.details[0]
    )


def test_total_violations_adds_every_rule():
    checks = [
        RuleCheck("a", "A.", 2, ("x",)),
        RuleCheck("b", "B.", 0, ()),
        RuleCheck("c", "C.", 5, ()),
    ]
    assert total_violations(checks) == 7


def test_empty_timetable_only_misses_the_lock():
    assert fired(verify(valid_data(), Solution())) == {"locks"}


def test_blank_level_is_never_placed_even_if_the_course_has_none():
    # A course with a blank level does not take learners with a blank level either.
    data, solution = data_row("courses", "NT2-1.1", level="")(valid_data(), valid_solution())
    data, _ = data_row("learners", "L0006", nt2_level="")(data, solution)
    broken = dataclasses.replace(
        solution,
        groups=(dataclasses.replace(solution.groups[0], members=("L0006",)),) + solution.groups[1:],
    )
    assert "group_members" in fired(verify(data, broken))


def test_one_learner_on_both_sides_is_not_a_separation():
    # Separation("A", "L0001") with L0001 living in A: L0001 alone in LAB breaks nothing; once
    # L0008 (also of A) sits beside them, that pair counts once.
    data = valid_data().replace(separations=(Separation("A", "L0001"),))
    solo = dataclasses.replace(
        valid_solution(), internet=valid_solution().internet[:1], groups=(), sessions=()
    )
    assert by_rule(verify(data, solo))["separation"].violations == 0
    pair = dataclasses.replace(solo, internet=valid_solution().internet[:2])
    assert by_rule(verify(data, pair))["separation"].violations == 1


def test_garbage_never_raises():
    data = data_row("learners", "L0001", section="Z9")(valid_data(), valid_solution())[0]
    data = data.replace(settings=dataclasses.replace(data.settings, intake_weeks=10**9))
    solution = Solution(
        groups=(Group("", "", "", ("L0001", "L0001", "")), Group("x-1", "x", "T1", ())),
        sessions=(
            Session("", "", "", "", -5, "", ""),
            Session("NT2-1.1-1", "NT2-1.1", "Mon", "P6", 10**9, "LAB", "T1", internet=True),
        ),
        intakes=(
            Intake("L0004", 10**8, "Mon", "P1", 1, "I1", "C1", "ar"),  # past year 9999
            Intake("L0004", -(10**9), "Sun", "P9", -1, "", "", ""),
            Intake("L0001", 2, "Xyz", "P1", 0, "I2", "C2", "ar"),
        ),
        internet=(InternetBooking("", "", "", ""), InternetBooking("L0001", "Sun", "P6", "LAB")),
    )
    checks = verify(data, solution)
    assert [c.rule for c in checks] == list(RULE_IDS)
    assert "not a date of the term" in " ".join(by_rule(checks)["intake"].details)


# Random mutations ------------------------------------------------------------------------------

DATA = valid_data()
VALID = valid_solution()
DAY_VALUES = DAYS + ("Xyz",)
PERIOD_VALUES = tuple(p.period for p in DATA.periods) + ("P0", "P9")
ROOM_VALUES = tuple(r.room for r in DATA.rooms) + ("X9",)
STAFF_VALUES = tuple(s.staff for s in DATA.staff) + ("Z9",)
LEARNER_VALUES = tuple(learner.learner for learner in DATA.learners) + ("L9999",)
LENGTHS = st.integers(-2, 8)


def _replace_at(items: tuple, index: int, item) -> tuple:
    return items[:index] + (item,) + items[index + 1 :]


@st.composite
def mutated(draw) -> Solution:
    """The valid timetable after one to three random changes (some of which change nothing)."""
    solution = VALID
    for _ in range(draw(st.integers(1, 3))):
        what = draw(
            st.sampled_from(["session", "intake", "booking", "drop", "join", "group_staff"])
        )
        solution = draw(_MUTATIONS[what](solution))
    return solution


def _change_one(solution: Solution, field: str, changes: dict):
    """One item of ``solution.<field>`` with one of its attributes set from ``changes``."""
    items = getattr(solution, field)
    if not items:
        return st.just(solution)

    def apply(ic: tuple[int, dict]) -> Solution:
        i, change = ic
        changed = dataclasses.replace(items[i], **change)
        return dataclasses.replace(solution, **{field: _replace_at(items, i, changed)})

    one_change = st.one_of(*(st.fixed_dictionaries({k: v}) for k, v in changes.items()))
    return st.tuples(st.integers(0, len(items) - 1), one_change).map(apply)


SESSION_CHANGES = {
    "day": st.sampled_from(DAY_VALUES),
    "period": st.sampled_from(PERIOD_VALUES),
    "room": st.sampled_from(ROOM_VALUES),
    "staff": st.sampled_from(STAFF_VALUES),
    "periods": LENGTHS,
    "internet": st.booleans(),
}
INTAKE_CHANGES = {
    "week": st.integers(-3, 10**6),
    "day": st.sampled_from(DAY_VALUES),
    "period": st.sampled_from(PERIOD_VALUES),
    "periods": LENGTHS,
    "room": st.sampled_from(ROOM_VALUES),
    "staff": st.sampled_from(STAFF_VALUES),
    "learner": st.sampled_from(LEARNER_VALUES),
}


def _session(solution: Solution):
    return _change_one(solution, "sessions", SESSION_CHANGES)


def _intake(solution: Solution):
    return _change_one(solution, "intakes", INTAKE_CHANGES)


def _booking(solution: Solution):
    booking = st.builds(
        InternetBooking,
        st.sampled_from(LEARNER_VALUES),
        st.sampled_from(DAY_VALUES),
        st.sampled_from(PERIOD_VALUES),
        st.sampled_from(ROOM_VALUES),
    )
    return booking.map(lambda b: dataclasses.replace(solution, internet=solution.internet + (b,)))


def _drop(solution: Solution):
    """Drop one member of one group (or nothing, when the group is empty)."""

    def apply(ij: tuple[int, int]) -> Solution:
        g = solution.groups[ij[0]]
        if not g.members:
            return solution
        k = ij[1] % len(g.members)
        changed = dataclasses.replace(g, members=g.members[:k] + g.members[k + 1 :])
        return dataclasses.replace(solution, groups=_replace_at(solution.groups, ij[0], changed))

    return st.tuples(st.integers(0, len(solution.groups) - 1), st.integers(0, 10)).map(apply)


def _join(solution: Solution):
    """Add a learner (possibly already a member, possibly unknown) to one group."""

    def apply(il: tuple[int, str]) -> Solution:
        g = solution.groups[il[0]]
        changed = dataclasses.replace(g, members=g.members + (il[1],))
        return dataclasses.replace(solution, groups=_replace_at(solution.groups, il[0], changed))

    return st.tuples(st.integers(0, len(solution.groups) - 1), st.sampled_from(LEARNER_VALUES)).map(
        apply
    )


def _group_staff(solution: Solution):
    def apply(ist: tuple[int, str]) -> Solution:
        changed = dataclasses.replace(solution.groups[ist[0]], staff=ist[1])
        return dataclasses.replace(solution, groups=_replace_at(solution.groups, ist[0], changed))

    return st.tuples(st.integers(0, len(solution.groups) - 1), st.sampled_from(STAFF_VALUES)).map(
        apply
    )


_MUTATIONS = {
    "session": _session,
    "intake": _intake,
    "booking": _booking,
    "drop": _drop,
    "join": _join,
    "group_staff": _group_staff,
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_random_mutations_never_raise(solution):
    checks = verify(DATA, solution)
    note(repr([(c.rule, c.violations, c.details[:2]) for c in checks if c.violations]))
    assert [c.rule for c in checks] == list(RULE_IDS)
    for c in checks:
        assert len(c.details) <= min(c.violations, MAX_DETAILS)
        assert (c.violations == 0) == (not c.details)
    if solution == VALID:
        assert total_violations(checks) == 0


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["day", "period", "room", "staff"]), st.integers(0, 2))
def test_a_change_to_the_same_value_breaks_nothing(field, index):
    same = getattr(VALID.sessions[index], field)
    sessions = _replace_at(
        VALID.sessions, index, dataclasses.replace(VALID.sessions[index], **{field: same})
    )
    assert total_violations(verify(DATA, dataclasses.replace(VALID, sessions=sessions))) == 0


# Size ------------------------------------------------------------------------------------------


def large_term(seed: int = 1) -> tuple[ProblemData, Solution]:
    """About 800 learners and 150 groups in 16 sections, scheduled at random (not validly)."""
    rnd = random.Random(seed)
    periods = tuple(Period(f"P{i + 1}", 480 + 50 * i, 525 + 50 * i) for i in range(10))
    sections = tuple(Section(f"S{i}", f"Wing {i}", f"R{i % 4}") for i in range(16))
    regimes = tuple(
        RegimeBlock(f"R{i}", d, 600 + 30 * i, 660 + 30 * i)
        for i in range(4)
        for d in ("all", "Mon")
    )
    rooms = tuple(Room(f"C{i}", f"C{i}", "classroom", 12) for i in range(12)) + (
        Room("LAB", "Lab", "computer_lab", 12, 8),
        Room("I1", "I1", "interview", 1),
        Room("I2", "I2", "interview", 1),
    )
    staff = tuple(
        Staff(f"T{i}", f"T{i}", "nt2_teacher", max_periods_per_week=20) for i in range(30)
    )
    staff += tuple(Staff(f"C{i}", f"C{i}", "counsellor", languages=("ar", "fr")) for i in range(3))
    courses = tuple(
        Course(f"NT2-{lv}", "NT2", lv, lv, "nl", 2, 2, 60, 3, 8, 1) for lv in ("1.1", "1.2", "2.1")
    )
    learners = tuple(
        Learner(
            f"L{i:04d}",
            f"S{i % 16}",
            ("ar",),
            rnd.choice(("1.1", "1.2", "2.1")),
            ("NT2",),
            rnd.random() < 0.2,
            rnd.choice((0, 1, 2)),
        )
        for i in range(800)
    )
    data = ProblemData(
        Settings("Big", dt.date(2027, 1, 11), dt.date(2027, 6, 25), max_groups_moving=6),
        periods, sections, regimes, rooms,
        (InternetWindow("Tue", 480, 980), InternetWindow("Thu", 480, 980)),
        staff, courses, learners,
        separations=tuple(Separation(f"S{i}", f"S{i + 8}") for i in range(8))
        + tuple(Separation(f"L{i:04d}", f"L{i + 1:04d}") for i in range(0, 60, 2)),
    )  # fmt: skip
    days = data.teaching_days
    groups, sessions = [], []
    for g in range(150):
        course = courses[g % 3]
        gid, teacher = f"{course.course}-{g // 3 + 1}", f"T{g % 30}"
        groups.append(
            Group(gid, course.course, teacher, tuple(f"L{(g * 5 + k) % 800:04d}" for k in range(6)))
        )
        for k in range(2):
            sessions.append(
                Session(
                    gid,
                    course.course,
                    rnd.choice(days),
                    f"P{rnd.randint(1, 9)}",
                    2,
                    f"C{rnd.randint(0, 11)}",
                    teacher,
                    k == 0,
                )
            )
    intakes = tuple(
        Intake(
            f"L{i:04d}",
            rnd.randint(1, 2),
            rnd.choice(days),
            f"P{rnd.randint(1, 10)}",
            1,
            rnd.choice(("I1", "I2")),
            f"C{i % 3}",
            "ar",
        )
        for i in range(0, 800, 4)
    )
    internet = tuple(
        InternetBooking(f"L{i:04d}", rnd.choice(("Tue", "Thu")), f"P{rnd.randint(1, 10)}", "LAB")
        for i in range(800)
    )
    return data, Solution(tuple(groups), tuple(sessions), intakes, internet)  # fmt: skip


def test_a_prison_sized_term_is_checked_and_every_rule_reported():
    """800 learners: every rule is checked (its speed is measured in benchmarks/, not here)."""
    data, solution = large_term()
    checks = verify(data, solution)
    assert len(checks) >= 20 and total_violations(checks) > 0
