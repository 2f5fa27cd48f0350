"""Can a request be met at all, and if not, which input rows together forbid it.

``placeable`` builds the model of a (possibly relaxed) term, forces the learner's request in
and asks CP-SAT for any timetable. Everyone else is optional in the model, so this answers
"does some valid timetable give the learner what they asked?". Building the model is cheap
(under 0.1 s for the medium term), so a row is dropped by building the model of the term
without it (``relax.apply``): dropping means exactly what decisions.md says, whatever the
model does with the row.

``minimal_rows`` finds a set of relevant rows that together make the request impossible and
that is minimal: with only those rows (the other relevant rows dropped) it is impossible, and
dropping any one of them makes it possible. It uses QuickXplain's divide and conquer (about
k log n checks for a set of k rows among n), each check a first-solution solve.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler import interrupt
from scheduler.data import COURSE_KINDS, ProblemData
from scheduler.explain.relax import RowKey, apply, courses_for, fitting, mates
from scheduler.i18n import _
from scheduler.model.cp_model import TimetableModel
from scheduler.model.instance import present
from scheduler.rules import needs_intake, parse_group_id, role_for
from scheduler.solution import Solution

POSSIBLE, IMPOSSIBLE, UNKNOWN = "possible", "impossible", "unknown"


class OutOfTime(Exception):
    """The time budget ran out before the answer was known."""


@dataclass
class Budget:
    """Seconds left for the checks of one answer.

    ``deadline`` is a wall-clock ``time.perf_counter()`` value. With ``work`` the checks are
    limited by CP-SAT's deterministic time instead (a count of work that does not depend on
    the machine's load), so the same input gives the same answers; the deadline is then only
    a safety cap."""

    deadline: float
    check_seconds: float = 5.0
    checks: int = field(default=0)
    work: float | None = None

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def next_limit(self) -> float:
        left = self.left()
        if left <= 0.05 or (self.work is not None and self.work <= 0.01):
            raise OutOfTime
        return min(self.check_seconds, left if self.work is None else self.work)

    def spend(self, deterministic_seconds: float) -> None:
        if self.work is not None:
            self.work -= deterministic_seconds


def request_literals(tm: TimetableModel, learner_id: str, kind: str) -> list:
    """The model's literals that give ``learner_id`` their request (any one suffices for a
    group or an intake; internet needs all their periods)."""
    if kind in ("NT2", "MO"):
        kinds = {c.course: c.kind for c in tm.data.courses}
        return [
            g.member[learner_id]
            for g in tm.vars.groups_of.get(learner_id, [])
            if kinds[g.cand.course] == kind
        ]
    if kind == "intake":
        return [v for key, v in tm.vars.intake.items() if key[0] == learner_id]
    return [v for key, v in tm.vars.booking.items() if key[0] == learner_id]


def force_request(tm: TimetableModel, learner_id: str, kind: str) -> bool:
    """Add "the learner gets the request" to the model; False when no variable can give it."""
    lits = request_literals(tm, learner_id, kind)
    if kind == "internet":
        need = tm.data.learner_by_id[learner_id].internet_periods
        if len(lits) < need or need <= 0:
            return False
        tm.model.add(sum(lits) >= need)
        return True
    if not lits:
        return False
    tm.model.add_bool_or(lits)
    return True


def enforce_locks(tm: TimetableModel) -> None:
    """Locks are assumption literals in the model (so a solve can name the impossible one);
    here every lock holds."""
    for lit in tm.lock_literals.values():
        tm.model.add_bool_or([lit])


def focus(data: ProblemData, learner_id: str, kind: str) -> ProblemData:
    """The term with only the learners who can matter to the request: the learner, those who
    could share one of its groups, and those who could fill a locked group; their other
    requests (intakes, internet, other course kinds) left out.

    Everyone but the learner is optional in the model, so the request can be met in the
    focused term exactly when it can be met in the whole term: a timetable of the whole term
    restricted to these people and their groups is still valid, and one of the focused term
    is valid in the whole term with everyone else waiting. The model is much smaller, though.
    """
    keep: dict[str, tuple[str, ...]] = {learner_id: (kind,) if kind in COURSE_KINDS else ()}
    if kind in COURSE_KINDS:
        for m in mates(data, learner_id, kind):
            keep.setdefault(m, (kind,))
    ids = [c.course for c in data.courses]
    locked = {lock.course or _course_of(lock.group, ids) for lock in data.locks}
    for c in data.courses:
        if c.course in locked:
            for m in fitting(data, c):
                keep[m] = tuple(dict.fromkeys(keep.get(m, ()) + (c.kind,)))
    learners = []
    for lr in data.learners:
        if lr.learner not in keep:
            continue
        own = lr.learner == learner_id
        learners.append(
            dataclasses.replace(
                lr,
                wants=keep[lr.learner],
                intake=own and kind == "intake",
                internet_periods=lr.internet_periods if own and kind == "internet" else 0,
            )
        )
    return data.replace(learners=tuple(learners))


def placeable(
    data: ProblemData,
    learner_id: str,
    kind: str,
    seconds: float,
    seed: int = 0,
    budget: Budget | None = None,
) -> str:
    """POSSIBLE, IMPOSSIBLE or UNKNOWN (not decided within ``seconds``)."""
    return find(data, learner_id, kind, seconds, seed, budget)[0]


def find(
    data: ProblemData,
    learner_id: str,
    kind: str,
    seconds: float,
    seed: int = 0,
    budget: Budget | None = None,
) -> tuple[str, Solution | None]:
    """Like ``placeable``, with the timetable found (of the focused term, so valid in the
    whole term with everyone else waiting) when the request is possible. With a ``budget``
    that counts deterministic work, ``seconds`` are deterministic and spent from it."""
    tm = TimetableModel(focus(data, learner_id, kind), objective=False)
    enforce_locks(tm)
    if not force_request(tm, learner_id, kind):
        return IMPOSSIBLE, None
    solver = interrupt.new_solver()  # leaves Ctrl-C to scheduler.interrupt
    p = solver.parameters
    p.num_workers, p.random_seed = 1, seed
    p.max_time_in_seconds = max(0.05, seconds)
    if budget is not None and budget.work is not None:
        p.max_deterministic_time = max(0.05, seconds)
        p.max_time_in_seconds = max(0.05, min(3 * seconds, budget.left()))
    p.stop_after_first_solution = True
    # Measured on the medium term: without presolve a first timetable comes twice as fast,
    # and the impossible cases are still proven in a tenth of a second.
    p.cp_model_presolve = False
    status = interrupt.run_in_thread(interrupt.solve, solver, tm.model)
    if budget is not None:
        budget.spend(solver.deterministic_time)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return POSSIBLE, tm.solution_from(solver.boolean_value)
    return (IMPOSSIBLE if status == cp_model.INFEASIBLE else UNKNOWN), None


@dataclass
class Checker:
    """Checks of one request over subsets of its relevant rows (the others dropped)."""

    data: ProblemData
    learner: str
    kind: str
    rows: Sequence[RowKey]
    budget: Budget
    seed: int = 0

    def status(self, present_rows: Sequence[RowKey]) -> str:
        """Whether the request can be met with only ``present_rows`` of the relevant rows."""
        keep = set(present_rows)
        dropped = [r for r in self.rows if r not in keep]
        self.budget.checks += 1
        limit = self.budget.next_limit()
        return placeable(
            apply(self.data, dropped), self.learner, self.kind, limit, self.seed, self.budget
        )

    def impossible(self, present_rows: Sequence[RowKey]) -> bool:
        """True only when proven impossible; an undecided check counts as possible, so a row
        is only left out of the answer when leaving it out is proven."""
        return self.status(present_rows) == IMPOSSIBLE


def quickxplain(check: Callable[[Sequence[RowKey]], bool], rows: Sequence[RowKey]) -> list[RowKey]:
    """A minimal subset of ``rows`` for which ``check`` (impossible?) holds; ``check(rows)``
    must hold and ``check([])`` must not (Junker's QuickXplain)."""

    def qx(background: list[RowKey], added: bool, candidates: list[RowKey]) -> list[RowKey]:
        if added and check(background):
            return []
        if len(candidates) == 1:
            return list(candidates)
        half = len(candidates) // 2
        first, second = candidates[:half], candidates[half:]
        x2 = qx(background + first, bool(first), second)
        x1 = qx(background + x2, bool(x2), first)
        return x1 + x2

    return qx([], False, list(rows))


def absence(data: ProblemData, learner_id: str, kind: str) -> list[str]:
    """What is missing from the input, when no droppable row is to blame: sentences such as
    ``no Courses row for NT2 2.2``."""
    lr = data.learner_by_id[learner_id]
    where = _("{sheet}, row {row}", sheet="Learners", row=lr.row) if lr.row else "Learners"
    said = {"where": where, "learner": learner_id}
    if not present(data, learner_id):
        return [_("{where}: {learner} is not in prison during the term (arrival/release)", **said)]
    if kind == "NT2" and not lr.nt2_level:
        return [_("{where}: {learner} has no nt2_level; an intake must place them first", **said)]
    if kind in ("NT2", "MO") and kind not in lr.wants:
        return [_("{where}: {learner} did not ask for {kind}", kind=kind, **said)]
    if kind in ("NT2", "MO"):
        return _course_absence(data, learner_id, kind)
    if kind == "intake":
        if not needs_intake(lr):
            return [
                _(
                    "{where}: {learner} needs no intake (intake is not yes, nt2_level is set)",
                    **said,
                )
            ]
        return _intake_absence(data, learner_id)
    if lr.internet_periods <= 0:
        return [_("{where}: {learner} asked for no internet periods", **said)]
    if not any(r.kind == "computer_lab" for r in data.rooms):
        return [_("no Rooms row for a computer_lab")]
    return [_("{where}: no period of the week is free for {learner} and a lab together", **said)]


def _course_absence(data: ProblemData, learner_id: str, kind: str) -> list[str]:
    lr = data.learner_by_id[learner_id]
    courses = courses_for(data, learner_id, kind)
    if not courses:
        if kind == "NT2":
            return [_("no Courses row for NT2 {level}", level=lr.nt2_level)]
        languages = ", ".join(lr.languages) or _("their languages")
        return [_("no Courses row for MO in {languages}", languages=languages)]
    role = role_for(kind)
    names = ", ".join(c.course for c in courses)
    if not any(s.role == role for s in data.staff):
        return [_("no Staff row with role {role} to teach {courses}", role=role, courses=names)]
    return [
        _(
            "the rules no row can relax (Periods, teaching_days, the sections of {learner} and"
            " their group mates, room kinds and sections) leave no week for {courses}",
            learner=learner_id,
            courses=names,
        )
    ]


def _intake_absence(data: ProblemData, learner_id: str) -> list[str]:
    lr = data.learner_by_id[learner_id]
    if not any(s.role == "counsellor" for s in data.staff):
        return [_("no Staff row with role counsellor")]
    if not any(s.role == "counsellor" and set(s.languages) & set(lr.languages) for s in data.staff):
        languages = ", ".join(lr.languages) or "-"
        return [_("no Staff row of a counsellor who speaks {languages}", languages=languages)]
    if not any(r.kind == "interview" for r in data.rooms):
        return [_("no Rooms row for an interview room")]
    return [
        _(
            "no date in {learner}'s intake weeks (Settings intake_weeks, their arrival) has a"
            " period free for them, a counsellor who speaks their language and an interview room",
            learner=learner_id,
        )
    ]


def _course_of(group: str | None, courses: list[str]) -> str:
    """The course of a locked group id (``""`` when no group can have that id)."""
    parsed = parse_group_id(group or "", courses)
    return parsed[0] if parsed else ""
