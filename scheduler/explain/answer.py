"""``explain``: why a learner waits for a request, and what it would take.

``waiting_requests`` lists what a learner asked and the timetable does not give them. For one
request, ``answer`` first asks whether any valid timetable gives it (``core.placeable``). If
so, it finds the closest such timetable (``closest``), verifies it and lists what changes; if
not, it names a minimal set of input rows that together make it impossible, or what the input
lacks (``core.absence``). Both answers are checked: the repair by the independent verifier, the
impossibility by dropping each named row in turn (each drop makes the request possible).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from scheduler.data import COURSE_KINDS, ProblemData
from scheduler.explain import core
from scheduler.explain.closest import closest
from scheduler.explain.relax import RowKey, label, relevant_rows
from scheduler.rules import needs_intake
from scheduler.solution import Solution

KINDS = ("NT2", "MO", "intake", "internet")


@dataclass
class Answer:
    """What ``explain`` found for one request (``kind``) of one learner."""

    learner: str
    kind: str
    verdict: str  # "has it", "possible", "impossible", "unknown"
    solution: Solution | None = None  # the closest timetable (possible)
    changes: list[str] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)  # impossible: the rows or what is missing
    keys: list[RowKey] = field(default_factory=list)
    minimal: bool = False  # impossible: each row's drop proven to make it possible
    violations: int = 0  # possible: the verifier's count on the new timetable (0)
    note: str = ""


def holds(data: ProblemData, solution: Solution, learner_id: str, kind: str) -> bool:
    """True when ``solution`` gives ``learner_id`` their ``kind`` (all internet periods)."""
    if kind in COURSE_KINDS:
        kinds = {c.course: c.kind for c in data.courses}
        return any(learner_id in g.members and kinds.get(g.course) == kind for g in solution.groups)
    if kind == "intake":
        return any(i.learner == learner_id for i in solution.intakes)
    booked = sum(1 for b in solution.internet if b.learner == learner_id)
    return booked >= data.learner_by_id[learner_id].internet_periods > 0


def waiting_requests(data: ProblemData, solution: Solution, learner_id: str) -> list[str]:
    """The learner's requests the timetable does not meet, in the order NT2, MO, intake,
    internet (the Waiting sheet's rows of that learner)."""
    lr = data.learner_by_id[learner_id]
    asked = [k for k in COURSE_KINDS if k in lr.wants]
    if needs_intake(lr):
        asked.append("intake")
    if lr.internet_periods > 0:
        asked.append("internet")
    return [k for k in asked if not holds(data, solution, learner_id, k)]


def answer(
    data: ProblemData,
    current: Solution,
    learner_id: str,
    kind: str,
    deadline: float,
    workers: int = 1,
    seed: int = 0,
) -> Answer:
    """The answer to one request within ``deadline`` (a ``time.perf_counter()`` value);
    ``verdict`` is "unknown" when time ran out, with what is known in ``note``."""
    if holds(data, current, learner_id, kind):
        return Answer(learner_id, kind, "has it")
    budget = core.Budget(deadline)
    try:
        status = core.placeable(data, learner_id, kind, budget.next_limit(), seed)
        if status == core.POSSIBLE:
            return _repair(data, current, learner_id, kind, budget, workers, seed)
        if status == core.IMPOSSIBLE:
            return _impossible(data, learner_id, kind, budget, seed)
    except core.OutOfTime:
        pass
    return Answer(learner_id, kind, "unknown", note="no answer within the time limit")


def _repair(data, current, learner_id, kind, budget: core.Budget, workers, seed) -> Answer:
    from scheduler.verify import total_violations, verify

    found = closest(data, current, learner_id, kind, max(0.1, budget.left()), workers, seed)
    if found.solution is None:
        return Answer(learner_id, kind, "unknown", note="a timetable exists, but none close to "
                      "the current one was found within the time limit")  # fmt: skip
    bad = total_violations(verify(data, found.solution))
    changes = describe_changes(data, current, found.solution, learner_id)
    note = "" if found.status == "optimal" else "closest found within the time limit"
    return Answer(learner_id, kind, "possible", found.solution, changes, violations=bad, note=note)


def _impossible(data, learner_id, kind, budget: core.Budget, seed) -> Answer:
    rows = relevant_rows(data, learner_id, kind)
    check = core.Checker(data, learner_id, kind, rows, budget, seed)
    if not rows or check.status([]) != core.POSSIBLE:
        missing = core.absence(data, learner_id, kind)
        return Answer(learner_id, kind, "impossible", rows=missing, minimal=True)
    keys = core.quickxplain(check.impossible, rows)
    minimal = check.impossible(keys) and all(
        check.status([k for k in keys if k != r]) == core.POSSIBLE for r in keys
    )
    note = "" if minimal else "not every row could be confirmed as needed within the time limit"
    labels = [label(data, k) for k in keys]
    return Answer(
        learner_id, kind, "impossible", rows=labels, keys=keys, minimal=minimal, note=note
    )


# ---------------------------------------------------------------------------------------------
# What changes between two timetables


def _slot_words(data: ProblemData, s) -> str:
    return f"{s.day} {s.period} {s.room}" + (" (internet)" if s.internet else "")


def describe_changes(data: ProblemData, before: Solution, after: Solution, learner_id: str):
    """Plain lines: who gains or loses what, which groups open or close, which sessions,
    intakes and internet bookings move."""
    lines = _member_changes(data, before, after, learner_id)
    lines += _session_changes(data, before, after)
    lines += _appointment_changes(before, after)
    return lines


def _places(data: ProblemData, sol: Solution) -> dict[tuple[str, str], str]:
    kinds = {c.course: c.kind for c in data.courses}
    return {(m, kinds.get(g.course, "")): g.group for g in sol.groups for m in g.members}


def _member_changes(data: ProblemData, before: Solution, after: Solution, learner_id: str):
    old, new = _places(data, before), _places(data, after)
    lines = []
    for (m, kind), gid in sorted(new.items(), key=lambda kv: (kv[0][0] != learner_id, kv[0])):
        if (m, kind) not in old:
            lines.append(f"{m} joins {gid} ({kind})")
        elif old[(m, kind)] != gid:
            lines.append(f"{m} moves from {old[(m, kind)]} to {gid}")
    for (m, kind), gid in sorted(old.items()):
        if (m, kind) not in new:
            prio = data.learner_by_id[m].priority if m in data.learner_by_id else "?"
            lines.append(f"{m} loses their place in {gid} ({kind}, priority {prio})")
    old_ids = {g.group for g in before.groups}
    new_ids = {g.group for g in after.groups}
    lines += [f"new group {gid}" for gid in sorted(new_ids - old_ids)]
    lines += [f"group {gid} closes" for gid in sorted(old_ids - new_ids)]
    return lines


def _session_changes(data: ProblemData, before: Solution, after: Solution) -> list[str]:
    lines = []
    kept = {g.group for g in before.groups} & {g.group for g in after.groups}
    for gid in sorted(kept):
        old = sorted(_slot_words(data, s) for s in before.sessions if s.group == gid)
        new = sorted(_slot_words(data, s) for s in after.sessions if s.group == gid)
        gone = [w for w in old if w not in new]
        came = [w for w in new if w not in old]
        for a, b in zip(gone, came, strict=False):
            lines.append(f"{gid}: session {a} -> {b}")
        staff_old = {s.staff for s in before.sessions if s.group == gid}
        staff_new = {s.staff for s in after.sessions if s.group == gid}
        if staff_old != staff_new:
            lines.append(f"{gid}: taught by {', '.join(sorted(staff_new))} instead of "
                         f"{', '.join(sorted(staff_old))}")  # fmt: skip
    return lines


def _appointment_changes(before: Solution, after: Solution) -> list[str]:
    lines = []
    old_i = {i.learner: i for i in before.intakes}
    new_i = {i.learner: i for i in after.intakes}
    for m in sorted(set(old_i) | set(new_i)):
        a, b = old_i.get(m), new_i.get(m)
        if a and not b:
            lines.append(f"{m} loses their intake (week {a.week} {a.day} {a.period})")
        elif b and not a:
            lines.append(f"{m} gets an intake: week {b.week} {b.day} {b.period} {b.room} {b.staff}")
        elif a and b and a != b:
            lines.append(f"{m}'s intake moves: week {a.week} {a.day} {a.period} -> week "
                         f"{b.week} {b.day} {b.period} {b.room} {b.staff}")  # fmt: skip
    old_b = {(b.learner, b.day, b.period, b.room) for b in before.internet}
    new_b = {(b.learner, b.day, b.period, b.room) for b in after.internet}
    lines += [f"{m} loses internet {d} {p} {r}" for m, d, p, r in sorted(old_b - new_b)]
    lines += [f"{m} gets internet {d} {p} {r}" for m, d, p, r in sorted(new_b - old_b)]
    return lines


def deadline_in(seconds: float) -> float:
    return time.perf_counter() + seconds
