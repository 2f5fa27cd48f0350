"""Shared builders for tests that solve: a tiny term in code, with keyword overrides.

``tiny_term()`` is a two-week term (Mon 2027-01-11 .. Fri 2027-01-22) with four 60-minute
periods (P1 08:30, P2 09:30, P3 13:00, P4 14:00), sections A and B (regimes RA and RB, no
Regimes rows), one classroom C1 with 10 seats, an NT2 teacher T1, an MO trainer M1 (ar, fr), a
counsellor K1 (ar, fr), the course NT2-1.1 (one 1-period session a week, 2..4 members, 1 hour
in total, so every placement completes) and four learners L0001..L0004 of section A who speak
ar, have level 1.1 and want NT2. A test overrides only what its rule needs:

    tiny_term(courses=(nt2_course(max_size=3),), learners=learners(5))

Test files import these helpers with ``from tests.helpers.terms import tiny_term``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterable

from scheduler.data import (
    DAYS,
    ClosedDay,
    Course,
    InternetWindow,
    Learner,
    LearnerUnavailability,
    Period,
    ProblemData,
    RegimeBlock,
    Room,
    RoomUnavailability,
    Section,
    Separation,
    Settings,
    Staff,
    StaffAvailability,
)
from scheduler.search.solve import solve
from scheduler.solution import Result, Solution
from scheduler.verify import total_violations, verify

TERM_START = dt.date(2027, 1, 11)  # a Monday
TERM_END = dt.date(2027, 1, 22)  # the Friday of week 2
WEEKDAYS = DAYS[:5]
PERIODS: tuple[Period, ...] = (
    Period("P1", 510, 570),
    Period("P2", 570, 630),
    Period("P3", 780, 840),
    Period("P4", 840, 900),
)
SOLVE_LIMIT = 5.0  # deterministic seconds; every tiny term is proven optimal well within it

Slot = tuple[str, str]  # (day, period id)


def learner(n: int, **fields) -> Learner:
    """Learner ``L000n``: section A, speaks ar, level 1.1, wants NT2, unless overridden."""
    values: dict = {"section": "A", "languages": ("ar",), "nt2_level": "1.1", "wants": ("NT2",)}
    values.update(fields)
    return Learner(f"L{n:04d}", **values)


def learners(count: int, first: int = 1, **fields) -> tuple[Learner, ...]:
    """``count`` learners numbered from ``first``, all with the same ``fields``."""
    return tuple(learner(n, **fields) for n in range(first, first + count))


def nt2_course(**fields) -> Course:
    """NT2-1.1: one 1-period session a week, 2..4 members, 1 hour in total."""
    values: dict = {
        "course": "NT2-1.1",
        "kind": "NT2",
        "name": "NT2 1.1",
        "level": "1.1",
        "language": "nl",
        "sessions_per_week": 1,
        "session_periods": 1,
        "total_hours": 1.0,
        "min_size": 2,
        "max_size": 4,
    }
    values.update(fields)
    return Course(**values)


def mo_course(language: str = "ar", **fields) -> Course:
    """MO-<language>: same shape as ``nt2_course`` but of kind MO, taught in ``language``."""
    values: dict = {"course": f"MO-{language}", "kind": "MO", "name": f"MO {language}"}
    values.update(fields)
    return nt2_course(level="", language=language, **values)


def tiny_term(*, settings: dict | None = None, **fields) -> ProblemData:
    """The term described in the module docstring; ``fields`` replace ProblemData fields and
    ``settings`` replaces Settings fields."""
    base = Settings("Test prison", TERM_START, TERM_END, time_limit_s=SOLVE_LIMIT, intake_weeks=1)
    values: dict = {
        "settings": dataclasses.replace(base, **(settings or {})),
        "periods": PERIODS,
        "sections": (Section("A", "A wing", "RA"), Section("B", "B wing", "RB")),
        "regimes": (),
        "rooms": (Room("C1", "Class 1", "classroom", 10),),
        "internet_windows": (),
        "staff": (
            Staff("T1", "Teacher", "nt2_teacher"),
            Staff("M1", "Trainer", "mo_trainer", languages=("ar", "fr")),
            Staff("K1", "Counsellor", "counsellor", languages=("ar", "fr")),
        ),
        "courses": (nt2_course(),),
        "learners": learners(4),
    }
    values.update(fields)
    return ProblemData(**values)


def with_settings(data: ProblemData, **changes) -> ProblemData:
    """``data`` with some Settings fields changed."""
    return data.replace(settings=dataclasses.replace(data.settings, **changes))


def slot_rows(slots: Iterable[Slot]) -> list[tuple[str, int, int]]:
    """(day, start, end) of each slot, for windows such as StaffAvailability."""
    times = {p.period: (p.start, p.end) for p in PERIODS}
    return [(day, *times[period]) for day, period in slots]


def all_but(free: Iterable[Slot]) -> list[tuple[str, int, int]]:
    """(day, start, end) rows that block every weekday period except the ``free`` slots; wrap
    them in RegimeBlock, RoomUnavailability or LearnerUnavailability."""
    keep = set(free)
    slots = [(d, p.period) for d in WEEKDAYS for p in PERIODS if (d, p.period) not in keep]
    return slot_rows(slots)


def run(
    data: ProblemData, *, workers: int = 2, seed: int = 0, limit: float = SOLVE_LIMIT
) -> Result:
    """Solve with the tests' short deterministic limit."""
    return solve(data, time_limit=limit, seed=seed, workers=workers)


def assert_valid(data: ProblemData, solution: Solution) -> None:
    """The independent verifier finds nothing wrong with ``solution``."""
    checks = verify(data, solution)
    broken = {c.rule: c.details for c in checks if c.violations}
    assert total_violations(checks) == 0, broken


def solved(data: ProblemData, status: str = "optimal", **kw) -> Solution:
    """Solve ``data``, require ``status`` and a timetable the verifier accepts."""
    result = run(data, **kw)
    assert result.status == status, (result.status, result.conflicts)
    assert result.solution is not None
    assert_valid(data, result.solution)
    return result.solution


def placed(solution: Solution) -> set[tuple[str, str]]:
    """(learner, course) pairs placed in some group."""
    return {(m, g.course) for g in solution.groups for m in g.members}


def members(solution: Solution, course: str | None = None) -> set[str]:
    """Learners placed in some group (of ``course`` when given)."""
    return {m for g in solution.groups if course in (None, g.course) for m in g.members}


def random_term(seed: int, n_learners: int = 10) -> ProblemData:
    """A random small term that uses every kind of row the rules read: regimes, closed days,
    room, staff and learner unavailability, room sections, staff days, loads and courses,
    internet windows and sessions, intakes, escorts and separations. Priorities stay at 3."""
    rnd = random.Random(seed)
    ids = [f"L{n:04d}" for n in range(1, n_learners + 1)]
    return tiny_term(
        settings={
            "max_groups_moving": rnd.choice([None, 1, 2]),
            "intake_weeks": rnd.choice([1, 2]),
            "intake_periods": rnd.choice([1, 1, 2]),
        },
        regimes=_random_blocks(rnd, RegimeBlock, ["RA", "RB"], 2),
        rooms=(
            Room(
                "C1", "Class 1", "classroom", rnd.randint(3, 6), sections=rnd.choice([(), ("A",)])
            ),
            Room("C2", "Class 2", "classroom", rnd.randint(4, 8)),
            Room(
                "LAB",
                "Lab",
                "computer_lab",
                6,
                rnd.randint(1, 3),
                sections=rnd.choice([(), ("B",)]),
            ),
            Room("I1", "Interview", "interview", 2),
        ),
        room_unavailability=_random_blocks(rnd, RoomUnavailability, ["C1", "C2", "LAB", "I1"], 1),
        internet_windows=tuple(InternetWindow(d, 510, 630) for d in rnd.sample(WEEKDAYS, 2)),
        staff=_random_staff(rnd),
        staff_availability=_random_blocks(rnd, StaffAvailability, ["T1", "K1"], 3),
        courses=(
            nt2_course(
                sessions_per_week=2,
                internet_sessions=rnd.choice([0, 1]),
                max_groups=rnd.choice([None, 1]),
            ),
            nt2_course(course="NT2-1.2", name="NT2 1.2", level="1.2", max_size=3),
            mo_course("ar", session_periods=2),
            mo_course("fr"),
        ),
        learners=tuple(_random_learner(rnd, n) for n in range(1, n_learners + 1)),
        learner_unavailability=_random_blocks(
            rnd, LearnerUnavailability, rnd.sample(ids, len(ids) // 3), 1
        ),
        closed_days=(
            ClosedDay(
                TERM_START + dt.timedelta(days=rnd.randint(0, 4)), sections=rnd.choice([(), ("A",)])
            ),
        ),
        separations=_random_separations(rnd, ids),
    )


def _random_blocks(rnd: random.Random, row_type, keys: list[str], per_key: int) -> tuple:
    """``per_key`` rows of ``row_type(key, day, start, end)`` over one or two periods each."""
    rows = []
    for key in keys:
        for _ in range(per_key):
            first = rnd.randrange(len(PERIODS) - 1)
            last = first + rnd.randint(0, 1)
            rows.append(
                row_type(key, rnd.choice(WEEKDAYS), PERIODS[first].start, PERIODS[last].end)
            )
    return tuple(rows)


def _random_staff(rnd: random.Random) -> tuple[Staff, ...]:
    return (
        Staff("T1", "Teacher 1", "nt2_teacher", days=rnd.choice([(), ("Mon", "Tue", "Thu")])),
        Staff(
            "T2",
            "Teacher 2",
            "nt2_teacher",
            teaches=("NT2-1.2",),
            max_periods_per_week=rnd.randint(1, 4),
        ),
        Staff(
            "M1",
            "Trainer",
            "mo_trainer",
            languages=rnd.choice([("ar",), ("ar", "fr")]),
            max_periods_per_week=rnd.choice([None, 4]),
        ),
        Staff(
            "K1",
            "Counsellor",
            "counsellor",
            languages=("ar", "fr"),
            max_periods_per_week=rnd.choice([None, 1, 2]),
        ),
    )


def _random_learner(rnd: random.Random, n: int) -> Learner:
    in_term = [None, None, None, TERM_START + dt.timedelta(days=rnd.randint(1, 10))]
    return learner(
        n,
        section=rnd.choice("AB"),
        languages=rnd.choice([("ar",), ("fr",), ("ar", "fr"), ("ti",)]),
        nt2_level=rnd.choice(["1.1", "1.1", "1.2", None]),
        wants=rnd.choice([("NT2",), ("MO",), ("NT2", "MO"), ()]),
        intake=rnd.random() < 0.2,
        internet_periods=rnd.choice([0, 0, 1, 2]),
        arrival=rnd.choice(in_term),
        release=rnd.choice(in_term),
    )


def _random_separations(rnd: random.Random, ids: list[str]) -> tuple[Separation, ...]:
    """Section/section, learner/learner and learner/section rows, each present or not."""
    candidates = [Separation("A", "B")]
    if len(ids) >= 3:
        candidates += [Separation(ids[0], ids[1]), Separation(ids[2], "B")]
    return tuple(row for row in candidates if rnd.random() < 0.4)
