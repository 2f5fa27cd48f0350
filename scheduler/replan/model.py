"""The re-plan model: the term's TimetableModel over what is free, the rest fixed.

Candidates are built by hand instead of for every learner of the term:
- each kept group is one candidate (one per eligible staff member when its own can no longer
  teach it) holding its continuing members, the learners still free for its course, and as
  session options its current sessions, plus every feasible start and room when a session
  must move (or with ``--allow-moves``);
- new groups are candidates formed from the free learners only (arrivals, learners who
  waited, learners who left a group but still ask for the course).
A continuing learner keeps a place through an assumption literal, so an impossible re-plan
names the learners (and Locks rows) that cannot all keep it.

Two stages (replan.md, Clarifications): stage 1 maximises solve's placement terms; stage 2
keeps that value and minimises the moved_* costs plus same_day, staff_days and room_changes.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from scheduler.data import Lock, ProblemData
from scheduler.model.cp_model import TimetableModel
from scheduler.model.instance import (
    Candidate,
    Instance,
    build_instance,
    candidates_for,
    eligible_learners,
    section_cliques,
)
from scheduler.model.objective import SCALE, build_objective
from scheduler.model.variables import GroupVars
from scheduler.replan.current import Current
from scheduler.replan.update import HAND_EDIT, Update, clashes, session_problem
from scheduler.rules import parse_group_id
from scheduler.solution import Group, Session, Solution

PLACEMENT = ("served", "early_release", "release_risk", "intake", "internet")
TIDY = ("same_day", "staff_days", "room_changes")
STAGE_ONE_SHARE = 0.8  # of the time limit; stage 2 (fewer changes, tidier) gets the rest
WALL_FACTOR = 3.0  # wall-clock cap on a deterministic limit (a slow, shared machine)
HINT_SECONDS = 2.0  # to complete a hinted timetable (a fallback for stage 1)
STALE_SECONDS = 1.0  # a polishing search stops after this long without a better timetable
SHRINK_SECONDS = 2.0  # per feasibility check while shrinking a conflict set
SHRINK_TOTAL_SECONDS = 60.0  # for the whole shrinking


@dataclass
class Kept:
    """A group of the current timetable that continues."""

    gid: str
    group: Group
    members: list[str]
    sessions: list[Session]  # live sessions, in sheet order
    free: dict[int, str] = field(default_factory=dict)  # session index -> why it may move
    future: list[str] = field(default_factory=list)  # members who arrive after DATE
    indices: list[int] = field(default_factory=list)  # its candidates


SessionKey = tuple[int, str, bool]  # (start slot, room, internet)
IntakeKey = tuple[str, int, int, str, str]  # (learner, week, start slot, counsellor, room)


class ReplanModel(TimetableModel):
    """TimetableModel over what is free. Its instance has the fixed sessions' rooms and staff
    taken (``reduced``), so new groups and moving sessions only get variables where they can
    go; each fixed session is one variable of its own group (``fixed``: candidate index ->
    its sessions), and a planned intake that is still possible is its learner's only option
    (``intakes``). Kept groups need only one member (min_size binds new groups) and are never
    ordered against interchangeable candidates."""

    def __init__(
        self,
        data: ProblemData,
        inst: Instance,
        kept: set[int],
        fixed: dict[int, list[SessionKey]] | None = None,
        intakes: dict[str, IntakeKey] | None = None,
    ):
        self.kept_indices = kept
        self.fixed = fixed or {}
        self.kept_intakes = intakes or {}
        super().__init__(data, inst, objective=False)

    def _make_variables(self) -> None:
        super()._make_variables()
        for g in self.vars.groups:
            for t0, room, internet in self.fixed.get(g.cand.index, ()):
                table = g.internet if internet else g.session
                if (t0, room) not in table:
                    table[(t0, room)] = self.model.new_bool_var(f"fixed[{g.cand.index},{t0}]")
                if room not in g.uses_room:
                    g.uses_room[room] = self.model.new_bool_var(f"use[{g.cand.index},{room}]")
        # Only the planned intake, when it is still possible (else every option of the window).
        for key in list(self.vars.intake):
            keep = self.kept_intakes.get(key[0])
            if keep is not None and keep != key and keep in self.vars.intake:
                del self.vars.intake[key]

    def _group_size(self) -> None:
        for g in self.vars.groups:
            c = self.inst.data.course_by_id[g.cand.course]
            size = sum(g.member.values())
            low = 1 if g.cand.index in self.kept_indices else c.min_size
            self.model.add(size >= low * g.active)
            self.model.add(size <= c.max_size * g.active)

    def _symmetry_breaking(self) -> None:
        new = [g for g in self.vars.groups if g.cand.index not in self.kept_indices]
        for prev, g in zip(new, new[1:], strict=False):
            if (prev.cand.course, prev.cand.clique, prev.cand.staff) == (
                g.cand.course,
                g.cand.clique,
                g.cand.staff,
            ):
                self.model.add_implication(g.active, prev.active)
                self.model.add(sum(prev.member.values()) >= sum(g.member.values()))


@dataclass
class Built:
    """The model with what reading its answer back needs."""

    tm: ReplanModel
    base: Instance  # the term's instance, without the fixed sessions taken
    kept: dict[str, Kept]
    owner: dict[int, str]  # candidate index -> kept group id
    assumptions: list[tuple[Any, str]]  # (literal, what it keeps, in words)
    stage_one: Any = None  # placement terms (scaled), maximised in stage 1
    changes: Any = None  # moved_* costs (scaled), minimised in stage 2
    group_changes: Any = None  # the part of ``changes`` about groups and their sessions
    max_changes: int = 0  # ``changes`` when everything changes
    tidy: Any = None  # same_day, staff_days, room_changes (negative rewards)
    intake_why: dict[str, str] = field(default_factory=dict)
    movable: frozenset[str] = frozenset()  # kept groups whose sessions may all move
    restaff: frozenset[str] = frozenset()  # kept groups that may change teacher
    place_group: dict[int, str] = field(default_factory=dict)  # assumption literal -> group
    allow_moves: bool = False


def instance_without_candidates(data: ProblemData) -> Instance:
    """The term's precomputed sets and eligibility, without the candidate groups of every
    learner (a re-plan makes its own, over what is free: the expensive part is skipped)."""
    inst = build_instance(data.replace(courses=()))
    inst.data = data
    for course in data.courses:
        inst.eligible[course.course] = eligible_learners(data, course, inst)
    return inst


def build(
    update: Update,
    current: Current,
    allow_moves: bool,
    inst: Instance,
    movable: frozenset[str] = frozenset(),
    new_groups: bool = True,
    restaff: frozenset[str] = frozenset(),
) -> Built:
    """The re-plan model of ``update`` over ``inst`` (see the module docstring). The kept
    groups in ``movable`` may move any session, and those in ``restaff`` change teacher, each
    at its moved_* cost: the neighbourhood of the sessions that must move, when those find no
    place while everything else stays. Every other kept session is fixed: its room and staff
    member are taken out of the instance the rest is built over. With ``allow_moves`` the
    continuing learners may change kept group of the same course. Without ``new_groups`` only
    the kept groups are candidates: a small model that finds quickly whether (and how) every
    continuing learner keeps a place, and gives the full model a complete start."""
    group_locks = [lk for lk in update.data.locks if lk.group]
    data = update.data.replace(locks=tuple(lk for lk in update.data.locks if not lk.group))
    inst.data = data
    kept = _kept_groups(update, current, inst, allow_moves)
    fixed = _fixed_sessions(kept, movable | restaff | frozenset(update.staff_why))
    free_inst = reduced(inst, [s for sessions in fixed.values() for s in sessions])
    free = _free_learners(update, inst)
    cands, owner = _kept_candidates(update, free_inst, kept, free, allow_moves, movable, restaff)
    if new_groups:
        cands += candidates_for(data, free_inst, free, first=len(cands))
    free_inst.candidates = cands
    own = {
        i: [(_slot(inst, s), s.room, s.internet) for s in fixed.get(owner[i], [])]
        for i in owner
        if cands[i].staff == kept[owner[i]].group.staff
    }
    tm = ReplanModel(data, free_inst, set(owner), own, _planned_intakes(inst, current))
    built = Built(tm, inst, kept, owner, [], movable=movable, restaff=restaff)
    built.allow_moves = allow_moves
    by_index = {g.cand.index: g for g in tm.vars.groups}
    _keep_places(built, by_index, allow_moves)
    _fix_sessions(built, by_index, movable)
    _lock_groups(built, by_index, group_locks)
    _objective(built, update, current, by_index)
    return built


# ---------------------------------------------------------------------------------------------
# Kept groups and free learners


def _fixed_sessions(kept: dict[str, Kept], moving: frozenset[str]) -> dict[str, list[Session]]:
    """Kept group -> its sessions that stay where they are: every still-valid session of a
    group that may neither move its sessions nor change teacher."""
    return {
        gid: [s for i, s in enumerate(k.sessions) if i not in k.free]
        for gid, k in kept.items()
        if gid not in moving
    }


def reduced(inst: Instance, sessions: list[Session]) -> Instance:
    """``inst`` with the rooms and staff of ``sessions`` taken (as RoomUnavailability rows and
    absences would take them): what is left is what new groups and moving sessions may use.
    The candidates are not copied."""
    rooms = {r: set(v) for r, v in inst.room_blocked.items()}
    room_gaps = {r: set(v) for r, v in inst.room_gaps.items()}
    staff = {s: set(v) for s, v in inst.staff_free.items()}
    staff_gaps = {s: set(v) for s, v in inst.staff_gaps.items()}
    for s in sessions:
        t0 = _slot(inst, s)
        if t0 < 0 or s.room not in rooms:
            continue
        slots, gaps = set(inst.covered(t0, s.periods)), set(inst.inner_gaps(t0, s.periods))
        rooms[s.room] |= slots
        room_gaps[s.room] |= gaps
        if s.staff in staff:
            staff[s.staff] -= slots
            staff_gaps[s.staff] -= gaps
    return dataclasses.replace(
        inst,
        room_blocked={r: frozenset(v) for r, v in rooms.items()},
        room_gaps={r: frozenset(v) for r, v in room_gaps.items()},
        staff_free={s: frozenset(v) for s, v in staff.items()},
        staff_gaps={s: frozenset(v) for s, v in staff_gaps.items()},
        _open_starts={},
        candidates=[],
    )


def _planned_intakes(inst: Instance, current: Current) -> dict[str, IntakeKey]:
    """learner -> the intake planned for them from DATE on (kept when still possible)."""
    out = {}
    for row in current.intakes:
        x = row.intake
        out[x.learner] = (x.learner, x.week, _slot(inst, _at(x.day, x.period)), x.staff, x.room)
    return out


def _kept_groups(update: Update, current: Current, inst: Instance, allow_moves: bool):
    data = update.data
    kept: dict[str, Kept] = {}
    for gid, members in update.continuing.items():
        group = current.groups[gid]
        sessions = [r.session for r in current.sessions.get(gid, [])]
        k = Kept(gid, group, members, sessions, future=update.future.get(gid, []))
        course = data.course_by_id[group.course]
        for i, s in enumerate(sessions):
            why = session_problem(data, inst, s, members, current.edited)
            if why:
                k.free[i] = why
            elif gid in update.staff_why:
                k.free[i] = update.staff_why[gid]
        if len(sessions) != course.sessions_per_week:
            for i in range(len(sessions)):
                k.free.setdefault(i, f"{course.course} now has {course.sessions_per_week} sessions")
        kept[gid] = k
    _free_clashes(update, inst, kept, current.edited)
    return kept


def _free_clashes(update: Update, inst: Instance, kept: dict[str, Kept], edited: bool) -> None:
    """Sessions that clash with another kept one (a hand edit, or a change of the term) are
    free to move; the model keeps one of each pair where it is."""
    items = [
        (gid, i, s, k.members)
        for gid, k in kept.items()
        for i, s in enumerate(k.sessions)
        if i not in k.free
    ]
    for (gid, i), why in clashes(update.data, inst, items).items():
        kept[gid].free[i] = f"{HAND_EDIT} ({why})" if edited else why


def _free_learners(update: Update, inst: Instance) -> dict[str, tuple[str, ...]]:
    """course -> eligible learners who hold no continuing place of that course's kind."""
    holds = update.continuing_kinds()
    out = {}
    for course in update.data.courses:
        out[course.course] = tuple(
            m for m in inst.eligible[course.course] if course.kind not in holds.get(m, set())
        )
    return out


def _kept_candidates(
    update,
    inst: Instance,
    kept: dict[str, Kept],
    free,
    allow_moves: bool,
    movable: frozenset[str],
    restaff: frozenset[str],
):
    data = update.data
    cands: list[Candidate] = []
    owner: dict[int, str] = {}
    for gid, k in sorted(kept.items()):
        course = data.course_by_id[k.group.course]
        clique = _clique(data, k.members, free[course.course])
        learners = list(k.members) + update.future.get(gid, [])
        learners += [m for m in free[course.course] if data.learner_by_id[m].section in clique]
        if allow_moves:
            learners += [
                m
                for other, ko in sorted(kept.items())
                if other != gid and ko.group.course == course.course
                for m in ko.members
                if data.learner_by_id[m].section in clique
            ]
        # Another staff member only when the group's own cannot teach it any more, or (at the
        # moved_staff cost) when a new teacher is what makes room (``restaff``).
        staff_options = [k.group.staff]
        if gid in update.staff_why:
            staff_options = list(inst.course_staff[course.course])
        elif gid in restaff:
            staff_options += [s for s in inst.course_staff[course.course] if s != k.group.staff]
        for staff in staff_options:
            index = len(cands)
            move = gid in movable
            cands.append(_candidate(inst, k, course, clique, staff, learners, index, move))
            owner[index] = gid
            k.indices.append(index)
    return cands, owner


def _clique(data: ProblemData, members: list[str], free: tuple[str, ...]) -> tuple[str, ...]:
    """The largest set of compatible sections that holds every continuing member's."""
    own = {data.learner_by_id[m].section for m in members}
    sections = own | {data.learner_by_id[m].section for m in free}
    fitting = [c for c in section_cliques(data, sections) if own <= set(c)]
    return max(fitting, key=len) if fitting else tuple(sorted(own))


def _candidate(inst, k: Kept, course, clique, staff, learners, index, move) -> Candidate:
    """One candidate for kept group ``k`` with ``staff``: its current sessions, and every
    feasible start and room when one of them may move."""
    data = inst.data
    moving = bool(k.free) or move or staff != k.group.staff
    rooms = [r for r in data.rooms if r.kind in ("classroom", "computer_lab")]
    labs = [r for r in data.rooms if r.kind == "computer_lab" and r.internet_seats > 0]
    # Only sessions still valid under their own staff member are options as they are; the
    # rest come from the feasible starts (the variables do not check staff or members).
    valid = [s for i, s in enumerate(k.sessions) if i not in k.free and staff == k.group.staff]
    normal = [s for s in valid if not s.internet]
    online = [s for s in valid if s.internet]
    starts = {_slot(inst, s) for s in normal} - {-1}
    istarts = {_slot(inst, s) for s in online} - {-1}
    room_ids = {s.room for s in normal if s.room in data.room_by_id}
    lab_ids = {s.room for s in online if s.room in data.room_by_id}
    if moving:
        starts |= set(_feasible(inst, course, staff, rooms, k.members, False))
        istarts |= set(_feasible(inst, course, staff, labs, k.members, True))
        room_ids |= {r.room for r in rooms if r.seats >= len(k.members)}
        lab_ids |= {r.room for r in labs if r.internet_seats >= len(k.members)}
    return Candidate(
        index=index,
        course=course.course,
        clique=clique,
        staff=staff,
        k=index,
        learners=tuple(dict.fromkeys(learners)),
        starts=tuple(sorted(starts)),
        internet_starts=tuple(sorted(istarts)) if course.internet_sessions else (),
        rooms=tuple(sorted(room_ids)),
        labs=tuple(sorted(lab_ids)),
    )


def _slot(inst: Instance, s: Session) -> int:
    if s.day not in inst.days or s.period not in inst.data.period_index:
        return -1
    return inst.days.index(s.day) * inst.n_periods + inst.data.period_index[s.period]


def _feasible(inst: Instance, course, staff: str, rooms, members: list[str], internet: bool):
    """Starts where the staff member, a room and every continuing member are free."""
    length = course.session_periods
    for t0 in inst.valid_starts(length):
        if not inst.staff_free_at(staff, t0, length):
            continue
        if internet and not inst.internet_at(t0, length):
            continue
        if not any(inst.room_free_at(r.room, t0, length) for r in rooms):
            continue
        if all(inst.learner_free_at(m, t0, length) for m in members):
            yield t0


# ---------------------------------------------------------------------------------------------
# Hard parts: places kept, sessions fixed, locks on kept groups


def _keep_places(built: Built, by_index: dict[int, GroupVars], allow_moves: bool) -> None:
    """Each continuing learner keeps a place (their group's, or with --allow-moves one of
    the same course); one assumption literal each, for the conflict set."""
    model = built.tm.model
    for gid, k in sorted(built.kept.items()):
        groups = [by_index[i] for i in k.indices]
        model.add_at_most_one(g.active for g in groups)
        if allow_moves:
            groups = [
                g
                for g in built.tm.vars.groups
                if g.cand.course == k.group.course
                and (g.cand.index not in built.owner or built.owner[g.cand.index] in built.kept)
            ]
        for m in k.members:
            xs = [g.member[m] for g in groups if m in g.member]
            lit = model.new_bool_var(f"keep[{gid},{m}]")
            if xs:
                model.add(sum(xs) == 1).only_enforce_if(lit)
            else:
                model.add_bool_or([lit.Not()])
            built.assumptions.append((lit, f"{m} cannot keep a place in {gid}"))
            built.place_group[lit.index] = gid


def _fix_sessions(built: Built, by_index: dict[int, GroupVars], movable: frozenset[str]) -> None:
    """Sessions that need not move stay (hard), except in the movable groups."""
    model = built.tm.model
    for k in built.kept.values():
        if k.gid in movable:
            continue
        for index in k.indices:
            g = by_index[index]
            if g.cand.staff != k.group.staff:
                continue
            for i, s in enumerate(k.sessions):
                if i in k.free:
                    continue
                t0 = _slot(built.tm.inst, s)
                var = (g.internet if s.internet else g.session).get((t0, s.room))
                if var is None:
                    k.free[i] = f"{s.day} {s.period} in {s.room} is no longer possible"
                else:
                    model.add(var == 1)


def _lock_groups(built: Built, by_index: dict[int, GroupVars], locks: list[Lock]) -> None:
    """Locks naming a group: in a re-plan, ``C-n`` is the existing group (Clarifications)."""
    tm = built.tm
    courses = [c.course for c in tm.data.courses]
    for lock in locks:
        assert lock.group is not None
        where = f"Locks row {lock.row}" if lock.row else f"lock on {lock.group}"
        lit = tm.model.new_bool_var(f"grouplock[{lock.group},{lock.row}]")
        built.assumptions.append((lit, f"{where} ({lock.kind} {lock.group}) cannot be honoured"))
        k = built.kept.get(lock.group)
        if k is None or parse_group_id(lock.group, courses) is None:
            tm.model.add_bool_or([lit.Not()])
            continue
        groups = [by_index[i] for i in k.indices]
        if lock.kind == "member":
            xs = [g.member[lock.learner] for g in groups if lock.learner in g.member]
        else:
            xs = [v for g in groups for v in tm._lock_matches(g, lock)]
        if xs:
            tm.model.add_bool_or(xs).only_enforce_if(lit)
        else:
            tm.model.add_bool_or([lit.Not()])


# ---------------------------------------------------------------------------------------------
# Objective


def _objective(built: Built, update: Update, current: Current, by_index) -> None:
    tm = built.tm
    data = tm.data
    obj = build_objective(tm.model, tm.inst, tm.vars, update.credit)
    tm.objective = obj
    built.stage_one = _weighted(obj.terms, PLACEMENT)
    built.tidy = _weighted(obj.terms, TIDY)
    cost: list[tuple[int, Any]] = []  # (cost, literal that is 1 when kept)
    w = {key: round(data.weight(key) * SCALE) for key in data.weights if key.startswith("moved")}
    for gid, k in built.kept.items():
        groups = [by_index[i] for i in k.indices]
        for m in k.members:
            cost.append(
                (w["moved_learner"], _any(tm, [g.member[m] for g in groups if m in g.member]))
            )
        for m in update.future.get(gid, []):
            held = [g.member[m] for g in groups if m in g.member]
            cost.append((w["moved_learner"], _any(tm, held)))
        own = [g.active for g in groups if g.cand.staff == k.group.staff]
        if gid not in update.staff_why:
            cost.append((w["moved_staff"], _any(tm, own)))
        for s in k.sessions:
            t0 = _slot(tm.inst, s)
            same, exact = [], []
            for g in groups:
                for (t, r, i), v in g.all_sessions():
                    if t == t0 and i == s.internet:
                        same.append(v)
                        if r == s.room:
                            exact.append(v)
            cost.append((w["moved_session"], _any(tm, same)))
            cost.append((w["moved_room"], _any(tm, exact)))
    built.group_changes = sum(c * (1 - lit) for c, lit in cost)
    built.intake_why = _keep_intakes(tm, update, current, cost, w["moved_intake"])
    _keep_bookings(tm, current, cost, w["moved_internet"])
    built.changes = sum(c * (1 - lit) for c, lit in cost)
    built.max_changes = sum(c for c, _lit in cost)


def _weighted(terms: dict[str, list[tuple[int, Any]]], names: tuple[str, ...]) -> Any:
    """The sum of the named objective terms (scaled coefficients)."""
    return sum(c * e for name in names for c, e in terms.get(name, []))


def _any(tm: TimetableModel, lits: list):
    out = tm.model.new_bool_var("")
    if lits:
        tm.model.add_max_equality(out, lits)
    else:
        tm.model.add(out == 0)
    return out


def _keep_intakes(tm: TimetableModel, update: Update, current: Current, cost, weight: int):
    """A planned intake that is still possible is the only option of its learner (the model
    then only decides whether it is held); one that is not may move anywhere in the window."""
    per: dict[str, list] = defaultdict(list)
    for key, v in tm.vars.intake.items():
        per[key[0]].append((key, v))
    why: dict[str, str] = {}
    for row in current.intakes:
        x = row.intake
        if x.learner not in per:
            continue
        key = (x.learner, x.week, tm._slot(x.day, x.period), x.staff, x.room)
        keep = tm.vars.intake.get(key)
        if keep is None:
            why[x.learner] = f"{x.day} {x.period} of week {x.week} is no longer possible"
            continue
        for other, v in per[x.learner]:
            if other != key:
                tm.model.add(v == 0)
        cost.append((weight, keep))
    return why


def _keep_bookings(tm: TimetableModel, current: Current, cost, weight: int) -> None:
    """Continuing bookings cost moved_internet when moved or dropped."""
    for row in current.bookings:
        b = row.booking
        var = tm.vars.booking.get((b.learner, tm._slot(b.day, b.period), b.room))
        if var is not None:
            cost.append((weight, var))
        elif any(key[0] == b.learner for key in tm.vars.booking):
            cost.append((weight, tm.model.new_constant(0)))


def stuck(built: Built) -> frozenset[str]:
    """Kept groups with a session that must move."""
    return frozenset(gid for gid, k in built.kept.items() if k.free)


def first_timetable(built: Built, time_limit: float, seed: int, workers: int) -> Outcome:
    """The timetable of ``built`` with the fewest changes, from the current one as the hint:
    whether (and how) every continuing learner keeps a place with what ``built`` lets move."""
    tm = built.tm
    _hint(built)
    tm.model.clear_assumptions()
    tm.model.add_assumptions([lit for lit, _ in built.assumptions])
    tm.model.add_assumptions([tm.lock_literals[i] for i in sorted(tm.lock_literals)])
    # Fewest changes first: the groups this timetable moves are the ones the full search
    # may move, so it should move only what it must. Intakes and internet bookings wait for
    # the full search (they never decide whether a place can be kept).
    for var in (*tm.vars.intake.values(), *tm.vars.booking.values()):
        tm.model.add(var == 0)
    tm.model.minimize(built.group_changes)
    solver = _solver(time_limit, seed, workers)
    solver.parameters.max_time_in_seconds = max(0.5, time_limit)
    status = solver.solve(tm.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Outcome("feasible", solver.value)
    return Outcome("infeasible" if status == cp_model.INFEASIBLE else "unknown")


def neighbours(built: Built, movable: frozenset[str]) -> frozenset[str]:
    """The kept groups in the way of the groups whose sessions must move: every group with a
    fixed session overlapping a start those could take (by room, staff or member, any of
    them may be what blocks it)."""
    inst = built.base
    stuck = {gid for gid, k in built.kept.items() if k.free} | set(movable)
    rooms = [r for r in inst.data.rooms if r.kind in ("classroom", "computer_lab")]
    wanted: set[int] = set()
    for g in built.tm.vars.groups:
        gid = built.owner.get(g.cand.index)
        if gid in stuck:
            # Every start the group could take were the fixed sessions not there.
            course = inst.data.course_by_id[g.cand.course]
            members = built.kept[gid].members
            for internet in (False, True):
                for t0 in _feasible(inst, course, g.cand.staff, rooms, members, internet):
                    wanted.update(range(t0, t0 + g.length))
    out = set(movable) | stuck
    for gid, k in built.kept.items():
        for i, s in enumerate(k.sessions):
            t0 = _slot(inst, s)
            if i not in k.free and t0 >= 0 and wanted & set(range(t0, t0 + s.periods)):
                out.add(gid)
    return frozenset(out)


# ---------------------------------------------------------------------------------------------
# Solving


@dataclass
class Outcome:
    status: str  # optimal, feasible, infeasible, unknown
    value: Callable[[Any], int] | None = None  # solver.value of the final stage
    conflicts: list[str] = field(default_factory=list)
    stats: dict[str, float] = field(default_factory=dict)
    best: int | None = None  # the placement value (scaled) of stage 1


def solve(
    built: Built,
    time_limit: float,
    seed: int,
    workers: int,
    hinted: bool = False,
    explain: bool = True,
    must_beat: int | None = None,
    shrink_seconds: float = SHRINK_TOTAL_SECONDS,
) -> Outcome:
    """Stage 1 (placements) then stage 2 (changes), each with a deterministic limit; the
    current timetable is the hint unless ``hinted`` (see ``hint_solution``). An impossible
    model names its minimal conflict set when ``explain``. With ``must_beat`` (a placement
    value, scaled) stage 2 runs only when stage 1 places more than that ("no gain" else)."""
    tm = built.tm
    start = time.perf_counter()
    if not hinted:
        _hint(built)
    lits = [lit for lit, _ in built.assumptions]
    tm.model.add_assumptions(lits + [tm.lock_literals[i] for i in sorted(tm.lock_literals)])
    if must_beat is None:
        tm.model.maximize(built.stage_one)
    else:
        # Placements first, and among equal placements the fewest changes, already in
        # stage 1: the search starts from a timetable with few changes and only leaves it
        # for more placements (the weight makes one placement unit outweigh every change).
        tm.model.maximize((built.max_changes + 1) * built.stage_one - built.changes)
    one = _solver(time_limit * STAGE_ONE_SHARE, seed, workers)
    # The wall clock also caps each stage (a re-plan must feel small even on a busy machine);
    # when it is what stops a stage, stats say so and the run is not reproducible.
    one.parameters.max_time_in_seconds = max(0.5, time_limit * STAGE_ONE_SHARE)
    quick = _hinted_timetable(tm, seed) if hinted else None
    # Stage 1 of the answer without moves searches its whole share (placements come first);
    # with ``must_beat`` it only asks whether moves place more, and stops when nothing comes.
    status = _solve(one, tm.model, STALE_SECONDS if must_beat is not None else None)
    stats = {"stage_one_s": time.perf_counter() - start}
    if status == cp_model.UNKNOWN and quick is not None:
        # The search found nothing better in time (a busy machine: presolve alone can take
        # the budget); the hinted timetable, completed, is the stage-1 answer.
        one, status = quick, cp_model.FEASIBLE
        stats["hint_kept"] = 1.0
    if status == cp_model.INFEASIBLE:
        conflicts = _conflicts(built, one, seed, workers, shrink_seconds) if explain else []
        return Outcome("infeasible", conflicts=conflicts, stats=stats)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Outcome("unknown", stats=stats)
    best = round(one.value(built.stage_one))
    if must_beat is not None and best <= must_beat:
        return Outcome("no gain", stats=stats, best=best)
    _hint_from(tm, one)
    tm.model.add(built.stage_one >= best)
    tm.model.minimize(built.changes - built.tidy)
    left = max(0.5, time_limit - (time.perf_counter() - start))
    two = _solver(time_limit * (1 - STAGE_ONE_SHARE), seed, workers)
    two.parameters.max_time_in_seconds = left
    status2 = _solve(two, tm.model, STALE_SECONDS)
    stats["stopped_by_wall_clock"] = float(
        one.wall_time >= one.parameters.max_time_in_seconds * 0.99
        or two.wall_time >= two.parameters.max_time_in_seconds * 0.99
    )
    stats["stage_two_s"] = time.perf_counter() - start - stats["stage_one_s"]
    stats["placement_value"] = best / SCALE
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        proven = status == cp_model.OPTIMAL and status2 == cp_model.OPTIMAL
        return Outcome("optimal" if proven else "feasible", two.value, stats=stats, best=best)
    return Outcome("feasible", one.value, stats=stats, best=best)


def _infeasible_with(model: cp_model.CpModel, held: list[int], seed: int, workers: int) -> bool:
    """Whether the places ``held`` (assumption literals by index) cannot all hold. The
    literals are fixed in a copy of the model instead of assumed: presolve then works in full
    (medium's widest model: 0.3 s instead of no answer in 2 s at load 8)."""
    check_model = model.clone()
    check_model.clear_assumptions()
    check_model.clear_objective()
    check_model.clear_hints()
    for index in held:
        check_model.add(check_model.get_bool_var_from_proto_index(index) == 1)
    check = _solver(SHRINK_SECONDS, seed, workers)
    check.parameters.stop_after_first_solution = True
    return check.solve(check_model) == cp_model.INFEASIBLE


class _LastSolution(cp_model.CpSolverSolutionCallback):
    """Remembers when the search last found a better timetable."""

    def __init__(self) -> None:
        super().__init__()
        self.last: float | None = None

    def on_solution_callback(self) -> None:
        self.last = time.perf_counter()


def _solve(solver: cp_model.CpSolver, model: cp_model.CpModel, stale: float | None) -> Any:
    """``solver.solve(model)``; with ``stale``, stopped once that many seconds pass after the
    last better timetable (a polishing stage that has converged should not use the rest of
    the limit: a re-plan must feel small). Before the first timetable only the limits stop."""
    if stale is None:
        return solver.solve(model)
    seen = _LastSolution()
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.05):
            if seen.last is not None and time.perf_counter() - seen.last > stale:
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        return solver.solve(model, seen)
    finally:
        done.set()
        watcher.join()


def _hinted_timetable(tm: TimetableModel, seed: int) -> cp_model.CpSolver | None:
    """A solver holding the hinted timetable completed (every hinted variable fixed to its
    hint), or None when the hint does not complete into a timetable in a short time."""
    solver = _solver(HINT_SECONDS, seed, 1)
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.max_time_in_seconds = HINT_SECONDS
    status = solver.solve(tm.model)
    return solver if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def _solver(limit: float, seed: int, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers, p.random_seed = max(1, workers), seed
    p.max_deterministic_time = max(0.1, limit)
    p.max_time_in_seconds = max(0.5, limit * WALL_FACTOR)
    p.interleave_search = p.num_workers > 1
    # Measured on haren's re-plan: without probing and symmetry detection the first better
    # timetable comes sooner (the model is small and mostly fixed; presolve was the budget).
    p.cp_model_probing_level = 0
    p.symmetry_level = 0
    return solver


def _hint(built: Built) -> None:
    """The current timetable as the hint: kept groups formed with their continuing members and
    their sessions where they were; nothing new."""
    tm = built.tm
    by_index = {g.cand.index: g for g in tm.vars.groups}
    for g in tm.vars.groups:
        gid = built.owner.get(g.cand.index)
        k = built.kept.get(gid) if gid else None
        own = k is not None and g.cand.staff == k.group.staff
        tm.model.add_hint(g.active, own)
        for m, x in g.member.items():
            tm.model.add_hint(x, own and k is not None and m in (*k.members, *k.future))
        here = {(_slot(tm.inst, s), s.room, s.internet) for s in (k.sessions if own and k else [])}
        for key, var in g.all_sessions():
            tm.model.add_hint(var, key in here)
    del by_index


def hint_solution(built: Built, solution: Solution) -> None:
    """Hint ``built`` with a timetable found by another re-plan model of the same update
    (kept groups by id, new groups by course, staff, members and sessions), so that the
    search starts from a complete, valid timetable."""
    tm = built.tm
    chosen: dict[int, tuple[Group, set]] = {}
    by_group: dict[str, set] = defaultdict(set)
    for s in solution.sessions:
        by_group[s.group].add((_slot(tm.inst, s), s.room, s.internet))
    for g in solution.groups:
        for index in _hint_candidates(built, g):
            gv = next(x for x in tm.vars.groups if x.cand.index == index)
            keys = {k for k, _v in gv.all_sessions()}
            fits = set(g.members) <= set(gv.member) and by_group[g.group] <= keys
            if index not in chosen and fits:
                chosen[index] = (g, by_group[g.group])
                break
    tm.model.clear_hints()
    for gv in tm.vars.groups:
        got = chosen.get(gv.cand.index)
        tm.model.add_hint(gv.active, got is not None)
        for m, x in gv.member.items():
            tm.model.add_hint(x, got is not None and m in got[0].members)
        for key, var in gv.all_sessions():
            tm.model.add_hint(var, got is not None and key in got[1])
    held = {(i.learner, i.week, _slot(tm.inst, _at(i.day, i.period)), i.staff, i.room)
            for i in solution.intakes}  # fmt: skip
    for key, var in tm.vars.intake.items():
        tm.model.add_hint(var, key in held)
    booked = {(b.learner, _slot(tm.inst, _at(b.day, b.period)), b.room) for b in solution.internet}
    for key, var in tm.vars.booking.items():
        tm.model.add_hint(var, key in booked)


def _at(day: str, period: str) -> Session:
    """A stand-in session at ``day``/``period`` (for ``_slot``)."""
    return Session("", "", day, period, 1, "", "")


def _hint_candidates(built: Built, g: Group) -> list[int]:
    """Candidates that may carry ``g``: its own (same staff) when kept, else new ones."""
    if g.group in built.kept:
        return [
            i
            for i in built.kept[g.group].indices
            if next(x for x in built.tm.vars.groups if x.cand.index == i).cand.staff == g.staff
        ]
    return [
        x.cand.index
        for x in built.tm.vars.groups
        if x.cand.index not in built.owner and (x.cand.course, x.cand.staff) == (g.course, g.staff)
    ]


def _hint_from(tm: TimetableModel, solver: cp_model.CpSolver) -> None:
    """Every variable hinted with its value in ``solver``'s solution."""
    tm.model.clear_hints()
    proto = tm.model.proto
    for i in range(len(proto.variables)):
        var = tm.model.get_int_var_from_proto_index(i)
        tm.model.add_hint(var, solver.value(var))


def _conflicts(
    built: Built, solver: cp_model.CpSolver, seed: int, workers: int, seconds: float
) -> list[str]:
    """A minimal set of continuing places and Locks rows that cannot all hold: CP-SAT's core,
    shrunk by dropping a whole group's places at a time (a capacity conflict often involves
    whole groups, and a dozen groups take fewer checks than a hundred learners), then each
    place in turn, while the rest stays infeasible, for at most ``seconds``. Places a check
    leaves undecided stay in the set."""
    tm = built.tm
    words = {lit.index: text for lit, text in built.assumptions}
    for i, lit in tm.lock_literals.items():
        lock = tm.data.locks[i]
        words[lit.index] = f"Locks row {lock.row} cannot be honoured" if lock.row else "a lock"
    literals = {lit.index: lit for lit, _ in built.assumptions}
    literals.update({lit.index: lit for lit in tm.lock_literals.values()})
    core = [v for v in solver.sufficient_assumptions_for_infeasibility() if v in literals]
    by_group: dict[str, list[int]] = defaultdict(list)
    for v in core:
        by_group[built.place_group.get(v, f"#{v}")].append(v)
    chunks = [vs for _g, vs in sorted(by_group.items()) if len(vs) > 1] + [[v] for v in core]
    keep = list(core)
    stop = time.perf_counter() + min(seconds, SHRINK_TOTAL_SECONDS)
    for chunk in chunks:
        if not set(chunk) & set(keep):
            continue
        if time.perf_counter() > stop:
            words[-1] = "(not every place above could be confirmed as needed in time)"
            keep.append(-1)
            break
        trial = [u for u in keep if u not in chunk]
        if _infeasible_with(tm.model, trial, seed, workers):
            keep = trial
    return [words[v] for v in keep] or ["the hard rules conflict with the groups in progress"]
