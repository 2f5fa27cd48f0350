"""One re-plan from start to end: the update, the model, the answer, its rows and changes.

``replan(data, timetable, date, ...)`` returns a ``Replanned``: the verified timetable valid
from ``date`` with its ``Revision`` (history rows, Changes), ready for ``pipeline.write``; or,
when the continuing learners cannot all keep their place, the minimal conflict set.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scheduler.data import ProblemData
from scheduler.pipeline import Verified, verify_result
from scheduler.replan.changes import Builder, Placement
from scheduler.replan.current import Current, current_on, next_ids
from scheduler.replan.model import (
    Built,
    Outcome,
    build,
    first_timetable,
    hint_solution,
    instance_without_candidates,
    neighbours,
    solve,
    stuck,
)
from scheduler.replan.update import History, Update, classify, term_from
from scheduler.report.read import Timetable, same_term
from scheduler.report.timetable import Revision
from scheduler.solution import Group, Result, Session, Solution, SolveStatus

RESERVE_SHARE = 0.1  # of the time limit kept for reading the answer back and verifying it
FIND_SHARE = 0.35  # of the time limit to find a first timetable keeping every place
STEP_SHARE = 0.15  # of the time limit at most for each neighbourhood tried
KEEP_FIRST_SHARE = 0.6  # of the time left, with --allow-moves, for the answer without it

# Called with {"phase": "building" | "searching" | "verifying", "placed": n (best so far),
# "step": "first" | "full" | "moves"} as the re-plan goes (the web page's progress).
Report = Callable[[dict[str, Any]], None]


def _silent(event: dict[str, Any]) -> None:
    """The default progress callback: the command line shows no progress."""


@dataclass
class Replanned:
    status: str  # optimal, feasible, infeasible, unknown
    data: ProblemData  # the term as seen from DATE (what the timetable was verified against)
    verified: Verified | None = None
    revision: Revision | None = None
    conflicts: list[str] = field(default_factory=list)
    kept_groups: frozenset[str] = frozenset()
    stats: dict[str, float] = field(default_factory=dict)


def replan(
    data: ProblemData,
    timetable: Timetable,
    date: dt.date,
    allow_moves: bool = False,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 1,
    history: History | None = None,
    progress: Report = _silent,
) -> Replanned:
    """Re-plan ``timetable`` from ``date`` for the term ``data`` (see replan.md). Raises
    SchedulerError for a timetable of another term or a date it cannot start on.

    Search: a first timetable over the kept groups alone, with only the sessions that must
    move free; when they find no place, the groups in their way may move too (wider and
    wider), then change teacher. That timetable starts the full search (new groups, free
    seats, and with ``allow_moves`` every session and continuing learner may move).
    ``history`` gives the hours delivered before ``date`` (default: the planned ones);
    ``progress`` hears each phase and the places of every better timetable found."""
    progress({"phase": "building"})
    start = time.perf_counter()
    deadline = start + time_limit * (1 - RESERVE_SHARE)  # then read back and verify
    same_term(timetable, data)
    current = current_on(timetable, date)
    seen = term_from(data, current)
    inst = instance_without_candidates(seen)
    update = classify(seen, current, inst, history)
    update.original_arrival = {lr.learner: lr.arrival for lr in data.learners}
    stats: dict[str, float] = {"build_s": time.perf_counter() - start}
    until = start + FIND_SHARE * time_limit
    progress({"phase": "searching", "step": "first"})
    found = _widening(update, current, inst, until, STEP_SHARE * time_limit, seed, workers)
    if isinstance(found, Outcome):  # no timetable keeps every continuing learner's place
        if found.status == "infeasible":
            found.conflicts = _explain(update, current, inst, deadline, seed, workers)
        return Replanned(found.status, seen, conflicts=found.conflicts, stats=stats)
    first, movable, restaff = found
    progress({"phase": "searching", "step": "full", "placed": _placed(first)})
    stats["movable_groups"], stats["restaffed_groups"] = len(movable), len(restaff)
    built = build(update, current, False, inst, movable, True, restaff)
    # The first timetable left intakes and bookings out: the ones in use are the hint.
    first = dataclasses.replace(
        first,
        intakes=tuple(r.intake for r in current.intakes),
        internet=tuple(r.booking for r in current.bookings),
    )
    hint_solution(built, first)
    share = KEEP_FIRST_SHARE if allow_moves else 1.0
    left = max(0.5, (deadline - time.perf_counter()) * share)
    outcome = solve(built, left, seed, workers, hinted=True, explain=False)
    stats.update(outcome.stats)
    if outcome.value is None:
        return Replanned(outcome.status, seen, stats=stats)
    if allow_moves and outcome.best is not None and time.perf_counter() < deadline - 1.0:
        progress({"step": "moves", "placed": built.tm.placed_count(outcome.value)})
        built, outcome = _allow_moves(
            built, outcome, update, current, inst, deadline, seed, workers
        )
        stats["allow_moves_used"] = float(outcome.best is not None and built.allow_moves)
    placement = read_back(built, outcome, update, current)
    progress({"phase": "verifying", "placed": _placed(placement.solution)})
    revision = Builder(seen, update, current, placement).revision()
    kept = frozenset(built.kept)
    status = SolveStatus.OPTIMAL if outcome.status == "optimal" else SolveStatus.FEASIBLE
    wall = time.perf_counter() - start
    result = Result(status=status, solution=placement.solution, wall_time=wall, stats=stats)
    verified = verify_result(seen, result, kept)
    stats["wall_s"] = wall
    return Replanned(outcome.status, seen, verified, revision, kept_groups=kept, stats=stats)


def _placed(solution: Solution) -> int:
    """Places (learner in a group) of a timetable: the page's "best so far"."""
    return sum(len(g.members) for g in solution.groups)


def _allow_moves(built, outcome, update, current, inst, deadline, seed, workers):
    """--allow-moves: every continuing learner may change group of the same course and every
    session may move, but the answer is kept only when it places more than ``outcome``."""
    base = read_back(built, outcome, update, current).solution
    wide = build(update, current, True, inst, frozenset(update.continuing), True, built.restaff)
    hint_solution(wide, base)
    left = max(0.5, deadline - time.perf_counter())
    better = solve(wide, left, seed, workers, hinted=True, explain=False, must_beat=outcome.best)
    if better.value is None:
        return built, outcome
    return wide, better


def _steps(update: Update, current: Current, inst, level0: Built):
    """(movable, restaff) to try after the strict model: wider and wider neighbourhoods of
    the sessions that must move, then new teachers for their groups, then for every group."""
    everyone = frozenset(update.continuing)
    movable: frozenset[str] = frozenset()
    built = level0
    while movable != everyone:
        wider = neighbours(built, movable)
        movable = wider if wider != movable else everyone
        yield movable, frozenset()
        built = build(update, current, False, inst, movable, False)
    yield everyone, stuck(level0)
    yield everyone, everyone


def _widening(
    update: Update, current: Current, inst, until: float, step: float, seed: int, workers: int
):
    """The first timetable (over the kept groups only) in which every continuing learner keeps
    a place, with the groups that had to move and to change teacher; or the Outcome saying
    none exists (or none was found in time)."""
    built = build(update, current, False, inst, frozenset(), False)
    outcome = first_timetable(built, _budget(until, step), seed, workers)
    steps = _steps(update, current, inst, built)
    movable: frozenset[str] = frozenset()
    restaff: frozenset[str] = frozenset()
    while outcome.value is None:
        wider = next(steps, None)
        if wider is None or time.perf_counter() >= until:
            return outcome
        movable, restaff = wider
        built = build(update, current, False, inst, movable, False, restaff)
        outcome = first_timetable(built, _budget(until, step), seed, workers)
    first = read_back(built, outcome, update, current)
    # Only the groups that did move (or change teacher) stay movable in the full search.
    moved = frozenset(
        gid
        for gid, by_old in first.by_old.items()
        if any(by_old.get(i) != s for i, s in enumerate(built.kept[gid].sessions))
    )
    return first.solution, moved & movable, moved & restaff


def _budget(until: float, step: float) -> float:
    """Seconds for one neighbourhood: at most ``step``, at least half a second."""
    return max(0.5, min(step, until - time.perf_counter()))


def _explain(update: Update, current: Current, inst, deadline: float, seed: int, workers: int):
    """The minimal set of continuing places (and Locks rows) that cannot all hold, on the
    widest model (every session may move, every group may change teacher)."""
    everyone = frozenset(update.continuing)
    built = build(update, current, False, inst, everyone, False, everyone)
    limit = max(1.0, deadline - time.perf_counter())
    return solve(built, limit, seed, workers, explain=True).conflicts


def read_back(built: Built, outcome: Outcome, update: Update, current: Current) -> Placement:
    """The solver's timetable: kept groups under their ids with each session matched to the
    one it replaces; new groups numbered after the highest id their course ever used."""
    tm, value = built.tm, outcome.value
    assert value is not None  # read_back is only called with a timetable
    take = next_ids(current, [c.course for c in tm.data.courses])
    groups: list[Group] = []
    sessions: list[Session] = []
    by_old: dict[str, dict[int, Session]] = {}
    extra: dict[str, list[Session]] = defaultdict(list)
    new_groups = []
    active = [g for g in tm.vars.groups if value(g.active)]
    for g in sorted(active, key=lambda g: (g.cand.course, g.cand.index)):
        gid = built.owner.get(g.cand.index) or take(g.cand.course)
        members = tuple(sorted(m for m, x in g.member.items() if value(x)))
        groups.append(Group(gid, g.cand.course, g.cand.staff, members))
        mine = []
        for (t0, r, internet), var in g.all_sessions():
            if value(var):
                day, period = tm.inst.slot_name(t0)
                mine.append(Session(gid, g.cand.course, day, period, g.length, r,
                                    g.cand.staff, internet))  # fmt: skip
        sessions += mine
        if gid in built.kept:
            by_old[gid], extra[gid] = _match(built.kept[gid].sessions, mine)
        else:
            new_groups.append(gid)
            extra[gid] = sorted(mine, key=lambda s: (s.day, s.period))
    solution = Solution(
        tuple(groups),
        tuple(sessions),
        tuple(tm._intakes_from(value)),
        tuple(tm._bookings_from(value)),
    )
    why = {(gid, i): w for gid, k in built.kept.items() for i, w in k.free.items()}
    return Placement(
        solution, by_old, {k: v for k, v in extra.items() if v}, new_groups, why, built.intake_why
    )


def _match(old: list[Session], new: list[Session]) -> tuple[dict[int, Session], list[Session]]:
    """Each old session's successor: the same one, else the same time, else any of the same
    kind (internet or not); new sessions left over are extra."""
    left = list(new)
    out: dict[int, Session] = {}
    for same in (
        lambda a, b: (a.day, a.period, a.room, a.internet) == (b.day, b.period, b.room, b.internet),
        lambda a, b: (a.day, a.period, a.internet) == (b.day, b.period, b.internet),
        lambda a, b: a.internet == b.internet,
    ):
        for i, s in enumerate(old):
            if i in out:
                continue
            for n in left:
                if same(s, n):
                    out[i] = n
                    left.remove(n)
                    break
    return out, left
