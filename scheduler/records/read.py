"""Reading filled registers back, every cell checked.

``read_registers(paths)`` returns one FilledRegister per file, or raises RecordError listing
every problem found in every file, each as ``Sheet NT2-1.1-2, cell F7: ...``. The reader needs
only the registers workbook: the hidden ``_register`` sheet says which group each sheet is,
which sessions and members it has. It finds the table by the ``learner`` cell in column A
(rows 1-20) and maps date columns by their heading, so inserted blank columns or reordered
learner rows do not matter. Codes are read case-insensitively.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from scheduler.errors import SchedulerError, UnreadableFileError
from scheduler.records.hidden import SHEET, read_plan_rows
from scheduler.records.plan import CODES, HELD_VALUES, GroupInfo, RegisterPlan, SessionDate
from scheduler.workbook.read import RawSheet, load_sheets

HEADER_SEARCH_ROWS = 20


class RecordError(SchedulerError):
    """Filled registers with problems; ``problems`` maps each file to its messages."""

    def __init__(self, problems: dict[str, list[str]]):
        self.problems = problems
        count = sum(len(v) for v in problems.values())
        super().__init__(f"{count} problem(s) in the registers; nothing was recorded")


@dataclass(frozen=True)
class GroupRecords:
    """What one group's sheet says: per session label, held (True) or the cause; per
    (session label, learner) the code written (blanks left out)."""

    group: GroupInfo
    held: dict[str, str]
    codes: dict[tuple[str, str], str]


@dataclass(frozen=True)
class FilledRegister:
    """One filled registers workbook: its plan, the groups whose sheets it has, and for each
    planned intake (learner, date) whether it was held (None: not filled in)."""

    path: Path
    plan: RegisterPlan
    groups: list[GroupRecords]
    intakes: dict[tuple[str, dt.date], bool | None] = field(default_factory=dict)


def cell_name(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else " ".join(str(value).split())


def read_registers(paths: Sequence[str | os.PathLike]) -> list[FilledRegister]:
    """Every file read and checked; RecordError with all problems when any has one."""
    out, problems = [], {}
    for path in paths:
        found: list[str] = []
        register = read_register(Path(path), found)
        if found:
            problems[str(path)] = found
        elif register is not None:
            out.append(register)
    if problems:
        raise RecordError(problems)
    return out


def read_register(path: Path, problems: list[str]) -> FilledRegister | None:
    """One registers workbook; problems are appended to ``problems``. A file that is no
    workbook at all raises UnreadableFileError (one sentence)."""
    try:
        sheets = {raw.title: _dense(raw) for raw in load_sheets(path)}
    except UnreadableFileError as exc:
        raise UnreadableFileError(f"{exc}; give registers printed by scheduler registers") from None
    if SHEET not in sheets:
        problems.append(
            f"the workbook has no sheet {SHEET}, so it is not a register printed by "
            "scheduler registers (or the sheet was deleted); print the registers again"
        )
        return None
    plan = read_plan_rows(sheets[SHEET])
    problems.extend(_unknown_sheets(sheets, plan))
    groups = [
        read_group(sheets[group.sheet], plan, group, problems)
        for group in plan.groups
        if group.sheet in sheets
    ]
    intakes = read_intakes(sheets["Intakes"], plan, problems) if "Intakes" in sheets else {}
    return FilledRegister(path, plan, groups, intakes)


def _first(values: list[Any]) -> Any:
    return values[0] if values else None


def _unknown_sheets(sheets: dict[str, list[list[Any]]], plan: RegisterPlan) -> list[str]:
    """Sheets with a register table that ``_register`` does not know (renamed or copied in):
    their codes would otherwise be lost without a word."""
    known = {g.sheet for g in plan.groups} | {SHEET, "Intakes"}
    out = []
    for title, rows in sheets.items():
        if title not in known and any(_text(_first(r)).lower() == "learner" for r in rows[:20]):
            out.append(
                f"Sheet {title}: not a group of these registers (was the sheet renamed?); "
                "give it back its group id as name, or record it from its own registers"
            )
    return out


def _dense(raw: RawSheet) -> list[list[Any]]:
    """The sheet's rows by position (index = Excel row - 1), blank rows as empty lists."""
    out: list[list[Any]] = [list(raw.header)]
    for number, values in raw.rows:
        out.extend([] for _ in range(number - 1 - len(out)))
        out.append(list(values))
    return out


def _header_row(rows: list[list[Any]], sheet: str, problems: list[str]) -> int | None:
    """The index (0-based) of the row whose column A says ``learner``."""
    for r, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if values and _text(values[0]).lower() == "learner":
            return r
    problems.append(
        f"Sheet {sheet}: no cell 'learner' in column A (rows 1-{HEADER_SEARCH_ROWS}), so the "
        "table cannot be found; put back the header row or print the register again"
    )
    return None


def read_group(
    rows: list[list[Any]], plan: RegisterPlan, group: GroupInfo, problems: list[str]
) -> GroupRecords:
    """The held row and the codes of one group's sheet, every cell checked."""
    sheet = group.sheet
    empty = GroupRecords(group, {}, {})
    top = _header_row(rows, sheet, problems)
    if top is None:
        return empty
    columns = _date_columns(rows[top], top, plan, group, problems)
    if top + 1 >= len(rows) or _text(_first(rows[top + 1])).lower() != "held":
        problems.append(
            f"Sheet {sheet}, cell A{top + 2}: expected 'held' (the row under the header says "
            "whether each session took place); put it back"
        )
        return empty
    held = _held_row(rows[top + 1], top + 1, columns, sheet, problems)
    codes = _learner_rows(rows, top + 2, columns, held, plan, group, problems)
    return GroupRecords(group, held, codes)


def _date_columns(
    header: list[Any], r: int, plan: RegisterPlan, group: GroupInfo, problems: list[str]
) -> dict[int, SessionDate]:
    """Column index (0-based) -> session, from the header row's headings."""
    sessions = {s.label: s for s in plan.sessions_of(group.group)}
    columns: dict[int, SessionDate] = {}
    seen: dict[str, int] = {}
    for c, value in enumerate(header[1:], start=1):
        label = _text(value)
        if not label:
            continue
        where = f"Sheet {group.sheet}, cell {cell_name(r + 1, c + 1)}"
        if label in seen:
            problems.append(
                f"{where}: {label} is also the heading of column "
                f"{get_column_letter(seen[label] + 1)}; each session has one column"
            )
        elif label in sessions:
            columns[c] = sessions[label]
            seen[label] = c
        else:
            problems.append(f"{where}: {_unknown_heading(label, plan, group)}")
    for label, session in sessions.items():
        if label not in seen:
            problems.append(
                f"Sheet {group.sheet}, row {r + 1}: the column of session {session.label} is "
                "missing; put it back (leave its cells blank if nothing was recorded)"
            )
    return columns


def _unknown_heading(label: str, plan: RegisterPlan, group: GroupInfo) -> str:
    try:
        date = dt.date.fromisoformat(label[:10])
    except ValueError:
        return f"{label!r} is not a session date (YYYY-MM-DD HH:MM); clear the heading"
    if not plan.term_start <= date <= plan.term_end:
        return (
            f"the date {date} is not in the term ({plan.term_start} – {plan.term_end}); "
            "this column does not belong in this register"
        )
    return (
        f"{label} is not a session of group {group.group} between {plan.first} and "
        f"{plan.last}; remove the column or use the register printed for those dates"
    )


def _held_row(
    values: list[Any], r: int, columns: dict[int, SessionDate], sheet: str, problems: list[str]
) -> dict[str, str]:
    """Session label -> ``yes`` or the cause of not holding it."""
    held = {}
    for c, session in columns.items():
        word = _text(values[c] if c < len(values) else None).lower()
        if word in HELD_VALUES:
            held[session.label] = word
        else:
            shown = f"{word!r} is not" if word else "blank is not"
            problems.append(
                f"Sheet {sheet}, cell {cell_name(r + 1, c + 1)}: {shown} a value of held; "
                f"write {', '.join(HELD_VALUES[:-1])} or {HELD_VALUES[-1]}"
            )
    return held


def _learner_rows(
    rows: list[list[Any]],
    start: int,
    columns: dict[int, SessionDate],
    held: dict[str, str],
    plan: RegisterPlan,
    group: GroupInfo,
    problems: list[str],
) -> dict[tuple[str, str], str]:
    """Codes of the learner rows from ``start`` to the first blank cell in column A."""
    members = set(plan.learner_ids_of(group.group))
    codes: dict[tuple[str, str], str] = {}
    seen: set[str] = set()
    for r in range(start, len(rows)):
        values = rows[r]
        learner = _text(values[0] if values else None)
        if not learner:
            break
        if learner not in members or learner in seen:
            why = (
                "appears twice"
                if learner in seen
                else (f"is not a member of group {group.group} in these registers")
            )
            problems.append(
                f"Sheet {group.sheet}, cell A{r + 1}: learner {learner} {why}; remove the row"
            )
            continue
        seen.add(learner)
        for c, session in columns.items():
            where = f"Sheet {group.sheet}, cell {cell_name(r + 1, c + 1)}"
            code = _code(values[c] if c < len(values) else None, where, problems)
            if code is None:
                continue
            if not plan.is_member(group.group, learner, session.date):
                problems.append(
                    f"{where}: {learner} was not a member of {group.group} on {session.date} "
                    "(a grey cell); clear it"
                )
            elif code == "P" and held.get(session.label, "yes") != "yes":
                problems.append(
                    f"{where}: P on a session marked held = {held[session.label]}; write the "
                    "code of the learner's absence, or correct the held row"
                )
            else:
                codes[(session.label, learner)] = code
    return codes


def _code(value: Any, where: str, problems: list[str]) -> str | None:
    text = _text(value).upper()
    if not text:
        return None
    if text in CODES:
        return text
    problems.append(
        f"{where}: {_text(value)!r} is not an attendance code; write P (present), A (absent), "
        "E (excused), S (sick) or R (refused), or leave it blank"
    )
    return None


def read_intakes(
    rows: list[list[Any]], plan: RegisterPlan, problems: list[str]
) -> dict[tuple[str, dt.date], bool | None]:
    """(learner, date) -> held, for the planned intakes listed on the Intakes sheet."""
    top = _header_row(rows, "Intakes", problems)
    if top is None:
        return {}
    header = [_text(v).lower() for v in rows[top]]
    if "date" not in header or "held" not in header:
        problems.append(f"Sheet Intakes, row {top + 1}: the columns date and held are needed")
        return {}
    d, h = header.index("date"), header.index("held")
    planned = {(i.learner, i.date.isoformat()) for i in plan.intakes}
    out: dict[tuple[str, dt.date], bool | None] = {}
    for r in range(top + 1, len(rows)):
        values = rows[r] + [None] * len(header)
        learner, date = _text(values[0]), _text(values[d])[:10]
        if not learner:
            break
        if (learner, date) not in planned:
            problems.append(
                f"Sheet Intakes, cell A{r + 1}: no intake of {learner} on {date} is planned "
                "in these registers; remove the row"
            )
            continue
        word = _text(values[h]).lower()
        if word not in ("yes", "no", ""):
            problems.append(
                f"Sheet Intakes, cell {cell_name(r + 1, h + 1)}: {word!r} is not a value of "
                "held; write yes or no, or leave it blank"
            )
            continue
        out[(learner, dt.date.fromisoformat(date))] = None if not word else word == "yes"
    return out
