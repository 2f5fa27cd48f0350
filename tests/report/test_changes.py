"""The Changes between two timetables, kind by kind (replan.md's Changes sheet)."""

from __future__ import annotations

import dataclasses

from scheduler.report.changes import Change, changes, count
from scheduler.solution import Group, Intake, InternetBooking, Session, Solution
from tests.helpers.timetable_fixture import tiny_solution

KINDS = {"NT2-1.1": "NT2", "MO-ar": "MO"}


def test_the_same_timetable_has_no_changes():
    assert changes(tiny_solution(), tiny_solution(), KINDS) == []


def test_every_kind_of_change_is_named():
    before = tiny_solution()
    nt2, mo = before.groups
    after = Solution(
        groups=(
            dataclasses.replace(nt2, staff="T2", members=("L0001", "L0004", "L0008")),
            Group("NT2-1.1-2", "NT2-1.1", "T1", ("L0003", "L0009")),
        ),
        sessions=(
            Session("NT2-1.1-1", "NT2-1.1", "Tue", "P3", 2, "C2", "T2"),  # room changed
            Session("NT2-1.1-1", "NT2-1.1", "Thu", "P1", 2, "C1", "T2"),  # moved from Wed P1
            Session("NT2-1.1-2", "NT2-1.1", "Fri", "P1", 2, "C1", "T1"),
        ),
        intakes=(Intake("L0002", 2, "Mon", "P1", 1, "I1", "C1", "ar"),),
        internet=(InternetBooking("L0001", "Tue", "P1", "LAB"),),
    )
    found = changes(before, after, KINDS)
    assert Change("learner joined", "L0008", "NT2-1.1-1", "", "NT2-1.1-1") in found
    assert Change("learner moved", "L0003", "NT2-1.1-2", "NT2-1.1-1", "NT2-1.1-2") in found
    assert Change("learner left", "L0002", "MO-ar-1", "MO-ar-1", "") in found
    assert Change("new group", "NT2-1.1-2", "NT2-1.1-2", "", "T1") in found
    assert Change("group closed", "MO-ar-1", "MO-ar-1", "M1", "") in found
    assert Change("staff changed", "NT2-1.1-1", "NT2-1.1-1", "T1", "T2") in found
    assert Change("room changed", "NT2-1.1-1", "NT2-1.1-1", "Tue P3 C1", "C2") in found
    assert Change("session moved", "NT2-1.1-1", "NT2-1.1-1", "Wed P1 C1", "Thu P1 C1") in found
    assert (
        Change("intake moved", "L0002", "", "week 1 Mon P1 I1 C1", "week 2 Mon P1 I1 C1") in found
    )
    assert Change("internet dropped", "L0008", "", "Tue P2 LAB", "") in found
    assert count(found)["learner left"] == 2  # L0002 and L0005 (MO-ar-1 closed)
    kinds = [c.kind for c in found]
    assert kinds == sorted(kinds, key=[
        "learner joined", "learner left", "learner moved", "new group", "group closed",
        "session moved", "room changed", "staff changed", "intake added", "intake moved",
        "intake dropped", "internet added", "internet dropped",
    ].index)  # fmt: skip
