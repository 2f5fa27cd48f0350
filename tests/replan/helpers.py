"""Hand-built timetables in use for the re-plan tests: a Solution written as a timetable
workbook through the pipeline (verified first), read back by the one timetable reader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from scheduler.data import ProblemData
from scheduler.pipeline import verify_result, write
from scheduler.replan.run import Replanned, replan
from scheduler.report.read import Timetable, read_timetable
from scheduler.solution import Group, Result, Session, Solution, SolveStatus

WEEK2 = dt.date(2027, 1, 18)  # Monday of week 2 of the tiny term
WED1 = dt.date(2027, 1, 13)  # Wednesday of week 1


def session(group: str, day: str, period: str, room: str = "C1", staff: str = "T1") -> Session:
    return Session(group, group.rsplit("-", 1)[0], day, period, 1, room, staff)


def group(gid: str, *members: str, staff: str = "T1") -> Group:
    return Group(gid, gid.rsplit("-", 1)[0], staff, tuple(members))


def timetable(data: ProblemData, solution: Solution, path: Path) -> Path:
    """``solution`` written as the timetable in use (it must keep every rule)."""
    verified = verify_result(data, Result(status=SolveStatus.FEASIBLE, solution=solution))
    assert verified is not None
    assert verified.violations == 0, [c.details for c in verified.checks if c.violations]
    return write(verified, path)


def replanned(
    data: ProblemData, current: Path, date: dt.date, out: Path, allow_moves: bool = False
) -> tuple[Replanned, Timetable]:
    """Re-plan, write the result and read it back."""
    done = replan(data, read_timetable(current), date, allow_moves, 5.0, 0, 1)
    assert done.verified is not None and done.revision is not None, (done.status, done.conflicts)
    assert done.verified.violations == 0
    write(done.verified, out, revision=done.revision)
    return done, read_timetable(out)


def changes(path: Path) -> list[tuple]:
    """The Changes sheet's rows (without the header)."""
    ws = load_workbook(path, read_only=True)["Changes"]
    return [tuple(r) for r in ws.iter_rows(min_row=2, values_only=True)]


def sheet_rows(path: Path, name: str) -> list[tuple]:
    ws = load_workbook(path, read_only=True)[name]
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def edit_cells(path: Path, sheet: str, row: int, values: dict[str, Any]) -> None:
    """Edit a timetable by hand: set ``values`` (column name -> value) in ``row``."""
    wb = load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    for column, value in values.items():
        ws.cell(row=row, column=header.index(column) + 1, value=value)
    wb.save(path)
