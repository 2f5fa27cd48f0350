"""The instances the benchmark solves, with their default time limits.

The five profiles at seed 1 are the bundled instances/*.xlsx (``lab``: the case where the
computer lab decides); ``stress`` is haren's profile with twice haren's learners and ``xl``
with 1,000 learners (several prisons' worth of wings in one workbook). Every profile also runs
without an internet line for education (``generate(..., internet=False)``), named e.g.
``large (no internet)``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from scheduler.workbook.example import PROFILES

# Default time limits in seconds (CP-SAT deterministic time, see scheduler/search/solve.py).
TIME_LIMITS: dict[str, float] = {
    "small": 20.0,
    "medium": 60.0,
    "lab": 60.0,
    "large": 60.0,
    "haren": 120.0,
    "stress": 120.0,
    "xl": 180.0,
    "odd": 60.0,  # another shape: six days, 45-minute periods, 1- and 3-period sessions
}
# Terms made from haren's profile with more learners: the ladder name -> learners.
SCALED_HAREN: dict[str, int] = {"stress": 2 * PROFILES["haren"].learners, "xl": 1000}
NAMES: tuple[str, ...] = tuple(TIME_LIMITS)
BENCHMARK_SEED = 1  # the seed of the bundled instances/*.xlsx
NO_INTERNET = " (no internet)"


@dataclass(frozen=True)
class Spec:
    """One benchmark instance: which term to generate and how long to solve it."""

    name: str  # row name, e.g. "large (no internet)"
    ladder: str  # a name of TIME_LIMITS
    profile: str  # the generator profile (stress and xl use haren's)
    learners: int
    internet: bool
    time_limit: float

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict) -> Spec:
        return cls(**raw)


def _spec(name: str, internet: bool, time_scale: float) -> Spec:
    profile = "haren" if name in SCALED_HAREN else name
    learners = SCALED_HAREN.get(name, PROFILES[profile].learners)
    return Spec(
        name=name + ("" if internet else NO_INTERNET),
        ladder=name,
        profile=profile,
        learners=learners,
        internet=internet,
        time_limit=round(TIME_LIMITS[name] * time_scale, 3),
    )


def parse_only(text: str | None) -> tuple[str, ...]:
    """The ladder names in a comma-separated ``--only`` value (all when None or blank).

    Raises ValueError naming the unknown entries and the valid ones.
    """
    if text is None or not text.strip():
        return NAMES
    asked = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [a for a in asked if a not in TIME_LIMITS]
    if unknown:
        raise ValueError(f"unknown instance {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    return tuple(n for n in NAMES if n in asked)


def ladder(only: tuple[str, ...] = NAMES, time_scale: float = 1.0) -> list[Spec]:
    """The instances to solve, smallest first: the internet ladder, then the same without."""
    if time_scale <= 0:
        raise ValueError(f"the time scale must be positive, not {time_scale}")
    return [_spec(n, internet, time_scale) for internet in (True, False) for n in only]
