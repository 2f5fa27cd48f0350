"""How one solve is run: limit, seed, workers, mode, and the search's tuning knobs.

Two modes:

- **wall-clock** (the default of the command line): ``time_limit`` is the time the user waits,
  from ``started`` (the moment the command began) to the written timetable. Every phase (the
  warm start, building the model, CP-SAT, the neighbourhood search) stops at a hard wall-clock
  deadline, and ``reserve`` seconds are kept for verifying and writing the timetable. The
  result depends on how busy the machine is, so two runs may differ.
- **reproducible**: the search is limited by CP-SAT's deterministic time (a count of work that
  does not depend on machine load), so the same term, seed, workers and OR-Tools version give
  the same timetable. It may take longer than the limit on a busy machine; a cap of
  ``wall_clock_factor`` times the limit stops it on a very slow one (reported as such).

The knobs are fields of a frozen dataclass, not module constants, so that a caller (a test,
the benchmark, a future tuning run) states them instead of patching a module.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, replace
from typing import Any


def machine_cores() -> int:
    """The cores this process may use (a container's or ``taskset``'s limit, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class SolveParams:
    """Everything that decides how a solve runs (see the module docstring)."""

    time_limit: float
    seed: int = 0
    workers: int = 2
    reproducible: bool = False
    # time.perf_counter() when the command began; the wall-clock deadline counts from it.
    started: float | None = None
    # Seconds kept at the end of the limit for verifying and writing the timetable.
    reserve: float = 0.0
    # Share of the search time for CP-SAT on the whole model; the rest is neighbourhood search.
    full_model_share: float = 0.3
    # Reproducible mode: a run is stopped after this many times its limit on the clock.
    wall_clock_factor: float = 3.0
    # Deterministic seconds each neighbourhood gets.
    lns_step_budget: float = 0.5
    # Reproducible mode: deterministic seconds of neighbourhood search per second left.
    # Measured, one deterministic second of neighbourhoods took 1.9 s (medium) to 2.7 s
    # (haren) on the clock, so half a second per second keeps a run near its limit.
    lns_deterministic_rate: float = 0.5
    # Move to an equally good timetable when a round of neighbourhoods finds nothing better
    # (large at 60 s: objective 42 480 -> 43 590, placed 141 -> 148; docs/search.md).
    lns_sideways: bool = True
    # Deterministic seconds to complete the warm start into a full timetable.
    complete_hint_seconds: float = 10.0
    # Memory the solve may use, in MB (None: this machine's); a term whose model is
    # estimated above 75 % of it is refused before building (scheduler/search/memory.py).
    memory_mb: float | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.time_limit) and self.time_limit > 0):
            raise ValueError(f"the time limit must be a positive number, not {self.time_limit}")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, not {self.workers}")
        if not 0 < self.full_model_share <= 1:
            raise ValueError(f"full_model_share must be in (0, 1], not {self.full_model_share}")

    @classmethod
    def for_term(
        cls,
        settings: Any,
        time_limit: float | None = None,
        seed: int | None = None,
        workers: int | None = None,
        **fields: Any,
    ) -> SolveParams:
        """Params with the workbook's Settings (``time_limit_s``, ``seed``) as defaults and
        ``workers`` capped at the machine's cores."""
        limit = float(time_limit if time_limit is not None else settings.time_limit_s)
        chosen = int(seed if seed is not None else settings.seed)
        return cls(
            time_limit=limit,
            seed=chosen,
            workers=min(workers or 2, machine_cores()),
            **fields,
        )

    def with_start(self, started: float | None = None) -> SolveParams:
        """The same params with the deadline counted from ``started`` (default: now), unless
        a start was given already."""
        if self.started is not None:
            return self
        return replace(self, started=time.perf_counter() if started is None else started)

    @property
    def mode(self) -> str:
        return "reproducible" if self.reproducible else "wall-clock"

    def deadline(self) -> float:
        """perf_counter() value by which the search must have stopped (wall-clock mode), or
        the cap of reproducible mode; the reserve for verify and write is kept out of it."""
        start = self.started if self.started is not None else time.perf_counter()
        if self.reproducible:
            return start + self.time_limit * self.wall_clock_factor
        return start + max(0.0, self.time_limit - self.reserve)

    def left(self) -> float:
        """Seconds until the deadline (never negative)."""
        return max(0.0, self.deadline() - time.perf_counter())


def process_age() -> float:
    """Seconds since this process started (Linux; 0.0 where that cannot be read), so that a
    command's limit also counts the interpreter's start-up and its imports."""
    try:
        with open("/proc/self/stat") as f:
            fields = f.read().rpartition(")")[2].split()
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        # Field 22 (starttime, in clock ticks since boot) is the 20th after the name.
        return max(0.0, uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return 0.0


class OutOfTime(Exception):
    """The wall-clock deadline passed while the model was being built."""


def check_time(params: SolveParams | None) -> None:
    """Raise OutOfTime when ``params``' deadline has passed (wall-clock mode only)."""
    if params is not None and not params.reproducible and params.left() <= 0:
        raise OutOfTime


# Seconds to verify and write a timetable, measured on an idle 2-core machine (verify +
# write_timetable): small (45 learners) 0.13 s, haren (350) 1.35 s, stress (700) 4.5 s. The
# Waiting reasons make it grow faster than the learners: a + b·n + c·n² fits all three. The
# busy factor covers two CPU-bound processes running alongside on 2 cores (2/3 of a core).
RESERVE_FIXED_S = 0.2
RESERVE_PER_LEARNER_S = 0.002
RESERVE_PER_LEARNER_SQUARED_S = 0.000006
RESERVE_BUSY_FACTOR = 1.5
# Verifying (with the Waiting reasons) and writing took about 17 times as long as reading the
# same term's workbook (haren, stress, idle) and 22 times at a load of 10 on 2 cores (haren:
# read 0.52 s, verify 7.1 s, write 4.6 s): both slow down together, so the time the read took
# measures this machine's speed right now.
RESERVE_PER_READ_SECOND = 22.0


def write_reserve(learners: int, time_limit: float, read_seconds: float = 0.0) -> float:
    """Seconds to keep for verifying and writing the timetable of ``learners`` learners whose
    workbook took ``read_seconds`` to read, at most half the limit (a very short limit still
    gets some search)."""
    n = learners
    need = RESERVE_FIXED_S + RESERVE_PER_LEARNER_S * n + RESERVE_PER_LEARNER_SQUARED_S * n * n
    need = max(need * RESERVE_BUSY_FACTOR, RESERVE_PER_READ_SECOND * read_seconds)
    return min(need, time_limit / 2)
