"""The term as data: one frozen dataclass per sheet row of the input workbook.

Conventions shared by every module:
- times of day are whole minutes since midnight (``510`` is 08:30);
- days are the English three-letter names in ``DAYS`` (``"Mon"`` .. ``"Sun"``);
- dates are ``datetime.date``; lists are tuples (records are hashable and immutable);
- ``row`` is the Excel row the record was read from (None when built in code); it never takes
  part in equality, so a record written and read back compares equal.

``ProblemData`` bundles one term. ``replace(**changes)`` returns a new ``ProblemData``;
scenarios never mutate the base.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

DAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
COURSE_KINDS: tuple[str, ...] = ("NT2", "MO")
NT2_LEVELS: tuple[str, ...] = ("alfa", "1.1", "1.2", "2.1", "2.2")
ROOM_KINDS: tuple[str, ...] = ("classroom", "interview", "computer_lab")
STAFF_ROLES: tuple[str, ...] = ("nt2_teacher", "mo_trainer", "counsellor")
ACTIVITIES: tuple[str, ...] = ("work", "yard", "visit", "meal", "count", "lockin", "other")
CLOSED_REASONS: tuple[str, ...] = ("holiday", "strike", "lockdown", "other")
GENDERS: tuple[str, ...] = ("M", "F")
STATUSES: tuple[str, ...] = ("remand", "sentenced", "mixed")
SCENARIO_ACTIONS: tuple[str, ...] = ("set", "add", "remove")
LOCK_KINDS: tuple[str, ...] = ("session", "member")


def fmt_time(minutes: int) -> str:
    """``510`` -> ``"08:30"``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _rowfield() -> int | None:
    return field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Settings:
    prison: str
    term_start: dt.date
    term_end: dt.date
    teaching_days: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri")
    max_groups_moving: int | None = None
    time_limit_s: float = 60.0
    seed: int = 0
    intake_periods: int = 1
    intake_weeks: int = 2
    language: str = "nl"  # of every human-facing text (scheduler.i18n); codes stay English
    # Share of a course's total_hours attended that counts as completed (records.md).
    completion_share: float = 0.8


@dataclass(frozen=True)
class Period:
    period: str
    start: int
    end: int
    row: int | None = _rowfield()

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class ClosedDay:
    date: dt.date
    reason: str = "other"
    sections: tuple[str, ...] = ()  # empty: the whole prison
    row: int | None = _rowfield()


@dataclass(frozen=True)
class Section:
    section: str
    name: str
    regime: str
    gender: str = "M"
    status: str = "sentenced"
    zone: str = ""
    row: int | None = _rowfield()


@dataclass(frozen=True)
class RegimeBlock:
    """One row of Regimes: ``activity`` blocks ``start``..``end`` on ``day`` (or ``"all"``)."""

    regime: str
    day: str
    start: int
    end: int
    activity: str = "other"
    row: int | None = _rowfield()


@dataclass(frozen=True)
class Separation:
    a: str
    b: str
    reason: str = ""
    row: int | None = _rowfield()


@dataclass(frozen=True)
class Room:
    room: str
    name: str
    kind: str
    seats: int
    internet_seats: int = 0
    zone: str = ""
    sections: tuple[str, ...] = ()  # empty: usable by all sections
    row: int | None = _rowfield()


@dataclass(frozen=True)
class RoomUnavailability:
    room: str
    day: str
    start: int
    end: int
    reason: str = ""
    row: int | None = _rowfield()


@dataclass(frozen=True)
class InternetWindow:
    day: str
    start: int
    end: int
    row: int | None = _rowfield()


@dataclass(frozen=True)
class Staff:
    staff: str
    name: str
    role: str
    organisation: str = ""
    teaches: tuple[str, ...] = ()  # empty: every course of a matching kind
    languages: tuple[str, ...] = ()
    max_periods_per_week: int | None = None
    days: tuple[str, ...] = ()  # empty: all teaching days
    row: int | None = _rowfield()


@dataclass(frozen=True)
class StaffAvailability:
    staff: str
    day: str
    start: int
    end: int
    row: int | None = _rowfield()


@dataclass(frozen=True)
class Course:
    course: str
    kind: str
    name: str
    level: str = ""  # NT2 only
    language: str = "nl"
    sessions_per_week: int = 2
    session_periods: int = 2
    total_hours: float = 60.0
    min_size: int = 4
    max_size: int = 12
    internet_sessions: int = 0
    max_groups: int | None = None  # None: as many as demand needs
    row: int | None = _rowfield()


@dataclass(frozen=True)
class Learner:
    learner: str
    section: str
    languages: tuple[str, ...] = ()
    nt2_level: str | None = None
    wants: tuple[str, ...] = ()
    intake: bool = False
    internet_periods: int = 0
    priority: int = 3
    arrival: dt.date | None = None
    release: dt.date | None = None
    row: int | None = _rowfield()


@dataclass(frozen=True)
class LearnerUnavailability:
    learner: str
    day: str
    start: int
    end: int
    reason: str = ""
    row: int | None = _rowfield()


@dataclass(frozen=True)
class Lock:
    """A session that must stay where it is (kind ``session``; None leaves that part free), or
    a learner pinned into a group (kind ``member``: ``group`` and ``learner`` are set)."""

    kind: str = "session"
    course: str | None = None
    group: str | None = None
    day: str | None = None
    period: str | None = None
    room: str | None = None
    staff: str | None = None
    learner: str | None = None
    row: int | None = _rowfield()


# Objective weights. Every key can be set on the Weights sheet; an unknown key is an error.
DEFAULT_WEIGHTS: dict[str, float] = {
    "served": 100,  # reward per learner-course placed, times the learner's priority
    "early_release": 40,  # extra reward for placing a learner released during the term who
    # can still complete, scaled by how early in the term the release falls
    "intake": 50,  # reward per intake held
    "internet": 10,  # reward per individual internet period booked per week
    "release_risk": 150,  # penalty per learner-course placed that cannot complete before release
    "same_day": 30,  # penalty per pair of sessions of one group on the same day
    "staff_days": 20,  # penalty per day a staff member must come in
    "room_changes": 10,  # penalty per group that uses more than one room in the week
    "fairness": 0,  # reward for the least-served section's share placed (0: not used)
    # Re-planning (replan.md): costs of changing the timetable in use, weighed only after the
    # placements (stage 2), so a change is made only when it places someone or repairs a rule.
    "moved_session": 200,  # per session at another day or period
    "moved_room": 50,  # per session in another room
    "moved_staff": 100,  # per group with another staff member
    "moved_learner": 80,  # per continuing learner in another group (only with --allow-moves)
    "moved_intake": 30,  # per planned intake at another time
    "moved_internet": 10,  # per continuing internet booking moved or dropped
}


class Weights(Mapping[str, float]):
    """Objective weights as a read-only mapping (a ProblemData never changes after it is
    built): hashable by value, picklable for worker processes, equal to a dict of the same
    items. Change weights with ``ProblemData.replace(weights={**data.weights, key: value})``."""

    __slots__ = ("_items",)
    _items: dict[str, float]

    def __init__(self, items: Mapping[str, float] | Iterable[tuple[str, float]] = ()) -> None:
        object.__setattr__(self, "_items", dict(items))

    def __getitem__(self, key: str) -> float:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Weights are read-only; use ProblemData.replace(weights=...)")

    def __reduce__(self) -> tuple[type, tuple[dict[str, float]]]:
        return (Weights, (dict(self._items),))

    def __repr__(self) -> str:
        return f"Weights({self._items!r})"


@dataclass(frozen=True)
class ScenarioRow:
    scenario: str
    sheet: str
    key: str
    column: str = ""
    value: str = ""
    action: str = "set"
    row: int | None = _rowfield()


@dataclass(frozen=True)
class ProblemData:
    """One prison's term: every sheet of the input workbook, validated or not."""

    settings: Settings
    periods: tuple[Period, ...]
    sections: tuple[Section, ...]
    regimes: tuple[RegimeBlock, ...]
    rooms: tuple[Room, ...]
    internet_windows: tuple[InternetWindow, ...]
    staff: tuple[Staff, ...]
    courses: tuple[Course, ...]
    learners: tuple[Learner, ...]
    closed_days: tuple[ClosedDay, ...] = ()
    separations: tuple[Separation, ...] = ()
    room_unavailability: tuple[RoomUnavailability, ...] = ()
    staff_availability: tuple[StaffAvailability, ...] = ()
    learner_unavailability: tuple[LearnerUnavailability, ...] = ()
    locks: tuple[Lock, ...] = ()
    weights: Mapping[str, float] = field(default_factory=lambda: Weights(DEFAULT_WEIGHTS))
    scenarios: tuple[ScenarioRow, ...] = ()

    def __post_init__(self) -> None:
        # Immutable all the way down: a dict given as weights becomes a read-only Weights, so
        # a ProblemData hashes and compares by value.
        if not isinstance(self.weights, Weights):
            object.__setattr__(self, "weights", Weights(self.weights))

    def replace(self, **changes) -> ProblemData:
        """A new ProblemData with ``changes`` applied; ``self`` is left as it is."""
        return dataclasses.replace(self, **changes)

    # Lookups by id. Cached: a ProblemData never changes after it is built.
    @cached_property
    def period_index(self) -> dict[str, int]:
        return {p.period: i for i, p in enumerate(self.periods)}

    @cached_property
    def section_by_id(self) -> dict[str, Section]:
        return {s.section: s for s in self.sections}

    @cached_property
    def room_by_id(self) -> dict[str, Room]:
        return {r.room: r for r in self.rooms}

    @cached_property
    def staff_by_id(self) -> dict[str, Staff]:
        return {s.staff: s for s in self.staff}

    @cached_property
    def course_by_id(self) -> dict[str, Course]:
        return {c.course: c for c in self.courses}

    @cached_property
    def learner_by_id(self) -> dict[str, Learner]:
        return {learner.learner: learner for learner in self.learners}

    @property
    def teaching_days(self) -> tuple[str, ...]:
        """Teaching days in week order."""
        return tuple(d for d in DAYS if d in self.settings.teaching_days)

    def weight(self, key: str) -> float:
        return float(self.weights.get(key, DEFAULT_WEIGHTS[key]))
