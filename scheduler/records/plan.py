"""What a register workbook is about: the plan of some weeks of a term, without names.

A ``RegisterPlan`` is read from a timetable workbook (``timetable.read_plan``), written into
the hidden ``_register`` sheet of the registers workbook (``registers.write_registers``) and
read back from it when the filled registers are recorded (``read.read_registers``), so a filled
register can be stored without the term workbook or the timetable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Codes a teacher writes per learner and session; only P counts as attended.
CODES: tuple[str, ...] = ("P", "A", "E", "S", "R")
# The `held` row: `yes`, or `no` / a cause (every one of them means not held).
HELD_CAUSES: tuple[str, ...] = (
    "no",
    "strike",
    "lockdown",
    "staff absent",
    "room unavailable",
    "other",
)
HELD_VALUES: tuple[str, ...] = ("yes", *HELD_CAUSES)
DEFAULT_COMPLETION_SHARE = 0.8


@dataclass(frozen=True)
class ClosedDay:
    """A closed day of the term: the whole prison (no sections) or some sections."""

    date: dt.date
    reason: str
    sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupInfo:
    """One group of the timetable and its course. ``sheet`` is its register sheet's title."""

    group: str
    sheet: str
    course: str
    course_name: str
    kind: str
    level: str
    language: str
    staff: str
    rooms: str
    times: str
    total_hours: float

    @property
    def language_or_level(self) -> str:
        """NT2 courses are told apart by level, MO courses by language."""
        return self.level if self.kind == "NT2" else self.language


@dataclass(frozen=True)
class SessionDate:
    """One real session of a group: its date, start (``HH:MM``) and clock hours. ``cause`` is
    set for a session the term's closed days cancelled (it is then not on the register)."""

    group: str
    date: dt.date
    start: str
    hours: float
    cause: str = ""

    @property
    def label(self) -> str:
        """The register's column heading: ``YYYY-MM-DD HH:MM``."""
        return f"{self.date.isoformat()} {self.start}"


@dataclass(frozen=True)
class Member:
    """A learner's membership of a group, from ``start`` to ``end`` (both inclusive)."""

    group: str
    learner: str
    start: dt.date
    end: dt.date

    def covers(self, date: dt.date) -> bool:
        return self.start <= date <= self.end


@dataclass(frozen=True)
class LearnerInfo:
    """What the reach report needs to know of a learner (never a name)."""

    learner: str
    section: str
    languages: str
    asked: str


@dataclass(frozen=True)
class PlannedIntake:
    """An intake interview planned in the range of the registers."""

    learner: str
    date: dt.date
    start: str
    staff: str
    language: str


@dataclass(frozen=True)
class RegisterPlan:
    """Everything a registers workbook covers: one prison, one term, the dates ``first`` ..
    ``last`` (inclusive) of it."""

    prison: str
    term_start: dt.date
    term_end: dt.date
    completion_share: float
    first: dt.date
    last: dt.date
    closed_days: tuple[ClosedDay, ...]
    groups: tuple[GroupInfo, ...]
    sessions: tuple[SessionDate, ...]
    members: tuple[Member, ...]
    learners: tuple[LearnerInfo, ...]
    intakes: tuple[PlannedIntake, ...]

    def sessions_of(self, group: str, held_only: bool = True) -> list[SessionDate]:
        """The group's sessions by date and start; only those on the register by default."""
        out = [s for s in self.sessions if s.group == group and not (held_only and s.cause)]
        return sorted(out, key=lambda s: (s.date, s.start))

    def members_of(self, group: str) -> list[Member]:
        return [m for m in self.members if m.group == group]

    def learner_ids_of(self, group: str) -> list[str]:
        """Members of ``group`` in the range, each once, in id order."""
        return sorted({m.learner for m in self.members_of(group)})

    def is_member(self, group: str, learner: str, date: dt.date) -> bool:
        return any(m.learner == learner and m.covers(date) for m in self.members_of(group))
