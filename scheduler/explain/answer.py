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
from scheduler.i18n import N_, _, _n
from scheduler.report.changes import Change, changes, count
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
    summary: str = ""  # possible: places lost and sessions moved, in a few words


def holds(data: ProblemData, solution: Solution, learner_id: str, kind: str) -> bool:
    """True when ``solution`` gives ``learner_id`` their ``kind`` (all internet periods)."""
    if kind in COURSE_KINDS:
        kinds = {c.course: c.kind for c in data.courses}
        return any(learner_id in g.members and kinds.get(g.course) == kind for g in solution.groups)
    if kind == "intake":
        return any(i.learner == learner_id for i in solution.intakes)
    booked = sum(1 for b in solution.internet if b.learner == learner_id)
    return booked >= data.learner_by_id[learner_id].internet_periods > 0


def asked(data: ProblemData, learner_id: str, kind: str) -> bool:
    """Whether the Learners row asks for ``kind`` (an intake: needs one)."""
    lr = data.learner_by_id[learner_id]
    if kind in COURSE_KINDS:
        return kind in lr.wants
    if kind == "intake":
        return needs_intake(lr)
    return lr.internet_periods > 0


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
    if not asked(data, learner_id, kind):
        return Answer(learner_id, kind, "impossible", rows=core.absence(data, learner_id, kind))
    budget = core.Budget(deadline)
    try:
        status = core.placeable(data, learner_id, kind, budget.next_limit(), seed)
        if status == core.POSSIBLE:
            return _repair(data, current, learner_id, kind, budget, workers, seed)
        if status == core.IMPOSSIBLE:
            return _impossible(data, learner_id, kind, budget, seed)
    except core.OutOfTime:
        pass
    return Answer(learner_id, kind, "unknown", note=_("no answer within the time limit"))


def _repair(data, current, learner_id, kind, budget: core.Budget, workers, seed) -> Answer:
    from scheduler.verify import total_violations, verify

    found = closest(data, current, learner_id, kind, max(0.1, budget.left()), workers, seed)
    if found.solution is None:
        note = _(
            "a timetable exists, but none close to the current one was found within the time limit"
        )
        return Answer(learner_id, kind, "unknown", note=note)
    bad = total_violations(verify(data, found.solution))
    lines = describe_changes(data, current, found.solution, learner_id)
    note = "" if found.status == "optimal" else _("closest found within the time limit")
    short = summary(data, current, found.solution)
    return Answer(
        learner_id, kind, "possible", found.solution, lines, violations=bad, note=note,
        summary=short,
    )  # fmt: skip


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
    note = "" if minimal else _("not every row could be confirmed as needed within the time limit")
    labels = [label(data, k) for k in keys]
    return Answer(
        learner_id, kind, "impossible", rows=labels, keys=keys, minimal=minimal, note=note
    )


# ---------------------------------------------------------------------------------------------
# What changes between two timetables


def describe_changes(data: ProblemData, before: Solution, after: Solution, learner_id: str):
    """Plain lines, the learner's first: who joins, moves or loses what, which groups open or
    close, which sessions, rooms, staff, intakes and internet bookings change
    (``report.changes``)."""
    kinds = {c.course: c.kind for c in data.courses}
    found = changes(before, after, kinds)
    lines = [_words(data, c) for c in found if c.who == learner_id]
    return lines + [_words(data, c) for c in found if c.who != learner_id]


# One sentence per kind of change (report/changes.py), with the change's fields named.
_WORDS = {
    "learner joined": N_("{who} joins {group}"),
    "learner moved": N_("{who} moves from {before} to {after}"),
    "new group": N_("new group {who} (taught by {after})"),
    "group closed": N_("group {who} closes"),
    "session moved": N_("{group}: session {before} -> {after}"),
    "room changed": N_("{group}: session {before} -> room {after}"),
    "staff changed": N_("{group}: taught by {after} instead of {before}"),
    "intake added": N_("{who} gets an intake: {after}"),
    "intake moved": N_("{who}'s intake moves: {before} -> {after}"),
    "intake dropped": N_("{who} loses their intake ({before})"),
    "internet added": N_("{who} gets internet {after}"),
    "internet dropped": N_("{who} loses internet {before}"),
}


def _words(data: ProblemData, c: Change) -> str:
    """One change in the coordinator's language."""
    if c.kind == "learner left":
        lr = data.learner_by_id.get(c.who)
        return _(
            "{who} loses their place in {group} (priority {priority})",
            who=c.who,
            group=c.group,
            priority=lr.priority if lr else "?",
        )
    return _(_WORDS[c.kind], who=c.who, group=c.group, before=c.before, after=c.after)


def summary(data: ProblemData, before: Solution, after: Solution) -> str:
    """``2 sessions moved, 1 place lost`` (what a coordinator weighs first)."""
    counts = count(changes(before, after, {c.course: c.kind for c in data.courses}))
    lost = counts.get("learner left", 0) + counts.get("intake dropped", 0)
    lost += counts.get("internet dropped", 0)
    moved = counts.get("session moved", 0)
    return (
        _n("{n} place lost", "{n} places lost", lost)
        + ", "
        + _n("{n} session moved", "{n} sessions moved", moved)
    )


def deadline_in(seconds: float) -> float:
    return time.perf_counter() + seconds
