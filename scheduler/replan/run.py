"""One re-plan from start to end: the update, the model, the answer, its rows and changes.

``replan(data, timetable, date, ...)`` returns a ``Replanned``: the verified timetable valid
from ``date`` with its ``Revision`` (history rows, Changes), ready for ``pipeline.write``; or,
when the continuing learners cannot all keep their place, the minimal conflict set.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field

from scheduler.data import ProblemData
from scheduler.pipeline import Verified, verify_result
from scheduler.replan.changes import Builder, Placement
from scheduler.replan.current import Current, current_on, next_ids
from scheduler.replan.model import Built, Outcome, build, instance_without_candidates, solve
from scheduler.replan.update import Update, classify, term_from
from scheduler.report.read import Timetable, same_term
from scheduler.report.timetable import Revision
from scheduler.solution import Group, Result, Session, Solution, SolveStatus

STRICT_SHARE = 0.5  # of the time limit for the first try, with only invalid sessions free


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
) -> Replanned:
    """Re-plan ``timetable`` from ``date`` for the term ``data`` (see replan.md). Raises
    SchedulerError for a timetable of another term or a date it cannot start on."""
    start = time.perf_counter()
    same_term(timetable, data)
    current = current_on(timetable, date)
    seen = term_from(data, current)
    model, update = _build(data, seen, current, allow_moves, allow_moves)
    stats = {"build_s": time.perf_counter() - start}
    outcome = solve(model, time_limit * (1 if allow_moves else STRICT_SHARE), seed, workers)
    if outcome.value is None and not allow_moves:
        # The sessions that must move find no place while every other stays: let the others
        # move too, each at its moved_* cost (so only those in the way move).
        model, update = _build(data, seen, current, False, True)
        left = max(1.0, time_limit - (time.perf_counter() - start))
        outcome = solve(model, left, seed, workers)
        stats["neighbourhood"] = 1
    stats.update(outcome.stats)
    if outcome.value is None:
        return Replanned(outcome.status, seen, conflicts=outcome.conflicts, stats=stats)
    placement = read_back(model, outcome, update, current)
    revision = Builder(seen, update, current, placement).revision()
    kept = frozenset(model.kept)
    status = SolveStatus.OPTIMAL if outcome.status == "optimal" else SolveStatus.FEASIBLE
    wall = time.perf_counter() - start
    result = Result(status=status, solution=placement.solution, wall_time=wall, stats=stats)
    verified = verify_result(seen, result, kept)
    stats["wall_s"] = wall
    return Replanned(outcome.status, seen, verified, revision, kept_groups=kept, stats=stats)


def _build(data: ProblemData, seen: ProblemData, current: Current, allow_moves: bool, move: bool):
    inst = instance_without_candidates(seen)
    update = classify(seen, current, inst)
    update.original_arrival = {lr.learner: lr.arrival for lr in data.learners}
    return build(update, current, allow_moves, inst, move), update


def read_back(built: Built, outcome: Outcome, update: Update, current: Current) -> Placement:
    """The solver's timetable: kept groups under their ids with each session matched to the
    one it replaces; new groups numbered after the highest id their course ever used."""
    tm, value = built.tm, outcome.value
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
