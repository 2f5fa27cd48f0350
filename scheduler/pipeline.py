"""check -> solve -> verify -> write: the one path from a term to a timetable file.

The command line (``scheduler solve``), the scenario comparison and every later command that
solves (re-planning, the web page) go through these steps, so that a timetable is never written
without the independent verifier's approval and the Waiting rows and key figures are computed
once per timetable:

1. **check**: ``scheduler.workbook.validate.check_workbook`` reads and validates the workbook
   (the caller decides how to show its problems);
2. **solve**: ``solve`` runs the search (``scheduler.search.solve``) and returns a ``Result``;
3. **verify**: ``verify_result`` re-checks every hard rule, and takes the Waiting rows and key
   figures of the timetable: a ``Verified``;
4. **write**: ``write`` saves the timetable workbook, refusing one that breaks a rule.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scheduler.data import ProblemData
from scheduler.errors import SchedulerError
from scheduler.report.figures import KeyFigures, key_figures
from scheduler.report.reasons import WaitingRow, waiting
from scheduler.report.timetable import Revision, write_timetable
from scheduler.search.solve import solve as search
from scheduler.solution import Result, Solution
from scheduler.verify import RuleCheck, total_violations, verify


class RuleBroken(SchedulerError):
    """A timetable breaks a hard rule; it is never written (a bug of the solver)."""

    def __init__(self, checks: tuple[RuleCheck, ...]):
        self.checks = checks
        broken = ", ".join(c.rule for c in checks if c.violations)
        super().__init__(f"the timetable breaks hard rules ({broken}) and was not written")


@dataclass(frozen=True)
class Verified:
    """A finished timetable with everything computed once from it: the verifier's checks,
    the Waiting rows and the key figures."""

    data: ProblemData
    result: Result
    checks: tuple[RuleCheck, ...]
    waiting: tuple[WaitingRow, ...]
    figures: KeyFigures

    @property
    def solution(self) -> Solution:
        assert self.result.solution is not None  # a Verified always holds a timetable
        return self.result.solution

    @property
    def violations(self) -> int:
        """Hard-rule violations the verifier found (0 for a timetable that may be written)."""
        return total_violations(self.checks)


def solve(
    data: ProblemData,
    progress: Callable[[Any], None] | None = None,
    hint: Solution | None = None,
    **options: Any,
) -> Result:
    """Search for the timetable of ``data`` (``options`` as ``scheduler.search.solve.solve``)."""
    return search(data, progress=progress, hint=hint, **options)


def verify_result(data: ProblemData, result: Result, kept: Iterable[str] = ()) -> Verified | None:
    """Verify ``result``'s timetable and take its Waiting rows and key figures; None when the
    result has no timetable. ``kept``: groups running since before the timetable's valid_from
    (a re-plan), which min_size does not bind."""
    if result.solution is None:
        return None
    checks = tuple(verify(data, result.solution, kept))
    rows = tuple(waiting(data, result.solution))
    return Verified(data, result, checks, rows, key_figures(data, result.solution, rows))


def write(
    verified: Verified,
    path: str | os.PathLike,
    overview_extra: Callable[[Any], None] | None = None,
    revision: Revision | None = None,
) -> Path:
    """Write the timetable workbook of ``verified`` to ``path`` (atomically); raises
    RuleBroken, writing nothing, when the verifier found a violation. ``overview_extra``
    adds a block to its Overview (see ``write_timetable``); ``revision`` (a re-plan) adds the
    history rows, the Changes sheet and the changed-session marks."""
    if verified.violations:
        raise RuleBroken(verified.checks)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    return write_timetable(
        verified.data,
        verified.result,
        target,
        verified.checks,
        verified.waiting,
        revision,
        overview_extra,
    )


def solve_and_verify(
    data: ProblemData,
    progress: Callable[[Any], None] | None = None,
    hint: Solution | None = None,
    **options: Any,
) -> tuple[Result, Verified | None]:
    """Steps 2 and 3: the search's result, and its verified timetable (None when none)."""
    result = solve(data, progress=progress, hint=hint, **options)
    return result, verify_result(data, result)
