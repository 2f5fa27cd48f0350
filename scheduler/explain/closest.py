"""The valid timetable closest to the current one that gives a learner their request.

"Closest" (decisions.md): first the fewest others losing a place, weighted by priority (a group
place, an intake, an internet period); then the re-plan change costs (replan.md Weights:
``moved_session`` per session at another day or period, ``moved_room`` per session in another
room, ``moved_intake`` per intake at another time, ``moved_internet`` per booking moved); then,
least, the fewest new placements of others, so that nothing changes without need. The current
timetable is the hint; groups keep their ids where the new timetable keeps them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler import interrupt
from scheduler.data import ProblemData
from scheduler.explain.core import enforce_locks, force_request
from scheduler.model.cp_model import TimetableModel
from scheduler.rules import group_id, group_number
from scheduler.solution import Group, Session, Solution

# replan.md defaults; a Weights row of the same name overrides them.
CHANGE_COSTS = {
    "moved_session": 200,
    "moved_room": 50,
    "moved_intake": 30,
    "moved_internet": 10,
    "moved_learner": 80,
}


@dataclass
class Closest:
    """The answer: the new timetable, or None with the solver's status."""

    status: str
    solution: Solution | None = None
    lost: list[tuple[str, str]] = field(default_factory=list)  # (learner, what they lose)


def _cost(data: ProblemData, key: str) -> int:
    return round(float(data.weights.get(key, CHANGE_COSTS[key])))


class _Objective:
    """Weighted terms of the closeness objective, split in places lost and changes."""

    def __init__(self) -> None:
        self.places: list[tuple[int, object]] = []  # cost of losing, per place kept literal
        self.changes: list[tuple[int, object]] = []  # cost when the literal is false
        self.gains: list[object] = []  # new placements of others

    def expression(self):
        worst_changes = sum(c for c, _ in self.changes) + len(self.gains) + 1
        lose = sum(worst_changes * c * (1 - lit) for c, lit in self.places)
        change = sum(c * (1 - lit) for c, lit in self.changes)
        return lose + change + sum(self.gains)


def closest(
    data: ProblemData,
    current: Solution,
    learner_id: str,
    kind: str,
    seconds: float,
    workers: int = 1,
    seed: int = 0,
) -> Closest:
    """The timetable closest to ``current`` that gives ``learner_id`` their ``kind``; the
    current timetable is the hint, repaired by CP-SAT where the request does not fit it."""
    tm = TimetableModel(data, objective=False)
    enforce_locks(tm)
    if not force_request(tm, learner_id, kind):
        return Closest("infeasible")
    matched = tm.matching_groups(current)
    obj = _Objective()
    _place_terms(tm, current, obj)
    _session_terms(tm, matched, obj)
    _intake_terms(tm, current, obj)
    tm.model.minimize(obj.expression())
    tm.add_hint(current)
    solver = interrupt.new_solver()  # leaves Ctrl-C to scheduler.interrupt
    p = solver.parameters
    p.num_workers, p.random_seed = max(1, workers), seed
    p.max_time_in_seconds = max(0.1, seconds)
    # Measured on the large term: repairing the hint finds a timetable with half the places
    # lost that a plain hinted search finds in the same 30 s.
    p.repair_hint = True
    status = interrupt.run_in_thread(interrupt.solve, solver, tm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Closest("infeasible" if status == cp_model.INFEASIBLE else "unknown")
    solution = _renamed(tm, solver, current)
    return Closest("optimal" if status == cp_model.OPTIMAL else "feasible", solution)


def _place_terms(tm: TimetableModel, current: Solution, obj: _Objective) -> None:
    """Everyone's current group places, intakes and internet periods, priority-weighted."""
    data = tm.data
    kinds = {c.course: c.kind for c in data.courses}
    held: dict[str, set[str]] = defaultdict(set)
    for group in current.groups:
        for m in group.members:
            held[m].add(kinds.get(group.course, ""))
    for m, got in held.items():
        if m not in data.learner_by_id:
            continue
        priority = data.learner_by_id[m].priority
        for kind in got:
            lits = [
                g.member[m] for g in tm.vars.groups_of.get(m, []) if kinds[g.cand.course] == kind
            ]
            obj.places.append((priority, _any(tm, lits)))
    for g in tm.vars.groups:
        for m, x in g.member.items():
            if kinds[g.cand.course] not in held.get(m, set()):
                obj.gains.append(x)
    _booking_terms(tm, current, obj)


def _any(tm: TimetableModel, lits: list):
    """A literal true when one of ``lits`` is (a constant false when there are none)."""
    out = tm.model.new_bool_var("")
    if lits:
        tm.model.add_max_equality(out, lits)
    else:
        tm.model.add(out == 0)
    return out


def _booking_terms(tm: TimetableModel, current: Solution, obj: _Objective) -> None:
    data = tm.data
    count: dict[str, int] = defaultdict(int)
    for b in current.internet:
        count[b.learner] += 1
    per: dict[str, list] = defaultdict(list)
    for (m, _t, _lab), v in tm.vars.booking.items():
        per[m].append(v)
    for m, n in count.items():
        if m not in data.learner_by_id:
            continue
        kept = [tm.model.new_bool_var("") for _ in range(n)]
        tm.model.add(sum(kept) <= sum(per.get(m, [])))
        for lit in kept:
            obj.places.append((data.learner_by_id[m].priority, lit))
    moved = _cost(data, "moved_internet")
    for b in current.internet:
        key = (b.learner, tm._slot(b.day, b.period), b.room)
        var = tm.vars.booking.get(key)
        if var is not None:
            obj.changes.append((moved, var))


def _session_terms(tm: TimetableModel, matched: dict, obj: _Objective) -> None:
    """Each current session of a group the model can hold: same slot and room, or a cost."""
    data = tm.data
    by_index = {g.cand.index: g for g in tm.vars.groups}
    moved, room = _cost(data, "moved_session"), _cost(data, "moved_room")
    stay = _cost(data, "moved_learner")
    for index, (members, sessions, _gid) in matched.items():
        g = by_index[index]
        for m in members:
            if m in g.member:
                obj.changes.append((stay, g.member[m]))
        for t0, r, internet in sessions:
            same_slot = [v for (t, _r, i), v in g.all_sessions() if t == t0 and i == internet]
            exact = dict(g.all_sessions()).get((t0, r, internet))
            obj.changes.append((moved, _any(tm, same_slot)))
            if exact is not None:
                obj.changes.append((room, exact))


def _intake_terms(tm: TimetableModel, current: Solution, obj: _Objective) -> None:
    """Current intakes: held (a place, see _place_terms) and at the same time, or a cost."""
    data = tm.data
    moved = _cost(data, "moved_intake")
    per: dict[str, list] = defaultdict(list)
    for key, v in tm.vars.intake.items():
        per[key[0]].append(v)
    for i in current.intakes:
        if i.learner not in data.learner_by_id:
            continue
        obj.places.append(
            (data.learner_by_id[i.learner].priority, _any(tm, per.get(i.learner, [])))
        )
        var = tm.vars.intake.get((i.learner, i.week, tm._slot(i.day, i.period), i.staff, i.room))
        if var is not None:
            obj.changes.append((moved, var))


def _renamed(tm: TimetableModel, solver: cp_model.CpSolver, current: Solution) -> Solution:
    """The solver's timetable with its groups named after the current groups they keep (same
    course and staff, most members in common first); a new group is numbered after the highest
    id its course has had."""
    sol = tm.solution_from(solver.boolean_value)
    names = _name_map(current, sol)
    groups = tuple(Group(names[g.group], g.course, g.staff, g.members) for g in sol.groups)
    sessions = tuple(
        Session(names[s.group], s.course, s.day, s.period, s.periods, s.room, s.staff, s.internet)
        for s in sol.sessions
    )
    return Solution(groups, sessions, sol.intakes, sol.internet)


def _name_map(current: Solution, new: Solution) -> dict[str, str]:
    """New group id -> the id it takes (see ``_renamed``)."""
    pairs = sorted(
        (
            (-len(set(a.members) & set(b.members)), a.staff != b.staff, a.group, b.group)
            for a in current.groups
            for b in new.groups
            if a.course == b.course
        ),
    )
    names: dict[str, str] = {}
    used: set[str] = set()
    for overlap, _other_staff, old, gid in pairs:
        if overlap < 0 and old not in used and gid not in names:
            names[gid] = old
            used.add(old)
    top: dict[str, int] = defaultdict(int)
    for g in current.groups:
        top[g.course] = max(top[g.course], group_number(g.group))
    for g in new.groups:
        if g.group not in names:
            top[g.course] += 1
            names[g.group] = group_id(g.course, top[g.course])
    return names
