"""Decision variables, in small bundles.

Every variable is created only where precomputation says it can be true: a session start
variable exists only for a start and room that the group's staff member, the room and enough
members can all use; a membership variable only for an eligible learner.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.model.instance import Candidate, Instance


@dataclass
class GroupVars:
    """One candidate group: is it formed, who is in it, where do its sessions go."""

    cand: Candidate
    active: cp_model.IntVar
    member: dict[str, cp_model.IntVar] = field(default_factory=dict)
    # (start slot, room) -> ordinary session starts there; internet sessions separately
    session: dict[tuple[int, str], cp_model.IntVar] = field(default_factory=dict)
    internet: dict[tuple[int, str], cp_model.IntVar] = field(default_factory=dict)
    uses_room: dict[str, cp_model.IntVar] = field(default_factory=dict)
    has_section: dict[str, cp_model.IntVar] = field(default_factory=dict)
    length: int = 1
    _cover: dict[int, list[cp_model.IntVar]] | None = field(default=None, repr=False)

    def all_sessions(self):
        """((start, room, is_internet), var) for every session variable."""
        for (t, r), v in self.session.items():
            yield (t, r, False), v
        for (t, r), v in self.internet.items():
            yield (t, r, True), v

    def covering(self, t: int) -> list[cp_model.IntVar]:
        """Session variables whose session occupies slot ``t`` (indexed on first use; the
        session variables never change after they are made)."""
        if self._cover is None:
            self._cover = defaultdict(list)
            for (t0, _r, _i), v in self.all_sessions():
                for u in range(t0, t0 + self.length):
                    self._cover[u].append(v)
        return self._cover.get(t, [])


@dataclass
class Variables:
    groups: list[GroupVars] = field(default_factory=list)
    # (learner, slot, lab) -> learner books one internet seat there, every week
    booking: dict[tuple[str, int, str], cp_model.IntVar] = field(default_factory=dict)
    # (learner, week, start slot, counsellor, room) -> intake appointment
    intake: dict[tuple[str, int, int, str, str], cp_model.IntVar] = field(default_factory=dict)
    # learner -> candidate groups they may join
    groups_of: dict[str, list[GroupVars]] = field(default_factory=lambda: defaultdict(list))


def make_group_vars(model: cp_model.CpModel, inst: Instance) -> list[GroupVars]:
    """Active, membership and session variables for every candidate group."""
    out = []
    for cand in inst.candidates:
        course = inst.data.course_by_id[cand.course]
        name = f"{cand.course}|{'+'.join(cand.clique)}|{cand.staff}|{cand.k}"
        g = GroupVars(cand=cand, active=model.new_bool_var(f"active[{name}]"))
        g.length = course.session_periods
        for m in cand.learners:
            g.member[m] = model.new_bool_var(f"x[{m},{name}]")
        for t in cand.starts:
            for r in cand.rooms:
                if not inst.room_free_at(r, t, g.length):
                    continue
                g.session[(t, r)] = model.new_bool_var(f"z[{name},{t},{r}]")
        for t in cand.internet_starts:
            for r in cand.labs:
                if not inst.room_free_at(r, t, g.length):
                    continue
                g.internet[(t, r)] = model.new_bool_var(f"zi[{name},{t},{r}]")
        rooms = {r for (_t, r), _v in g.session.items()} | {r for (_t, r) in g.internet}
        for r in sorted(rooms):
            g.uses_room[r] = model.new_bool_var(f"use[{name},{r}]")
        out.append(g)
    return out
