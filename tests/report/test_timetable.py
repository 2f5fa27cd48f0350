"""The timetable workbook: re-open what was written and check every sheet."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zipfile

import pytest
from openpyxl import load_workbook

from scheduler.errors import SchedulerError
from scheduler.report.timetable import (
    GROUP_COLUMNS,
    INTAKE_COLUMNS,
    INTERNET_COLUMNS,
    LEARNER_COLUMNS,
    SESSION_COLUMNS,
    WAITING_COLUMNS,
    Item,
    item_text,
    write_timetable,
)
from scheduler.solution import Result
from scheduler.verify import RULES
from tests.helpers.timetable_fixture import tiny_data, tiny_result

SHEETS = [
    "Overview", "Week", "Rooms", "Staff", "Sections", "Groups", "Memberships", "Learners",
    "Sessions", "Intakes", "Internet", "Waiting", "Diagnostics", "Term",
]  # fmt: skip
CHECKS: list = []  # where the Diagnostics sheet is not what a test looks at


def _records(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _header(ws) -> list[str]:
    return [c.value for c in ws[1]]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    path = tmp_path_factory.mktemp("out") / "tiny-timetable.xlsx"
    write_timetable(tiny_data(), tiny_result(), path)  # checks from scheduler.verify
    return path, load_workbook(path)


def test_every_sheet_is_there_in_order(written):
    assert written[1].sheetnames == SHEETS


@pytest.mark.parametrize(
    "sheet, columns",
    [
        ("Sessions", SESSION_COLUMNS),
        ("Groups", GROUP_COLUMNS),
        ("Intakes", INTAKE_COLUMNS),
        ("Internet", INTERNET_COLUMNS),
        ("Waiting", WAITING_COLUMNS),
        ("Learners", LEARNER_COLUMNS),
        ("Diagnostics", ["rule", "violations", "description"]),
    ],
)
def test_machine_readable_sheets_start_with_the_contract_columns(written, sheet, columns):
    ws = written[1][sheet]
    assert _header(ws)[: len(columns)] == columns
    assert ws.freeze_panes == "A2"


def test_contract_columns_are_exactly_exports_md():
    assert (
        SESSION_COLUMNS
        == "group course day period periods start end room staff size internet".split()
    )
    assert WAITING_COLUMNS == [
        "learner",
        "wants",
        "reason",
        "reason_code",
        "unblock",
        "unblock_check",
    ]
    assert LEARNER_COLUMNS == (
        "learner section asked placed groups intake internet_periods waiting_reason".split()
    )


def test_sessions_rows(written):
    rows = {(r["group"], r["day"]): r for r in _records(written[1]["Sessions"])}
    assert len(rows) == 3
    mo = rows[("MO-ar-1", "Tue")]
    assert (mo["period"], mo["periods"], mo["start"], mo["end"]) == ("P1", 2, "08:30", "10:30")
    assert (mo["room"], mo["staff"], mo["size"], mo["internet"], mo["sections"]) == (
        "C1", "M1", 2, "no", "B",
    )  # fmt: skip


def test_groups_learners_intakes_internet_waiting(written):
    wb = written[1]
    groups = {r["group"]: r for r in _records(wb["Groups"])}
    assert groups["NT2-1.1-1"]["members"] == "L0001, L0003, L0004"
    assert groups["NT2-1.1-1"]["hours_in_term"] == 14
    learners = {r["learner"]: r for r in _records(wb["Learners"])}
    assert learners["L0004"]["placed"] == "NT2"
    assert learners["L0004"]["asked"] == "NT2, MO"
    assert learners["L0008"]["waiting_reason"].startswith("NT2: all NT2 1.1 groups full (1 × 3);")
    assert learners["L0001"]["internet_periods"] == 1
    assert learners["L0002"]["intake"].startswith("2027-01-11 Mon 08:30 I1 C1")
    (intake,) = _records(wb["Intakes"])
    assert (intake["learner"], intake["week"], intake["day"], intake["language"]) == (
        "L0002",
        1,
        "Mon",
        "ar",
    )
    assert intake["date"].date() == dt.date(2027, 1, 11)
    internet = _records(wb["Internet"])
    assert {(r["learner"], r["day"], r["period"], r["room"]) for r in internet} == {
        ("L0001", "Tue", "P1", "LAB"),
        ("L0008", "Tue", "P2", "LAB"),
    }
    waiting = {(r["learner"], r["wants"]): r["reason_code"] for r in _records(wb["Waiting"])}
    assert waiting[("L0007", "NT2")] == "no_group_at_level"
    assert len(waiting) == 6


def test_diagnostics_lists_every_rule_of_the_verifier_with_zero(written):
    rows = _records(written[1]["Diagnostics"])
    assert [r["rule"] for r in rows] == [rule for rule, _ in RULES]
    assert all(r["violations"] == 0 and r["description"] for r in rows)
    assert written[1]["Diagnostics"]["B2"].fill.fgColor.rgb.endswith("D9EAD3")


def test_diagnostics_show_a_broken_rule_with_its_details(tmp_path):
    result = tiny_result()
    sol = result.solution
    # MO-ar-1 moved onto NT2-1.1-1's Tuesday afternoon in the same room.
    moved = dataclasses.replace(sol.sessions[2], period="P3")
    result = dataclasses.replace(
        result, solution=dataclasses.replace(sol, sessions=sol.sessions[:2] + (moved,))
    )
    wb = load_workbook(write_timetable(tiny_data(), result, tmp_path / "t.xlsx"))
    rows = {r["rule"]: r for r in _records(wb["Diagnostics"])}
    assert rows["room_clash"]["violations"] > 0
    assert "C1" in rows["room_clash"]["details"]
    assert rows["group_size"]["violations"] == 0


def test_overview_figures_and_native_chart(written):
    path, wb = written
    values = {
        r[0]: r[1] for r in wb["Overview"].iter_rows(min_row=3, max_col=2, values_only=True) if r[0]
    }
    assert values["status"] == "feasible"
    assert values["objective"] == 1234
    assert values["NT2 placed"] == 3
    assert values["waiting capacity"] == 1
    assert values["agency ar expected hours"] == 36
    assert values["room use % C1"] == 33.3
    shares = {r[0]: r[2] for r in wb["Overview"].iter_rows(min_row=3, max_col=3, values_only=True)}
    assert shares["NT2 placed"] == pytest.approx(3 / 6)  # 3 of the 6 who asked for NT2
    assert shares["intakes held"] == pytest.approx(1 / 2)
    assert shares["NT2 asked"] is None
    with zipfile.ZipFile(path) as z:
        chart = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert chart and b"<barChart>" in z.read(chart[0])


def test_week_grid_lists_sessions_and_shows_free_cells(written):
    ws = written[1]["Week"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert "NT2 1.1 (NT2-1.1-1) · C1 · T1" in cells
    assert cells["free"].fill.fgColor.rgb.endswith("F2F2F2")
    # Two kinds in one cell: each line is marked with a square in its kind's colour.
    assert "■ MO Arabic (MO-ar-1) · C1 · M1\n■ internet · LAB · 1 seat in use" in cells
    assert any("intake wk 1: L0002 · I1 · C1" == v for v in cells)
    # The two-period Wednesday session is one merged cell.
    assert any(str(r).startswith("D") for r in ws.merged_cells.ranges)
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1


def test_rooms_and_staff_blocks(written):
    wb = written[1]
    rooms = [c.value for row in wb["Rooms"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "Room C1 — Class 1 (classroom, 4 seats)" in rooms
    assert "not available: chapel" in rooms
    staff = [c.value for row in wb["Staff"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "intake wk 1: L0002 · I1" in staff
    assert "not on site" in staff  # T1 comes Mon-Wed only
    # The legend (rows 1-2 for five days) is printed on every room's and staff member's page.
    assert wb["Rooms"].print_title_rows == wb["Staff"].print_title_rows == "$1:$2"


def test_a_session_on_internet_seats_says_so_in_the_grids():
    item = Item("NT2", "Tue", 0, 2, "LAB", "T1", "NT2-1.1-1", "NT2 1.1", internet=True)
    assert item_text(item) == "NT2 1.1 (NT2-1.1-1) · internet · LAB · T1"
    plain = dataclasses.replace(item, internet=False)
    assert item_text(plain) == "NT2 1.1 (NT2-1.1-1) · LAB · T1"


def test_sections_are_for_the_notice_board_without_learner_ids(written):
    ws = written[1]["Sections"]
    text = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    ids = {lr.learner for lr in tiny_data().learners}
    assert not [t for t in text if any(i in t for i in ids) or re.search(r"L\d{4}", t)]
    joined = "\n".join(text)
    for word in ("maandag", "lundi", "Monday", "الاثنين", "Lesrooster", "Emploi du temps"):
        assert word in joined
    assert "NT2 1.1 · C1 · 13:00–15:00" in joined
    assert "MO Arabic · C1 · 08:30–10:30" in joined
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape"
    assert len(ws.row_breaks.brk) == 2  # one page per section


def test_term_sheet_carries_the_calendar(written):
    ws = written[1]["Term"]
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    facts = {r[0]: r[1] for r in rows[1:] if r[0]}
    assert facts["prison"] == "Test prison" and facts["time_zone"] == "Europe/Brussels"
    col = header.index("date")
    closed = {r[col].date(): r[col + 3] for r in rows[1:] if r[col]}
    assert len(closed) == 20
    assert closed[dt.date(2027, 1, 20)] == "all"
    assert closed[dt.date(2027, 1, 26)] == "B"
    assert closed[dt.date(2027, 1, 27)] is None
    periods = [r[header.index("period") : header.index("period") + 3] for r in rows[1:5]]
    assert periods[0] == ("P1", "08:30", "09:30")
    # Counts stay numbers; only dates are shown as dates.
    cells = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2) for r in range(2, 10)}
    assert cells["weeks"].value == 4 and cells["weeks"].number_format == "General"
    assert cells["term_start"].number_format == "yyyy-mm-dd"


def _renamed(result, room: str, staff: str):
    """The fixture's timetable with room C1 and staff T1 renamed."""
    sol = result.solution
    sessions = tuple(
        dataclasses.replace(
            s, room=room if s.room == "C1" else s.room, staff=staff if s.staff == "T1" else s.staff
        )
        for s in sol.sessions
    )
    groups = tuple(
        dataclasses.replace(g, staff=staff if g.staff == "T1" else g.staff) for g in sol.groups
    )
    result = dataclasses.replace(
        result, solution=dataclasses.replace(sol, sessions=sessions, groups=groups)
    )
    return result


def test_input_text_is_never_a_formula(tmp_path):
    data = tiny_data()
    data = data.replace(
        settings=dataclasses.replace(data.settings, prison='=HYPERLINK("x")'),
        courses=tuple(dataclasses.replace(c, name="=1+1") for c in data.courses),
        rooms=tuple(
            dataclasses.replace(r, room="+SUM(A1)") if r.room == "C1" else r for r in data.rooms
        ),
        staff=tuple(
            dataclasses.replace(s, staff="@cmd") if s.staff == "T1" else s for s in data.staff
        ),
        sections=tuple(dataclasses.replace(s, name="-2+3") for s in data.sections),
    )
    result = _renamed(tiny_result(), "+SUM(A1)", "@cmd")
    path = write_timetable(data, result, tmp_path / "t.xlsx", CHECKS)
    wb = load_workbook(path)
    seen = set()
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.data_type == "s"
                    seen.add(cell.value)
    assert {"=1+1", "+SUM(A1)", "@cmd"} <= seen
    assert any(v.startswith("=HYPERLINK") for v in seen)
    sessions = _records(wb["Sessions"])
    assert {r["room"] for r in sessions} == {"+SUM(A1)"}
    assert "@cmd" in {r["staff"] for r in sessions}


def test_no_timetable_raises_and_writes_nothing(tmp_path):
    with pytest.raises(SchedulerError, match="no timetable"):
        write_timetable(tiny_data(), Result(status="infeasible"), tmp_path / "t.xlsx", CHECKS)
    assert list(tmp_path.iterdir()) == []


def test_interrupted_save_leaves_no_partial_file(tmp_path, monkeypatch):
    from openpyxl import Workbook

    def interrupted(self, filename):
        filename.write(b"PK half a workbook")  # save_atomic saves to memory first
        raise KeyboardInterrupt

    monkeypatch.setattr(Workbook, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_timetable(tiny_data(), tiny_result(), tmp_path / "t.xlsx", CHECKS)
    assert list(tmp_path.iterdir()) == []


def test_a_real_solve_of_the_tiny_term_is_written_and_explained(tmp_path):
    from scheduler.search.solve import solve

    data = tiny_data()
    result = solve(data, time_limit=2, seed=0, workers=1)
    assert result.status == "optimal"
    wb = load_workbook(write_timetable(data, result, tmp_path / "real.xlsx"))
    assert len(_records(wb["Sessions"])) == len(result.solution.sessions)
    assert [r["violations"] for r in _records(wb["Diagnostics"])] == [0] * len(RULES)
    waiting = {(r["learner"], r["wants"]): r["reason_code"] for r in _records(wb["Waiting"])}
    # Optimal: every learner who can be placed is; the rest wait for a true reason.
    assert waiting == {
        ("L0004", "MO"): "separation",
        ("L0006", "NT2"): "needs_intake",
        ("L0006", "intake"): "other",
        ("L0007", "NT2"): "no_group_at_level",
    }
