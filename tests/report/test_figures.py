"""Key figures on the tiny term, every number worked out by hand in timetable_fixture."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler.report.figures import (
    REASON_CODES,
    AgencyFigures,
    group_hours,
    key_figures,
    session_dates,
    staff_periods,
)
from scheduler.report.reasons import waiting
from scheduler.solution import Group, Session, Solution
from tests.helpers.timetable_fixture import tiny_data, tiny_solution


@pytest.fixture(scope="module")
def figures():
    data, solution = tiny_data(), tiny_solution()
    return key_figures(data, solution, waiting(data, solution))


def test_placed_out_of_asked_per_kind(figures):
    assert figures.asked == {"NT2": 6, "MO": 3}
    assert figures.placed == {"NT2": 3, "MO": 2}
    assert (figures.intakes_asked, figures.intakes_held) == (2, 1)
    assert (figures.internet_asked, figures.internet_booked) == (3, 2)


def test_per_section_and_first_language(figures):
    assert figures.by_section == {"A": (6, 3), "B": (3, 2)}
    assert figures.by_language == {"ar": (6, 4), "fr": (2, 1), "ti": (1, 0)}


def test_hours_follow_the_real_calendar(figures):
    # NT2: 4 Tuesdays (26 Jan is closed only for B) + 3 Wednesdays (20 Jan closed) = 7 x 2 h.
    # MO: its members live in B, so 26 Jan cancels it: 3 Tuesdays x 2 h.
    assert figures.group_hours == {"NT2-1.1-1": 14.0, "MO-ar-1": 6.0}
    assert figures.course_hours == {"NT2-1.1": 14.0, "MO-ar": 6.0}
    # L0001 14, L0002 6, L0003 6 (released 25 Jan), L0004 10 (arrives 18 Jan), L0005 6.
    assert figures.hours_per_placed_learner == 8.4
    assert (figures.can_complete, figures.cannot_complete) == (3, 2)


def test_room_and_staff_use(figures):
    # C1: 6 periods out of 20 - 2 (chapel on Friday morning); LAB 2 of 20; I1 1 of 20 x 2 weeks.
    assert figures.room_use == {"C1": 33.3, "LAB": 10.0, "I1": 2.5}
    assert (figures.classroom_use, figures.lab_use, figures.interview_use) == (33.3, 10.0, 2.5)
    assert figures.staff_periods == {"T1": 4, "M1": 2, "C1": 1}


def test_integration_agency_per_first_language(figures):
    assert figures.agency == {
        "ar": AgencyFigures(reached=1, placed=4, hours=36.0),
        "fr": AgencyFigures(reached=0, placed=1, hours=6.0),
        "ti": AgencyFigures(reached=0, placed=0, hours=0.0),
    }


def test_waiting_counted_by_reason(figures):
    assert figures.waiting == {
        "separation": 1,
        "no_common_time": 1,
        "needs_intake": 1,
        "other": 1,
        "no_group_at_level": 1,
        "capacity": 1,
    }


def test_rows_have_stable_unique_labels_and_numbers(figures):
    rows = figures.rows()
    labels = [label for label, _ in rows]
    assert len(labels) == len(set(labels))
    assert all(isinstance(v, int | float) for _, v in rows)
    assert dict(rows)["NT2 placed"] == 3
    assert dict(rows)["hours group MO-ar-1"] == 6.0
    assert [f"waiting {c}" for c in REASON_CODES] == [
        lb for lb in labels if lb.startswith("waiting")
    ]


def test_a_section_closure_cancels_the_session_of_a_group_with_a_member_there():
    data = tiny_data()
    sessions = [Session("G-1", "NT2-1.1", "Tue", "P3", 2, "C1", "T1")]
    only_a = Group("G-1", "NT2-1.1", "T1", ("L0001",))
    with_b = Group("G-1", "NT2-1.1", "T1", ("L0001", "L0005"))
    assert group_hours(data, only_a, sessions) == 8.0
    assert group_hours(data, with_b, sessions) == 6.0
    assert dt.date(2027, 1, 26) not in session_dates(data, sessions[0], ("B",))


def test_learner_hours_run_from_arrival_to_the_day_before_release():
    data = tiny_data()
    group = tiny_solution().groups[0]
    sessions = tiny_solution().sessions
    assert group_hours(data, group, sessions, learner="L0003") == 6.0  # released 25 Jan
    assert group_hours(data, group, sessions, learner="L0004") == 10.0  # arrived 18 Jan


def test_counsellor_load_is_the_busiest_week():
    from scheduler.solution import Intake

    sol = Solution(
        intakes=(
            Intake("L0002", 1, "Mon", "P1", 1, "I1", "C1", "ar"),
            Intake("L0006", 1, "Tue", "P1", 1, "I1", "C1", "fr"),
            Intake("L0005", 2, "Tue", "P1", 1, "I1", "C1", "ar"),
        )
    )
    assert staff_periods(tiny_data(), sol)["C1"] == 2


def test_an_empty_timetable_has_zero_figures():
    figures = key_figures(tiny_data(), Solution(), waiting(tiny_data(), Solution()))
    assert figures.placed == {"NT2": 0, "MO": 0}
    assert figures.hours_per_placed_learner == 0.0
    assert figures.room_use == {"C1": 0.0, "LAB": 0.0, "I1": 0.0}
    assert sum(figures.waiting.values()) == 9 + 2 + 3  # learner-courses, intakes, internet
