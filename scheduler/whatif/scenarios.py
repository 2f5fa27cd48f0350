"""What-if scenarios: one patched ProblemData per scenario, never touching the base.

A scenario is a list of patch rows (``ScenarioRow``), from the Scenarios sheet or made by a
shortcut (``--add-room``, ``--close``, ``--staff-day``, ``--internet``). Patches are applied to
the base term *as the cells a coordinator types*: the base is turned into sheet rows
(``scheduler.workbook.write.sheet_rows``), each patch changes, adds or drops cells, and the reader
(``scheduler.workbook.read.build``) reads the patched rows back. Every value therefore means exactly
what
it would mean typed into the workbook, with the same parsers, defaults and messages. Only the
sheets a scenario touches are taken from the re-read term (``ProblemData.replace``); the others
stay the base's own records.

The key of a ``set`` or ``remove`` row is the value of the first column, or ``col=value;
col=value`` pairs that pick every row where all pairs hold. Values are compared as the column
reads them, so ``day=tue; start=13.00`` picks the row typed ``Tue``, ``13:00``. A patch that
picks no row, or names an unknown sheet or column, is a Problem on the Scenarios sheet; a
patched term is validated again, and its problems carry the scenario's name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from scheduler.data import ProblemData, ScenarioRow, fmt_time
from scheduler.errors import Problem, SchedulerError, WorkbookError
from scheduler.i18n import _
from scheduler.term import weekday
from scheduler.workbook.cells import (
    DATE,
    DAY,
    INT,
    ROOM_KIND,
    TIME,
    CellError,
    Kind,
    as_text,
    is_blank,
    norm,
)
from scheduler.workbook.contract import SHEETS, TABLE_FIELDS
from scheduler.workbook.read import RawSheet, build, suggest
from scheduler.workbook.validate import Context, errors, validate
from scheduler.workbook.validate import _pairs as key_pairs
from scheduler.workbook.validate import scenarios as check_scenario_rows
from scheduler.workbook.write import SHEETS as LAYOUT
from scheduler.workbook.write import sheet_rows

BASE = "base"
KEY_VALUE_SHEETS = ("Settings", "Weights")

Cells = tuple[Any, ...]
Rows = list[tuple[int | None, Cells]]  # (Excel row of the base, or None when added; cells)


class ShortcutError(SchedulerError):
    """A shortcut option (``--add-room`` ...) that cannot be understood or changes nothing."""


@dataclass(frozen=True)
class Scenario:
    """One what-if: its name, the patched term, one plain line per patch and the warnings the
    patched term has that the base has not."""

    name: str
    data: ProblemData
    changes: tuple[str, ...]
    warnings: tuple[Problem, ...] = ()


def scenario_names(data: ProblemData) -> list[str]:
    """The scenario names of ``data``, in the order of their first row."""
    return list(dict.fromkeys(row.scenario for row in data.scenarios))


def build_scenarios(data: ProblemData, names: Iterable[str] | None = None) -> list[Scenario]:
    """One Scenario per name (default: every scenario of ``data``), in sheet order.

    Raises WorkbookError with every problem found: patch rows naming an unknown sheet, row or
    column, values that do not fit, and errors of each patched term (prefixed with the
    scenario's name). Raises SchedulerError for a name that is not a scenario of ``data``.
    """
    known = scenario_names(data)
    wanted = known if names is None else list(names)
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise SchedulerError(_unknown_scenario(unknown[0], known))
    problems = errors(check_scenario_rows(Context(data)))
    if problems:
        raise WorkbookError(problems)
    # What the base already has is the base's to fix (read_workbook refuses base errors);
    # a scenario reports only what its patches bring.
    in_base = {_gist(p) for p in validate(data.replace(scenarios=()))}
    built = []
    for name in wanted:
        scenario, found = _build_one(data, name, in_base)
        problems += found
        built.append(scenario)
    if problems:
        raise WorkbookError(problems)
    return built


def _unknown_scenario(name: str, known: Sequence[str]) -> str:
    if not known:
        return _("there is no scenario {name}: the workbook has no Scenarios rows", name=repr(name))
    return _(
        "there is no scenario {name}{hint}; the scenarios are {names}",
        name=repr(name),
        hint=suggest(name, known),
        names=", ".join(known),
    )


def _gist(problem: Problem) -> tuple[str, str | None, str]:
    """What a problem says regardless of its row (added rows have none)."""
    return problem.sheet, problem.column, problem.message


def _build_one(data: ProblemData, name: str, in_base: set[tuple]) -> tuple[Scenario, list[Problem]]:
    """The patched term of scenario ``name`` and its errors (named after the scenario)."""
    rows = [r for r in data.scenarios if r.scenario == name]
    patched, found = apply_rows(data, rows)
    new = [p for p in validate(patched.replace(scenarios=())) if _gist(p) not in in_base]
    problems = [_named(name, p) for p in found + errors(new)]
    warnings = tuple(_named(name, p) for p in new if p.severity != "error")
    changes = tuple(describe(r) for r in rows)
    patched = _unnumbered(patched.replace(scenarios=()))
    return Scenario(name, patched, changes, warnings), problems


def _unnumbered(data: ProblemData) -> ProblemData:
    """``data`` with the rows a scenario added given no row number again (their negative
    number only served to report their problems at the Scenarios row)."""
    changes: dict[str, Any] = {}
    for fld in TABLE_FIELDS.values():
        records = getattr(data, fld)
        if any(r.row is not None and r.row < 0 for r in records):
            changes[fld] = tuple(
                dataclasses.replace(r, row=None) if r.row is not None and r.row < 0 else r
                for r in records
            )
    return data.replace(**changes) if changes else data


def _named(name: str, problem: Problem) -> Problem:
    """``problem`` prefixed with the scenario's name; a problem of a row the scenario added
    (a negative row, see _add) is moved to that Scenarios row, naming the sheet and column."""
    if problem.row is not None and problem.row < 0:
        column = problem.column and _("column {column}", column=problem.column)
        where = ", ".join(x for x in (problem.sheet, column) if x)
        return Problem(
            "Scenarios",
            -problem.row,
            "value",
            _(
                "in scenario {name}: the row it adds to {where}: {message}",
                name=name,
                where=where,
                message=problem.message,
            ),
            problem.severity,
        )
    return Problem(
        problem.sheet,
        problem.row,
        problem.column,
        _("in scenario {name}: {message}", name=name, message=problem.message),
        problem.severity,
    )


def describe(row: ScenarioRow) -> str:
    """One patch row in plain words, e.g. ``Staff T02: set days = Mon,Tue,Fri``."""
    if row.action == "add":
        return _("{sheet}: add {value}", sheet=row.sheet, value=row.value)
    where = f"{row.sheet} {row.key}"
    if row.action == "remove":
        return _("{where}: remove", where=where)
    column = row.column or "value"
    return _("{where}: set {column} = {value}", where=where, column=column, value=row.value)


# ---------------------------------------------------------------------------------------------
# Applying patch rows to the cells of the base
# ---------------------------------------------------------------------------------------------


def apply_rows(data: ProblemData, rows: Sequence[ScenarioRow]) -> tuple[ProblemData, list[Problem]]:
    """``data`` with ``rows`` applied in order, and the problems found on the way.

    Only the sheets the rows touch are replaced; ``data`` itself is never changed.
    """
    sheets = _numbered_rows(data)
    problems: list[Problem] = []
    touched: set[str] = set()
    for row in rows:
        found = _apply(sheets, row)
        problems += found
        if not found:
            touched.add(row.sheet)
    if not touched:
        return data, problems
    # A row without an Excel row (Settings, Weights, data built in code) is read with row None,
    # which the records keep as they are: build() never computes with the number.
    raw = [
        RawSheet(sheet, LAYOUT[sheet], tuple(cells))  # type: ignore[arg-type]
        for sheet, cells in sheets.items()
    ]
    reread, collected = build(raw)
    problems += [p for p in collected.problems if p.sheet in touched and p.severity == "error"]
    return data.replace(**_changed_fields(reread, touched)), problems


def _numbered_rows(data: ProblemData) -> dict[str, Rows]:
    """Every sheet of ``data`` as cells, each row with the Excel row its record came from
    (None for Settings and Weights, whose records keep no row, and for data built in code)."""
    out: dict[str, Rows] = {}
    for sheet, rows in sheet_rows(data).items():
        records = getattr(data, TABLE_FIELDS[sheet]) if sheet in TABLE_FIELDS else ()
        numbers = [r.row for r in records] if len(records) == len(rows) else [None] * len(rows)
        out[sheet] = list(zip(numbers, rows, strict=True))
    return out


def _changed_fields(reread: ProblemData, touched: set[str]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for sheet in touched:
        field = TABLE_FIELDS.get(sheet) or sheet.lower()  # Settings -> settings, Weights -> weights
        changes[field] = getattr(reread, field)
    return changes


def _problem(row: ScenarioRow, column: str, message: str) -> Problem:
    return Problem("Scenarios", row.row, column, message)


def _apply(sheets: dict[str, Rows], row: ScenarioRow) -> list[Problem]:
    """Apply one patch row to ``sheets`` in place; the problems that stop it, if any."""
    if row.sheet not in LAYOUT or row.sheet == "Scenarios":
        options = [s for s in LAYOUT if s != "Scenarios"]
        return [
            _problem(
                row,
                "sheet",
                _(
                    "{sheet} is not a sheet a scenario can change{hint}",
                    sheet=repr(row.sheet),
                    hint=suggest(row.sheet, options),
                ),
            )
        ]
    if row.action == "add":
        return _add(sheets, row)
    picked = _picked(sheets[row.sheet], row)
    if isinstance(picked, Problem):
        return [picked]
    if row.action == "remove":
        sheets[row.sheet] = [r for i, r in enumerate(sheets[row.sheet]) if i not in picked]
        return []
    if row.action == "set":
        return _set(sheets[row.sheet], row, picked)
    return [
        _problem(row, "action", _("{action} is not set, add or remove", action=repr(row.action)))
    ]


def _column_index(sheet: str, name: str) -> int | None:
    """Position of column ``name`` in ``sheet`` (matched as the reader matches headers)."""
    spec = SHEETS[sheet].column(name)
    return None if spec is None else LAYOUT[sheet].index(spec.name)


def _same(sheet: str, index: int, cell: Any, text: str) -> bool:
    """The cell holds ``text`` as its column reads it (``tue`` is ``Tue``, ``13.00`` is 13:00)."""
    if is_blank(text) or is_blank(cell):
        return is_blank(text) and is_blank(cell)
    if sheet in KEY_VALUE_SHEETS and index == 0:
        return norm(as_text(cell)) == norm(text)
    kind = SHEETS[sheet].columns[index].kind
    try:
        return kind.read(cell) == kind.read(text)
    except CellError:
        return as_text(cell) == text.strip()


def _picked(rows: Rows, row: ScenarioRow) -> set[int] | Problem:
    """Indexes of the rows ``row.key`` picks, or the Problem saying why it picks none."""
    if is_blank(row.key):
        return _problem(
            row,
            "key",
            _(
                "{action} needs a key: the first column's value, or col=value pairs",
                action=row.action,
            ),
        )
    pairs = key_pairs(row.key) if "=" in row.key else [(LAYOUT[row.sheet][0], row.key)]
    if pairs is None:
        return _problem(
            row,
            "key",
            _("{key} is neither an id nor col=value; col=value pairs", key=repr(row.key)),
        )
    wanted = []
    for column, text in pairs:
        index = _column_index(row.sheet, column)
        if index is None:
            return _problem(
                row,
                "key",
                _(
                    "{column} is not a column of {sheet}{hint}",
                    column=repr(column),
                    sheet=row.sheet,
                    hint=suggest(column, LAYOUT[row.sheet]),
                ),
            )
        wanted.append((index, text))
    picked = {
        i
        for i, (_, cells) in enumerate(rows)
        if all(_same(row.sheet, k, cells[k] if k < len(cells) else None, t) for k, t in wanted)
    }
    if not picked:
        return _problem(
            row,
            "key",
            _(
                "no row of {sheet} matches {key}; check the key against the sheet",
                sheet=row.sheet,
                key=repr(row.key),
            ),
        )
    return picked


def _not_a_column(column: str, sheet: str, layout: Sequence[str]) -> str:
    return _(
        "{column} is not a column of {sheet}{hint}; the columns are {columns}",
        column=repr(column),
        sheet=sheet,
        hint=suggest(column, layout),
        columns=", ".join(layout),
    )


def _set(rows: Rows, row: ScenarioRow, picked: set[int]) -> list[Problem]:
    """Change one cell of every picked row."""
    column = row.column or ("value" if row.sheet in KEY_VALUE_SHEETS else "")
    index = _column_index(row.sheet, column) if column else None
    if index is None:
        layout = LAYOUT[row.sheet]
        return [
            _problem(
                row,
                "column",
                _not_a_column(row.column, row.sheet, layout),
            )
        ]
    value = None if is_blank(row.value) else row.value
    for i in picked:
        number, cells = rows[i]
        cells = tuple(cells) + (None,) * (len(LAYOUT[row.sheet]) - len(cells))
        rows[i] = (number, cells[:index] + (value,) + cells[index + 1 :])
    return []


def _add(sheets: dict[str, Rows], row: ScenarioRow) -> list[Problem]:
    """Append the row given as ``col=value; col=value`` (on Settings and Weights, a key that is
    already there gets the new value instead: those sheets hold each key once)."""
    layout = LAYOUT[row.sheet]
    pairs = key_pairs(row.value)
    if pairs is None:
        return [_problem(row, "value", _("add needs the new row as column=value; column=value"))]
    cells: list[Any] = [None] * len(layout)
    for column, text in pairs:
        index = _column_index(row.sheet, column)
        if index is None:
            return [
                _problem(
                    row,
                    "value",
                    _not_a_column(column, row.sheet, layout),
                )
            ]
        cells[index] = None if is_blank(text) else text
    rows = sheets[row.sheet]
    if row.sheet in KEY_VALUE_SHEETS and not is_blank(cells[0]):
        rows[:] = [r for r in rows if not _same(row.sheet, 0, r[1][0], str(cells[0]))]
    # An added row has no row of its own sheet; its problems must point at the Scenarios row
    # that adds it, so it carries that row's number, negated (see _named).
    rows.append((-row.row if row.row else None, tuple(cells)))
    return []


# ---------------------------------------------------------------------------------------------
# Shortcuts: one option value -> the patch rows of one named scenario
# ---------------------------------------------------------------------------------------------


def with_shortcuts(
    data: ProblemData,
    add_room: Sequence[str] = (),
    close: Sequence[str] = (),
    staff_day: Sequence[str] = (),
    internet: Sequence[str] = (),
) -> ProblemData:
    """``data`` with one more scenario per shortcut value, after the Scenarios sheet's own.

    ``add_room``: ``KIND:SEATS`` or ``KIND:SEATS:INTERNET_SEATS``; ``close``: ``DATE`` or
    ``DATE..DATE``; ``staff_day``: ``STAFF:DAY``; ``internet``: ``DAY:START-END``. Raises
    ShortcutError naming the option when a value cannot be understood or changes nothing.
    """
    makers = (
        ("--add-room", add_room, add_room_rows),
        ("--close", close, close_rows),
        ("--staff-day", staff_day, staff_day_rows),
        ("--internet", internet, internet_rows),
    )
    taken = set(scenario_names(data))
    rows = list(data.scenarios)
    for option, values, make in makers:
        for text in values:
            try:
                name, patch = make(data, text)
            except ValueError as exc:  # CellError included: the parsers say what to type
                raise ShortcutError(f"{option} {text}: {exc}") from None
            name = _unique(name, taken)
            rows += [ScenarioRow(name, r.sheet, r.key, r.column, r.value, r.action) for r in patch]
    return data.replace(scenarios=tuple(rows))


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``, ``name-3`` ... when a scenario already has it."""
    out, n = name, 2
    while out in taken or norm(out) == BASE:
        out, n = f"{name}-{n}", n + 1
    taken.add(out)
    return out


def _read(kind: Kind, text: str) -> Any:
    """``text`` read as a cell of ``kind``; the message names the part that is wrong."""
    try:
        return kind.read(text)
    except CellError as exc:
        raise ValueError(f"{text.strip()!r} {exc}") from None


def add_room_rows(data: ProblemData, text: str) -> tuple[str, list[ScenarioRow]]:
    """``classroom:12`` -> scenario ``add-classroom-12`` adding room CL4 (the next free id of
    that kind's prefix) with 12 seats, open to every section. A third part gives a lab's
    internet seats (``computer_lab:10:6``)."""
    parts = [p.strip() for p in text.split(":")]
    if len(parts) not in (2, 3) or not all(parts):
        raise ValueError(_("write it as KIND:SEATS, e.g. classroom:12"))
    kind, seats = _read(ROOM_KIND, parts[0]), _read(INT, parts[1])
    internet = _read(INT, parts[2]) if len(parts) == 3 else 0
    if seats < 1 or internet < 0 or internet > seats:
        raise ValueError(_("seats must be at least 1, internet seats between 0 and the seats"))
    room = _new_room_id(data, kind)
    value = (
        f"room={room}; name=Extra {kind.replace('_', ' ')} (what-if); kind={kind}; "
        f"seats={seats}; internet_seats={internet}"
    )
    name = f"add-{kind.replace('_', '-')}-{seats}"
    return name, [ScenarioRow(name, "Rooms", "", "", value, "add")]


_ROOM_PREFIX = {"classroom": "CL", "computer_lab": "LAB", "interview": "IR"}


def _new_room_id(data: ProblemData, kind: str) -> str:
    """The next number after the most common prefix of this kind's room ids (``CL4``)."""
    numbered = [re.match(r"^(.*?)(\d+)$", r.room) for r in data.rooms if r.kind == kind]
    prefixes = Counter(m[1] for m in numbered if m)
    prefix = prefixes.most_common(1)[0][0] if prefixes else _ROOM_PREFIX[kind]
    taken = {r.room for r in data.rooms}
    n = 1 + max((int(m[2]) for m in numbered if m and m[1] == prefix), default=0)
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def close_rows(data: ProblemData, text: str) -> tuple[str, list[ScenarioRow]]:
    """``2027-03-15..2027-03-19`` -> scenario ``close-2027-03-15-to-2027-03-19`` closing every
    teaching day of the range inside the term (reason ``other``, the whole prison)."""
    first_text, dots, last_text = text.strip().partition("..")
    if dots and not last_text.strip():
        raise ValueError(_("write it as DATE or DATE..DATE, e.g. 2027-03-15..2027-03-19"))
    first = _read(DATE, first_text)
    last = _read(DATE, last_text) if dots else first
    if last < first:
        raise ValueError(
            _("the range ends ({last}) before it starts ({first})", last=last, first=first)
        )
    s = data.settings
    closed = {c.date for c in data.closed_days if not c.sections}
    dates = [
        first + dt.timedelta(days=k)
        for k in range((last - first).days + 1)
        if s.term_start <= first + dt.timedelta(days=k) <= s.term_end
    ]
    dates = [d for d in dates if weekday(d) in data.teaching_days and d not in closed]
    if not dates:
        raise ValueError(
            _(
                "no open teaching day of the term ({start} to {end}) lies in it",
                start=s.term_start,
                end=s.term_end,
            )
        )
    name = f"close-{first}" + (f"-to-{last}" if last != first else "")
    return name, [
        ScenarioRow(name, "ClosedDays", "", "", f"date={d.isoformat()}; reason=other", "add")
        for d in dates
    ]


def _not_teaching(data: ProblemData, day: str) -> str:
    return _("{day} is not a teaching day ({days})", day=day, days=",".join(data.teaching_days))


def staff_day_rows(data: ProblemData, text: str) -> tuple[str, list[ScenarioRow]]:
    """``T02:Fri`` -> scenario ``staff-day-T02-Fri``: Fri is added to T02's days, and when T02
    has StaffAvailability windows, a window over the whole teaching day is added for Fri."""
    staff_id, _colon, day_text = (part.strip() for part in text.partition(":"))
    if not staff_id or not day_text:
        raise ValueError(_("write it as STAFF:DAY, e.g. T02:Fri"))
    member = data.staff_by_id.get(staff_id)
    if member is None:
        raise ValueError(
            _(
                "no staff member {staff} on Staff{hint}",
                staff=repr(staff_id),
                hint=suggest(staff_id, data.staff_by_id),
            )
        )
    day = _read(DAY, day_text)
    if day not in data.teaching_days:
        raise ValueError(_not_teaching(data, day))
    name = f"staff-day-{staff_id}-{day}"
    rows = []
    if member.days and day not in member.days:
        days = ",".join(d for d in data.teaching_days if d in member.days or d == day)
        rows.append(ScenarioRow(name, "Staff", staff_id, "days", days, "set"))
    windows = [a for a in data.staff_availability if a.staff == staff_id]
    if windows and not any(a.day == day for a in windows):
        start, end = fmt_time(data.periods[0].start), fmt_time(data.periods[-1].end)
        value = f"staff={staff_id}; day={day}; start={start}; end={end}"
        rows.append(ScenarioRow(name, "StaffAvailability", "", "", value, "add"))
    if not rows:
        raise ValueError(
            _("{staff} can already teach on {day}; nothing would change", staff=staff_id, day=day)
        )
    return name, rows


# A day name (letters, maybe a dot: "di."), a colon, then two times around a hyphen.
_WINDOW = re.compile(r"^\s*([^\W\d_]+\.?)\s*:\s*([^-]+?)\s*-\s*([^-]+?)\s*$")


def internet_rows(data: ProblemData, text: str) -> tuple[str, list[ScenarioRow]]:
    """``Tue:12:00-16:00`` -> scenario ``internet-Tue-1200-1600``: internet is on from 12:00 to
    16:00 on Tuesday; the Tuesday windows this one overlaps or touches are replaced by it."""
    parts = _WINDOW.match(text)
    if parts is None:
        raise ValueError(_("write it as DAY:START-END, e.g. Tue:12:00-16:00"))
    day, start, end = _read(DAY, parts[1]), _read(TIME, parts[2]), _read(TIME, parts[3])
    if start >= end:
        raise ValueError(
            _(
                "the window ends ({end}) before it starts ({start})",
                end=fmt_time(end),
                start=fmt_time(start),
            )
        )
    if day not in data.teaching_days:
        raise ValueError(_not_teaching(data, day))
    if any(w.day == day and (w.start, w.end) == (start, end) for w in data.internet_windows):
        raise ValueError(_("that window is already on InternetWindows; nothing would change"))
    name = f"internet-{day}-{fmt_time(start).replace(':', '')}-{fmt_time(end).replace(':', '')}"
    replaced = [
        w for w in data.internet_windows if w.day == day and w.start <= end and w.end >= start
    ]
    rows = [
        ScenarioRow(
            name,
            "InternetWindows",
            f"day={day}; start={fmt_time(w.start)}; end={fmt_time(w.end)}",
            "",
            "",
            "remove",
        )
        for w in replaced
    ]
    value = f"day={day}; start={fmt_time(start)}; end={fmt_time(end)}"
    rows.append(ScenarioRow(name, "InternetWindows", "", "", value, "add"))
    return name, rows


__all__ = [
    "BASE",
    "Scenario",
    "ShortcutError",
    "add_room_rows",
    "apply_rows",
    "build_scenarios",
    "close_rows",
    "describe",
    "internet_rows",
    "scenario_names",
    "staff_day_rows",
    "with_shortcuts",
]
