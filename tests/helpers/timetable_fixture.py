"""A tiny term and a hand-made timetable whose figures are known by hand.

Term: Mon 2027-01-11 .. Fri 2027-02-05 (4 weeks, 20 teaching dates). Four 60-minute periods
(P1 08:30, P2 09:30, P3 13:00, P4 14:00). Wed 2027-01-20 is closed for the prison; Tue
2027-01-26 is closed for section B only.

Timetable:
- NT2-1.1-1 (T1; L0001, L0003, L0004, all section A): Tue P3-P4 in C1, Wed P1-P2 in C1.
  Tue: 12, 19, 26, 2 Feb (26 Jan closed only for B) = 4; Wed: 13, 27, 3 Feb = 3 -> 7 x 2 h = 14 h.
- MO-ar-1 (M1; L0002, L0005, section B): Tue P1-P2 in C1. Tue without 26 Jan = 3 x 2 h = 6 h.
- Intake of L0002, week 1 Mon P1 in I1 with C1 (ar). Internet: L0001 Tue P1, L0008 Tue P2 (LAB).

Learners and what they get:
- L0001 A ar 1.1 NT2, internet 1: placed, 14 h >= 12 h; booked Tue P1.
- L0002 B ar MO, intake: placed, 6 h >= 6 h; intake held.
- L0003 A fr 1.1 NT2, released 2027-01-25: placed, Tue 12, 19 + Wed 13 = 6 h < 12 h.
- L0004 A ar/fr 1.1 NT2+MO, arrives 2027-01-18: NT2 placed, 10 h < 12 h; MO waits (separation:
  the only other MO-ar learners live in B, kept apart from A).
- L0005 B ar MO, internet 1: placed 6 h; internet waits (the Tue window is their MO class).
- L0006 A ti, no level, NT2, intake: waits for an intake (needs_intake); no counsellor speaks ti.
- L0007 B ar 1.2 NT2: no NT2 1.2 course (no_group_at_level).
- L0008 A fr 1.1 NT2, internet 1: NT2-1.1-1 is full (3 of 3) -> capacity; booked Tue P2.
"""

from __future__ import annotations

import datetime as dt

from scheduler.data import (
    ClosedDay,
    Course,
    InternetWindow,
    Learner,
    Period,
    ProblemData,
    RegimeBlock,
    Room,
    RoomUnavailability,
    Section,
    Separation,
    Settings,
    Staff,
)
from scheduler.solution import (
    Group,
    Intake,
    InternetBooking,
    Result,
    Session,
    Solution,
    SolveStatus,
)


def tiny_data() -> ProblemData:
    """The tiny term described in the module docstring."""
    periods = tuple(
        Period(f"P{i + 1}", start, start + 60) for i, start in enumerate((510, 570, 780, 840))
    )
    return ProblemData(
        settings=Settings("Test prison", dt.date(2027, 1, 11), dt.date(2027, 2, 5)),
        periods=periods,
        sections=(
            Section("A", "A wing", "R1", "M", "sentenced"),
            Section("B", "B wing", "R2", "M", "remand"),
        ),
        regimes=(
            RegimeBlock("R1", "Mon", 510, 630, "work"),
            RegimeBlock("R2", "all", 780, 840, "visit"),
        ),
        rooms=(
            Room("C1", "Class 1", "classroom", 4),
            Room("LAB", "Computer lab", "computer_lab", 6, 2),
            Room("I1", "Interview 1", "interview", 1),
        ),
        internet_windows=(InternetWindow("Tue", 510, 630),),
        staff=(
            Staff(
                "T1",
                "Teacher One",
                "nt2_teacher",
                days=("Mon", "Tue", "Wed"),
                max_periods_per_week=10,
            ),
            Staff("M1", "Trainer One", "mo_trainer", languages=("ar",), max_periods_per_week=8),
            Staff("C1", "Counsellor One", "counsellor", languages=("ar", "fr")),
        ),
        courses=(
            Course("NT2-1.1", "NT2", "NT2 1.1", "1.1", "nl", 2, 2, 12, 2, 3),
            Course("MO-ar", "MO", "MO Arabic", "", "ar", 1, 2, 6, 2, 4),
        ),
        learners=(
            Learner("L0001", "A", ("ar",), "1.1", ("NT2",), internet_periods=1),
            Learner("L0002", "B", ("ar",), None, ("MO",), intake=True),
            Learner("L0003", "A", ("fr",), "1.1", ("NT2",), release=dt.date(2027, 1, 25)),
            Learner("L0004", "A", ("ar", "fr"), "1.1", ("NT2", "MO"), arrival=dt.date(2027, 1, 18)),
            Learner("L0005", "B", ("ar",), None, ("MO",), internet_periods=1),
            Learner("L0006", "A", ("ti",), None, ("NT2",), intake=True),
            Learner("L0007", "B", ("ar",), "1.2", ("NT2",)),
            Learner("L0008", "A", ("fr",), "1.1", ("NT2",), internet_periods=1),
        ),
        closed_days=(
            ClosedDay(dt.date(2027, 1, 20), "holiday"),
            ClosedDay(dt.date(2027, 1, 26), "lockdown", ("B",)),
        ),
        separations=(
            Separation("A", "B", "remand/sentenced"),
            Separation("L0001", "L0002", "co-accused"),
        ),
        room_unavailability=(RoomUnavailability("C1", "Fri", 510, 630, "chapel"),),
    )


def tiny_solution() -> Solution:
    """The hand-made timetable described in the module docstring."""
    return Solution(
        groups=(
            Group("NT2-1.1-1", "NT2-1.1", "T1", ("L0001", "L0003", "L0004")),
            Group("MO-ar-1", "MO-ar", "M1", ("L0002", "L0005")),
        ),
        sessions=(
            Session("NT2-1.1-1", "NT2-1.1", "Tue", "P3", 2, "C1", "T1"),
            Session("NT2-1.1-1", "NT2-1.1", "Wed", "P1", 2, "C1", "T1"),
            Session("MO-ar-1", "MO-ar", "Tue", "P1", 2, "C1", "M1"),
        ),
        intakes=(Intake("L0002", 1, "Mon", "P1", 1, "I1", "C1", "ar"),),
        internet=(
            InternetBooking("L0001", "Tue", "P1", "LAB"),
            InternetBooking("L0008", "Tue", "P2", "LAB"),
        ),
    )


def tiny_result() -> Result:
    """A feasible Result around the hand-made timetable."""
    return Result(
        status=SolveStatus.FEASIBLE,
        solution=tiny_solution(),
        objective=1234.0,
        bound=1300.0,
        wall_time=2.5,
        first_solution_time=0.4,
    )
