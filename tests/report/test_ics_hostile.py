"""Calendars from hand-edited and hostile timetables: nothing dropped, nothing half-written."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from openpyxl import load_workbook

from scheduler.cli import main
from scheduler.errors import SchedulerError
from scheduler.report.ics import export_ics
from scheduler.report.timetable import write_timetable
from tests.helpers.timetable_fixture import tiny_data, tiny_result


@pytest.fixture()
def book(tmp_path):
    return write_timetable(tiny_data(), tiny_result(), tmp_path / "tt.xlsx", [])


def rows_of(path, sheet: str) -> list[tuple]:
    return list(load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))


def edit(path, sheet: str, row: int, column: str, value) -> None:
    wb = load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    ws.cell(row=row, column=header.index(column) + 1).value = value
    wb.save(path)


def delete_rows(path, sheet: str, keep) -> None:
    """Keep only the data rows of ``sheet`` for which ``keep(values)`` holds."""
    wb = load_workbook(path)
    ws = wb[sheet]
    for r in range(ws.max_row, 1, -1):
        if not keep(tuple(c.value for c in ws[r])):
            ws.delete_rows(r)
    wb.save(path)


def events(path: Path) -> list:
    return list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def export(args: list[str]):
    return CliRunner().invoke(main, ["export", *args])


def test_line_breaks_in_the_prison_name_and_a_staff_id_are_escaped(tmp_path):
    data = tiny_data()
    data = data.replace(settings=dataclasses.replace(data.settings, prison="Prison\nof A; B"))
    result = tiny_result()
    odd = "M\n1"
    data = data.replace(
        staff=tuple(dataclasses.replace(s, staff=odd) if s.staff == "M1" else s for s in data.staff)
    )
    sol = result.solution
    assert sol is not None
    result = dataclasses.replace(
        result,
        solution=dataclasses.replace(
            sol,
            groups=tuple(
                dataclasses.replace(g, staff=odd) if g.staff == "M1" else g for g in sol.groups
            ),
            sessions=tuple(
                dataclasses.replace(s, staff=odd) if s.staff == "M1" else s for s in sol.sessions
            ),
        ),
    )
    path = write_timetable(data, result, tmp_path / "tt.xlsx", [])
    paths = export_ics(path, tmp_path / "cal")
    for p in paths:
        raw = p.read_bytes().decode()
        name = next(line for line in raw.splitlines() if line.startswith("X-WR-CALNAME"))
        assert name.startswith("X-WR-CALNAME:Prison\\nof A\\; B: ")
        assert all(len(line.encode()) <= 75 for line in raw.splitlines())
        assert events(p)
    assert "M_1.ics" in {p.name for p in paths}


def test_every_event_ends_after_it_starts(book, tmp_path):
    for p in export_ics(book, tmp_path / "cal"):
        for e in events(p):
            assert e.decoded("dtend") > e.decoded("dtstart")


@pytest.mark.parametrize("typed", ["mon", "ma", "Maandag"])
def test_a_day_typed_by_hand_keeps_its_events(book, tmp_path, typed):
    row = next(i for i, r in enumerate(rows_of(book, "Sessions"), 1) if r[0] == "MO-ar-1")
    edit(book, "Sessions", row, "day", typed)
    (m1,) = [p for p in export_ics(book, tmp_path / "cal") if p.stem == "M1"]
    days = {e.decoded("dtstart").date().weekday() for e in events(m1)}
    assert days == {0}  # every MO-ar-1 event now on a Monday
    assert len(events(m1)) == 4  # 4 Mondays in the term, none closed


def test_a_day_the_term_does_not_teach_is_exit_2_not_dropped(book, tmp_path):
    row = next(i for i, r in enumerate(rows_of(book, "Sessions"), 1) if r[0] == "MO-ar-1")
    edit(book, "Sessions", row, "day", "Sat")
    result = export([str(book), "--ics", str(tmp_path / "cal")])
    assert result.exit_code == 2, result.output
    assert f"Sessions, row {row}, column day: Sat is not a teaching day" in result.output
    assert not (tmp_path / "cal").exists()


def test_an_intake_in_week_99_is_exit_2(book, tmp_path):
    edit(book, "Intakes", 2, "week", 99)
    result = export([str(book), "--ics", str(tmp_path / "cal")])
    assert result.exit_code == 2
    assert "Intakes, row 2, column week: week 99 is outside the term" in result.output


def test_export_to_a_file_or_under_a_missing_folder_is_refused(book, tmp_path):
    a_file = tmp_path / "x.txt"
    a_file.write_text("keep me")
    result = export([str(book), "--ics", str(a_file)])
    assert result.exit_code == 2 and "is a file" in result.output
    assert a_file.read_text() == "keep me"
    result = export([str(book), "--ics", str(tmp_path / "missing" / "cal")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_a_folder_given_as_the_timetable_is_named_as_a_folder(tmp_path):
    result = export([str(tmp_path), "--ics", str(tmp_path / "cal")])
    assert result.exit_code == 2
    assert "is a folder" in result.output


def test_zero_calendars_is_exit_3(book, tmp_path):
    delete_rows(book, "Sessions", lambda v: False)
    delete_rows(book, "Intakes", lambda v: False)
    result = export([str(book), "--ics", str(tmp_path / "cal")])
    assert result.exit_code == 3
    assert "No calendar written" in result.output


def test_a_removed_staff_member_gets_a_file_of_cancellations(book, tmp_path):
    cal = tmp_path / "cal"
    first = {p.stem: events(p) for p in export_ics(book, cal)}
    delete_rows(book, "Sessions", lambda v: v[0] != "MO-ar-1")
    delete_rows(book, "Groups", lambda v: v[0] != "MO-ar-1")
    again = {p.stem: events(p) for p in export_ics(book, cal)}
    assert set(again) == set(first)  # M1's file is still written, never deleted
    assert {str(e["uid"]) for e in again["M1"]} == {str(e["uid"]) for e in first["M1"]}
    assert all(str(e["status"]) == "CANCELLED" for e in again["M1"])
    assert all(int(e["sequence"]) == 1 for e in again["M1"])
    # Nothing changed for the others: same UIDs, same SEQUENCE.
    assert [(str(e["uid"]), int(e["sequence"])) for e in again["T1"]] == [
        (str(e["uid"]), 0) for e in first["T1"]
    ]
    third = {p.stem: events(p) for p in export_ics(book, cal)}
    assert all(int(e["sequence"]) == 1 for e in third["M1"])  # cancelled stays cancelled


def test_a_moved_session_keeps_its_uids_and_raises_sequence(book, tmp_path):
    cal = tmp_path / "cal"
    first = {str(e["uid"]): e for e in events(export_ics(book, cal)[-1])}  # T1.ics
    row = next(
        i
        for i, r in enumerate(rows_of(book, "Sessions"), 1)
        if r[0] == "NT2-1.1-1" and r[2] == "Wed"
    )
    edit(book, "Sessions", row, "period", "P3")
    (t1,) = [p for p in export_ics(book, cal) if p.stem == "T1"]
    moved = [e for e in events(t1) if e.decoded("dtstart").weekday() == 2]
    assert moved and all(e.decoded("dtstart").hour == 13 for e in moved)
    assert all(str(e["uid"]) in first and int(e["sequence"]) == 1 for e in moved)
    same = [e for e in events(t1) if e.decoded("dtstart").weekday() == 1]
    assert all(int(e["sequence"]) == 0 for e in same)


def test_a_full_disk_leaves_the_previous_set_whole(book, tmp_path, monkeypatch):
    cal = tmp_path / "cal"
    export_ics(book, cal)
    before = {p.name: p.read_bytes() for p in cal.iterdir()}
    delete_rows(book, "Sessions", lambda v: v[0] != "MO-ar-1")
    real = Path.write_bytes
    calls = []

    def full(self, content):
        calls.append(self)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, content)

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(SchedulerError, match="No space left on device"):
        export_ics(book, cal)
    assert {p.name: p.read_bytes() for p in cal.iterdir()} == before  # no temp folder either


def test_dates_come_from_the_term_sheet(book, tmp_path):
    (c1,) = [p for p in export_ics(book, tmp_path / "cal") if p.stem == "C1"]
    (intake,) = events(c1)
    assert intake.decoded("dtstart").date() == dt.date(2027, 1, 11)


def test_history_rows_give_the_events_before_a_change_and_the_uids_carry_on(book, tmp_path):
    # A re-plan from Mon 25 Jan (week 3) moves MO-ar-1 from Tuesday to Thursday: the old row
    # ends on the 24th, a new row starts on the 25th.
    rows = rows_of(book, "Sessions")
    header = list(rows[0])
    r = next(i for i, v in enumerate(rows, 1) if v[0] == "MO-ar-1")
    edit(book, "Sessions", r, "valid_to", dt.date(2027, 1, 24))
    wb = load_workbook(book)
    new = list(rows[r - 1])
    new[header.index("day")] = "Thu"
    new[header.index("valid_from")] = dt.date(2027, 1, 25)
    wb["Sessions"].append(new)
    wb.save(book)
    (m1,) = [p for p in export_ics(book, tmp_path / "cal") if p.stem == "M1"]
    dates = sorted((e.decoded("dtstart").date(), str(e["uid"])) for e in events(m1))
    assert [d for d, _ in dates] == [
        dt.date(2027, 1, 12), dt.date(2027, 1, 19), dt.date(2027, 1, 28), dt.date(2027, 2, 4)
    ]  # fmt: skip
    assert [u.split("@")[0] for _, u in dates] == [f"MO-ar-1-s1-w{w}" for w in (1, 2, 3, 4)]


def test_calendars_of_another_term_in_the_folder_are_not_cancelled(book, tmp_path):
    cal = tmp_path / "cal"
    export_ics(book, cal)
    # Next term's timetable (another term start), exported into the same folder.
    data = tiny_data()
    data = data.replace(
        settings=dataclasses.replace(
            data.settings, term_start=dt.date(2027, 2, 8), term_end=dt.date(2027, 3, 5)
        ),
        closed_days=(),
    )
    nxt = write_timetable(data, tiny_result(), tmp_path / "next.xlsx", [])
    export_ics(nxt, cal)
    for path in cal.glob("*.ics"):
        assert all(str(e["status"]) == "CONFIRMED" for e in events(path)), path.name
