"""A quick, valid start for the full re-plan search: the first timetable (every continuing
learner in their group) with free learners put into free seats of the kept groups whose
sessions already suit them.

On a busy machine the solver may find nothing better than its hint before its time is up;
this start means the answer then still places the arrivals and waiting learners that fit a
free seat. It is checked by the solver with every variable fixed to it (so a rule this
module overlooks can only cost the start, never a wrong timetable) and kept only then.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping

from scheduler.data import ProblemData
from scheduler.model.instance import Instance, delivered_dates
from scheduler.model.variables import GroupVars
from scheduler.replan.model import Built, _hinted_timetable, _slot, hint_solution
from scheduler.solution import Group, Session, Solution


def greedy_start(
    built: Built, first: Solution, credit: Mapping[tuple[str, str], int], seed: int
) -> tuple[Solution, int]:
    """``first`` with free learners joined into free seats, and how many joined, when the
    solver confirms it keeps every rule; else ``first`` (0 joined). Leaves ``built`` hinted
    with the answer."""
    joined, n = join_free_seats(built, first, credit)
    if n:
        hint_solution(built, joined)
        if _hinted_timetable(built.tm, seed) is not None:
            return joined, n
        hint_solution(built, first)
    return first, 0


def join_free_seats(
    built: Built, first: Solution, credit: Mapping[tuple[str, str], int]
) -> tuple[Solution, int]:
    """Each kept group takes, by priority, the free learners its candidate allows who can
    come to all its sessions (regime, own rows, their other group, bookings, intake), are kept
    apart from none of its members, fit its rooms, and whose place is worth its release risk
    (they can complete the course, or their priority outweighs the risk)."""
    data, inst = built.tm.data, built.base
    kind = {c.course: c.kind for c in data.courses}
    sessions: dict[str, list[Session]] = defaultdict(list)
    for s in first.sessions:
        sessions[s.group].append(s)
    members = {g.group: list(g.members) for g in first.groups}
    placed = {(m, kind[g.course]) for g in first.groups for m in g.members}
    busy = _busy(inst, first, sessions)
    by_index = {g.cand.index: g for g in built.tm.vars.groups}
    count = 0
    for g in first.groups:
        gv = _candidate(built, by_index, g)
        if gv is None:
            continue
        course = data.course_by_id[g.course]
        room = _seats(data, sessions[g.group], course.max_size)
        taken = _slots(inst, sessions[g.group])
        for m in sorted(gv.member, key=lambda m: (-data.learner_by_id[m].priority, m)):
            if len(members[g.group]) >= room:
                break
            if (m, course.kind) in placed or taken & busy[m]:
                continue
            if not _may_join(built, m, g.group, members[g.group], sessions[g.group], credit):
                continue
            members[g.group].append(m)
            placed.add((m, course.kind))
            busy[m] |= taken
            count += 1
    groups = tuple(dataclasses.replace(g, members=tuple(sorted(members[g.group])))
                   for g in first.groups)  # fmt: skip
    return dataclasses.replace(first, groups=groups), count


def _candidate(built: Built, by_index: dict[int, GroupVars], g: Group) -> GroupVars | None:
    """The kept group's candidate with its own staff member (None for a new group)."""
    k = built.kept.get(g.group)
    if k is None:
        return None
    for i in k.indices:
        if by_index[i].cand.staff == g.staff:
            return by_index[i]
    return None


def _busy(inst: Instance, first: Solution, sessions: dict[str, list[Session]]):
    """learner -> weekly slots taken by their groups, internet bookings and intake."""
    busy: dict[str, set[int]] = defaultdict(set)
    for g in first.groups:
        slots = _slots(inst, sessions[g.group])
        for m in g.members:
            busy[m] |= slots
    for b in first.internet:
        busy[b.learner].add(_slot(inst, Session("", "", b.day, b.period, 1, "", "")))
    for x in first.intakes:
        t0 = _slot(inst, Session("", "", x.day, x.period, x.periods, "", ""))
        busy[x.learner].update(range(t0, t0 + x.periods))
    return busy


def _slots(inst: Instance, sessions: list[Session]) -> set[int]:
    out: set[int] = set()
    for s in sessions:
        t0 = _slot(inst, s)
        out.update(range(t0, t0 + s.periods))
    return out


def _seats(data: ProblemData, sessions: list[Session], max_size: int) -> int:
    """Members the group may have: its course's maximum, its rooms' seats (internet seats of
    the labs of its internet sessions)."""
    out = max_size
    for s in sessions:
        room = data.room_by_id[s.room]
        out = min(out, room.internet_seats if s.internet else room.seats)
    return out


def _may_join(
    built: Built,
    m: str,
    gid: str,
    members: list[str],
    sessions: list[Session],
    credit: Mapping[tuple[str, str], int],
) -> bool:
    data, inst = built.tm.data, built.base
    learner = data.learner_by_id[m]
    partners = inst.separated_learners.get(m, set())
    if any(o in partners for o in members):
        return False
    for s in sessions:
        if not inst.learner_free_at(m, _slot(inst, s), s.periods):
            return False
        sections = data.room_by_id[s.room].sections
        if sections and learner.section not in sections:
            return False
    course = data.course_by_id[sessions[0].course] if sessions else None
    if course is None:
        return False
    served = data.weight("served") * learner.priority
    return served > data.weight("release_risk") or _completes(data, m, sessions, course, credit)


def _completes(data: ProblemData, m: str, sessions: list[Session], course, credit) -> bool:
    """The group's sessions on the dates ``m`` can come deliver the hours they still need."""
    dates = delivered_dates(data, m)
    index = data.period_index
    minutes = 0
    for s in sessions:
        first = index[s.period]
        per = data.periods[first : first + s.periods]
        minutes += sum(p.minutes for p in per) * dates.get(s.day, 0)
    return minutes >= round(course.total_hours * 60) - credit.get((m, course.course), 0)
