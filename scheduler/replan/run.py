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
from scheduler.i18n import _
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
from scheduler.replan.start import greedy_start
from scheduler.replan.update import History, Update, classify, term_from
from scheduler.report.read import Timetable, same_term
from scheduler.report.timetable import Revision
from scheduler.solution import Group, Result, Session, Solution, SolveStatus

RESERVE_SHARE = 0.05  # of the time limit kept for reading the answer back and verifying it,
RESERVE_PER_LEARNER = 0.008  # plus this per learner (verifying haren took 2.6-3 s at load 6-8)
RESERVE_MOST = 0.4  # but never more than this share of the limit
FIND_SHARE = 0.35  # of the time limit to find a first timetable keeping every place
STEP_SHARE = 0.15  # of the time limit at most for each neighbourhood tried
EVERY_PLACE = "every continuing learner's place together (no smaller set was found in time)"
LAST_SHARE = 0.6  # of the time limit: until then the widest neighbourhood may decide
KEEP_FIRST_SHARE = 0.75  # of the time left, with --allow-moves, for the answer without it

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
    seats, and with ``allow_moves`` continuing learners may change group); everything that
    did not move in the first timetable stays fixed there. ``history`` gives the hours
    delivered before ``date`` (default: the planned ones); ``progress`` hears each phase and
    the places of every better timetable found."""
    progress({"phase": "building"})
    start = time.perf_counter()
    deadline = start + time_limit - _reserve(time_limit, len(data.learners))
    same_term(timetable, data)
    current = current_on(timetable, date)
    seen = term_from(data, current)
    inst = instance_without_candidates(seen)
    update = classify(seen, current, inst, history)
    update.original_arrival = {lr.learner: lr.arrival for lr in data.learners}
    stats: dict[str, float] = {"build_s": time.perf_counter() - start}
    until = start + FIND_SHARE * time_limit
    last = start + LAST_SHARE * time_limit
    progress({"phase": "searching", "step": "first"})
    found = _widening(update, current, inst, (until, last), STEP_SHARE * time_limit, seed, workers)
    if isinstance(found, Outcome):  # no timetable keeps every continuing learner's place
        if found.status == "infeasible":
            found.conflicts = _explain(update, current, inst, deadline, time_limit, seed, workers)
        return Replanned(found.status, seen, conflicts=found.conflicts, stats=stats)
    first, movable, restaff = found
    progress({"phase": "searching", "step": "full", "placed": _placed(first)})
    stats["movable_groups"], stats["restaffed_groups"] = len(movable), len(restaff)
    stats["first_s"] = time.perf_counter() - start
    built = build(update, current, False, inst, movable, True, restaff)
    # The first timetable left intakes and bookings out: the ones in use are the hint.
    first = dataclasses.replace(
        first,
        intakes=tuple(r.intake for r in current.intakes),
        internet=tuple(r.booking for r in current.bookings),
    )
    first, stats["greedy_joined"] = greedy_start(built, first, update.credit, seed)
    stats["full_build_s"] = time.perf_counter() - start
    share = KEEP_FIRST_SHARE if allow_moves else 1.0
    left = max(0.5, (deadline - time.perf_counter()) * share)
    outcome = solve(built, left, seed, workers, hinted=True, explain=False)
    stats.update(outcome.stats)
    if outcome.value is None:
        return Replanned(outcome.status, seen, stats=stats)
    stats["search_s"] = time.perf_counter() - start
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
    stats["read_back_s"] = wall
    verified = verify_result(seen, result, kept)
    stats["wall_s"] = time.perf_counter() - start
    return Replanned(outcome.status, seen, verified, revision, kept_groups=kept, stats=stats)


def _placed(solution: Solution) -> int:
    """Places (learner in a group) of a timetable: the page's "best so far"."""
    return sum(len(g.members) for g in solution.groups)


def _allow_moves(built, outcome, update, current, inst, deadline, seed, workers):
    """--allow-moves: every continuing learner may change group of the same course and every
    session may move, but the answer is kept only when it places more than ``outcome``."""
    base = read_back(built, outcome, update, current).solution
    wide = build(update, current, True, inst, built.movable, True, built.restaff)
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
    update: Update,
    current: Current,
    inst,
    times: tuple[float, float],
    step: float,
    seed: int,
    workers: int,
):
    """The first timetable (over the kept groups only) in which every continuing learner keeps
    a place, with the groups that had to move and to change teacher; or the Outcome saying
    none exists (or none was found in time). ``times``: until when narrower steps are tried,
    and until when the widest, which then decides (a busy machine must not turn a possible
    re-plan into "none found")."""
    until, last = times
    built = build(update, current, False, inst, frozenset(), False)
    outcome = first_timetable(built, _budget(until, step), seed, workers)
    steps = _steps(update, current, inst, built)
    movable: frozenset[str] = frozenset()
    restaff: frozenset[str] = frozenset()
    widest = (frozenset(update.continuing), frozenset(update.continuing))
    while outcome.value is None:
        now = time.perf_counter()
        if (movable, restaff) == widest and (outcome.status == "infeasible" or now >= last):
            return outcome
        wider = next(steps, widest) if now < until and (movable, restaff) != widest else widest
        if wider == widest:  # it decides, with the time left for it
            until, step = last, max(step, last - now)
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


def _reserve(time_limit: float, learners: int) -> float:
    """Seconds kept for reading the answer back and verifying it (the verifier's time grows
    with the term)."""
    return min(RESERVE_MOST, RESERVE_SHARE + RESERVE_PER_LEARNER * learners / time_limit) * (
        time_limit
    )


def _budget(until: float, step: float) -> float:
    """Seconds for one neighbourhood: at most ``step``, at least half a second."""
    return max(0.5, min(step, until - time.perf_counter()))


def _explain(update: Update, current: Current, inst, deadline: float, limit: float, seed, workers):
    """The minimal set of continuing places (and Locks rows) that cannot all hold, on the
    widest model (every session may move, every group may change teacher); shrinking the set
    gets at most ``limit`` seconds more (an impossible re-plan should not wait much longer
    than a possible one)."""
    everyone = frozenset(update.continuing)
    built = build(update, current, False, inst, everyone, False, everyone)
    left = max(limit / 2, deadline - time.perf_counter())
    found = solve(built, left, seed, workers, explain=True, shrink_seconds=limit).conflicts
    return found or [EVERY_PLACE]


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
    why.update(_freed(built, by_old, why))
    return Placement(
        solution, by_old, {k: v for k, v in extra.items() if v}, new_groups, why, built.intake_why
    )


def _freed(built: Built, by_old: dict[str, dict[int, Session]], must: dict[tuple[str, int], str]):
    """Why a session that was still valid moved: it was in the way of a session that had to
    move (``frees Mon P1 for NT2-1.1-1``: same day and time, and the same room, staff member
    or a shared learner)."""
    members = {gid: set(k.members) for gid, k in built.kept.items()}
    index = built.tm.data.period_index
    landed = [(gid, by_old[gid][i]) for gid, i in must if i in by_old.get(gid, {})]
    out = {}
    for gid, k in built.kept.items():
        for i, s in enumerate(k.sessions):
            new = by_old.get(gid, {}).get(i)
            if (gid, i) in must or new is None or new == s:
                continue
            for other, n in landed:
                shared = n.room == s.room or n.staff == s.staff or members[gid] & members[other]
                if other != gid and n.day == s.day and _overlap(index, n, s) and shared:
                    out[(gid, i)] = _("frees {day} {period} for {group}", day=s.day,
                                      period=s.period, group=other)  # fmt: skip
                    break
    return out


def _overlap(index: dict[str, int], a: Session, b: Session) -> bool:
    """Two sessions of one day share a period (``index``: period name -> position)."""
    pa, pb = index.get(a.period, -1), index.get(b.period, -1)
    return pa < pb + b.periods and pb < pa + a.periods


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
