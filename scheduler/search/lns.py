"""Solution-guided large-neighbourhood search over the full CP-SAT model.

CP-SAT on the whole term finds a good first timetable and a bound, but on a large prison its
improving moves are slow: a better timetable usually means re-forming every group of one or
two courses at once (new members, new times, another teacher), which no single search step
does. This module does exactly that, over and over:

1. pick a *neighbourhood*: the candidate groups of a few courses, of a few staff members, or
   of every course that one section's learners take, plus the internet bookings and intakes
   of the learners involved; or every session, booking and intake on a few days (groups and
   members kept), which reshuffles rooms and times;
2. copy the model, fix every other decision (group formed, member, session start) to its
   value in the incumbent timetable, hint the incumbent, and let CP-SAT re-solve the rest for
   a small deterministic-time budget;
3. keep the best result of a round when it is better; when none is, move to one that is
   exactly as good but another timetable (a sideways move, so that the next neighbourhoods
   start elsewhere on the plateau); grow the neighbourhood when CP-SAT proves it optimal
   quickly, shrink it when the budget runs out without a gain.

With ``workers`` > 1 that many neighbourhoods are solved at once from the same incumbent, one
thread each (CP-SAT releases the GIL), and the best is kept, ties to the lowest index. Each
sub-solve is single-threaded and limited by deterministic time, and the neighbourhoods come
from a seeded random generator, so the search is reproducible: same model, seed and workers,
same result.
"""

from __future__ import annotations

import ctypes
import gc
import random
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model_helper import FlatIntExpr

from scheduler import interrupt
from scheduler.model.cp_model import TimetableModel
from scheduler.search.params import SolveParams

# The range of a neighbourhood's size (in "parts": courses, staff members or sections freed
# at once); its deterministic budget is SolveParams.lns_step_budget.
MIN_PARTS, MAX_PARTS = 1, 6


@dataclass
class Incumbent:
    """The best timetable so far, as one value per model variable."""

    values: list[int]
    objective: int  # scaled, as CP-SAT reports it

    def value(self, var) -> int:
        """Value of a variable (or its negation) of the model."""
        index = var.index
        return self.values[index] if index >= 0 else 1 - self.values[-index - 1]

    def evaluate(self, expr) -> int:
        """Value of a linear expression (or a variable, or a constant) of the model."""
        if isinstance(expr, int):
            return expr
        flat = FlatIntExpr(expr)
        terms = zip(flat.vars, flat.coeffs, strict=True)
        return flat.offset + sum(c * self.values[v.index] for v, c in terms)


@dataclass
class LnsStats:
    steps: int = 0
    improvements: int = 0
    sideways: int = 0
    deterministic_time: float = 0.0
    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))


@dataclass
class _Parts:
    """Which primary variables belong to which course, staff member and section."""

    by_course: dict[str, set[int]]
    by_staff: dict[str, set[int]]
    by_section: dict[str, set[int]]
    by_day: dict[int, set[int]]
    primary: list[int]


def _parts(tm: TimetableModel) -> _Parts:
    data = tm.data
    course_learners: dict[str, set[str]] = defaultdict(set)
    staff_learners: dict[str, set[str]] = defaultdict(set)
    group_vars: dict[int, set[int]] = {}
    for g in tm.vars.groups:
        own = {g.active.index} | {x.index for x in g.member.values()}
        own |= {v.index for _k, v in g.all_sessions()}
        group_vars[g.cand.index] = own
        course_learners[g.cand.course] |= set(g.member)
        staff_learners[g.cand.staff] |= set(g.member)
    learner_vars: dict[str, set[int]] = defaultdict(set)
    by_day: dict[int, set[int]] = defaultdict(set)
    for (m, t, _lab), var in tm.vars.booking.items():
        learner_vars[m].add(var.index)
        by_day[tm.inst.day_of(t)].add(var.index)
    for (m, _w, t0, _c, _r), var in tm.vars.intake.items():
        learner_vars[m].add(var.index)
        by_day[tm.inst.day_of(t0)].add(var.index)
    for g in tm.vars.groups:
        for (t0, _r, _i), var in g.all_sessions():
            by_day[tm.inst.day_of(t0)].add(var.index)

    def with_learners(indices: set[int], learners: set[str]) -> set[int]:
        out = set(indices)
        for m in learners:
            out |= learner_vars.get(m, set())
        return out

    by_course: dict[str, set[int]] = defaultdict(set)
    by_staff: dict[str, set[int]] = defaultdict(set)
    by_section: dict[str, set[int]] = defaultdict(set)
    for g in tm.vars.groups:
        by_course[g.cand.course] |= group_vars[g.cand.index]
        by_staff[g.cand.staff] |= group_vars[g.cand.index]
        for sec in g.cand.clique:
            by_section[sec] |= group_vars[g.cand.index]
    section_learners: dict[str, set[str]] = defaultdict(set)
    for lrn in data.learners:
        section_learners[lrn.section].add(lrn.learner)
    primary = set().union(*group_vars.values()) if group_vars else set()
    for indices in learner_vars.values():
        primary |= indices
    return _Parts(
        by_course={c: with_learners(v, course_learners[c]) for c, v in sorted(by_course.items())},
        by_staff={s: with_learners(v, staff_learners[s]) for s, v in sorted(by_staff.items())},
        by_section={
            s: with_learners(v, section_learners[s]) for s, v in sorted(by_section.items())
        },
        by_day=dict(sorted(by_day.items())),
        primary=sorted(primary),
    )


def improve(
    tm: TimetableModel,
    start: Incumbent,
    budget: float,
    params: SolveParams,
    on_improve: Callable[[Incumbent], None] | None = None,
) -> tuple[Incumbent, LnsStats]:
    """Improve ``start`` for ``budget`` deterministic seconds and at most until ``params``'
    deadline; returns the best timetable found and what the search did."""
    parts = _parts(tm)
    # Each kind of neighbourhood: its name and its parts (course, staff, section or day ->
    # the variable indices it frees); keys differ in type between kinds, hence Any.
    kinds: list[tuple[str, dict[Any, set[int]]]] = [(name, pool) for name, pool in (
        ("courses", parts.by_course),
        ("staff", parts.by_staff),
        ("sections", parts.by_section),
        ("days", parts.by_day),
    ) if pool]  # fmt: skip
    stats = LnsStats()
    best = start
    if not kinds or not parts.primary:
        return best, stats
    rng = random.Random(params.seed)
    size = {name: 2 for name, _pool in kinds}
    with ThreadPoolExecutor(max_workers=params.workers) as pool:
        while stats.deterministic_time < budget and params.left() > 0:
            if interrupt.stop_requested() is not None:  # Ctrl-C: keep the best so far
                break
            jobs = []
            for _w in range(params.workers):
                name, options = kinds[rng.randrange(len(kinds))]
                keys = sorted(options)
                chosen = rng.sample(keys, min(size[name], len(keys)))
                free = set().union(*(options[k] for k in chosen))
                step_seed = rng.randrange(1 << 30)
                jobs.append((name, free, step_seed))
            futures = [pool.submit(_step, tm, parts, best, free, s, params) for _n, free, s in jobs]
            outcomes = [f.result() for f in futures]
            stats.steps += len(jobs)
            stats.deterministic_time += max(o[2] for o in outcomes)
            round_best = best
            sideways = None
            for (name, _free, _s), (found, proven, _dt) in zip(jobs, outcomes, strict=True):
                _adapt(size, name, proven, found is not None and found.objective > best.objective)
                if found is not None and found.objective > round_best.objective:
                    round_best = found
                    stats.by_kind[name] += 1
                elif sideways is None and _sideways(found, best):
                    sideways = found
            # A neighbourhood's model copy is cyclic garbage: without a collection each round the
            # copies piled up (haren: 306 -> 717 MB over 8 rounds of 2; flat at 220 MB with it).
            release_memory(collect=True)
            if round_best is best and sideways is not None and params.lns_sideways:
                # A plateau: move to another timetable as good, so that the next
                # neighbourhoods start elsewhere (not counted as an improvement).
                best, stats.sideways = sideways, stats.sideways + 1
            elif round_best is not best:
                best = round_best
                stats.improvements += 1
                if on_improve:
                    on_improve(best)
    return best, stats


def _sideways(found: Incumbent | None, best: Incumbent) -> bool:
    """Whether ``found`` is another timetable exactly as good as ``best``."""
    return found is not None and found.objective == best.objective and found.values != best.values


def release_memory(collect: bool = False) -> None:
    """Give freed memory back to the operating system: glibc keeps what the solvers of a
    phase or a round freed, so without this the peak of a solve is the sum of its phases.
    ``collect`` runs Python's garbage collector first (tens of milliseconds on a large
    model), which frees the model copies a round made. A no-op where there is no glibc."""
    if collect:
        gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _adapt(size: dict[str, int], name: str, proven: bool, improved: bool) -> None:
    """Grow a neighbourhood kind that CP-SAT exhausts; shrink one that times out in vain."""
    if proven and not improved:
        size[name] = min(MAX_PARTS, size[name] + 1)
    elif not proven and not improved:
        size[name] = max(MIN_PARTS, size[name] - 1)


def _step(
    tm: TimetableModel, parts: _Parts, best: Incumbent, free: set[int], seed: int,
    params: SolveParams,
) -> tuple[Incumbent | None, bool, float]:  # fmt: skip
    """Re-solve the variables in ``free`` with everything else fixed to ``best``.
    Returns (the timetable found or None, proven optimal in the neighbourhood, dtime)."""
    sub = tm.model.clone()
    variables = sub.proto.variables
    for index in parts.primary:
        if index not in free:
            value = best.values[index]
            domain = variables[index].domain
            domain.clear()
            domain.extend([value, value])
    sub.clear_hints()
    hint = sub.proto.solution_hint
    hint.vars.extend(range(len(best.values)))
    hint.values.extend(best.values)
    solver = interrupt.new_solver()
    p = solver.parameters
    p.num_workers = 1
    p.random_seed = seed
    p.max_deterministic_time = params.lns_step_budget
    p.max_time_in_seconds = max(0.01, params.left())
    status = interrupt.solve(solver, sub)
    dtime = solver.deterministic_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, False, dtime
    values = list(solver.response_proto.solution)
    found = Incumbent(values, round(solver.objective_value))
    return found, status == cp_model.OPTIMAL, dtime
