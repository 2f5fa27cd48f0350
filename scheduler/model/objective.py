"""The objective: named weighted terms, maximised.

Weights come from the Weights sheet (defaults in ``scheduler.data.DEFAULT_WEIGHTS``) and are
scaled by ``SCALE`` to integers, because CP-SAT needs integer coefficients.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.model.instance import Instance, delivered_dates, release_fraction
from scheduler.model.variables import GroupVars, Variables
from scheduler.rules import needs_intake
from scheduler.solution import Session, Solution

SCALE = 10


@dataclass
class Objective:
    """Each term is a list of (coefficient, literal-or-expression); positive rewards."""

    terms: dict[str, list[tuple[int, object]]] = field(default_factory=lambda: defaultdict(list))
    most: dict[str, int] = field(default_factory=dict)  # largest value of a term's expressions

    def add(self, name: str, coef: float, expr, most: int = 1) -> None:
        c = round(coef * SCALE)
        if c:
            self.terms[name].append((c, expr))
            if most != 1:
                self.most[name] = most

    def expression(self):
        return sum(c * e for items in self.terms.values() for c, e in items)

    def upper_bound(self) -> int:
        """A trivial bound (scaled): every reward earned, no penalty. Rewards are on
        literals (each counts at most once) or on integers of known maximum (``most``)."""
        return sum(
            c * self.most.get(name, 1)
            for name, items in self.terms.items()
            for c, _e in items
            if c > 0
        )


def build_objective(
    model: cp_model.CpModel,
    inst: Instance,
    v: Variables,
    credit: Mapping[tuple[str, str], int] | None = None,
) -> Objective:
    """Rewards placements, intakes and bookings; penalises release risk, same-day sessions,
    staff days and room changes. ``credit`` maps (learner, course) to minutes already
    delivered (a re-plan: history counts toward completion)."""
    obj = Objective()
    data = inst.data
    _placement_terms(model, inst, v, obj, credit or {})
    for b in v.booking.values():
        obj.add("internet", data.weight("internet"), b)
    for x in v.intake.values():
        obj.add("intake", data.weight("intake"), x)
    _same_day_terms(model, inst, v, obj)
    _staff_day_terms(model, inst, v, obj)
    _fairness_term(model, inst, v, obj)
    for g in v.groups:
        if len(g.uses_room) > 1:
            extra = sum(g.uses_room.values()) - g.active
            obj.add("room_changes", -data.weight("room_changes"), extra)
    return obj


def _placement_terms(
    model: cp_model.CpModel,
    inst: Instance,
    v: Variables,
    obj: Objective,
    credit: Mapping[tuple[str, str], int],
) -> None:
    data = inst.data
    served, early, risk = (data.weight(k) for k in ("served", "early_release", "release_risk"))
    dates = {m: delivered_dates(data, m) for m in v.groups_of}
    for g in v.groups:
        course = data.course_by_id[g.cand.course]
        need = round(course.total_hours * 60)
        sessions = _session_minutes_of(inst, g)
        for m, x in g.member.items():
            learner = data.learner_by_id[m]
            obj.add("served", served * learner.priority, x)
            left = max(0, need - credit.get((m, course.course), 0))
            done = _completion_literal(model, inst, g, m, x, dates[m], left, sessions)
            frac = release_fraction(data, m)
            if done is not None and frac > 0:
                obj.add("early_release", early * frac, done)
            # Placed but cannot complete: x - done.
            obj.add("release_risk", -risk, x)
            if done is not None:
                obj.add("release_risk", risk, done)


def _session_minutes_of(inst: Instance, g: GroupVars) -> list[tuple[cp_model.IntVar, str, int]]:
    """(session variable, weekday, minutes a session there lasts) for every session option of
    ``g``, computed once per group instead of once per member (a large share of building)."""
    per, n = inst.data.periods, inst.n_periods
    out = []
    for (t0, _r, _i), var in g.all_sessions():
        p0 = t0 % n
        mins = sum(p.minutes for p in per[p0 : p0 + g.length])
        out.append((var, inst.days[inst.day_of(t0)], mins))
    return out


def _completion_literal(
    model, inst: Instance, g: GroupVars, m: str, x, dates, need: int,
    sessions: list[tuple[cp_model.IntVar, str, int]] | None = None,
):  # fmt: skip
    """A literal that is true only if ``m`` is placed in ``g`` and the group's sessions on
    the dates ``m`` can attend deliver the course's hours; None when that is impossible.
    ``sessions``: ``_session_minutes_of(inst, g)`` when the caller has it already."""
    if sessions is None:
        sessions = _session_minutes_of(inst, g)
    minutes = {var.index: (var, mins * dates.get(day, 0)) for var, day, mins in sessions}
    if not minutes:
        return None
    course = inst.data.course_by_id[g.cand.course]
    k = course.sessions_per_week
    values = sorted(val for _v, val in minutes.values())
    if sum(values[-k:]) < need:
        return None  # not even the best days deliver enough
    if sum(values[:k]) >= need:
        return x  # every placement delivers enough
    done = model.new_bool_var(f"complete[{m},{g.cand.index}]")
    model.add_implication(done, x)
    model.add(sum(val * var for var, val in minutes.values()) >= need).only_enforce_if(done)
    return done


def _same_day_terms(model, inst: Instance, v: Variables, obj: Objective) -> None:
    """Pairs of one group's sessions on one day: sum_j max(0, n_d - j) counts them exactly."""
    w = inst.data.weight("same_day")
    for g in v.groups:
        k = inst.data.course_by_id[g.cand.course].sessions_per_week
        if k < 2 or not w:
            continue
        per_day: dict[int, list] = defaultdict(list)
        for (t0, _r, _i), var in g.all_sessions():
            per_day[inst.day_of(t0)].append(var)
        for d, vs in sorted(per_day.items()):
            if len(vs) < 2:
                continue
            for j in range(1, min(k, len(vs))):
                e = model.new_int_var(0, k, f"sameday[{g.cand.index},{d},{j}]")
                model.add(e >= sum(vs) - j)
                obj.add("same_day", -w, e)


def _staff_day_terms(model, inst: Instance, v: Variables, obj: Objective) -> None:
    """One penalty per (staff member, day) with any session, and per (counsellor, week, day)
    with any intake."""
    w = inst.data.weight("staff_days")
    if not w:
        return
    on_day: dict[tuple, list] = defaultdict(list)
    for g in v.groups:
        for (t0, _r, _i), var in g.all_sessions():
            on_day[(g.cand.staff, 0, inst.day_of(t0))].append(var)
    for (_m, week, t0, c, _r), var in v.intake.items():
        on_day[(c, week, inst.day_of(t0))].append(var)
    for key, vs in sorted(on_day.items()):
        comes = model.new_bool_var(f"staffday[{key}]")
        for var in vs:
            model.add_implication(var, comes)
        obj.add("staff_days", -w, comes)


def _fairness_term(model, inst: Instance, v: Variables, obj: Objective) -> None:
    """Weight ``fairness`` (default 0: no term) per percentage point of the share placed of the
    least-served section: z <= 100 * placed_s / asked_s for every section, counting only the
    requests (learner, course kind) the model can place at all."""
    w = inst.data.weight("fairness")
    if not w:
        return
    data = inst.data
    requests: dict[str, dict[tuple[str, str], list]] = defaultdict(lambda: defaultdict(list))
    for g in v.groups:
        kind = data.course_by_id[g.cand.course].kind
        for m, x in g.member.items():
            requests[data.learner_by_id[m].section][(m, kind)].append(x)
    if not requests:
        return
    z = model.new_int_var(0, 100, "least_served_share")
    for _section, asked in sorted(requests.items()):
        placed = sum(x for xs in asked.values() for x in xs)  # one group per kind at most
        model.add(100 * placed >= len(asked) * z)
    obj.add("fairness", w, z, most=100)


# ---------------------------------------------------------------------------------------------
# A timetable's objective without the model
# ---------------------------------------------------------------------------------------------


def solution_objective(inst: Instance, solution: Solution) -> int:
    """The objective (scaled, as CP-SAT reports it) of ``solution`` with every auxiliary
    variable at its best value: what the model gives this timetable, computed without
    building the model, so that the greedy start can be the first timetable at once. Each
    term follows its builder above (tests/model/test_solution_objective.py checks the two
    agree)."""
    data = inst.data
    sessions_of: dict[str, list[Session]] = defaultdict(list)
    for s in solution.sessions:
        sessions_of[s.group].append(s)
    total = _placement_value(inst, solution, sessions_of)
    total += _scaled(data.weight("internet")) * len(solution.internet)
    total += _scaled(data.weight("intake")) * len(solution.intakes)
    total += _same_day_value(inst, solution, sessions_of)
    days = {(s.staff, 0, s.day) for s in solution.sessions}
    days |= {(i.staff, i.week, i.day) for i in solution.intakes}
    total += _scaled(-data.weight("staff_days")) * len(days) if data.weight("staff_days") else 0
    total += _fairness_value(inst, solution)
    for grp in solution.groups:
        rooms = {s.room for s in sessions_of[grp.group]}
        total += _scaled(-data.weight("room_changes")) * max(0, len(rooms) - 1)
    return total


def _scaled(coef: float) -> int:
    """A coefficient as ``Objective.add`` rounds it."""
    return round(coef * SCALE)


def _placement_value(
    inst: Instance, solution: Solution, sessions_of: Mapping[str, list[Session]]
) -> int:
    """served, early_release and release_risk: a place counts as complete when the group's
    sessions, on the dates the learner can attend, deliver the course's hours."""
    data = inst.data
    served, early, risk = (data.weight(k) for k in ("served", "early_release", "release_risk"))
    total = 0
    for grp in solution.groups:
        course = data.course_by_id[grp.course]
        need = round(course.total_hours * 60)
        minutes = [(s.day, _session_minutes(inst, s)) for s in sessions_of[grp.group]]
        for m in grp.members:
            total += _scaled(served * data.learner_by_id[m].priority) + _scaled(-risk)
            dates = delivered_dates(data, m)
            if sum(mins * dates.get(day, 0) for day, mins in minutes) < need:
                continue
            total += _scaled(risk)
            frac = release_fraction(data, m)
            if frac > 0:
                total += _scaled(early * frac)
    return total


def _session_minutes(inst: Instance, s: Session) -> int:
    p0 = inst.data.period_index[s.period]
    return sum(p.minutes for p in inst.data.periods[p0 : p0 + s.periods])


def _same_day_value(
    inst: Instance, solution: Solution, sessions_of: Mapping[str, list[Session]]
) -> int:
    """same_day: sum over j of max(0, n_d - j), per group and day, as the model counts it."""
    w = inst.data.weight("same_day")
    total = 0
    for grp in solution.groups:
        k = inst.data.course_by_id[grp.course].sessions_per_week
        if k < 2 or not w:
            continue
        per_day: dict[str, int] = defaultdict(int)
        for s in sessions_of[grp.group]:
            per_day[s.day] += 1
        for n in per_day.values():
            total += _scaled(-w) * sum(max(0, n - j) for j in range(1, k))
    return total


def _fairness_value(inst: Instance, solution: Solution) -> int:
    """fairness: the least-served section's share placed, in whole percent (rounded down),
    over the requests some candidate group can take."""
    w = inst.data.weight("fairness")
    if not w:
        return 0
    data = inst.data
    asked: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for cand in inst.candidates:
        kind = data.course_by_id[cand.course].kind
        for m in cand.learners:
            asked[data.learner_by_id[m].section].add((m, kind))
    if not asked:
        return 0
    placed: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for grp in solution.groups:
        kind = data.course_by_id[grp.course].kind
        for m in grp.members:
            section = data.learner_by_id[m].section
            if (m, kind) in asked[section]:
                placed[section].add((m, kind))
    z = min(100 * len(placed[s]) // len(requests) for s, requests in asked.items())
    return _scaled(w) * z


def bound_without_model(inst: Instance) -> int:
    """A valid upper bound (scaled) on every timetable's objective, from the candidate groups
    alone: each learner's best place per course kind (one group per kind) with its completion
    rewards, every internet period asked, every intake needed, full fairness; no penalty.
    Looser than CP-SAT's; it stands beside the greedy start until the search reports one."""
    data = inst.data
    served, early, risk = (data.weight(k) for k in ("served", "early_release", "release_risk"))
    best: dict[tuple[str, str], int] = {}
    for cand in inst.candidates:
        kind = data.course_by_id[cand.course].kind
        for m in cand.learners:
            frac = release_fraction(data, m)
            value = _scaled(served * data.learner_by_id[m].priority) + _scaled(-risk)
            value += max(0, _scaled(risk) + (_scaled(early * frac) if frac > 0 else 0))
            best[(m, kind)] = max(best.get((m, kind), 0), value)
    total = sum(best.values())
    internet = sum(max(0, learner.internet_periods) for learner in data.learners)
    total += max(0, _scaled(data.weight("internet"))) * internet
    intakes = sum(1 for learner in data.learners if needs_intake(learner))
    total += max(0, _scaled(data.weight("intake"))) * intakes
    return total + max(0, _scaled(data.weight("fairness"))) * 100
