"""Redundant rows: valid for every integer timetable, added only to tighten the LP relaxation.

CP-SAT's bound comes from the linear relaxation, where a group may be formed a fraction and the
rules written with enforcement literals ("if the group uses this room, its size fits") are
nearly free. These rows state the same facts in aggregated linear form, so the relaxation sees
the resource that binds. Each method is one family of rows; docs/model.md ("Redundant rows")
says why each is valid and what it did to the bound. Rows that the model's other linear rows
already imply are not added (the same section of docs/model.md says which were tried).

``add_redundant_rows(tm)`` adds them to a built ``TimetableModel``.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.model.instance import Instance
from scheduler.model.variables import GroupVars, Variables

# The families added, by method name; benchmarks/bound_rows.py switches them to measure each.
FAMILIES: tuple[str, ...] = ("_seats_per_session",)


def add_redundant_rows(tm) -> None:
    """Every family of redundant rows that moved the bound on the ladder, added to the model
    of ``tm`` (a TimetableModel with its variables and hard rules)."""
    RedundantRows(tm.model, tm.inst, tm.vars).add()


class RedundantRows:
    families: tuple[str, ...] = FAMILIES

    def __init__(self, model: cp_model.CpModel, inst: Instance, variables: Variables):
        self.model, self.inst, self.vars = model, inst, variables

    def add(self) -> None:
        for name in self.families:
            getattr(self, name)()

    def _seats_per_session(self) -> None:
        """A group's size is at most the seats of the room of each of its sessions, so
        ``n · size ≤ Σ seats(r) · z[g,t,r]`` over its ``n`` ordinary sessions, and likewise over
        its internet sessions with the lab's internet seats. The model says "size ≤ seats" only
        when the group uses the room (an enforcement literal, all but free in the relaxation);
        summed this way, a fractional group in a small room or a lab counts only its seats. For
        a course with internet sessions this bounds its learners by the lab's placements times
        its internet seats: where the lab decides, that is the bound."""
        data = self.inst.data
        for g in self.vars.groups:
            c = data.course_by_id[g.cand.course]
            normal = c.sessions_per_week - c.internet_sessions
            rooms = {r: min(data.room_by_id[r].seats, c.max_size) for (_t, r) in g.session}
            labs = {
                r: min(data.room_by_id[r].seats, data.room_by_id[r].internet_seats, c.max_size)
                for (_t, r) in g.internet
            }
            self._seat_row(g, g.session, rooms, normal, c.max_size)
            self._seat_row(g, g.internet, labs, c.internet_sessions, c.max_size)

    def _seat_row(
        self,
        g: GroupVars,
        sessions: dict[tuple[int, str], cp_model.IntVar],
        seats: dict[str, int],
        count: int,
        max_size: int,
    ) -> None:
        """``count · size ≤ Σ seats · z``, only where some room holds fewer than max_size
        (otherwise ``size ≤ max_size · active`` with ``Σ z = count · active`` implies it)."""
        if count <= 0 or not sessions or min(seats.values()) >= max_size:
            return
        size = sum(g.member.values())
        self.model.add(count * size <= sum(seats[r] * v for (_t, r), v in sessions.items()))
