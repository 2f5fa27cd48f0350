"""A finished timetable, independent of the solver that made it.

A ``Solution`` is plain data: groups with their members and staff, weekly sessions, intake
appointments (in a given week of the term) and weekly internet bookings. The verifier, the
writers and the scenario comparison read only this, never the CP-SAT model.

Periods are referred to by their id (``"P1"``); a session occupies ``periods`` consecutive
periods of one day starting at ``period``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class Group:
    group: str  # "<course>-<n>"
    course: str
    staff: str
    members: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Session:
    group: str
    course: str
    day: str
    period: str  # first period id
    periods: int  # length in periods
    room: str
    staff: str
    internet: bool = False


@dataclass(frozen=True)
class Intake:
    learner: str
    week: int  # 1-based week of the term
    day: str
    period: str  # first period id
    periods: int
    room: str
    staff: str
    language: str


@dataclass(frozen=True)
class InternetBooking:
    learner: str
    day: str
    period: str
    room: str


@dataclass(frozen=True)
class Solution:
    groups: tuple[Group, ...] = ()
    sessions: tuple[Session, ...] = ()
    intakes: tuple[Intake, ...] = ()
    internet: tuple[InternetBooking, ...] = ()

    def group_by_id(self) -> dict[str, Group]:
        return {g.group: g for g in self.groups}

    def placed(self) -> set[tuple[str, str]]:
        """(learner, course kind) pairs placed; course kind looked up by the caller's data."""
        return {(m, g.course) for g in self.groups for m in g.members}


class SolveStatus(StrEnum):
    """How a solve ended. A ``StrEnum``, so ``status == "optimal"`` reads as it should."""

    OPTIMAL = "optimal"  # proven best
    FEASIBLE = "feasible"  # a timetable, not proven best
    INFEASIBLE = "infeasible"  # proven impossible: ``conflicts`` says why
    UNKNOWN = "unknown"  # no timetable found in the time limit
    INVALID = "invalid"  # the model was refused by the solver (a bug)


@dataclass(frozen=True)
class Result:
    """What one solve returns. Infeasible is a status, not an exception.

    ``progress`` holds (seconds, objective) of each better timetable found; ``stats`` numbers
    about the search (model size, phases, deterministic time, whether the wall-clock cap
    stopped it); ``objective_terms`` the objective split by term.
    """

    status: SolveStatus
    solution: Solution | None = None
    objective: float | None = None
    bound: float | None = None
    wall_time: float = 0.0
    first_solution_time: float | None = None
    conflicts: tuple[str, ...] = ()  # rules that make it impossible
    progress: tuple[tuple[float, float], ...] = ()
    stats: Mapping[str, float] = field(default_factory=dict)
    objective_terms: Mapping[str, float] = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        """Relative gap between objective and bound (0.0 when proven optimal)."""
        if self.objective is None or self.bound is None:
            return None
        denom = max(abs(self.objective), 1e-9)
        return abs(self.bound - self.objective) / denom

    @property
    def has_solution(self) -> bool:
        return self.solution is not None
