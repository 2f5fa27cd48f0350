"""The hidden ``_register`` sheet: a RegisterPlan as rows a program reads back.

One record per row, its kind in column A and its fields after it (dates as ``YYYY-MM-DD``
text, so no spreadsheet program turns them into numbers):

    format    scheduler-register  1
    prison    <name>
    term      <term_start> <term_end> <completion_share>
    range     <first> <last>
    closed    <date> <reason> <sections, comma-separated>
    group     <group> <sheet> <course> <course_name> <kind> <level> <language> <staff> <rooms>
              <times> <total_hours>
    session   <group> <date> <HH:MM> <hours> <cause: blank, or why the term cancelled it>
    learner   <learner> <section> <languages> <asked>
    member    <group> <learner> <from> <to>
    intake    <learner> <date> <HH:MM> <staff> <language>

It carries ids, never names (the input has none).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook

from scheduler.errors import SchedulerError
from scheduler.excel import set_cell
from scheduler.records.plan import (
    ClosedDay,
    GroupInfo,
    LearnerInfo,
    Member,
    PlannedIntake,
    RegisterPlan,
    SessionDate,
)

SHEET = "_register"
FORMAT = ("format", "scheduler-register", "1")


def plan_rows(plan: RegisterPlan) -> list[tuple[Any, ...]]:
    """The records of ``plan``, in the order the module docstring lists them."""
    d = dt.date.isoformat
    rows: list[tuple[Any, ...]] = [
        FORMAT,
        ("prison", plan.prison),
        ("term", d(plan.term_start), d(plan.term_end), plan.completion_share),
        ("range", d(plan.first), d(plan.last)),
    ]
    rows += [("closed", d(c.date), c.reason, ",".join(c.sections)) for c in plan.closed_days]
    rows += [
        ("group", g.group, g.sheet, g.course, g.course_name, g.kind, g.level, g.language,
         g.staff, g.rooms, g.times, g.total_hours)
        for g in plan.groups
    ]  # fmt: skip
    rows += [("session", s.group, d(s.date), s.start, s.hours, s.cause) for s in plan.sessions]
    rows += [("learner", x.learner, x.section, x.languages, x.asked) for x in plan.learners]
    rows += [("member", m.group, m.learner, d(m.start), d(m.end)) for m in plan.members]
    rows += [("intake", i.learner, d(i.date), i.start, i.staff, i.language) for i in plan.intakes]
    return rows


def write_plan(wb: Workbook, plan: RegisterPlan) -> None:
    """Add the hidden, protected ``_register`` sheet holding ``plan``."""
    ws = wb.create_sheet(SHEET)
    for r, values in enumerate(plan_rows(plan), start=1):
        for c, value in enumerate(values, start=1):
            set_cell(ws, r, c, value)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def read_plan_rows(rows: Iterable[Sequence[Any]]) -> RegisterPlan:
    """The RegisterPlan held by ``_register`` rows; SchedulerError when they are not one."""
    by_kind: dict[str, list[list[str]]] = {}
    for values in rows:
        cells = [_text(v) for v in values]
        if cells and cells[0]:
            by_kind.setdefault(cells[0], []).append(cells[1:] + [""] * 12)
    fmt = by_kind.get("format", [[]])[0]
    if tuple(["format", *fmt[:2]]) != FORMAT or "prison" not in by_kind or "term" not in by_kind:
        raise SchedulerError(
            f"sheet {SHEET} is not a register written by scheduler registers; print the "
            "registers again with scheduler registers"
        )
    try:
        return _plan(by_kind)
    except (ValueError, IndexError) as exc:
        raise SchedulerError(
            f"sheet {SHEET} was changed and cannot be read ({exc}); print the registers again"
        ) from exc


def _plan(by_kind: dict[str, list[list[str]]]) -> RegisterPlan:
    day = dt.date.fromisoformat
    term, span = by_kind["term"][0], by_kind["range"][0]
    return RegisterPlan(
        prison=by_kind["prison"][0][0],
        term_start=day(term[0]),
        term_end=day(term[1]),
        completion_share=float(term[2]),
        first=day(span[0]),
        last=day(span[1]),
        closed_days=tuple(
            ClosedDay(day(r[0]), r[1], tuple(s for s in r[2].split(",") if s))
            for r in by_kind.get("closed", [])
        ),
        groups=tuple(
            GroupInfo(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], float(r[10]))
            for r in by_kind.get("group", [])
        ),
        sessions=tuple(
            SessionDate(r[0], day(r[1]), r[2], float(r[3]), r[4])
            for r in by_kind.get("session", [])
        ),
        members=tuple(Member(r[0], r[1], day(r[2]), day(r[3])) for r in by_kind.get("member", [])),
        learners=tuple(LearnerInfo(*r[:4]) for r in by_kind.get("learner", [])),
        intakes=tuple(
            PlannedIntake(r[0], day(r[1]), r[2], r[3], r[4]) for r in by_kind.get("intake", [])
        ),
    )
