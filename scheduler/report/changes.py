"""What changed between two timetables of one term, as the rows of replan.md's Changes sheet.

``changes(before, after)`` compares two Solutions group by group (same group id = the same
group, workbook.md) and returns one ``Change`` per difference, sorted by kind then id, with the
kinds of replan.md: ``learner joined``, ``learner left``, ``learner moved``, ``new group``,
``group closed``, ``session moved``, ``room changed``, ``staff changed``, ``intake added``,
``intake moved``, ``intake dropped``, ``internet added``, ``internet dropped``. ``count``
gives the change count per kind. ``scheduler explain`` prints them; a re-plan can write them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from scheduler.solution import Session, Solution

KINDS: tuple[str, ...] = (
    "learner joined",
    "learner left",
    "learner moved",
    "new group",
    "group closed",
    "session moved",
    "room changed",
    "staff changed",
    "intake added",
    "intake moved",
    "intake dropped",
    "internet added",
    "internet dropped",
)


@dataclass(frozen=True)
class Change:
    """One row of the Changes sheet: ``who`` is a learner, group or staff id."""

    kind: str
    who: str
    group: str = ""
    before: str = ""
    after: str = ""


def changes(before: Solution, after: Solution, kinds: dict[str, str]) -> list[Change]:
    """Every difference from ``before`` to ``after``; ``kinds`` maps course id -> kind (NT2,
    MO), so that a learner changing group within a kind is a move, not a leave and a join."""
    out = _members(before, after, kinds)
    out += _groups(before, after)
    out += _sessions(before, after)
    out += _intakes(before, after)
    out += _internet(before, after)
    return sorted(out, key=lambda c: (KINDS.index(c.kind), c.who, c.group, c.before, c.after))


def count(found: list[Change]) -> dict[str, int]:
    """How many changes of each kind (kinds without changes left out)."""
    return dict(Counter(c.kind for c in found))


def _places(sol: Solution, kinds: dict[str, str]) -> dict[tuple[str, str], str]:
    return {(m, kinds.get(g.course, g.course)): g.group for g in sol.groups for m in g.members}


def _members(before: Solution, after: Solution, kinds: dict[str, str]) -> list[Change]:
    old, new = _places(before, kinds), _places(after, kinds)
    out = []
    for (m, _kind), gid in new.items():
        was = old.get((m, _kind))
        if was is None:
            out.append(Change("learner joined", m, gid, "", gid))
        elif was != gid:
            out.append(Change("learner moved", m, gid, was, gid))
    out += [
        Change("learner left", m, gid, gid, "") for (m, k), gid in old.items() if (m, k) not in new
    ]
    return out


def _groups(before: Solution, after: Solution) -> list[Change]:
    old, new = before.group_by_id(), after.group_by_id()
    out = [Change("new group", gid, gid, "", g.staff) for gid, g in new.items() if gid not in old]
    out += [
        Change("group closed", gid, gid, g.staff, "") for gid, g in old.items() if gid not in new
    ]
    for gid in sorted(set(old) & set(new)):
        if old[gid].staff != new[gid].staff:
            out.append(Change("staff changed", gid, gid, old[gid].staff, new[gid].staff))
    return out


def _when(s: Session) -> str:
    return f"{s.day} {s.period}" + (" (internet)" if s.internet else "")


def _sessions(before: Solution, after: Solution) -> list[Change]:
    """Sessions of a group kept in both: same time in another room is a room change; the
    rest are paired in order and moved."""
    kept = {g.group for g in before.groups} & {g.group for g in after.groups}
    out = []
    for gid in sorted(kept):
        old = sorted((s for s in before.sessions if s.group == gid), key=_key)
        new = sorted((s for s in after.sessions if s.group == gid), key=_key)
        same = [s for s in old if s in new]
        old = [s for s in old if s not in same]
        new = [s for s in new if s not in same]
        for s in list(old):
            twin = next((t for t in new if _when(t) == _when(s)), None)
            if twin is not None:
                out.append(Change("room changed", gid, gid, f"{_when(s)} {s.room}", twin.room))
                old.remove(s)
                new.remove(twin)
        for a, b in zip(old, new, strict=False):
            out.append(
                Change("session moved", gid, gid, f"{_when(a)} {a.room}", f"{_when(b)} {b.room}")
            )  # noqa: E501
    return out


def _key(s: Session) -> tuple:
    return (s.day, s.period, s.room, s.internet)


def _intakes(before: Solution, after: Solution) -> list[Change]:
    old = {i.learner: i for i in before.intakes}
    new = {i.learner: i for i in after.intakes}
    out = []
    for m in sorted(set(old) | set(new)):
        a, b = old.get(m), new.get(m)
        text = lambda i: f"week {i.week} {i.day} {i.period} {i.room} {i.staff}"  # noqa: E731
        if a is None and b is not None:
            out.append(Change("intake added", m, "", "", text(b)))
        elif b is None and a is not None:
            out.append(Change("intake dropped", m, "", text(a), ""))
        elif a is not None and b is not None and a != b:
            out.append(Change("intake moved", m, "", text(a), text(b)))
    return out


def _internet(before: Solution, after: Solution) -> list[Change]:
    old = {(b.learner, b.day, b.period, b.room) for b in before.internet}
    new = {(b.learner, b.day, b.period, b.room) for b in after.internet}
    out = [Change("internet added", m, "", "", f"{d} {p} {r}") for m, d, p, r in new - old]
    out += [Change("internet dropped", m, "", f"{d} {p} {r}", "") for m, d, p, r in old - new]
    return out
