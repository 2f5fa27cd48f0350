"""Warnings that matter, on terms built in code: each where it holds, none where it does not."""

from __future__ import annotations

from scheduler.data import RegimeBlock, Room, RoomUnavailability, Staff
from scheduler.report.reasons import waiting
from scheduler.report.warnings import coordinator_warnings
from tests.helpers.terms import all_but, learners, solved, tiny_term


def _warnings(data) -> list[tuple[str, str]]:
    solution = solved(data)
    return [
        (w.code, w.subject) for w in coordinator_warnings(data, solution, waiting(data, solution))
    ]


def _section_b_locked_in(n_b: int):
    """Section A's four learners can be placed; section B's regime leaves no free period."""
    block = tuple(RegimeBlock("RB", d, s, e, "work") for d, s, e in all_but([]))
    return tiny_term(learners=learners(4) + learners(n_b, first=5, section="B"), regimes=block)


def test_a_section_far_below_the_prison_is_flagged():
    assert _warnings(_section_b_locked_in(5)) == [("section", "B")]


def test_a_section_with_fewer_than_five_asking_is_not():
    assert _warnings(_section_b_locked_in(4)) == []


def test_everyone_placed_means_no_warning():
    assert _warnings(tiny_term()) == []


def _two_teachers(second: Staff):
    full = Staff("T1", "Teacher", "nt2_teacher", max_periods_per_week=1)
    return tiny_term(learners=learners(7), staff=(full, second))


def test_an_idle_qualified_teacher_is_flagged():
    away = Staff("T2", "Second", "nt2_teacher", days=("Sat",))
    assert _warnings(_two_teachers(away)) == [("idle_staff", "T2")]


def test_an_idle_teacher_of_another_course_is_not():
    other = Staff("T2", "Second", "nt2_teacher", teaches=("NT2-2.1",), days=("Sat",))
    assert _warnings(_two_teachers(other)) == []


def _rooms(blocked: bool):
    rooms = (
        Room("C1", "Class 1", "classroom", 10, sections=("A",)),
        Room("C2", "Class 2", "classroom", 10),
    )
    rows = all_but([]) if blocked else []
    unavailable = tuple(RoomUnavailability("C2", d, s, e, "storage") for d, s, e in rows)
    return tiny_term(
        learners=learners(4) + learners(4, first=5, section="B"),
        rooms=rooms,
        room_unavailability=unavailable,
    )


def test_an_unused_room_while_learners_wait_for_one_is_flagged():
    assert _warnings(_rooms(blocked=True)) == [("unused_room", "C2")]


def test_no_room_warning_when_the_room_is_used():
    assert _warnings(_rooms(blocked=False)) == []


def test_no_room_warning_when_staff_is_what_learners_wait_for():
    """Teacher at max_periods_per_week: a second room would not help."""
    full = Staff("T1", "Teacher", "nt2_teacher", max_periods_per_week=1)
    rooms = (Room("C1", "Class 1", "classroom", 10), Room("C2", "Class 2", "classroom", 10))
    assert _warnings(tiny_term(learners=learners(7), staff=(full,), rooms=rooms)) == []


def test_the_overview_and_the_cli_summary_show_the_warnings():
    from scheduler.pipeline import verify_result
    from scheduler.report.timetable import build_workbook
    from tests.helpers.terms import run

    data = _section_b_locked_in(5)
    result = run(data)
    ws = build_workbook(data, result)["Overview"]
    texts = [c.value for c in ws["A"] if isinstance(c.value, str)]
    heading = texts.index("Warnings (legal, but check)")
    assert texts[heading + 1].startswith("Section B: 0 of 5 requests placed (0%)")
    from scheduler.cli import warning_lines

    lines = warning_lines(verify_result(data, result))
    assert lines == ["Warning:   " + texts[heading + 1]]
