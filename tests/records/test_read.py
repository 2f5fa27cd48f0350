"""Reading filled registers: every problem named by sheet and cell, tolerant of harmless edits."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from scheduler.records.read import RecordError, read_registers
from scheduler.records.registers import write_registers
from scheduler.records.timetable import read_plan
from tests.records.helpers import with_memberships


@pytest.fixture(scope="module")
def blank(tiny_timetable, tmp_path_factory):
    out = tmp_path_factory.mktemp("blank") / "tiny-registers.xlsx"
    return write_registers(read_plan(tiny_timetable), out)


def edited(blank, tmp_path, edits: dict[str, dict[str, object]]):
    """A copy of the blank registers with ``{sheet: {cell: value}}`` written."""
    wb = load_workbook(blank)
    for sheet, cells in edits.items():
        for ref, value in cells.items():
            wb[sheet][ref] = value
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    return path


NT2 = "NT2-1.1-1"
# (edits, the message expected; one comment per case)
BROKEN = [
    # an unknown code
    ({NT2: {"C10": "X"}}, f"Sheet {NT2}, cell C10: 'X' is not an attendance code"),
    # P on a session the teacher marked as not held
    (
        {NT2: {"D9": "strike", "D11": "P"}},
        f"Sheet {NT2}, cell D11: P on a session marked held = strike",
    ),
    # a learner who is not a member of the group
    (
        {NT2: {"A11": "L0099"}},
        f"Sheet {NT2}, cell A11: learner L0099 is not a member of group {NT2}",
    ),
    # the same learner twice
    ({NT2: {"A11": "L0001"}}, f"Sheet {NT2}, cell A11: learner L0001 appears twice"),
    # a date column outside the term
    (
        {NT2: {"I8": "2027-05-04 13:00"}},
        f"Sheet {NT2}, cell I8: the date 2027-05-04 is not in the term",
    ),
    # a date in the term, but not a session of this group
    (
        {NT2: {"I8": "2027-01-14 13:00"}},
        f"Sheet {NT2}, cell I8: 2027-01-14 13:00 is not a session of group {NT2}",
    ),
    # a heading that is no date at all
    ({NT2: {"I8": "extra"}}, f"Sheet {NT2}, cell I8: 'extra' is not a session date"),
    # a session's column overwritten: the session is missing
    ({NT2: {"B8": None}}, f"Sheet {NT2}, row 8: the column of session 2027-01-12 13:00 is missing"),
    # held left blank
    ({NT2: {"E9": None}}, f"Sheet {NT2}, cell E9: blank is not a value of held"),
    # held with an unknown cause
    ({NT2: {"E9": "maybe"}}, f"Sheet {NT2}, cell E9: 'maybe' is not a value of held"),
    # the held row removed
    ({NT2: {"A9": "L0009"}}, f"Sheet {NT2}, cell A9: expected 'held'"),
    # the header cell removed
    ({NT2: {"A8": "name"}}, f"Sheet {NT2}: no cell 'learner' in column A"),
    # an intake held value that is neither yes nor no
    ({"Intakes": {"F9": "perhaps"}}, "Sheet Intakes, cell F9: 'perhaps' is not a value of held"),
    # an intake that was not planned
    ({"Intakes": {"A9": "L0005"}}, "Sheet Intakes, cell A9: no intake of L0005 on 2027-01-11"),
]


@pytest.mark.parametrize(("edits", "message"), BROKEN)
def test_each_problem_names_sheet_and_cell(blank, tmp_path, edits, message):
    path = edited(blank, tmp_path, edits)
    with pytest.raises(RecordError) as err:
        read_registers([path])
    lines = err.value.problems[str(path)]
    assert any(line.startswith(message) for line in lines), lines


def test_a_code_in_a_grey_cell_is_refused(tiny_timetable, tmp_path):
    rows = [
        ("NT2-1.1-1", x, "2027-01-11", "2027-01-19" if x == "L0003" else None)
        for x in ("L0001", "L0003", "L0004")
    ]
    with_memberships(tiny_timetable, rows, tmp_path / "t.xlsx")
    regs = write_registers(read_plan(tmp_path / "t.xlsx"), tmp_path / "r.xlsx")
    path = edited(regs, tmp_path, {NT2: {"E11": "P"}})  # L0003 on 2027-01-26
    with pytest.raises(RecordError) as err:
        read_registers([path])
    assert err.value.problems[str(path)] == [
        f"Sheet {NT2}, cell E11: L0003 was not a member of {NT2} on 2027-01-26 (a grey cell); "
        "clear it"
    ]


def test_every_problem_of_every_file_is_reported(blank, tmp_path):
    first = edited(blank, tmp_path, {NT2: {"B10": "Q", "C11": "Z"}})
    second = tmp_path / "second.xlsx"
    first.rename(second)
    third = edited(blank, tmp_path, {"MO-ar-1": {"B10": "?"}})
    with pytest.raises(RecordError) as err:
        read_registers([second, third])
    assert len(err.value.problems[str(second)]) == 2
    assert len(err.value.problems[str(third)]) == 1


def test_codes_are_read_case_insensitively(blank, tmp_path):
    path = edited(blank, tmp_path, {NT2: {"B10": "p", "C10": " a ", "D10": "s"}})
    (reg,) = read_registers([path])
    codes = next(g for g in reg.groups if g.group.group == NT2).codes
    assert codes == {
        ("2027-01-12 13:00", "L0001"): "P",
        ("2027-01-13 08:30", "L0001"): "A",
        ("2027-01-19 13:00", "L0001"): "S",
    }


def test_inserted_columns_and_reordered_rows_do_not_matter(blank, tmp_path):
    wb = load_workbook(blank)
    ws = wb[NT2]
    ws.protection.sheet = False
    ws.insert_cols(3)  # a blank column between the first and the second date
    ws["A10"], ws["A12"] = "L0004", "L0001"  # rows swapped: codes follow the ids
    ws["B12"], ws["D10"] = "P", "R"
    wb.save(tmp_path / "moved.xlsx")
    (reg,) = read_registers([tmp_path / "moved.xlsx"])
    codes = next(g for g in reg.groups if g.group.group == NT2).codes
    assert codes == {("2027-01-12 13:00", "L0001"): "P", ("2027-01-13 08:30", "L0004"): "R"}


def test_held_causes_and_intakes_are_read(blank, tmp_path):
    path = edited(blank, tmp_path, {NT2: {"C9": "Staff Absent"}, "Intakes": {"F9": "yes"}})
    (reg,) = read_registers([path])
    held = next(g for g in reg.groups if g.group.group == NT2).held
    assert held["2027-01-13 08:30"] == "staff absent"
    assert held["2027-01-12 13:00"] == "yes"
    assert reg.intakes == {("L0002", dt.date(2027, 1, 11)): True}


def test_not_a_register(tmp_path, tiny_timetable):
    with pytest.raises(RecordError) as err:
        read_registers([tiny_timetable])
    assert "has no sheet _register" in err.value.problems[str(tiny_timetable)][0]


def test_a_renamed_sheet_is_reported(blank, tmp_path):
    wb = load_workbook(blank)
    wb["MO-ar-1"].title = "MO Arabic"
    wb.save(tmp_path / "renamed.xlsx")
    with pytest.raises(RecordError) as err:
        read_registers([tmp_path / "renamed.xlsx"])
    assert err.value.problems[str(tmp_path / "renamed.xlsx")] == [
        "Sheet MO Arabic: not a group of these registers (was the sheet renamed?); give it back "
        "its group id as name, or record it from its own registers"
    ]


def test_a_blank_row_under_the_header_is_named(blank, tmp_path):
    wb = load_workbook(blank)
    ws = wb[NT2]
    ws.protection.sheet = False
    ws.insert_rows(9)
    wb.save(tmp_path / "gap.xlsx")
    with pytest.raises(RecordError) as err:
        read_registers([tmp_path / "gap.xlsx"])
    assert err.value.problems[str(tmp_path / "gap.xlsx")][0].startswith(
        f"Sheet {NT2}, cell A9: expected 'held'"
    )


CELLS = [f"{c}{r}" for c in "BCDEFGH" for r in (10, 11, 12)]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(CELLS),
        st.sampled_from(["P", "a", " e ", "S", "r", "X", "pp", "0", "present"]),
        max_size=8,
    )
)
def test_any_codes_are_read_or_named_by_cell(blank, tmp_path_factory, cells):
    """Valid codes in any case are read; anything else is named by its exact cell."""
    path = edited(blank, tmp_path_factory.mktemp("h"), {NT2: cells})
    valid = {ref: v.strip().upper() for ref, v in cells.items() if v.strip().upper() in "PAESR"}
    bad = sorted(set(cells) - set(valid))
    labels = dict(zip("BCDEFGH", NT2_LABELS, strict=True))
    learners = {10: "L0001", 11: "L0003", 12: "L0004"}
    if bad:
        with pytest.raises(RecordError) as err:
            read_registers([path])
        named = sorted(
            line.split(", cell ")[1].split(":")[0] for line in err.value.problems[str(path)]
        )
        assert named == bad
        return
    (reg,) = read_registers([path])
    codes = next(g for g in reg.groups if g.group.group == NT2).codes
    assert codes == {(labels[ref[0]], learners[int(ref[1:])]): v for ref, v in valid.items()}


NT2_LABELS = [
    "2027-01-12 13:00", "2027-01-13 08:30", "2027-01-19 13:00", "2027-01-26 13:00",
    "2027-01-27 08:30", "2027-02-02 13:00", "2027-02-03 08:30",
]  # fmt: skip
