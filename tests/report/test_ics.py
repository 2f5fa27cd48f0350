"""Calendars per staff member, read back and counted against the term calendar."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from openpyxl import Workbook

from scheduler.errors import SchedulerError, UnreadableFileError, WorkbookError
from scheduler.report.figures import group_sections
from scheduler.report.ics import export_ics, ics_file_names
from scheduler.report.timetable import write_timetable
from scheduler.term import open_dates
from tests.helpers.timetable_fixture import tiny_data, tiny_result

BRUSSELS = ZoneInfo("Europe/Brussels")
CHECKS: list = []


@pytest.fixture(scope="module")
def calendars(tmp_path_factory):
    out = tmp_path_factory.mktemp("ics")
    book = write_timetable(tiny_data(), tiny_result(), out / "t.xlsx", CHECKS)
    paths = export_ics(book, out / "cal")
    return book, {p.stem: Calendar.from_ical(p.read_bytes()) for p in paths}


def _events(cal):
    return list(cal.walk("VEVENT"))


def test_one_calendar_per_staff_member_with_work(calendars):
    assert sorted(calendars[1]) == ["C1", "M1", "T1"]


def test_sessions_are_counted_against_the_term_calendar(calendars):
    data, sol = tiny_data(), tiny_result().solution
    groups = sol.group_by_id()
    for staff in ("T1", "M1"):
        expected = sum(
            len(open_dates(data, s.day, group_sections(data, groups[s.group])))
            for s in sol.sessions
            if s.staff == staff
        )
        assert len(_events(calendars[1][staff])) == expected
    assert len(_events(calendars[1]["T1"])) == 7
    assert len(_events(calendars[1]["M1"])) == 3  # 26 Jan is closed for its section B


def test_closed_days_are_left_out(calendars):
    starts = {
        staff: {e.decoded("dtstart").date() for e in _events(cal)}
        for staff, cal in calendars[1].items()
    }
    assert dt.date(2027, 1, 20) not in starts["T1"]  # the prison is closed
    assert dt.date(2027, 1, 26) in starts["T1"]  # closed for B only; NT2-1.1-1 is all A
    assert dt.date(2027, 1, 26) not in starts["M1"]


def test_times_are_brussels_local_with_a_vtimezone(calendars):
    cal = calendars[1]["T1"]
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Brussels"]
    first = min(_events(cal), key=lambda e: e.decoded("dtstart"))
    start, end = first.decoded("dtstart"), first.decoded("dtend")
    assert start == dt.datetime(2027, 1, 12, 13, 0, tzinfo=BRUSSELS)
    assert end - start == dt.timedelta(hours=2)
    assert str(first["summary"]) == "NT2 1.1 (NT2-1.1-1)"
    assert str(first["location"]) == "C1"


def test_counsellors_get_their_intakes_on_the_real_date(calendars):
    (intake,) = _events(calendars[1]["C1"])
    assert intake.decoded("dtstart") == dt.datetime(2027, 1, 11, 8, 30, tzinfo=BRUSSELS)
    assert str(intake["summary"]) == "Intake L0002 (ar)"


def test_uids_are_unique_and_stable(calendars, tmp_path):
    book, first = calendars
    again = {p.stem: Calendar.from_ical(p.read_bytes()) for p in export_ics(book, tmp_path)}
    for staff, cal in first.items():
        uids = [str(e["uid"]) for e in _events(cal)]
        assert len(uids) == len(set(uids))
        assert uids == [str(e["uid"]) for e in _events(again[staff])]


def test_file_names_are_sanitised_and_unique():
    names = ics_file_names(["../etc/passwd", "T 1", "T_1", "=X", ""])
    assert names == {
        "../etc/passwd": "etc_passwd.ics",
        "T 1": "T_1.ics",
        "T_1": "T_1_2.ics",
        "=X": "X.ics",
        "": "staff.ics",
    }


def test_a_strange_staff_id_stays_inside_the_folder(tmp_path):
    data = tiny_data()
    data = data.replace(
        staff=tuple(
            dataclasses.replace(s, staff="../M 1") if s.staff == "M1" else s for s in data.staff
        )
    )
    result = tiny_result()
    sol = result.solution
    result = dataclasses.replace(
        result,
        solution=dataclasses.replace(
            sol,
            groups=tuple(
                dataclasses.replace(g, staff="../M 1") if g.staff == "M1" else g for g in sol.groups
            ),
            sessions=tuple(
                dataclasses.replace(s, staff="../M 1") if s.staff == "M1" else s
                for s in sol.sessions
            ),
        ),
    )
    book = write_timetable(data, result, tmp_path / "t.xlsx", CHECKS)
    paths = export_ics(book, tmp_path / "cal")
    assert all(p.parent == tmp_path / "cal" for p in paths)
    assert "M_1.ics" in {p.name for p in paths}


def test_not_a_workbook_is_reported(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(UnreadableFileError):
        export_ics(bad, tmp_path / "cal")


def test_a_workbook_without_the_timetable_sheets_is_reported(tmp_path):
    path = tmp_path / "input.xlsx"
    Workbook().save(path)
    with pytest.raises(SchedulerError, match="not a timetable workbook"):
        export_ics(path, tmp_path / "cal")
    assert not (tmp_path / "cal").exists()


def test_a_hand_edited_blank_is_reported_not_a_traceback(calendars, tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(calendars[0])
    ws = wb["Intakes"]
    ws.cell(row=2, column=2).value = None  # week
    wb.save(tmp_path / "edited.xlsx")
    with pytest.raises(WorkbookError) as err:
        export_ics(tmp_path / "edited.xlsx", tmp_path / "cal")
    assert [(p.sheet, p.row, p.column) for p in err.value.problems if p.severity == "error"] == [
        ("Intakes", 2, "week")
    ]
