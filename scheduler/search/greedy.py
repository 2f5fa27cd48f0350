"""Constructive timetables without optimisation.

Two uses:
- ``greedy(data)``: a quick, valid timetable that warm-starts CP-SAT (choose the slots where
  most waiting learners are free, fill groups by priority and release date);
- ``greedy(data, hand=True)``: the way a coordinator plans by hand, the benchmark baseline:
  each group gets the first free weekly slots, learners fill groups first come, first served
  in list order, within capacity and regime.

Both respect every hard rule (the verifier checks them in tests); they just do not search.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field

from scheduler.data import Lock, ProblemData
from scheduler.model.instance import Candidate, Instance, build_instance, present
from scheduler.rules import group_id, intake_dates, needs_intake, parse_group_id
from scheduler.solution import Group, Intake, InternetBooking, Session, Solution


@dataclass
class _Busy:
    """What is taken so far, by slot."""

    room: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    staff: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    learner: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    staff_load: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    starting: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    placed: set[tuple[str, str]] = field(default_factory=set)  # (learner, kind)
    groups_per_course: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def greedy(data: ProblemData, inst: Instance | None = None, hand: bool = False) -> Solution:
    """A valid timetable built in one pass (see module docstring)."""
    inst = inst or build_instance(data)
    busy = _Busy()
    made: list[tuple[Group, list[Session], str | None]] = []  # group, sessions, locked id
    used: set[int] = set()
    for locked_id, course_id, all_locks in _lock_requirements(data):
        locks = [k for k in all_locks if k.kind != "member"]
        pinned = [k.learner for k in all_locks if k.kind == "member" and k.learner]
        for cand in _candidate_order(inst, hand):
            if cand.index in used or cand.course != course_id:
                continue
            if any(k.staff not in (None, cand.staff) for k in locks):
                continue
            formed = _form_group(inst, cand, busy, hand, locks, pinned)
            if formed:
                used.add(cand.index)
                made.append((*formed, locked_id))
                break
    for cand in _candidate_order(inst, hand):
        if cand.index not in used:
            formed = _form_group(inst, cand, busy, hand)
            if formed:
                made.append((*formed, None))
    groups, sessions = _named(made)
    bookings = _book_internet(inst, busy, hand)
    intakes = _book_intakes(inst, busy)
    return Solution(tuple(groups), tuple(sessions), tuple(intakes), tuple(bookings))


def _lock_requirements(data: ProblemData) -> list[tuple[str | None, str, list[Lock]]]:
    """(group id or None, course, locks) to meet first: all locks on one group id together,
    each course-only lock on its own. Locks naming an id no group can have are left out
    (the solver reports them)."""
    courses = {c.course for c in data.courses}
    by_id: dict[str, list[Lock]] = defaultdict(list)
    course_of: dict[str, str] = {}
    out: list[tuple[str | None, str, list[Lock]]] = []
    for lock in data.locks:
        if lock.group:
            key = parse_group_id(lock.group, courses)
            if key is not None and lock.course in (None, key[0]):
                by_id[lock.group].append(lock)
                course_of[lock.group] = key[0]
        elif lock.course in courses and lock.kind != "member":
            out.append((None, lock.course, [lock]))
    grouped = [(gid, course_of[gid], ks) for gid, ks in sorted(by_id.items())]
    return grouped + out


def _named(made) -> tuple[list[Group], list[Session]]:
    """Ids ``<course>-<n>`` in the order groups were formed; a locked id is kept."""
    taken: dict[str, set[str]] = defaultdict(set)
    for group, _sessions, locked_id in made:
        if locked_id:
            taken[group.course].add(locked_id)
    counters: dict[str, int] = defaultdict(int)
    groups, sessions = [], []
    for group, group_sessions, locked_id in made:
        gid = locked_id
        while gid is None or (gid in taken[group.course] and not locked_id):
            counters[group.course] += 1
            gid = group_id(group.course, counters[group.course])
        groups.append(dataclasses.replace(group, group=gid))
        sessions += [dataclasses.replace(s, group=gid) for s in group_sessions]
    return groups, sessions


def _candidate_order(inst: Instance, hand: bool) -> list[Candidate]:
    if hand:
        return list(inst.candidates)
    # Courses with the most demand first; within a course keep candidate order.
    demand = {c: len(ls) for c, ls in inst.eligible.items()}
    return sorted(inst.candidates, key=lambda c: (-demand[c.course], c.index))


def _learner_order(inst: Instance, learners: list[str], hand: bool) -> list[str]:
    if hand:
        return learners
    data = inst.data

    def key(m: str):
        learner = data.learner_by_id[m]
        release = learner.release.toordinal() if learner.release else 10**7
        return (-learner.priority, release, m)

    return sorted(learners, key=key)


def _form_group(inst: Instance, cand: Candidate, busy: _Busy, hand: bool, locks=(), pinned=()):
    """The group ``cand`` with its sessions and members, or None; ``locks`` are session locks
    it must meet and ``pinned`` learners it must hold (member locks)."""
    data = inst.data
    course = data.course_by_id[cand.course]
    staff = data.staff_by_id[cand.staff]
    weekly = course.sessions_per_week * course.session_periods
    if course.max_groups is not None and busy.groups_per_course[cand.course] >= course.max_groups:
        return None
    if staff.max_periods_per_week is not None:
        if busy.staff_load[cand.staff] + weekly > staff.max_periods_per_week:
            return None
    pinned = list(dict.fromkeys(pinned))
    if any(m not in cand.learners or (m, course.kind) in busy.placed for m in pinned):
        return None
    pool = pinned + [
        m
        for m in _learner_order(inst, list(cand.learners), hand)
        if (m, course.kind) not in busy.placed and m not in pinned
    ]
    if len(pool) < course.min_size:
        return None
    plan = _choose_slots(inst, cand, course, busy, pool, hand, locks, pinned)
    if plan is None:
        return None
    members = _choose_members(inst, cand, course, busy, pool, plan)
    if members is None or not set(pinned) <= set(members):
        return None
    return _commit(inst, cand, course, busy, plan, members)


def _choose_slots(inst, cand, course, busy: _Busy, pool, hand, locks=(), pinned=()):
    """Pick (start, room, internet) for every weekly session, one by one: first a session
    for each lock (ordinary if one fits, else online), then the rest, online ones first;
    every session at a time the ``pinned`` learners are free."""
    plan: list[tuple[int, str, bool]] = []
    alive = list(pool)
    left = {
        True: course.internet_sessions,
        False: course.sessions_per_week - course.internet_sessions,
    }
    for lock in locks:
        for internet in (False, True):
            pick = left[internet] and _pick(
                inst, cand, course, busy, plan, alive, hand, internet, lock, pinned
            )
            if pick:
                break
        else:
            return None
        plan.append(pick[0])
        alive = pick[1]
        left[internet] -= 1
    for internet in [True] * left[True] + [False] * left[False]:
        pick = _pick(inst, cand, course, busy, plan, alive, hand, internet, None, pinned)
        if pick is None:
            return None
        plan.append(pick[0])
        alive = pick[1]
    return plan


def _pick(inst, cand, course, busy: _Busy, plan, alive, hand, internet: bool, lock, pinned=()):
    """The best (start, room, internet) for the next session and the learners still free,
    or None; with ``lock``, only starts and rooms that meet it; only starts at which every
    ``pinned`` learner is free."""
    best, best_free, best_score = None, [], (0, 0)
    for t0, room in _slot_options(inst, cand, course, busy, plan, internet):
        if lock is not None and not _meets(inst, lock, t0, room):
            continue
        free = [m for m in alive if _learner_free(inst, busy, m, t0, course.session_periods)]
        if len(free) < course.min_size or not set(pinned) <= set(free):
            continue
        if hand:
            return (t0, room, internet), free
        score = (len(free), -sum(1 for p in plan if inst.day_of(p[0]) == inst.day_of(t0)))
        if best is None or score > best_score:
            best, best_free, best_score = (t0, room, internet), free, score
    return None if best is None else (best, best_free)


def _meets(inst: Instance, lock: Lock, t0: int, room: str) -> bool:
    day, period = inst.slot_name(t0)
    return lock.day in (None, day) and lock.period in (None, period) and lock.room in (None, room)


def _slot_options(inst: Instance, cand, course, busy: _Busy, plan, internet: bool):
    data = inst.data
    taken = {t for t0, _r, _i in plan for t in range(t0, t0 + course.session_periods)}
    limit = data.settings.max_groups_moving
    starts = cand.internet_starts if internet else cand.starts
    rooms = cand.labs if internet else cand.rooms
    for t0 in starts:
        cover = set(range(t0, t0 + course.session_periods))
        if cover & taken or cover & busy.staff[cand.staff]:
            continue
        if limit is not None and busy.starting[t0] >= limit:
            continue
        for r in rooms:
            if cover & busy.room[r] or not inst.room_free_at(r, t0, course.session_periods):
                continue
            yield t0, r


def _learner_free(inst: Instance, busy: _Busy, m: str, t0: int, length: int) -> bool:
    """The learner's regime and own rows leave the appointment free (gaps included) and
    nothing placed so far takes its periods."""
    return inst.learner_free_at(m, t0, length) and not busy.learner[m].intersection(
        range(t0, t0 + length)
    )


def _choose_members(inst, cand, course, busy: _Busy, pool, plan):
    data = inst.data
    cap = course.max_size
    for _t0, r, internet in plan:
        room = data.room_by_id[r]
        cap = min(cap, room.internet_seats if internet else room.seats)
    allowed = _allowed_sections(data, plan)
    partners = inst.separated_learners
    members: list[str] = []
    for m in pool:
        if len(members) >= cap:
            break
        if allowed is not None and data.learner_by_id[m].section not in allowed:
            continue
        if not all(_learner_free(inst, busy, m, t0, course.session_periods) for t0, _r, _i in plan):
            continue
        if partners.get(m, set()) & set(members):
            continue
        members.append(m)
    return members if len(members) >= course.min_size else None


def _allowed_sections(data: ProblemData, plan) -> set[str] | None:
    allowed: set[str] | None = None
    for _t0, r, _i in plan:
        room = data.room_by_id[r]
        if room.sections:
            allowed = set(room.sections) if allowed is None else allowed & set(room.sections)
    return allowed


def _commit(inst: Instance, cand, course, busy: _Busy, plan, members):
    n = busy.groups_per_course[cand.course] + 1
    busy.groups_per_course[cand.course] = n
    gid = group_id(cand.course, n)
    busy.staff_load[cand.staff] += course.sessions_per_week * course.session_periods
    sessions = []
    for t0, r, internet in sorted(plan):
        cover = set(range(t0, t0 + course.session_periods))
        busy.room[r] |= cover
        busy.staff[cand.staff] |= cover
        busy.starting[t0] += 1
        for m in members:
            busy.learner[m] |= cover
        day, period = inst.slot_name(t0)
        sessions.append(
            Session(gid, cand.course, day, period, course.session_periods, r, cand.staff, internet)
        )
    for m in members:
        busy.placed.add((m, course.kind))
    return Group(gid, cand.course, cand.staff, tuple(sorted(members))), sessions


def _book_internet(inst: Instance, busy: _Busy, hand: bool) -> list[InternetBooking]:
    data = inst.data
    labs = [r for r in data.rooms if r.kind == "computer_lab" and r.internet_seats > 0]
    seats_used: dict[tuple[str, int], list[str]] = defaultdict(list)
    partners = inst.separated_learners
    out = []
    learners = [lr for lr in data.learners if lr.internet_periods > 0 and present(data, lr.learner)]
    for learner in learners:
        m, days_used, booked = learner.learner, set(), 0
        for t in sorted(inst.internet_slots):
            if booked >= learner.internet_periods:
                break
            if inst.day_of(t) in days_used or not _learner_free(inst, busy, m, t, 1):
                continue
            for lab in labs:
                here = seats_used[(lab.room, t)]
                if t in busy.room[lab.room] or t in inst.room_blocked[lab.room]:
                    continue
                if lab.sections and learner.section not in lab.sections:
                    continue
                if len(here) >= lab.internet_seats or partners.get(m, set()) & set(here):
                    continue
                here.append(m)
                busy.learner[m].add(t)
                days_used.add(inst.day_of(t))
                booked += 1
                day, period = inst.slot_name(t)
                out.append(InternetBooking(m, day, period, lab.room))
                break
    # A lab with bookings is no longer free for groups; groups were placed first, so only
    # mark it for completeness of the busy picture.
    for (room, t), who in seats_used.items():
        if who:
            busy.room[room].add(t)
    return out


def _book_intakes(inst: Instance, busy: _Busy) -> list[Intake]:
    data = inst.data
    length = data.settings.intake_periods
    rooms = [r for r in data.rooms if r.kind == "interview"]
    counsellors = [s for s in data.staff if s.role == "counsellor"]
    taken: set[tuple[str, int, int]] = set()  # (staff or room, week, slot)
    load: dict[tuple[str, int], int] = defaultdict(int)
    out = []
    for learner in data.learners:
        if not needs_intake(learner):
            continue
        made = _one_intake(inst, busy, learner, length, rooms, counsellors, taken, load)
        if made:
            out.append(made)
    return out


def _one_intake(inst, busy, learner, length, rooms, counsellors, taken, load):
    data = inst.data
    m = learner.learner
    for week, day, _date in intake_dates(data, m):
        d = inst.days.index(day)
        for p in range(inst.n_periods - length + 1):
            t0 = d * inst.n_periods + p
            cover = set(range(t0, t0 + length))
            if not _learner_free(inst, busy, m, t0, length):
                continue
            for c in counsellors:
                common = [lang for lang in learner.languages if lang in c.languages]
                if not common or not inst.staff_free_at(c.staff, t0, length):
                    continue
                limit = c.max_periods_per_week
                if limit is not None and load[(c.staff, week)] + length > limit:
                    continue
                if any((c.staff, week, t) in taken for t in cover):
                    continue
                for r in rooms:
                    if not inst.room_free_at(r.room, t0, length):
                        continue
                    if r.sections and learner.section not in r.sections:
                        continue
                    if any((r.room, week, t) in taken for t in cover):
                        continue
                    for t in cover:
                        taken.add((c.staff, week, t))
                        taken.add((r.room, week, t))
                    load[(c.staff, week)] += length
                    period = data.periods[p].period
                    return Intake(m, week, day, period, length, r.room, c.staff, common[0])
    return None
