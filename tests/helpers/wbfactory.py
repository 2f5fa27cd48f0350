"""Small input workbooks for tests, built from plain Python tables.

``base_sheets()`` is a realistic tiny term as ``{sheet: [header, *rows]}``: two sections with
their regimes, six periods, a classroom, a computer lab with internet seats and an interview
room, internet windows, a teacher, a trainer and a counsellor, three courses (NT2 1.1, NT2 1.2,
MO in Arabic), ten learners and one row on every optional sheet. It validates with no error
and no warning. The helpers change one thing (a cell, a column, a sheet, a row) and ``write``
saves the tables as an .xlsx file.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from scheduler.workbook.contract import SHEETS

Sheets = dict[str, list[list[Any]]]


def header(sheet: str) -> list[str]:
    """The columns of ``sheet`` in contract order."""
    return list(SHEETS[sheet].names)


BASE: Sheets = {
    "Settings": [
        ["key", "value"],
        ["prison", "Gevangenis Teststad"],
        ["term_start", dt.date(2027, 1, 11)],
        ["term_end", dt.date(2027, 4, 30)],
        ["teaching_days", "Mon,Tue,Wed,Thu,Fri"],
        ["max_groups_moving", 3],
        ["time_limit_s", 10],
        ["seed", 0],
        ["intake_periods", 1],
        ["intake_weeks", 2],
    ],
    "Periods": [
        ["period", "start", "end"],
        ["P1", "08:30", "09:20"],
        ["P2", "09:25", "10:15"],
        ["P3", "10:20", "11:10"],
        ["P4", "13:00", "13:50"],
        ["P5", "13:55", "14:45"],
        ["P6", "14:50", "15:40"],
    ],
    "ClosedDays": [
        ["date", "reason", "sections"],
        [dt.date(2027, 2, 9), "strike", None],
        [dt.date(2027, 4, 5), "holiday", None],
    ],
    "Sections": [
        ["section", "name", "regime", "gender", "status", "zone"],
        ["A", "A wing", "R-A", "M", "sentenced", "north"],
        ["B", "B wing", "R-B", "M", "remand", "south"],
    ],
    "Regimes": [
        ["regime", "day", "start", "end", "activity"],
        ["R-A", "all", "12:00", "13:00", "meal"],
        ["R-A", "Mon", "08:30", "11:10", "work"],
        ["R-B", "all", "12:00", "13:00", "meal"],
        ["R-B", "Wed", "13:00", "14:00", "visit"],
    ],
    "Separations": [
        ["a", "b", "reason"],
        ["A", "B", "remand/sentenced"],
        ["L0001", "L0003", "co-accused"],
    ],
    "Rooms": [
        ["room", "name", "kind", "seats", "internet_seats", "zone", "sections"],
        ["C1", "Classroom 1", "classroom", 12, 0, "north", None],
        ["LAB", "Computer lab", "computer_lab", 10, 6, "north", None],
        ["I1", "Interview room", "interview", 2, 0, "south", None],
    ],
    "RoomUnavailability": [
        ["room", "day", "start", "end", "reason"],
        ["C1", "Fri", "13:00", "15:40", "chapel"],
    ],
    "InternetWindows": [
        ["day", "start", "end"],
        ["Tue", "13:00", "15:40"],
        ["Thu", "08:30", "11:10"],
    ],
    "Staff": [
        header("Staff"),
        ["T1", "NT2 teacher", "nt2_teacher", "CVO", None, "nl,fr", 20, "Mon,Tue,Wed"],
        ["M1", "MO trainer", "mo_trainer", "Agentschap", "MO-ar", "ar,fr", 12, "Thu,Fri"],
        ["S1", "Counsellor", "counsellor", "Agentschap", None, "ar,fr,en", None, None],
    ],
    "StaffAvailability": [
        ["staff", "day", "start", "end"],
        ["T1", "Mon", "08:30", "15:40"],
    ],
    "Courses": [
        header("Courses"),
        ["NT2-1.1", "NT2", "NT2 1.1", "1.1", "nl", 3, 2, 60, 3, 10, 1, None],
        ["NT2-1.2", "NT2", "NT2 1.2", "1.2", "nl", 2, 2, 40, 2, 10, 0, None],
        ["MO-ar", "MO", "MO Arabic", None, "ar", 2, 2, 40, 2, 10, 0, 2],
    ],
    "Learners": [
        header("Learners"),
        ["L0001", "A", "ar", "1.1", "NT2", "no", 1, 3, None, None],
        ["L0002", "B", "ar", None, "MO", "yes", 0, 4, None, None],
        ["L0003", "A", "fr", "1.1", "NT2", "no", 0, 3, None, dt.date(2027, 3, 1)],
        ["L0004", "A", "ar,fr", "1.1", "NT2,MO", "no", 0, 3, dt.date(2027, 1, 18), None],
        ["L0005", "B", "ar", "1.2", "NT2", "no", 1, 2, None, None],
        ["L0006", "A", "en", None, "NT2", "yes", 0, 5, None, None],
        ["L0007", "B", "ar", "1.2", "NT2", "no", 0, 3, None, None],
        ["L0008", "A", "fr", "1.1", "NT2", "no", 2, 3, None, None],
        ["L0009", "B", "ar", None, "MO", "no", 0, 3, None, None],
        ["L0010", "A", "ar", "1.2", "NT2,MO", "no", 0, 1, None, dt.date(2027, 3, 15)],
    ],
    "LearnerUnavailability": [
        ["learner", "day", "start", "end", "reason"],
        ["L0005", "Wed", "08:30", "11:10", "court hearing"],
    ],
    "Locks": [
        ["kind", "course", "group", "day", "period", "room", "staff"],
        ["session", "MO-ar", "MO-ar-1", "Thu", "P1", "C1", "M1"],
    ],
    "Weights": [
        ["key", "value"],
        ["served", 100],
        ["intake", 60],
    ],
    "Scenarios": [
        ["scenario", "sheet", "key", "column", "value", "action"],
        ["bigger-lab", "Rooms", "LAB", "internet_seats", "8", "set"],
        [
            "second-teacher",
            "Staff",
            None,
            None,
            "staff=T2; name=Teacher 2; role=nt2_teacher; days=Thu,Fri",
            "add",
        ],
        ["no-strike", "ClosedDays", "2027-02-09", None, None, "remove"],
    ],
}


def base_sheets() -> Sheets:
    """A fresh copy of the valid base term."""
    return copy.deepcopy(BASE)


def column_index(sheets: Sheets, sheet: str, column: str) -> int:
    return sheets[sheet][0].index(column)


def row_of(sheets: Sheets, sheet: str, key: Any) -> int:
    """The Excel row of the first row of ``sheet`` whose first cell is ``key``."""
    for i, values in enumerate(sheets[sheet]):
        if i > 0 and values and values[0] == key:
            return i + 1
    raise KeyError(f"{sheet} has no row {key!r}")


def set_cell(sheets: Sheets, sheet: str, row: int, column: str, value: Any) -> Sheets:
    """Set the cell of Excel row ``row`` (2 = first data row) in ``column``."""
    index = column_index(sheets, sheet, column)
    values = sheets[sheet][row - 1]
    values.extend([None] * (index + 1 - len(values)))
    values[index] = value
    return sheets


def delete_sheet(sheets: Sheets, sheet: str) -> Sheets:
    del sheets[sheet]
    return sheets


def delete_column(sheets: Sheets, sheet: str, column: str) -> Sheets:
    index = column_index(sheets, sheet, column)
    for values in sheets[sheet]:
        if index < len(values):
            del values[index]
    return sheets


def append_row(sheets: Sheets, sheet: str, values: dict[str, Any] | list[Any]) -> int:
    """Add a row (a list in column order, or column -> value); returns its Excel row."""
    header = sheets[sheet][0]
    if isinstance(values, dict):
        values = [values.get(column) for column in header]
    sheets[sheet].append(list(values))
    return len(sheets[sheet])


def write(sheets: Sheets, path: str | Path) -> Path:
    """Save the tables as an .xlsx workbook; text stays text (never a formula)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = TYPE_STRING
    path = Path(path)
    wb.save(path)
    return path


def blank_sheets() -> Sheets:
    """Every sheet of the base term with its header only: what a blank template holds."""
    return {name: [list(rows[0])] for name, rows in BASE.items()}
