"""The Waiting sheet's ``unblock_check``: what ``explain`` confirms, within a time budget.

exports.md (Clarifications, 2026-12-01): requests are checked by priority (highest first),
then release date, then id; each check takes at most ``PER_CHECK`` seconds and all together at
most a fifth of the solve's time limit. The seconds are CP-SAT's deterministic time, as in a
solve, so the same workbook gives the same Waiting sheet (a wall-clock cap of three times the
budget guards a very slow machine). For each request checked:

- ``checked``: a verified timetable gives the request, either of the input as it stands (then
  ``unblock`` says no change is needed: other people would have to give way), or with the one
  input row named in ``unblock`` dropped (a row of the minimal conflict set, see
  ``explain.core``);
- ``refuted``: no timetable of the input as it stands gives it, and no single row of the
  conflict set is enough; ``unblock`` is replaced by the rows of that set, which must be relaxed
  together (``scheduler explain`` says more);
- ``not checked``: the budget ran out first (``unblock`` says to run ``scheduler explain``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Sequence

from scheduler.data import ProblemData
from scheduler.explain import core
from scheduler.explain.relax import apply, label, relevant_rows
from scheduler.i18n import N_, _
from scheduler.pipeline import Verified
from scheduler.report.reasons import WaitingRow

PER_CHECK = 3.0  # seconds for one request
WALL_FACTOR = 3.0  # wall-clock cap of the deterministic budgets, as in a solve
SHARE = 0.2  # of the time limit, for all requests together
MAX_REQUESTS = 20
NOT_CHECKED = "not checked"
RUN_EXPLAIN = N_("not checked: run scheduler explain")  # words, translated where shown


def order(data: ProblemData, rows: Sequence[WaitingRow]) -> list[int]:
    """Indices of ``rows`` by priority (highest first), then release date, then id."""
    far = dt.date.max

    def key(i: int):
        lr = data.learner_by_id.get(rows[i].learner)
        if lr is None:
            return (0, far, rows[i].learner, i)
        return (-lr.priority, lr.release or far, lr.learner, i)

    return sorted(range(len(rows)), key=key)


def checked_waiting(
    verified: Verified, time_limit: float, deadline: float | None = None
) -> Verified:
    """``verified`` with its Waiting rows checked (``check_unblocks``); no check starts or
    runs past ``deadline`` (a ``time.perf_counter()`` value) when one is given, so that a
    wall-clock time limit covers them."""
    rows = check_unblocks(verified.data, verified.waiting, time_limit, deadline=deadline)
    return dataclasses.replace(verified, waiting=rows)


def check_unblocks(
    data: ProblemData,
    rows: Sequence[WaitingRow],
    time_limit: float,
    max_requests: int = MAX_REQUESTS,
    deadline: float | None = None,
) -> tuple[WaitingRow, ...]:
    """``rows`` with ``unblock_check`` (and, where checked, ``unblock``) filled in; none
    past ``deadline`` (``time.perf_counter()``) when given."""
    out = [dataclasses.replace(w, unblock_check=NOT_CHECKED) for w in rows]
    work = max(0.0, SHARE * time_limit)  # deterministic seconds, for repeatable answers
    end = time.perf_counter() + WALL_FACTOR * work  # a safety cap on a slow machine
    if deadline is not None:
        end = min(end, deadline)
    for n, i in enumerate(order(data, rows)):
        if n >= max_requests or work < 0.5 or end - time.perf_counter() < 0.5:
            break
        deadline = min(end, time.perf_counter() + WALL_FACTOR * PER_CHECK)
        budget = core.Budget(deadline, check_seconds=PER_CHECK, work=min(PER_CHECK, work))
        out[i] = check_one(data, rows[i], budget)
        work -= min(PER_CHECK, work) - max(0.0, budget.work or 0.0)
    return tuple(out)


def check_one(data: ProblemData, row: WaitingRow, budget: core.Budget) -> WaitingRow:
    """One request checked within ``budget`` (see the module docstring)."""
    kind, who = row.wants, row.learner
    if who not in data.learner_by_id:
        return dataclasses.replace(row, unblock_check=NOT_CHECKED)
    try:
        if _verified(data, who, kind, budget):
            return dataclasses.replace(
                row,
                unblock=_(
                    "no input change needed: a valid timetable gives it if others give way"
                    " (scheduler explain shows the closest)"
                ),
                unblock_check="checked",
            )
        rows = relevant_rows(data, who, kind)
        check = core.Checker(data, who, kind, rows, budget)
        if not rows or check.status([]) != core.POSSIBLE:
            return dataclasses.replace(row, unblock_check=NOT_CHECKED)
        keys = core.quickxplain(check.impossible, rows)
        for key in keys:
            if _verified(apply(data, [key]), who, kind, budget):
                return dataclasses.replace(
                    row,
                    unblock=_("drop or relax {row}", row=label(data, key)),
                    unblock_check="checked",
                )
        words = "; ".join(label(data, k) for k in keys)
        return dataclasses.replace(
            row,
            unblock=_("relax these rows together: {rows}", rows=words),
            unblock_check="refuted",
        )
    except core.OutOfTime:
        return dataclasses.replace(row, unblock=f"{row.unblock} ({_(RUN_EXPLAIN)})",
                                   unblock_check=NOT_CHECKED)  # fmt: skip


def _verified(data: ProblemData, learner_id: str, kind: str, budget: core.Budget) -> bool:
    """True when a timetable of ``data`` gives the request and the verifier passes it."""
    from scheduler.verify import total_violations, verify

    status, found = core.find(data, learner_id, kind, budget.next_limit(), budget=budget)
    return found is not None and total_violations(verify(data, found)) == 0
