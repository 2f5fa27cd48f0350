"""Solve one term: greedy warm start, CP-SAT search, read-back.

How a solve is run (limit, seed, workers, and whether the limit is wall-clock time or CP-SAT's
deterministic time) is a ``SolveParams`` (scheduler/search/params.py). In wall-clock mode every
phase stops at one deadline, model building included; when the deadline passes before the
search has a timetable, the greedy warm start (a valid timetable) is the answer. In reproducible
mode (``max_deterministic_time``, a work count that does not depend on machine load, and an
interleaved search whose order of work does not depend on thread timing) the same workbook,
seed and workers give the same timetable on the same OR-Tools version and platform; a
wall-clock cap of a few times the limit guards against a slow machine, and when it is what
stopped the search the result says so (``stats["stopped_by_wall_clock"] = 1``) and the
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
from scheduler.model.instance import Instance, build_instance
from scheduler.model.objective import SCALE, bound_without_model, solution_objective
from scheduler.rules import check as check_range
from scheduler.search.greedy import greedy
from scheduler.search.lns import Incumbent, improve, release_memory
from scheduler.search.memory import check_memory
from scheduler.search.params import OutOfTime, SolveParams, check_time
from scheduler.solution import Result, Solution, SolveStatus
from scheduler.verify import total_violations, verify


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
    def __init__(self, start: float, on_progress):
        super().__init__()
        self.start, self.on_progress = start, on_progress
        self.tm: TimetableModel | None = None  # set once the model is built
        self.events: list[Progress] = []

    def on_solution_callback(self) -> None:
        assert self.tm is not None
        self.record(
            self.objective_value, self.best_objective_bound, self.tm.placed_count(self.value)
        )

    def record(self, objective: float, bound: float, placed: int) -> None:
        """A new best timetable (objective and bound in CP-SAT's scaled units). Every bound
        reported is valid, so the lowest so far is shown (phases and the warm start each
        have their own, and a later one may be looser)."""
        if self.events:
            bound = min(bound, round(self.events[-1].bound * SCALE))
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
    params: SolveParams | None = None,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    workers: int | None = None,
    reproducible: bool = True,
    progress: Callable[[Progress], None] | None = None,
    hint: Solution | None = None,
    log: bool = False,
) -> Result:
    """Build and solve the model of ``data``; returns a Result (never raises on infeasible).

    ``params`` says how (see scheduler/search/params.py); without it, ``time_limit`` and
    ``seed`` default to the workbook's Settings, ``workers`` is capped at the machine's cores
    and the run is reproducible. ``hint`` (a base timetable, for scenarios) is used instead of
    the greedy warm start when given. Raises SchedulerError, before building, when the model
    is estimated not to fit in memory (scheduler/search/memory.py).
    """
    if params is None:
        _check_ranges(
            float(time_limit if time_limit is not None else data.settings.time_limit_s),
            int(seed if seed is not None else data.settings.seed),
        )
        params = SolveParams.for_term(
            data.settings, time_limit, seed, workers, reproducible=reproducible
        )
    _check_ranges(params.time_limit, params.seed)
    params = params.with_start()
    start = time.perf_counter()
    inst = build_instance(data)
    size = check_memory(inst, params.workers, params.memory_mb)
    warm = hint if hint is not None else greedy(data, inst)
    callback = _Callback(start, progress)
    common = {"reproducible": float(params.reproducible)}
    common["warm_start_valid"] = float(_record_warm(inst, warm, callback))
    try:
        tm = TimetableModel(data, inst, stop=lambda: check_time(params))
    except OutOfTime:
        common["stopped_while_building"] = 1.0
        found = _warm_result(warm, callback, start, common)
        return found or Result(status=SolveStatus.UNKNOWN, stats=common)
    callback.tm = tm
    matched = tm.add_hint(warm)
    assumptions = [tm.lock_literals[i] for i in sorted(tm.lock_literals)]
    if assumptions:
        tm.model.add_assumptions(assumptions)
    common.update(
        build_seconds=time.perf_counter() - start,
        hint_groups=matched,
        estimated_peak_mb=size.peak_mb(params.workers),
    )
    # Phase 0: the warm start, completed into a full assignment: the first timetable.
    first = _complete(tm, params)
    if first is not None:
        callback.record(first.objective, tm.objective.upper_bound(), tm.placed_count(first.value))
        _hint_all(tm, first)
    release_memory()
    result, stats = _search(tm, first, params, callback, log)
    stats.update(common)
    if interrupt.stop_requested() is not None:
        stats["interrupted"] = float(interrupt.stop_requested() or 0)
    if result.solution is None and result.status == SolveStatus.UNKNOWN:
        found = _warm_result(warm, callback, start, {**stats, "no_search_timetable": 1.0})
        if found is not None:
            return found
    events = callback.events
    if result.bound is not None and events:  # the lowest valid bound, as the progress shows
        result = dataclasses.replace(result, bound=min(result.bound, events[-1].bound))
    return dataclasses.replace(
        result,
        wall_time=time.perf_counter() - start,
        first_solution_time=events[0].elapsed if events else None,
        progress=tuple((e.elapsed, e.objective) for e in events),
        stats=stats,
    )


def _search(
    tm: TimetableModel, first: Incumbent | None, params: SolveParams, callback: _Callback,
    log: bool,
) -> tuple[Result, dict[str, float]]:  # fmt: skip
    """Phase 1, CP-SAT on the whole model (better timetables and the bound), then phase 2,
    the neighbourhood search from the best timetable unless it is proven optimal."""
    solver = interrupt.new_solver()
    # Without a completed warm start the neighbourhood search has nothing to start from
    # (an impossible term, or locks the greedy could not meet): CP-SAT gets the whole time.
    share = params.full_model_share if first is not None else 1.0
    _set_parameters(solver, params, share, log)
    status = interrupt.solve(solver, tm.model, callback)
    result = _result(tm.data, tm, solver, status)
    stats: dict[str, float] = {
        "candidate_groups": len(tm.vars.groups),
        "variables": len(tm.model.proto.variables),
        "constraints": len(tm.model.proto.constraints),
        "hint_complete": float(first is not None),
        "deterministic_time": solver.deterministic_time,
        "stopped_by_wall_clock": float(
            params.reproducible
            and status == cp_model.FEASIBLE
            and solver.deterministic_time < params.time_limit * share * 0.99
        ),
    }
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
    # CP-SAT's bound only counts when it found a timetable itself; otherwise use the trivial
    # bound (every reward, no penalty), which is always valid.
    bound = tm.objective.upper_bound()
    stats["bound_from_search"] = 0.0
    if result.solution is not None and begin is not None:
        bound = max(round(solver.best_objective_bound), begin.objective)
        stats["bound_from_search"] = 1.0
    # The whole-model solver's memory is not needed any more: give it back before the
    # neighbourhood search makes its own copies of the model.
    del solver
    release_memory(collect=True)
    if begin is not None and status in (cp_model.FEASIBLE, cp_model.UNKNOWN):
        result = _neighbourhood_phase(tm, begin, bound, result, stats, params, callback)
    return result, stats


def _record_warm(inst: Instance, warm: Solution, callback: _Callback) -> bool:
    """The warm start is the first timetable as soon as the verifier accepts it, before the
    model is built (its objective computed without the model, beside a bound from the
    candidate groups); False, recording nothing, when it breaks a rule (a lock the greedy
    could not meet, or a base timetable that no longer fits)."""
    if total_violations(verify(inst.data, warm)):
        return False
    objective = solution_objective(inst, warm)
    callback.record(objective, max(objective, bound_without_model(inst)), len(warm.placed()))
    return True


def _warm_result(
    warm: Solution, callback: _Callback, start: float, stats: dict[str, float]
) -> Result | None:
    """The warm start as the answer when the time ran out before the search found a
    timetable (``stats`` say why: while the model was built, or before any search phase
    finished), with the objective and bound recorded for it; None when it breaks a rule (a
    lock the greedy could not meet), because only a verified timetable may be returned."""
    if not stats.get("warm_start_valid"):
        return None
    first = callback.events[0]
    return Result(
        status=SolveStatus.FEASIBLE,
        solution=warm,
        objective=first.objective,
        bound=first.bound,
        wall_time=time.perf_counter() - start,
        first_solution_time=first.elapsed,
        progress=((first.elapsed, first.objective),),
        stats={**stats, "bound_from_search": 0.0},
    )


def _check_ranges(limit: float, seed: int) -> None:
    """The limits validation applies (``scheduler.rules.RANGES``) are the solver's too: a
    seed CP-SAT cannot take or a limit that is not a number never reaches it."""
    for column, value in (("time_limit_s", limit), ("seed", seed)):
        if message := check_range("Settings", column, value):
            raise SchedulerError(message)


def _complete(tm: TimetableModel, params: SolveParams) -> Incumbent | None:
    """The hinted warm start as a value for every variable (the auxiliary ones solved for),
    or None when the hint does not fit the model (it then only guides the search)."""
    solver = _solve_hinted(tm, params)
    if solver is None:
        return None
    return Incumbent(list(solver.response_proto.solution), round(solver.objective_value))


def _solve_hinted(tm: TimetableModel, params: SolveParams):
    """A solver that holds the model's hint, every hinted variable fixed to its value and the
    others solved for; None when the hint does not fit (or the time ran out)."""
    solver = interrupt.new_solver()
    p = solver.parameters
    p.fix_variables_to_their_hinted_value = True
    p.num_workers = 1
    p.max_deterministic_time = params.complete_hint_seconds
    p.max_time_in_seconds = max(0.01, params.left())
    status = interrupt.solve(solver, tm.model)
    return solver if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def _hint_all(tm: TimetableModel, incumbent: Incumbent) -> None:
    """Replace the model's hint by ``incumbent``, every variable of it."""
    tm.model.clear_hints()
    hint = tm.model.proto.solution_hint
    hint.vars.extend(range(len(incumbent.values)))
    hint.values.extend(incumbent.values)


def _neighbourhood_phase(
    tm: TimetableModel, first: Incumbent, bound: int, result: Result, stats: dict,
    params: SolveParams, callback: _Callback,
) -> Result:  # fmt: skip
    """Improve ``first`` with LNS for the rest of the limit; the result of the better of the
    two (``stats`` updated in place). ``bound`` is the bound to report (scaled)."""

    def report(best: Incumbent) -> None:
        callback.record(best.objective, bound, tm.placed_count(best.value))

    spent = stats["deterministic_time"]
    if params.reproducible:
        budget = max(0.0, params.time_limit - spent) * params.lns_deterministic_rate
    else:
        budget = float("inf")
    best, lns = improve(tm, first, budget, params, on_improve=report)
    stats.update(
        {
            "lns_steps": lns.steps,
            "lns_improvements": lns.improvements,
            "lns_sideways": lns.sideways,
            "deterministic_time": spent + lns.deterministic_time,
        }
    )
    if params.reproducible and lns.deterministic_time < budget:
        stats["stopped_by_wall_clock"] = 1.0
    if best is first and result.solution is not None:
        return result
    return dataclasses.replace(
        result,
        status=SolveStatus.FEASIBLE,
        solution=tm.solution_from(best.value),
        objective=best.objective / SCALE,
        bound=bound / SCALE,
        objective_terms=tm.objective_terms(best.evaluate),
    )


def _set_parameters(solver, params: SolveParams, share: float, log: bool) -> None:
    """Whole-model search: ``share`` of the deterministic limit (reproducible) or of the
    wall-clock time left (wall-clock mode)."""
    p = solver.parameters
    p.num_workers = params.workers
    p.random_seed = params.seed
    p.log_search_progress = log
    p.interleave_search = p.num_workers > 1
    p.max_time_in_seconds = max(0.01, params.left() * share)
    if params.reproducible:
        p.max_deterministic_time = params.time_limit * share


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
