"""The CP-SAT model of one term: variables, hard rules, objective, hint and read-back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from scheduler.data import ProblemData
from scheduler.model.constraints import Constraints
from scheduler.model.instance import Instance, build_instance, present
from scheduler.model.objective import SCALE, Objective, build_objective
from scheduler.model.redundant import add_redundant_rows
from scheduler.model.variables import GroupVars, Variables, make_group_vars
from scheduler.rules import group_id, group_number, needs_intake
from scheduler.solution import Group, Intake, InternetBooking, Session, Solution


class TimetableModel(Constraints):
    """Builds the model on construction; ``solution_from`` reads a solution back."""

    def __init__(
        self,
        data: ProblemData,
        inst: Instance | None = None,
        objective: bool = True,
        stop: Callable[[], None] | None = None,
    ):
        """``objective=False`` builds the variables and hard rules only, for questions of
        feasibility (``scheduler explain``), where the objective would only cost time.
        ``stop`` is called between the steps of building; it may raise to abandon the model
        (the wall-clock deadline of a solve)."""
        self.data = data
        self.stop = stop or _never
        self.inst = inst or build_instance(data)
        self.model = cp_model.CpModel()
        self.vars = Variables()
        self.lock_literals: dict[int, cp_model.IntVar] = {}
        self.lock_names: dict[tuple[str, int], dict[int, cp_model.IntVar]] = {}
        self.occupancy: dict[tuple[int, int], cp_model.IntVar] = {}
        self._make_variables()
        self.stop()
        self.add_constraints()
        self.stop()
        self.objective: Objective = Objective()
        if objective:
            add_redundant_rows(self)  # only for the bound (docs/model.md), so not for explain
            self.objective = build_objective(self.model, self.inst, self.vars)
            self.model.maximize(self.objective.expression())

    # --- variables ----------------------------------------------------------------------
    def _make_variables(self) -> None:
        self.vars.groups = make_group_vars(self.model, self.inst)
        for g in self.vars.groups:
            for m in g.member:
                self.vars.groups_of[m].append(g)
        self._make_bookings()
        self._make_intakes()

    def _make_bookings(self) -> None:
        inst, data = self.inst, self.data
        labs = [r for r in data.rooms if r.kind == "computer_lab" and r.internet_seats > 0]
        for learner in data.learners:
            if learner.internet_periods <= 0 or not present(data, learner.learner):
                continue
            blocked = inst.learner_blocked[learner.learner]
            for t in sorted(inst.internet_slots - blocked):
                for lab in labs:
                    if t in inst.room_blocked[lab.room]:
                        continue
                    if lab.sections and learner.section not in lab.sections:
                        continue
                    key = (learner.learner, t, lab.room)
                    self.vars.booking[key] = self.model.new_bool_var(f"b{key}")

    def _make_intakes(self) -> None:
        inst, data = self.inst, self.data
        length = data.settings.intake_periods
        rooms = [r for r in data.rooms if r.kind == "interview"]
        counsellors = [s for s in data.staff if s.role == "counsellor"]
        for learner in data.learners:
            if not needs_intake(learner):
                continue
            speakers = [c for c in counsellors if set(c.languages) & set(learner.languages)]
            for week, t0 in self.intake_options(learner.learner):
                if not inst.learner_free_at(learner.learner, t0, length):
                    continue
                for c in speakers:
                    if not inst.staff_free_at(c.staff, t0, length):
                        continue
                    for r in rooms:
                        if not inst.room_free_at(r.room, t0, length):
                            continue
                        if r.sections and learner.section not in r.sections:
                            continue
                        key = (learner.learner, week, t0, c.staff, r.room)
                        self.vars.intake[key] = self.model.new_bool_var(f"v{key}")

    # --- hint ---------------------------------------------------------------------------
    def add_hint(self, solution: Solution) -> int:
        """Hint every variable from ``solution`` (a greedy start or a base timetable).
        Returns how many of the solution's groups found a matching candidate."""
        values = self._hint_values(solution)
        self.model.clear_hints()
        for g in self.vars.groups:
            chosen = values.get(g.cand.index)
            self.model.add_hint(g.active, chosen is not None)
            members = set(chosen[0]) if chosen else set()
            sessions = chosen[1] if chosen else set()
            for m, x in g.member.items():
                self.model.add_hint(x, m in members)
            for key, var in g.all_sessions():
                self.model.add_hint(var, key in sessions)
        booked = {(b.learner, self._slot(b.day, b.period), b.room) for b in solution.internet}
        for key, var in self.vars.booking.items():
            self.model.add_hint(var, key in booked)
        held = {
            (i.learner, i.week, self._slot(i.day, i.period), i.staff, i.room)
            for i in solution.intakes
        }
        for key, var in self.vars.intake.items():
            self.model.add_hint(var, key in held)
        for (course_id, n), named in self.lock_names.items():
            for index, var in named.items():
                chosen = values.get(index)
                self.model.add_hint(var, chosen is not None and chosen[2] == group_id(course_id, n))
        return len(values)

    def matching_groups(self, solution: Solution) -> dict[int, tuple[tuple[str, ...], set, str]]:
        """Candidate index -> (members, session keys, group id) of ``solution``'s groups that
        a candidate can hold as they are (used to keep a timetable close to a given one)."""
        return self._hint_values(solution)

    def _hint_values(self, solution: Solution) -> dict[int, tuple[tuple[str, ...], set, str]]:
        """Candidate index -> (members, session keys, group id) of the solution's groups."""
        used: set[int] = set()
        out = {}
        by_group = defaultdict(list)
        for s in solution.sessions:
            by_group[s.group].append(s)
        # Larger groups first: interchangeable candidates are ordered by size in the model.
        for grp in sorted(solution.groups, key=lambda g: -len(g.members)):
            secs = {
                self.data.learner_by_id[m].section
                for m in grp.members
                if m in self.data.learner_by_id
            }
            sessions = {
                (self._slot(s.day, s.period), s.room, s.internet) for s in by_group[grp.group]
            }
            for g in self.vars.groups:
                if g.cand.index in used or g.cand.course != grp.course:
                    continue
                if g.cand.staff != grp.staff or not secs <= set(g.cand.clique):
                    continue
                if not set(grp.members) <= set(g.member):
                    continue
                keys = {k for k, _v in g.all_sessions()}
                if not sessions <= keys:
                    continue
                used.add(g.cand.index)
                out[g.cand.index] = (grp.members, sessions, grp.group)
                break
        return out

    def _slot(self, day: str, period: str) -> int:
        if day not in self.inst.days or period not in self.data.period_index:
            return -1
        return self.inst.days.index(day) * self.inst.n_periods + self.data.period_index[period]

    # --- read back ----------------------------------------------------------------------
    def solution_from(self, value) -> Solution:
        """Build a Solution from a value function (solver.value or a callback's value)."""
        active = [g for g in self.vars.groups if value(g.active)]
        names = self._group_names(active, value)
        groups, sessions = [], []
        for g in active:
            gid = names[g.cand.index]
            members = tuple(sorted(m for m, x in g.member.items() if value(x)))
            groups.append(Group(gid, g.cand.course, g.cand.staff, members))
            for (t0, r, internet), var in g.all_sessions():
                if value(var):
                    day, period = self.inst.slot_name(t0)
                    sessions.append(
                        Session(
                            gid, g.cand.course, day, period, g.length, r, g.cand.staff, internet
                        )
                    )
        groups.sort(key=lambda x: (x.course, group_number(x.group)))
        sessions.sort(key=lambda s: (self._slot(s.day, s.period), s.room, s.group))
        return Solution(
            groups=tuple(groups),
            sessions=tuple(sessions),
            intakes=tuple(self._intakes_from(value)),
            internet=tuple(self._bookings_from(value)),
        )

    def _group_names(self, active: list[GroupVars], value) -> dict[int, str]:
        """Group ids ``<course>-<n>``, n in activation (candidate) order; a group that carries
        a locked id (see ``Constraints._locks``) keeps it."""
        fixed: dict[int, int] = {}
        for (_course, n), named in self.lock_names.items():
            for index, var in named.items():
                if value(var):
                    fixed[index] = n
        names: dict[int, str] = {}
        by_course: dict[str, list[GroupVars]] = defaultdict(list)
        for g in active:
            by_course[g.cand.course].append(g)
        for course_id, groups in by_course.items():
            taken = {fixed[g.cand.index] for g in groups if g.cand.index in fixed}
            free = (n for n in range(1, len(groups) + len(taken) + 1) if n not in taken)
            for g in groups:
                n = fixed.get(g.cand.index) or next(free)
                names[g.cand.index] = group_id(course_id, n)
        return names

    def _intakes_from(self, value) -> list[Intake]:
        out = []
        for (m, week, t0, c, r), var in self.vars.intake.items():
            if not value(var):
                continue
            day, period = self.inst.slot_name(t0)
            learner = self.data.learner_by_id[m]
            spoken = self.data.staff_by_id[c].languages
            language = next(lang for lang in learner.languages if lang in spoken)
            out.append(
                Intake(m, week, day, period, self.data.settings.intake_periods, r, c, language)
            )
        return sorted(out, key=lambda i: (i.week, self._slot(i.day, i.period), i.room))

    def _bookings_from(self, value) -> list[InternetBooking]:
        out = []
        for (m, t, lab), var in self.vars.booking.items():
            if value(var):
                day, period = self.inst.slot_name(t)
                out.append(InternetBooking(m, day, period, lab))
        return sorted(out, key=lambda b: (self._slot(b.day, b.period), b.room, b.learner))

    def objective_terms(self, value) -> dict[str, float]:
        """Each named term's value in the workbook's weight units."""
        return {
            name: sum(c * value(e) for c, e in items) / SCALE
            for name, items in self.objective.terms.items()
        }

    def placed_count(self, value) -> int:
        return sum(1 for g in self.vars.groups for x in g.member.values() if value(x))


def _never() -> None:
    """The default ``stop``: building is never abandoned."""
