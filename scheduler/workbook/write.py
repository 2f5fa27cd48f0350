"""Write a ProblemData as an input workbook, in exactly the form of the workbook contract.

``SHEETS`` is the layout of the contract (sheet name -> column names, in order), taken from
``scheduler.workbook.contract``; the blank template and the tests reuse it. Values are written the
way a coordinator would type them:
times as ``HH:MM`` text, dates as Excel dates, lists comma-separated, flags as ``yes``/``no``,
missing values as blank cells. Text is always stored as text (a name starting with ``=`` never
becomes a formula) and the file is saved atomically.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.data import (
    ACTIVITIES,
    CLOSED_REASONS,
    COURSE_KINDS,
    DAYS,
    DEFAULT_WEIGHTS,
    GENDERS,
    LOCK_KINDS,
    ROOM_KINDS,
    SCENARIO_ACTIONS,
    STAFF_ROLES,
    STATUSES,
    ProblemData,
    Settings,
    fmt_time,
)
from scheduler.excel import empty_workbook, save_atomic, write_table
from scheduler.workbook.contract import SETTINGS_KINDS
from scheduler.workbook.contract import SHEETS as CONTRACT

# The layout of the contract (sheet name -> column names, in order), from its one table.
SHEETS: dict[str, tuple[str, ...]] = {name: spec.names for name, spec in CONTRACT.items()}

# Sheets a coordinator may leave out; write_workbook writes them only when they have rows.
# Weights is optional too but always written, so that the weights in force are visible.
OPTIONAL_SHEETS: frozenset[str] = frozenset(n for n, spec in CONTRACT.items() if spec.optional)

SETTINGS_KEYS: tuple[str, ...] = tuple(SETTINGS_KINDS)

YES_NO: tuple[str, str] = ("yes", "no")

# Fixed vocabularies of single-value columns: (sheet, column) -> allowed values. List columns
# (``Staff.days``, ``Learners.wants``) hold several values and so get no dropdown.
VOCABULARIES: dict[tuple[str, str], tuple[str, ...]] = {
    ("ClosedDays", "reason"): CLOSED_REASONS,
    ("Sections", "gender"): GENDERS,
    ("Sections", "status"): STATUSES,
    ("Regimes", "day"): (*DAYS, "all"),
    ("Regimes", "activity"): ACTIVITIES,
    ("Rooms", "kind"): ROOM_KINDS,
    ("RoomUnavailability", "day"): DAYS,
    ("InternetWindows", "day"): DAYS,
    ("Staff", "role"): STAFF_ROLES,
    ("StaffAvailability", "day"): DAYS,
    ("Courses", "kind"): COURSE_KINDS,
    ("Learners", "intake"): YES_NO,
    ("LearnerUnavailability", "day"): DAYS,
    ("Locks", "kind"): LOCK_KINDS,
    ("Locks", "day"): DAYS,
    ("Scenarios", "action"): SCENARIO_ACTIONS,
}

# Dropdowns cover every data row Excel can hold, so rows added later get them too.
_LAST_ROW = 1_048_576


def add_dropdowns(ws: Worksheet, sheet: str) -> None:
    """Attach an Excel list validation to every column of ``sheet`` with a fixed vocabulary.

    Blank cells stay allowed (optional columns); a value outside the list is refused by Excel
    with a message naming the allowed values.
    """
    columns = SHEETS[sheet]
    for (name, column), values in VOCABULARIES.items():
        if name != sheet:
            continue
        letter = get_column_letter(columns.index(column) + 1)
        allowed = ", ".join(values)
        dv = DataValidation(
            type="list",
            formula1=f'"{",".join(values)}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f"{sheet}.{column}",
            error=f"Choose one of: {allowed}",
            promptTitle=column,
            prompt=f"One of: {allowed}",
            showInputMessage=True,
        )
        dv.add(f"{letter}2:{letter}{_LAST_ROW}")
        ws.add_data_validation(dv)


def _text(value: str | None) -> str | None:
    """Blank cell for an empty or missing text."""
    return value if value else None


def _list(values: Sequence[str]) -> str | None:
    return ",".join(values) if values else None


def excel_number(value: float | int | None) -> float | int | None:
    """Whole numbers as integers, so that ``120.0`` shows as ``120``."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def settings_rows(settings: Settings) -> list[tuple[str, Any]]:
    """The Settings sheet as (key, value) rows; an unset optional value is a blank cell."""
    values: dict[str, Any] = {
        "prison": _text(settings.prison),
        "term_start": settings.term_start,
        "term_end": settings.term_end,
        "teaching_days": _list(settings.teaching_days),
        "max_groups_moving": settings.max_groups_moving,
        "time_limit_s": excel_number(settings.time_limit_s),
        "seed": settings.seed,
        "intake_periods": settings.intake_periods,
        "intake_weeks": settings.intake_weeks,
        "language": settings.language,
        "completion_share": excel_number(settings.completion_share),
    }
    return [(key, values[key]) for key in SETTINGS_KEYS]


def weight_rows(weights: Mapping[str, float]) -> list[tuple[str, Any]]:
    """The Weights sheet: documented keys in their documented order, then any others."""
    keys = [k for k in DEFAULT_WEIGHTS if k in weights]
    keys += [k for k in weights if k not in DEFAULT_WEIGHTS]
    return [(k, excel_number(weights[k])) for k in keys]


def _block(day: str, start: int, end: int) -> tuple[str, str, str]:
    return day, fmt_time(start), fmt_time(end)


# Per sheet: how one record becomes one row, in the order of SHEETS[sheet].
_ROW: dict[str, Callable[[Any], tuple]] = {
    "Periods": lambda p: (p.period, fmt_time(p.start), fmt_time(p.end)),
    "ClosedDays": lambda c: (c.date, _text(c.reason), _list(c.sections)),
    "Sections": lambda s: (
        s.section,
        _text(s.name),
        s.regime,
        _text(s.gender),
        _text(s.status),
        _text(s.zone),
    ),
    "Regimes": lambda r: (r.regime, *_block(r.day, r.start, r.end), _text(r.activity)),
    "Separations": lambda s: (s.a, s.b, _text(s.reason)),
    "Rooms": lambda r: (
        r.room,
        _text(r.name),
        r.kind,
        r.seats,
        r.internet_seats,
        _text(r.zone),
        _list(r.sections),
    ),
    "RoomUnavailability": lambda u: (u.room, *_block(u.day, u.start, u.end), _text(u.reason)),
    "InternetWindows": lambda w: _block(w.day, w.start, w.end),
    "Staff": lambda s: (
        s.staff,
        _text(s.name),
        s.role,
        _text(s.organisation),
        _list(s.teaches),
        _list(s.languages),
        s.max_periods_per_week,
        _list(s.days),
    ),
    "StaffAvailability": lambda a: (a.staff, *_block(a.day, a.start, a.end)),
    "Courses": lambda c: (
        c.course,
        c.kind,
        _text(c.name),
        _text(c.level),
        _text(c.language),
        c.sessions_per_week,
        c.session_periods,
        excel_number(c.total_hours),
        c.min_size,
        c.max_size,
        c.internet_sessions,
        c.max_groups,
    ),
    "Learners": lambda x: (
        x.learner,
        x.section,
        _list(x.languages),
        _text(x.nt2_level),
        _list(x.wants),
        _yes_no(x.intake),
        x.internet_periods,
        x.priority,
        x.arrival,
        x.release,
    ),
    "LearnerUnavailability": lambda u: (
        u.learner,
        *_block(u.day, u.start, u.end),
        _text(u.reason),
    ),
    "Locks": lambda k: (k.kind, k.course, k.group, k.day, k.period, k.room, k.staff, k.learner),
    "Scenarios": lambda s: (
        s.scenario,
        s.sheet,
        _text(s.key),
        _text(s.column),
        _text(s.value),
        s.action,
    ),
}


def sheet_rows(data: ProblemData) -> dict[str, list[tuple]]:
    """Every sheet of ``data`` as rows of cell values, keyed by sheet name in contract order."""
    records: dict[str, Iterable[Any]] = {
        "Periods": data.periods,
        "ClosedDays": data.closed_days,
        "Sections": data.sections,
        "Regimes": data.regimes,
        "Separations": data.separations,
        "Rooms": data.rooms,
        "RoomUnavailability": data.room_unavailability,
        "InternetWindows": data.internet_windows,
        "Staff": data.staff,
        "StaffAvailability": data.staff_availability,
        "Courses": data.courses,
        "Learners": data.learners,
        "LearnerUnavailability": data.learner_unavailability,
        "Locks": data.locks,
        "Scenarios": data.scenarios,
    }
    out: dict[str, list[tuple]] = {}
    for sheet in SHEETS:
        if sheet == "Settings":
            out[sheet] = settings_rows(data.settings)
        elif sheet == "Weights":
            out[sheet] = weight_rows(data.weights)
        else:
            out[sheet] = [_ROW[sheet](record) for record in records[sheet]]
    return out


def write_workbook(data: ProblemData, path: str | os.PathLike) -> Path:
    """Write ``data`` as an input workbook at ``path`` and return the path.

    Required sheets are always written (with only their header when empty); optional sheets
    only when they have rows, except Weights, which always shows the weights in force.
    """
    wb = empty_workbook()
    for sheet, rows in sheet_rows(data).items():
        if sheet in OPTIONAL_SHEETS and sheet != "Weights" and not rows:
            continue
        ws = wb.create_sheet(sheet)
        write_table(ws, SHEETS[sheet], rows)
        add_dropdowns(ws, sheet)
    return save_atomic(wb, path)
