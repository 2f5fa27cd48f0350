"""The timetable reader and ``scheduler check`` on hand-edited timetables."""

from __future__ import annotations

import dataclasses
import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from scheduler.cli import main
from scheduler.errors import SchedulerError, UnreadableFileError, WorkbookError
from scheduler.report.read import read_timetable, same_term
from scheduler.report.timetable import write_timetable
from scheduler.workbook.write import write_workbook
from tests.helpers.timetable_fixture import tiny_data, tiny_result, tiny_solution


@pytest.fixture()
def files(tmp_path):
    """The tiny term workbook and its (valid) hand-made timetable."""
    term = write_workbook(tiny_data(), tmp_path / "term.xlsx")
    timetable = write_timetable(tiny_data(), tiny_result(), tmp_path / "tt.xlsx", [])
    return term, timetable


def edit(path, sheet: str, row: int, column: str, value) -> None:
    """Set one cell of ``path`` as a coordinator would in Excel (the file is rewritten)."""
    wb = load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    ws.cell(row=row, column=header.index(column) + 1).value = value
    wb.save(path)


def session_row(path, group: str, day: str) -> int:
    ws = load_workbook(path, read_only=True)["Sessions"]
    for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if values[0] == group and values[2] == day:
            return r
    raise AssertionError(f"no session of {group} on {day}")


def test_reads_back_the_solution_it_wrote(files):
    tt = read_timetable(files[1])
    sol = tiny_solution()
    assert set(tt.solution.sessions) == set(sol.sessions)
    assert set(tt.solution.groups) == set(sol.groups)
    assert set(tt.solution.intakes) == set(sol.intakes)
    assert set(tt.solution.internet) == set(sol.internet)
    assert not tt.warnings and not tt.edited
    assert tt.term.prison == "Test prison"
    assert [p.period for p in tt.term.periods] == ["P1", "P2", "P3", "P4"]


@pytest.mark.parametrize("value", ["25:00", "8:75", "24:00", "noon"])
def test_unreadable_time_names_the_cell(files, value):
    row = session_row(files[1], "MO-ar-1", "Tue")
    edit(files[1], "Sessions", row, "start", value)
    with pytest.raises(WorkbookError) as err:
        read_timetable(files[1])
    (problem,) = [p for p in err.value.problems if p.severity == "error"]
    assert (problem.sheet, problem.row, problem.column) == ("Sessions", row, "start")
    assert value in problem.message


@pytest.mark.parametrize("typed", ["mon", "ma", "Maandag", "lundi"])
def test_days_typed_by_hand_are_read_like_the_term_reader(files, typed):
    row = session_row(files[1], "MO-ar-1", "Tue")
    edit(files[1], "Sessions", row, "day", typed)
    tt = read_timetable(files[1])
    moved = [s for s in tt.solution.sessions if s.group == "MO-ar-1"]
    assert [s.day for s in moved] == ["Mon"]
    assert tt.edited  # the digest no longer matches
    assert any(p.column == "digest" and "edited by hand" in p.message for p in tt.warnings)


def test_intake_week_outside_the_term_is_refused(files):
    edit(files[1], "Intakes", 2, "week", 99)
    with pytest.raises(WorkbookError) as err:
        read_timetable(files[1])
    (problem,) = [p for p in err.value.problems if p.severity == "error"]
    assert (problem.sheet, problem.row, problem.column) == ("Intakes", 2, "week")
    assert "outside the term" in problem.message


def test_term_sheet_without_its_columns(files):
    wb = load_workbook(files[1])
    wb["Term"].delete_cols(12, 4)  # date, day, week, closed
    wb.save(files[1])
    with pytest.raises(WorkbookError) as err:
        read_timetable(files[1])
    missing = {p.column for p in err.value.problems if p.severity == "error"}
    assert missing == {"date", "day", "week", "closed"}
    assert all(p.sheet == "Term" for p in err.value.problems)


def test_derived_cells_that_differ_are_warnings(files):
    row = session_row(files[1], "MO-ar-1", "Tue")
    edit(files[1], "Sessions", row, "end", "11:00")
    edit(files[1], "Sessions", row, "size", 7)
    tt = read_timetable(files[1])
    where = {(p.sheet, p.row, p.column) for p in tt.warnings}
    assert ("Sessions", row, "end") in where
    assert ("Sessions", row, "size") in where


@pytest.mark.parametrize("name", ["tt.xlsx.bak", "tt.csv", "timetable"])
def test_files_are_recognised_by_content(files, tmp_path, name):
    copy = shutil.copy(files[1], tmp_path / name)
    assert read_timetable(copy).solution.sessions


def test_a_text_file_named_xlsx_is_refused(tmp_path):
    fake = tmp_path / "tt.xlsx"
    fake.write_text("group,course\nNT2-1,NT2\n")
    with pytest.raises(UnreadableFileError, match="text file"):
        read_timetable(fake)


def test_a_term_workbook_is_not_a_timetable(files):
    with pytest.raises(SchedulerError, match="not a timetable workbook"):
        read_timetable(files[0])


def test_a_timetable_of_another_term_is_refused(files):
    tt = read_timetable(files[1])
    other = tiny_data()
    other = other.replace(settings=dataclasses.replace(other.settings, prison="Other prison"))
    with pytest.raises(SchedulerError, match="not of this term") as err:
        same_term(tt, other)
    assert str(err.value).count(".") <= 2  # one sentence (dates have no dots)
    same_term(tt, tiny_data())


def test_check_passes_a_valid_timetable(files):
    result = CliRunner().invoke(main, ["check", str(files[0]), str(files[1])])
    assert result.exit_code == 0, result.output
    assert "every rule holds" in result.output


def test_check_names_the_regime_row_of_a_group_moved_onto_work_time(files):
    # NT2-1.1-1 (section A) moved from Wed P1 to Mon P1: regime R1 has A at work Mon 08:30-10:30.
    row = session_row(files[1], "NT2-1.1-1", "Wed")
    edit(files[1], "Sessions", row, "day", "ma")
    result = CliRunner().invoke(main, ["check", str(files[0]), str(files[1])])
    assert result.exit_code == 3, result.output
    assert "learner_regime" in result.output
    assert "Regimes, row 2 (R1 Mon 08:30-10:30 work) blocks NT2-1.1-1 on Mon P1" in result.output
    assert "L0001" in result.output


def test_check_refuses_an_unreadable_cell_with_exit_2(files):
    edit(files[1], "Internet", 2, "period", "P9")
    result = CliRunner().invoke(main, ["check", str(files[0]), str(files[1])])
    assert result.exit_code == 2
    assert "Internet, row 2, column period" in result.output


def test_check_refuses_a_timetable_of_another_term(files, tmp_path):
    other = tiny_data()
    other = other.replace(settings=dataclasses.replace(other.settings, prison="Elsewhere"))
    term = write_workbook(other, tmp_path / "other.xlsx")
    result = CliRunner().invoke(main, ["check", str(term), str(files[1])])
    assert result.exit_code == 2
    assert "not of this term" in result.output


def test_identity_and_history_are_written(files):
    wb = load_workbook(files[1], read_only=True)
    keys = {r[0]: r[1] for r in wb["Term"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert keys["valid_from"].date() == tiny_data().settings.term_start
    assert keys["generator"].startswith("scheduler ")
    assert keys["language"] == "nl"
    assert keys["completion_share"] == 0.8
    assert len(keys["digest"]) == 64
    members = list(wb["Memberships"].iter_rows(values_only=True))
    assert members[0] == ("group", "learner", "from", "to")
    assert len(members) - 1 == sum(g.size for g in tiny_solution().groups)
    for sheet in ("Sessions", "Intakes", "Internet"):
        header = next(wb[sheet].iter_rows(values_only=True))
        assert "valid_from" in header and "valid_to" in header
    tt = read_timetable(files[1])
    assert tt.term.valid_from == tiny_data().settings.term_start
    assert all(s.dated.valid_to is None for s in tt.sessions)
    assert len(tt.memberships) == len(members) - 1


def test_groups_members_edited_by_hand_count_and_memberships_disagree(files):
    ws = load_workbook(files[1], read_only=True)["Groups"]
    row = next(r for r, v in enumerate(ws.iter_rows(values_only=True), 1) if v[0] == "MO-ar-1")
    edit(files[1], "Groups", row, "members", "L0002")
    tt = read_timetable(files[1])
    assert tt.solution.group_by_id()["MO-ar-1"].members == ("L0002",)
    assert any((p.sheet, p.row, p.column) == ("Groups", row, "members") for p in tt.warnings)
    assert any((p.sheet, p.row, p.column) == ("Groups", row, "size") for p in tt.warnings)


def test_a_membership_ending_before_it_starts_is_refused(files):
    edit(files[1], "Memberships", 2, "to", "2027-01-10")
    with pytest.raises(WorkbookError) as err:
        read_timetable(files[1])
    assert [(p.sheet, p.row, p.column) for p in err.value.problems if p.severity == "error"] == [
        ("Memberships", 2, "to")
    ]


def test_check_names_the_regime_row_of_an_intake_moved_onto_visit_time(files):
    # L0002 (section B) has their intake on week 1 Mon P1; regime R2 has B at visits 13:00-14:00.
    edit(files[1], "Intakes", 2, "period", "P3")
    result = CliRunner().invoke(main, ["check", str(files[0]), str(files[1])])
    assert result.exit_code == 3, result.output
    assert "blocks the intake of L0002 (week 1) on Mon P3 for section B (L0002)" in result.output


def test_a_timetable_written_before_memberships_and_dates_is_read(files):
    wb = load_workbook(files[1])
    del wb["Memberships"]
    for name in ("Sessions", "Intakes", "Internet"):
        ws = wb[name]
        header = [c.value for c in ws[1]]
        for column in ("valid_to", "valid_from"):
            ws.delete_cols(header.index(column) + 1)
            header.remove(column)
    term = wb["Term"]
    for r in range(term.max_row, 1, -1):
        if term.cell(row=r, column=1).value in ("valid_from", "generator", "digest"):
            term.cell(row=r, column=1).value = None
            term.cell(row=r, column=2).value = None
    wb.save(files[1])
    tt = read_timetable(files[1])
    assert set(tt.solution.sessions) == set(tiny_solution().sessions)
    assert tt.term.valid_from == tiny_data().settings.term_start
    assert {(m.group, m.learner) for m in tt.memberships} == {
        (g.group, m) for g in tiny_solution().groups for m in g.members
    }
    assert not tt.edited


def test_a_staff_member_changed_on_groups_teaches_every_session(files):
    ws = load_workbook(files[1], read_only=True)["Groups"]
    row = next(r for r, v in enumerate(ws.iter_rows(values_only=True), 1) if v[0] == "MO-ar-1")
    edit(files[1], "Groups", row, "staff", "M2")
    tt = read_timetable(files[1])
    assert {s.staff for s in tt.solution.sessions if s.group == "MO-ar-1"} == {"M2"}
    session = session_row(files[1], "MO-ar-1", "Tue")
    assert ("Sessions", session, "staff") in {(p.sheet, p.row, p.column) for p in tt.warnings}
