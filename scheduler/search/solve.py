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

import dataclasses
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler import interrupt
from scheduler.data import ProblemData
from scheduler.errors import SchedulerError
from scheduler.model.cp_model import TimetableModel
from scheduler.model.instance import build_instance
from scheduler.model.objective import SCALE
from scheduler.rules import check as check_range
from scheduler.search.greedy import greedy
from scheduler.search.lns import Incumbent, improve
from scheduler.solution import Result, Solution, SolveStatus

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
        self.record(
            self.objective_value, self.best_objective_bound, self.tm.placed_count(self.value)
        )

    def record(self, objective: float, bound: float, placed: int) -> None:
        """A new best timetable (objective and bound in CP-SAT's scaled units)."""
        event = Progress(
            elapsed=time.perf_counter() - self.start,
            objective=objective / SCALE,
            bound=bound / SCALE,
            placed=placed,
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
    seed = int(seed if seed is not None else data.settings.seed)
    _check_ranges(limit, seed)
    inst = build_instance(data)
    tm = TimetableModel(data, inst)
    warm = hint if hint is not None else greedy(data, inst)
    matched = tm.add_hint(warm)
    assumptions = [tm.lock_literals[i] for i in sorted(tm.lock_literals)]
    if assumptions:
        tm.model.add_assumptions(assumptions)
    build_time = time.perf_counter() - start
    callback = _Callback(tm, start, progress)
    # Phase 0: the warm start, completed into a full assignment: the first timetable.
    first = _complete(tm)
    if first is not None:
        callback.record(first.objective, tm.objective.upper_bound(), tm.placed_count(first.value))
        _hint_all(tm, first)
    # Phase 1: CP-SAT on the whole model, for better timetables and the bound.
    solver = interrupt.new_solver()
    _set_parameters(solver, limit * FULL_MODEL_SHARE, seed, workers, deterministic, log)
    status = interrupt.solve(solver, tm.model, callback)
    result = _result(data, tm, solver, status)
    stats: dict[str, float] = {
        "build_seconds": build_time,
        "candidate_groups": len(tm.vars.groups),
        "variables": len(tm.model.proto.variables),
        "constraints": len(tm.model.proto.constraints),
        "hint_groups": matched,
        "hint_complete": float(first is not None),
        "deterministic_time": solver.deterministic_time,
        "stopped_by_wall_clock": float(
            deterministic
            and status == cp_model.FEASIBLE
            and solver.wall_time >= limit * FULL_MODEL_SHARE * WALL_CLOCK_FACTOR * 0.99
        ),
    }
    # Phase 2: large-neighbourhood search from the best timetable, unless proven optimal.
    begin = first
    if status == cp_model.FEASIBLE:
        found = Incumbent(list(solver.response_proto.solution), round(solver.objective_value))
        if first is None or found.objective >= first.objective:
            begin = found
    # The incumbent each phase hands on, so that "never worse" can be checked phase by phase.
    if first is not None:
        stats["incumbent_warm_start"] = first.objective / SCALE
    if begin is not None:
        stats["incumbent_whole_model"] = begin.objective / SCALE
    if begin is not None and status in (cp_model.FEASIBLE, cp_model.UNKNOWN):
        result = _neighbourhood_phase(
            tm, begin, solver, result, stats, limit, seed, workers, deterministic, callback
        )
    if interrupt.stop_requested() is not None:
        stats["interrupted"] = float(interrupt.stop_requested() or 0)
    events = callback.events
    return dataclasses.replace(
        result,
        wall_time=time.perf_counter() - start,
        first_solution_time=events[0].elapsed if events else None,
        progress=tuple((e.elapsed, e.objective) for e in events),
        stats=stats,
    )


def _check_ranges(limit: float, seed: int) -> None:
    """The limits validation applies (``scheduler.rules.RANGES``) are the solver's too: a
    seed CP-SAT cannot take or a limit that is not a number never reaches it."""
    for column, value in (("time_limit_s", limit), ("seed", seed)):
        if message := check_range("Settings", column, value):
            raise SchedulerError(message)


def _complete(tm: TimetableModel) -> Incumbent | None:
    """The hinted warm start as a value for every variable (the auxiliary ones solved for),
    or None when the hint does not fit the model (it then only guides the search)."""
    solver = _solve_hinted(tm)
    if solver is None:
        return None
    return Incumbent(list(solver.response_proto.solution), round(solver.objective_value))


def _solve_hinted(tm: TimetableModel, stoppable: bool = True):
    """A solver that holds the model's hint, every hinted variable fixed to its value and the
    others solved for; None when the hint does not fit. Not ``stoppable`` when it turns the
    best timetable found into the result, which a stopped search still needs."""
    solver = interrupt.new_solver()
    p = solver.parameters
    p.fix_variables_to_their_hinted_value = True
    p.num_workers = 1
    p.max_deterministic_time = COMPLETE_HINT_SECONDS
    status = interrupt.solve(solver, tm.model, stoppable=stoppable)
    return solver if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


# Deterministic seconds to complete the warm start into a full timetable.
COMPLETE_HINT_SECONDS = 10.0


def _hint_all(tm: TimetableModel, incumbent: Incumbent) -> None:
    """Replace the model's hint by ``incumbent``, every variable of it."""
    tm.model.clear_hints()
    hint = tm.model.proto.solution_hint
    hint.vars.extend(range(len(incumbent.values)))
    hint.values.extend(incumbent.values)


# Deterministic seconds the neighbourhood search gets per remaining second of the limit. A
# neighbourhood is a small solve whose set-up CP-SAT's deterministic clock counts lightly:
# measured, one deterministic second of neighbourhoods took 1.9 s (medium) to 2.7 s (haren)
# of wall-clock time, so half a deterministic second per second keeps a run near its limit.
LNS_DETERMINISTIC_RATE = 0.5

# Share of the time limit for CP-SAT on the whole model; the rest goes to the neighbourhood
# search (see scheduler/search/lns.py), which improves large terms much faster.
FULL_MODEL_SHARE = 0.3


def _neighbourhood_phase(
    tm: TimetableModel, first: Incumbent, solver, result: Result, stats: dict, limit: float,
    seed: int, workers: int, deterministic: bool, callback: _Callback,
) -> Result:  # fmt: skip
    """Improve ``first`` with LNS for the rest of the limit; the result of the better of the
    two (``stats`` updated in place)."""
    start = callback.start
    # CP-SAT's bound only counts when it found a timetable itself; otherwise use the trivial
    # bound (every reward, no penalty), which is always valid.
    if result.solution is not None:
        bound = max(solver.best_objective_bound, first.objective)
    else:
        bound = tm.objective.upper_bound()

    def report(best: Incumbent) -> None:
        callback.record(best.objective, bound, tm.placed_count(best.value))

    if deterministic:
        budget = max(0.0, limit - solver.deterministic_time) * LNS_DETERMINISTIC_RATE
        wall = max(0.0, limit * WALL_CLOCK_FACTOR - (time.perf_counter() - start))
    else:
        budget = float("inf")
        wall = max(0.0, limit - (time.perf_counter() - start))
    best, lns = improve(tm, first, budget, seed, workers, wall_limit=wall, on_improve=report)
    stats.update(
        {
            "lns_steps": lns.steps,
            "lns_improvements": lns.improvements,
            "deterministic_time": solver.deterministic_time + lns.deterministic_time,
            "stopped_by_wall_clock": float(deterministic and lns.deterministic_time < budget),
        }
    )
    if best is first and result.solution is not None:
        return result
    final = _fixed_solve(tm, best)
    return dataclasses.replace(
        result,
        status=SolveStatus.FEASIBLE,
        solution=tm.solution_from(final.boolean_value),
        objective=final.objective_value / SCALE,
        bound=bound / SCALE,
        objective_terms=tm.objective_terms(final.value),
    )


def _fixed_solve(tm: TimetableModel, best: Incumbent):
    """A solver holding exactly ``best`` (every variable fixed to its hinted value), so that
    expressions can be evaluated the usual way."""
    _hint_all(tm, best)
    solver = _solve_hinted(tm, stoppable=False)
    if solver is None:
        raise RuntimeError("the neighbourhood search's timetable does not re-solve")
    return solver


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
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.MODEL_INVALID: SolveStatus.INVALID,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
}


def _result(data, tm: TimetableModel, solver, status) -> Result:
    """The whole-model phase's result (its timings are filled in at the end of ``solve``)."""
    name = _STATUS.get(status, SolveStatus.UNKNOWN)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Result(
            status=name,
            solution=tm.solution_from(solver.boolean_value),
            objective=solver.objective_value / SCALE,
            bound=solver.best_objective_bound / SCALE,
            objective_terms=tm.objective_terms(solver.value),
        )
    if status == cp_model.INFEASIBLE:
        return Result(status=name, conflicts=tuple(_conflicts(data, tm, solver)))
    return Result(status=name)


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
    solver = interrupt.new_solver()
    p = solver.parameters
    p.num_workers, p.random_seed = max(1, workers), seed
    p.stop_after_first_solution = True
    p.max_time_in_seconds = SHRINK_CHECK_SECONDS
    return interrupt.solve(solver, tm.model)


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
            for k in ("course", "group", "day", "period", "room", "staff", "learner")
            if getattr(lock, k)
        )
        out.append(f"{where} ({fields}) cannot be honoured together with the other rules")
    return out or ["the hard rules conflict (no single lock explains it)"]
