"""Domain rules shared by every layer (the verifier excepted, on purpose).

Numeric ranges
--------------
``RANGES`` is the one table of the values a term may hold: validation reports a value outside
it, and the solver and the command line take their limits from it, so a value ``validate``
accepts is always one ``solve`` can use (issue 12, item 8: a seed of 2147483648, a ``max_size``
of 1e30, a term ending 9999-12-31 or a weight of 1e17 passed validation and then crashed or
overflowed the solver). The bounds are far outside any real prison and far inside what the
model's integers hold: CP-SAT's seed is an int32, its coefficients int64 (weights are scaled
×10 and multiplied by counts of at most a few thousand).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Range:
    """The values a number may take: ``low`` .. ``high`` (``low`` itself excluded when
    ``above_low``), whole when ``whole``; ``example`` is a value that passes validation."""

    low: float
    high: float
    example: str
    whole: bool = True
    above_low: bool = False
    decimals: int | None = None  # most decimal places (weights: 1, they are scaled ×10)

    def holds(self, value: Any) -> bool:
        """Whether ``value`` is a finite number inside the range (and whole, when it must be)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if not math.isfinite(value):
            return False
        low_ok = value > self.low if self.above_low else value >= self.low
        if not (low_ok and value <= self.high):
            return False  # checked first: a huge value has no decimals worth counting
        if self.whole and value != int(value):
            return False
        return self.decimals is None or _has_decimals(value, self.decimals)

    def describe(self) -> str:
        """``from 1 to 1000`` / ``more than 0 and at most 86400``, for messages."""
        low, high = _show(self.low), _show(self.high)
        kind = "a whole number " if self.whole else "a number "
        if self.decimals is not None:
            kind = f"a number with at most {self.decimals} decimal place "
        if self.above_low:
            return f"{kind}more than {low} and at most {high}"
        return f"{kind}from {low} to {high}"

    def message(self, name: str, value: Any) -> str:
        """What a coordinator reads when ``name`` holds ``value`` outside the range."""
        return f"{name} must be {self.describe()} (got {_show(value)}); for example {self.example}"


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int | float) and abs(value) >= 1e15:
        return f"{value:.3g}"
    return str(value)


def _has_decimals(value: float, decimals: int) -> bool:
    scaled = value * 10**decimals
    return abs(scaled - round(scaled)) < 1e-6


INT32_MAX = 2**31 - 1
MANY = 1_000  # more learners, seats or groups than any Belgian prison has

RANGES: dict[tuple[str, str], Range] = {
    # Settings
    ("Settings", "seed"): Range(0, INT32_MAX, "0"),
    ("Settings", "time_limit_s"): Range(0, 86_400, "60", whole=False, above_low=True),
    ("Settings", "max_groups_moving"): Range(1, MANY, "4"),
    ("Settings", "intake_periods"): Range(1, 12, "1"),
    ("Settings", "intake_weeks"): Range(1, 53, "2"),
    # Rooms
    ("Rooms", "seats"): Range(1, MANY, "12"),
    ("Rooms", "internet_seats"): Range(0, MANY, "8"),
    # Staff
    ("Staff", "max_periods_per_week"): Range(0, 7 * 24, "20"),
    # Courses
    ("Courses", "sessions_per_week"): Range(1, 7 * 24, "2"),
    ("Courses", "session_periods"): Range(1, 24, "2"),
    ("Courses", "total_hours"): Range(0, 10_000, "60", whole=False, above_low=True),
    ("Courses", "min_size"): Range(1, MANY, "4"),
    ("Courses", "max_size"): Range(1, MANY, "12"),
    ("Courses", "internet_sessions"): Range(0, 7 * 24, "1"),
    ("Courses", "max_groups"): Range(1, MANY, "2"),
    # Learners
    ("Learners", "internet_periods"): Range(0, 7, "2"),
    ("Learners", "priority"): Range(1, 5, "3"),
}

# Weights: at most one decimal place (scaled ×10 for CP-SAT); a million keeps every objective
# term far inside int64 whatever the counts.
WEIGHT_RANGE = Range(0, 1_000_000, "100", whole=False, decimals=1)

# Dates: a term lies in this century and lasts at most two years (a term of 9999 years made
# every per-date loop run for ever); learners' arrival and release may lie further out.
TERM_YEARS = (2000, 2099)
TERM_MAX_DAYS = 731
PERSON_YEARS = (1900, 2199)


def date_problem(name: str, value: dt.date | None, years: tuple[int, int]) -> str | None:
    """A message when ``value`` lies outside ``years``, else None."""
    if value is None or years[0] <= value.year <= years[1]:
        return None
    return (
        f"{name} {value.isoformat()} must lie in the years {years[0]} to {years[1]}; "
        f"for example {years[0] + 27}-01-11"
    )


def term_length_problem(start: dt.date | None, end: dt.date | None) -> str | None:
    """A message when the term lasts more than TERM_MAX_DAYS, else None."""
    if start is None or end is None or (end - start).days < TERM_MAX_DAYS:
        return None
    return (
        f"the term from {start} to {end} lasts {(end - start).days + 1} days; a term lasts at "
        f"most {TERM_MAX_DAYS} days (two years); for example term_end {start.year}-06-30"
    )


def check(sheet: str, column: str, value: Any) -> str | None:
    """The message for ``value`` in ``sheet``/``column`` when it is outside its range."""
    bounds = RANGES.get((sheet, column))
    if bounds is None or value is None or bounds.holds(value):
        return None
    return bounds.message(column, value)
