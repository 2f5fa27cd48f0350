"""Registers printed from a timetable: layout, dates, dropdowns, protection, hidden sheet."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scheduler.errors import SchedulerError
from scheduler.records.hidden import SHEET, read_plan_rows
from scheduler.records.plan import Member, SessionDate
from scheduler.records.registers import build_registers, default_output, write_registers
from scheduler.records.timetable import read_plan
from tests.records.helpers import with_memberships

NT2_DATES = [
    "2027-01-12 13:00", "2027-01-13 08:30", "2027-01-19 13:00", "2027-01-26 13:00",
    "2027-01-27 08:30", "2027-02-02 13:00", "2027-02-03 08:30",
]  # fmt: skip


@pytest.fixture(scope="module")
def registers(tiny_timetable, tmp_path_factory):
    out = tmp_path_factory.mktemp("reg") / "tiny-registers.xlsx"
    write_registers(read_plan(tiny_timetable), out)
    return load_workbook(out)


def test_one_sheet_per_group_then_intakes_and_the_hidden_sheet(registers):
    assert registers.sheetnames == ["NT2-1.1-1", "MO-ar-1", "Intakes", SHEET]
    assert registers[SHEET].sheet_state == "hidden"


def test_layout_rows_of_the_contract(registers):
    ws = registers["NT2-1.1-1"]
    assert ws["B1"].value == "Aanwezigheidslijst · Attendance register"
    assert [ws.cell(r, 1).value for r in range(1, 7)] == [
        "NT2-1.1-1", "Gevangenis · Prison", "Periode · Term",
        "Cursus · Course", "Leerkracht · Staff", "Lesmomenten · Times",
    ]  # fmt: skip
    assert ws["B2"].value == "Test prison"
    assert (ws["A7"].value, ws["A8"].value, ws["A9"].value) == ("leerling", "learner", "held")
    assert [ws.cell(10 + i, 1).value for i in range(4)] == ["L0001", "L0003", "L0004", None]


def test_date_columns_leave_closed_days_out(registers):
    """Wed 2027-01-20 is closed for the prison; Tue 2027-01-26 only for section B, so the NT2
    group (section A) keeps it and the MO group (section B) loses it."""
    nt2, mo = registers["NT2-1.1-1"], registers["MO-ar-1"]
    assert [c.value for c in nt2[8][1:] if c.value] == NT2_DATES
    assert [c.value for c in mo[8][1:] if c.value] == [
        "2027-01-12 08:30",
        "2027-01-19 08:30",
        "2027-02-02 08:30",
    ]
    assert [c.value for c in nt2[9][1:] if c.value] == ["yes"] * 7
    assert [c.value for c in nt2[7][1:3]] == ["dinsdag", "woensdag"]


def test_dropdowns_for_codes_and_held(registers):
    ws = registers["NT2-1.1-1"]
    lists = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert lists['"P,A,E,S,R"'] == "B10:H12"
    assert lists['"yes,no,strike,lockdown,staff absent,room unavailable,other"'] == "B9:H9"


def test_only_attendance_cells_are_editable_without_password(registers):
    ws = registers["NT2-1.1-1"]
    assert ws.protection.sheet and not ws.protection.password
    assert not ws["B10"].protection.locked and not ws["H12"].protection.locked
    assert not ws["C9"].protection.locked
    for cell in ("A10", "B8", "A1", "B2", "I10"):
        assert ws[cell].protection.locked, cell


def test_print_setup(registers):
    ws = registers["NT2-1.1-1"]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_cols == "$A:$A"


def test_legend_in_dutch_and_english(registers):
    ws = registers["MO-ar-1"]
    text = " ".join(str(c.value) for c in ws["B"] if c.value)
    for words in ("aanwezig · present", "ziek · sick", "weigert · refused", "Legende · Legend"):
        assert words in text


def test_hidden_sheet_holds_the_plan_without_names(registers, tiny_timetable):
    plan = read_plan(tiny_timetable)
    rows = list(registers[SHEET].iter_rows(values_only=True))
    assert read_plan_rows(rows) == plan
    text = " ".join(str(v) for row in rows for v in row if v is not None)
    for name in ("Teacher One", "Trainer One", "Counsellor One", "Class 1"):
        assert name not in text
    kinds = {r[0] for r in rows}
    assert {
        "prison",
        "term",
        "range",
        "closed",
        "group",
        "session",
        "learner",
        "member",
        "intake",
    } <= kinds
    closed = [s for s in plan.sessions if s.cause]
    assert [(s.group, s.date.isoformat(), s.cause) for s in closed] == [
        ("MO-ar-1", "2027-01-26", "closed: lockdown"),
        ("NT2-1.1-1", "2027-01-20", "closed: holiday"),
    ]
    assert {g.group: g.total_hours for g in plan.groups} == {"NT2-1.1-1": 12, "MO-ar-1": 6}


def test_intakes_sheet(registers):
    ws = registers["Intakes"]
    assert [c.value for c in ws[8]] == ["learner", "date", "time", "counsellor", "language", "held"]
    assert [c.value for c in ws[9]][:5] == ["L0002", "2027-01-11", "08:30", "C1", "ar"]
    assert not ws["F9"].protection.locked and ws["A9"].protection.locked


def test_membership_changes_are_grey_and_locked(tiny_timetable):
    """A learner who joined on 2027-01-19 has the earlier dates greyed and locked."""
    plan = read_plan(tiny_timetable)
    members = tuple(
        dataclasses.replace(m, start=dt.date(2027, 1, 19)) if m.learner == "L0004" else m
        for m in plan.members
    )
    ws = build_registers(dataclasses.replace(plan, members=members))["NT2-1.1-1"]
    row = [ws.cell(12, c) for c in range(2, 9)]
    assert ws["A12"].value == "L0004"
    assert [c.protection.locked for c in row] == [True, True, False, False, False, False, False]
    assert row[0].fill.fgColor.rgb.endswith("BFBFBF") and row[2].fill.fill_type is None


def test_memberships_sheet_is_read_when_present(tiny_timetable, tmp_path):
    rows = [
        ("NT2-1.1-1", "L0001", "2027-01-11", None),
        ("NT2-1.1-1", "L0003", "2027-01-11", dt.date(2027, 1, 24)),
    ]
    path = with_memberships(tiny_timetable, rows, tmp_path / "with-memberships.xlsx")
    plan = read_plan(path)
    assert plan.members == (
        Member("NT2-1.1-1", "L0001", dt.date(2027, 1, 11), dt.date(2027, 2, 5)),
        Member("NT2-1.1-1", "L0003", dt.date(2027, 1, 11), dt.date(2027, 1, 24)),
    )


def test_at_most_twenty_dates_per_page():
    """45 dates: fitted to 3 pages wide, so at most 15 dates a page (and column A on each)."""
    plan = read_plan_fixture()
    ws = build_registers(plan)["G-1"]
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (3, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.cell(8, 46).value == "2027-03-30 09:00"  # 1 Jan + 44 x 2 days


def read_plan_fixture():
    from scheduler.records.plan import GroupInfo, RegisterPlan

    day = dt.date(2027, 1, 1)
    sessions = tuple(
        SessionDate("G-1", day + dt.timedelta(days=2 * k), "09:00", 1.5) for k in range(45)
    )
    return RegisterPlan(
        "P", day, dt.date(2027, 6, 30), 0.8, day, dt.date(2027, 6, 30), (),
        (GroupInfo("G-1", "G-1", "NT2-1.1", "NT2 1.1", "NT2", "1.1", "nl", "T1", "C1", "", 60),),
        sessions, (Member("G-1", "L1", day, dt.date(2027, 6, 30)),), (), (),
    )  # fmt: skip


def test_range_and_default_output(tiny_timetable):
    plan = read_plan(tiny_timetable, dt.date(2027, 1, 18), dt.date(2027, 1, 24))
    assert (plan.first, plan.last) == (dt.date(2027, 1, 18), dt.date(2027, 1, 24))
    assert [s.label for s in plan.sessions_of("NT2-1.1-1")] == ["2027-01-19 13:00"]
    assert default_output(tiny_timetable).as_posix() == "exports/tiny-registers.xlsx"
    with pytest.raises(SchedulerError, match="outside the term"):
        read_plan(tiny_timetable, dt.date(2027, 6, 1), dt.date(2027, 6, 30))


def test_a_timetable_without_total_hours_is_refused(tiny_timetable, tmp_path):
    wb = load_workbook(tiny_timetable)
    ws = wb["Groups"]
    for cell in ws[1]:
        if cell.value == "total_hours":
            cell.value = "something_else"
    wb.save(tmp_path / "old.xlsx")
    with pytest.raises(SchedulerError, match="sheet Groups has no column total_hours"):
        read_plan(tmp_path / "old.xlsx")


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"learner,2027-01-12\nL0001,P\n", "is a text file"), (b"", "is empty")],
)
def test_unreadable_files_are_one_sentence_and_exit_2(tmp_path, content, message):
    from click.testing import CliRunner

    from scheduler.cli import main

    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    for args in (["registers", str(path), "-o", str(tmp_path / "r.xlsx")], ["record", str(path),
                 "--db", f"sqlite:///{tmp_path}/x.sqlite"]):  # fmt: skip
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "r.xlsx").exists() and not (tmp_path / "x.sqlite").exists()


def test_a_term_workbook_is_not_a_timetable(tmp_path):
    from click.testing import CliRunner

    from scheduler.cli import main

    term = Path(__file__).resolve().parents[2] / "instances" / "small.xlsx"
    result = CliRunner().invoke(main, ["registers", str(term), "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 2 and "is not a timetable workbook" in result.output


def test_registers_never_replace_a_file_without_force(tiny_timetable, tmp_path):
    """An existing file may be a register already filled in: --force is needed to replace it,
    and the timetable itself is never written to."""
    from click.testing import CliRunner

    from scheduler.cli import main

    out = tmp_path / "r.xlsx"
    args = ["registers", str(tiny_timetable), "-o", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    before = out.read_bytes()
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 2 and "may be a register already filled in" in again.output
    assert out.read_bytes() == before
    assert CliRunner().invoke(main, [*args, "--force"]).exit_code == 0
    onto = CliRunner().invoke(main, ["registers", str(tiny_timetable), "-o", str(tiny_timetable)])
    assert onto.exit_code == 2 and "is an input of this command" in onto.output
