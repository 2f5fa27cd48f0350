"""Solve one term: greedy warm start, CP-SAT search, read-back, independent verification.

Reproducibility: with ``deterministic=True`` (the default) the search is limited by CP-SAT's
deterministic time (``max_deterministic_time``, a work count that does not depend on machine
load) and runs as an interleaved search, whose order of work does not depend on thread timing.
The same workbook, seed and workers then give the same timetable on the same OR-Tools version
and platform. A wall-clock cap of a few times the limit guards against a slow machine; when it
is what stopped the search, the result says so (``stats["stopped_by_wall_clock"] = 1``) and the
guarantee does not hold for that run.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.data import ProblemData
from scheduler.greedy import greedy
from scheduler.model.cp_model import TimetableModel
from scheduler.model.instance import build_instance
from scheduler.model.objective import SCALE
from scheduler.solution import Result, Solution

WALL_CLOCK_FACTOR = 3.0


@dataclass
class Progress:
    """One progress event: a new best timetable was found."""

    elapsed: float
    objective: float
    bound: float
    placed: int

    @property
    def gap(self) -> float:
        return abs(self.bound - self.objective) / max(abs(self.objective), 1e-9)

    def line(self) -> str:
        return (
            f"{self.elapsed:7.1f}s  objective {self.objective:10.1f}  bound {self.bound:10.1f}"
            f"  gap {100 * self.gap:6.2f}%  placed {self.placed}"
        )


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, tm: TimetableModel, start: float, on_progress):
        super().__init__()
        self.tm, self.start, self.on_progress = tm, start, on_progress
        self.events: list[Progress] = []

    def on_solution_callback(self) -> None:
        event = Progress(
            elapsed=time.perf_counter() - self.start,
            objective=self.objective_value / SCALE,
            bound=self.best_objective_bound / SCALE,
            placed=self.tm.placed_count(self.value),
        )
        self.events.append(event)
        if self.on_progress:
            self.on_progress(event)


def stderr_progress(event: Progress) -> None:
    """Print a progress line that overwrites itself on a terminal."""
    end = "\r" if sys.stderr.isatty() else "\n"
    print(event.line(), end=end, file=sys.stderr, flush=True)


def solve(
    data: ProblemData,
    time_limit: float | None = None,
    seed: int | None = None,
    workers: int = 2,
    progress: Callable[[Progress], None] | None = None,
    hint: Solution | None = None,
    deterministic: bool = True,
    log: bool = False,
) -> Result:
    """Build and solve the model of ``data``; returns a Result (never raises on infeasible).

    ``hint`` (a base timetable, for scenarios) is used instead of the greedy warm start when
    given. ``time_limit`` and ``seed`` default to the workbook's Settings.
    """
    start = time.perf_counter()
    limit = float(time_limit if time_limit is not None else data.settings.time_limit_s)
    inst = build_instance(data)
    tm = TimetableModel(data, inst)
    warm = hint if hint is not None else greedy(data, inst)
    matched = tm.add_hint(warm)
    solver = cp_model.CpSolver()
    _set_parameters(
        solver, limit, seed if seed is not None else data.settings.seed, workers, deterministic, log
    )
    assumptions = [tm.lock_literals[i] for i in sorted(tm.lock_literals)]
    if assumptions:
        tm.model.add_assumptions(assumptions)
    callback = _Callback(tm, start, progress)
    build_time = time.perf_counter() - start
    status = solver.solve(tm.model, callback)
    result = _result(data, tm, solver, status, callback, start)
    result.stats.update(
        {
            "build_seconds": build_time,
            "candidate_groups": len(tm.vars.groups),
            "variables": len(tm.model.proto.variables),
            "constraints": len(tm.model.proto.constraints),
            "hint_groups": matched,
            "deterministic_time": solver.deterministic_time,
            "stopped_by_wall_clock": float(
                deterministic
                and status == cp_model.FEASIBLE
                and solver.wall_time >= limit * WALL_CLOCK_FACTOR * 0.99
            ),
        }
    )
    return result


def _set_parameters(solver, limit: float, seed: int, workers: int, deterministic: bool, log):
    p = solver.parameters
    p.num_workers = max(1, workers)
    p.random_seed = int(seed)
    p.log_search_progress = log
    if deterministic:
        p.max_deterministic_time = limit
        p.max_time_in_seconds = limit * WALL_CLOCK_FACTOR
        p.interleave_search = p.num_workers > 1
    else:
        p.max_time_in_seconds = limit


_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "invalid",
    cp_model.UNKNOWN: "unknown",
}


def _result(data, tm: TimetableModel, solver, status, callback: _Callback, start) -> Result:
    name = _STATUS.get(status, "unknown")
    result = Result(status=name, wall_time=time.perf_counter() - start)
    if callback.events:
        result.first_solution_time = callback.events[0].elapsed
        result.stats["progress"] = [(e.elapsed, e.objective) for e in callback.events]
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result.solution = tm.solution_from(solver.boolean_value)
        result.objective = solver.objective_value / SCALE
        result.bound = solver.best_objective_bound / SCALE
        result.objective_terms = tm.objective_terms(solver.value)
    elif status == cp_model.INFEASIBLE:
        result.conflicts = _conflicts(data, tm, solver)
    return result


# Seconds for each feasibility check while shrinking the set of conflicting locks.
SHRINK_CHECK_SECONDS = 5.0


def _shrink(tm: TimetableModel, core: list[int], workers: int, seed: int) -> list[int]:
    """A smallest-by-deletion subset of the lock indices ``core`` that is still infeasible.

    CP-SAT's core is sufficient but not minimal (when presolve proves infeasibility it is
    every assumption). Each lock is dropped in turn; if the rest is still infeasible the lock
    was not needed. A check that ends undecided keeps the lock, so the answer never omits a
    lock that matters; the model's assumptions are restored afterwards.
    """
    keep = list(core)
    for index in core:
        trial = [i for i in keep if i != index]
        if _locks_status(tm, trial, workers, seed) == cp_model.INFEASIBLE:
            keep = trial
    tm.model.clear_assumptions()
    tm.model.add_assumptions([tm.lock_literals[i] for i in sorted(tm.lock_literals)])
    return keep


def _locks_status(tm: TimetableModel, locks: list[int], workers: int, seed: int):
    """Whether the model with only ``locks`` enforced has a timetable (first one suffices)."""
    tm.model.clear_assumptions()
    tm.model.add_assumptions([tm.lock_literals[i] for i in locks])
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers, p.random_seed = max(1, workers), seed
    p.stop_after_first_solution = True
    p.max_time_in_seconds = SHRINK_CHECK_SECONDS
    return solver.solve(tm.model)


def _conflicts(data: ProblemData, tm: TimetableModel, solver) -> list[str]:
    """The Locks rows that together make the term impossible (a minimal set, see _shrink)."""
    core_literals = set(solver.sufficient_assumptions_for_infeasibility())
    by_literal = {lit.index: i for i, lit in tm.lock_literals.items()}
    core = sorted(by_literal[v] for v in core_literals if v in by_literal)
    p = solver.parameters
    out = []
    for i in _shrink(tm, core, p.num_workers, p.random_seed):
        lock = data.locks[i]
        where = f"Locks row {lock.row}" if lock.row else f"lock {i + 1}"
        fields = ", ".join(
            f"{k}={getattr(lock, k)}"
            for k in ("course", "group", "day", "period", "room", "staff")
            if getattr(lock, k)
        )
        out.append(f"{where} ({fields}) cannot be honoured together with the other rules")
    return out or ["the hard rules conflict (no single lock explains it)"]
