"""A re-planned timetable as people see it: calendars, notice boards, Overview."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from scheduler.data import Room, RoomUnavailability, Staff
from scheduler.report.check import check_timetable
from scheduler.report.ics import export_ics
from scheduler.solution import Solution
from tests.helpers.terms import learner, learners, nt2_course, tiny_term
from tests.replan.helpers import WEEK2, group, replanned, session, timetable

C = "NT2-1.1"


@pytest.fixture(scope="module")
def replan_run(tmp_path_factory):
    """NT2-1.1-1 (T1: Mon P1, Wed P1 in C1) and NT2-1.1-2 (T2: Tue P1 in C2); from week 2 C1
    is closed on Wednesday morning and both members of NT2-1.1-2 are released."""
    tmp = tmp_path_factory.mktemp("replan")
    data = tiny_term(
        courses=(nt2_course(max_size=3, sessions_per_week=2),),
        rooms=(Room("C1", "Class 1", "classroom", 10), Room("C2", "Class 2", "classroom", 10)),
        staff=(Staff("T1", "Teacher 1", "nt2_teacher"), Staff("T2", "Teacher 2", "nt2_teacher")),
        learners=learners(5),
    )
    sol = Solution(
        groups=(group(f"{C}-1", "L0001", "L0002", "L0003"),
                group(f"{C}-2", "L0004", "L0005", staff="T2")),
        sessions=(session(f"{C}-1", "Mon", "P1"), session(f"{C}-1", "Wed", "P1"),
                  session(f"{C}-2", "Tue", "P1", "C2", "T2"),
                  session(f"{C}-2", "Thu", "P1", "C2", "T2")),
    )  # fmt: skip
    current = timetable(data, sol, tmp / "now.xlsx")
    cal = tmp / "cal"
    export_ics(current, cal)
    before = _events(cal)
    gone = dt.date(2027, 1, 15)
    update = data.replace(
        room_unavailability=(RoomUnavailability("C1", "Wed", 510, 570, "works"),),
        learners=tuple(
            dataclasses.replace(lr, release=gone) if lr.learner in ("L0004", "L0005") else lr
            for lr in data.learners
        ),
    )
    out = tmp / "new.xlsx"
    done, table = replanned(update, current, WEEK2, out)
    export_ics(out, cal)
    return update, out, table, before, _events(cal)


def _events(folder) -> dict[str, dict[str, tuple]]:
    """staff -> UID -> (start, status, sequence, location)."""
    out: dict[str, dict[str, tuple]] = {}
    for path in sorted(folder.glob("*.ics")):
        cal = Calendar.from_ical(path.read_bytes())
        out[path.stem] = {
            str(e["uid"]): (
                e.decoded("dtstart"),
                str(e["status"]),
                int(e.get("sequence", 0)),
                str(e.get("location", "")),
            )
            for e in cal.walk("VEVENT")
        }
    return out


def test_unchanged_events_keep_their_uid_and_sequence(replan_run):
    *_rest, before, after = replan_run
    monday = [u for u in before["T1"] if f"{C}-1-s1" in u]
    assert len(monday) == 2
    for uid in monday:
        assert after["T1"][uid] == before["T1"][uid]


def test_a_moved_session_keeps_its_uid_from_date_on_with_a_higher_sequence(replan_run):
    *_rest, before, after = replan_run
    week1 = next(u for u in before["T1"] if f"{C}-1-s2-w1" in u)
    week2 = next(u for u in before["T1"] if f"{C}-1-s2-w2" in u)
    assert after["T1"][week1] == before["T1"][week1]  # history: as it was
    start, status, sequence, room = after["T1"][week2]
    assert status == "CONFIRMED" and sequence == before["T1"][week2][2] + 1
    assert (start, room) != (before["T1"][week2][0], before["T1"][week2][3])
    assert start.date() >= WEEK2


def test_events_of_a_closed_group_from_date_on_are_cancelled(replan_run):
    *_rest, before, after = replan_run
    for uid, (start, *_rest) in before["T2"].items():
        status = after["T2"][uid][1]
        assert status == ("CANCELLED" if start.date() >= WEEK2 else "CONFIRMED")


def test_notice_boards_mark_the_changed_session(replan_run):
    _data, out, table, *_ = replan_run
    moved = next(s for s in table.solution.sessions if s.group == f"{C}-1" and s.day != "Mon")
    texts = [
        str(c.value)
        for row in load_workbook(out)["Sections"].iter_rows()
        for c in row
        if c.value is not None
    ]
    marked = [t for t in texts if t.startswith("●") and "changed from 2027-01-18" in t]
    assert len(marked) == 1
    assert moved.room in marked[0]


def test_overview_starts_with_the_replan_counts(replan_run):
    _data, out, *_ = replan_run
    ws = load_workbook(out)["Overview"]
    pairs = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(3, 14)}
    assert ws.cell(row=3, column=1).value == "Re-plan from 2027-01-18"
    assert pairs["places kept in their group"] == 3
    assert pairs["places left"] == 2
    assert pairs["groups closed"] == 1
    assert pairs["sessions moved or changed"] == 1


def test_check_accepts_the_replanned_timetable(replan_run):
    data, _out, table, *_ = replan_run
    assert check_timetable(data, table) == []


def test_check_reads_a_replanned_timetable_from_its_valid_from(tmp_path):
    """An intake held in week 1 at the hour of a group the learner joins from week 2 is no
    clash: ``scheduler check`` judges a re-planned timetable as the re-plan did, from its
    valid_from on (held intakes are history), and finds every rule holding."""
    from scheduler.solution import Intake
    from scheduler.verify import total_violations, verify
    from tests.replan.test_replan import C, term, two_groups

    rooms = (Room("C1", "Class 1", "classroom", 10), Room("IR1", "Interview", "interview", 1))
    data = term(rooms=rooms, learners=(*learners(5), learner(6, intake=True)))
    held = Intake("L0006", 1, "Mon", "P2", 1, "IR1", "K1", "ar")
    now = dataclasses.replace(two_groups(), intakes=(held,))
    current = timetable(data, now, tmp_path / "now.xlsx")
    _done, out = replanned(data, current, WEEK2, tmp_path / "new.xlsx")
    assert "L0006" in out.solution.group_by_id()[f"{C}-2"].members  # joins Mon P2
    assert held in out.solution.intakes  # the history row is still on the sheet
    plain = total_violations(verify(data, out.solution))
    assert plain > 0, "read as of the term's start, week 1 would hold a clash"
    assert check_timetable(data, out) == []
