"""Solve one benchmark instance and measure it; ``run_isolated`` does so in a fresh subprocess.

The child (``python -m benchmarks.measure '<spec as JSON>'``) generates the term, solves it with
2 workers, builds the hand-planning baseline, checks both timetables with the verifier and
prints one JSON line: a ``Row``. Its peak memory is its own ``ru_maxrss`` at the end, so every
row's memory is that one solve's and not the harness's.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from benchmarks.ladder import Spec
from scheduler.report.figures import key_figures
from scheduler.search.greedy import greedy
from scheduler.search.solve import solve
from scheduler.solution import Solution
from scheduler.verify import total_violations, verify
from scheduler.workbook.example import generate

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
WITHIN = 0.01  # "within 1 % of the final objective"
# Generation, baseline, verification and figures take seconds even on stress; the solver's own
# wall-clock guard is a few times its limit (scheduler/search/solve.py). Beyond this the child is
# stuck.
TIMEOUT_FACTOR = 4.0
TIMEOUT_MARGIN_S = 300.0


@dataclass
class Row:
    """Everything measured on one instance (None where there is nothing to measure)."""

    name: str
    ladder: str
    internet: bool
    time_limit: float
    seed: int
    learners: int = 0
    requests: int = 0  # learner-courses asked
    status: str = "error"
    groups: int | None = None
    placed: int | None = None
    intakes_held: int | None = None
    intakes_asked: int = 0
    internet_booked: int | None = None
    internet_asked: int = 0
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None  # relative, 0.05 = 5 %
    first_solution_s: float | None = None
    within_1pct_s: float | None = None
    wall_s: float | None = None
    peak_mb: float | None = None
    variables: int | None = None
    constraints: int | None = None
    candidate_groups: int | None = None
    deterministic_time: float | None = None
    stopped_by_wall_clock: bool = False
    violations: int | None = None  # verifier, solver timetable
    hand_groups: int | None = None
    hand_placed: int | None = None
    hand_violations: int | None = None
    error: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict) -> Row:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})

    @property
    def ratio(self) -> float | None:
        """Solver placed / baseline placed (None without both)."""
        if self.placed is None or not self.hand_placed:
            return None
        return self.placed / self.hand_placed

    @property
    def broken(self) -> bool:
        """True when either timetable breaks a hard rule or the run failed."""
        return bool(self.error or self.violations or self.hand_violations)


def time_to_within(
    progress: list[tuple[float, float]] | None, final: float | None, tolerance: float = WITHIN
) -> float | None:
    """The first elapsed time at which the objective was within ``tolerance`` (relative) of
    ``final``; None without progress or a final objective. Works for either sense."""
    if not progress or final is None:
        return None
    allowed = tolerance * abs(final)
    for elapsed, objective in progress:
        if abs(objective - final) <= allowed + 1e-9:
            return elapsed
    return None


def peak_memory_mb() -> float:
    """This process's peak resident memory in MB (2**20 bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (2**20 if sys.platform == "darwin" else 2**10)


def _placed(data, solution) -> tuple[int, int, int]:
    """(placed learner-courses, intakes held, internet periods booked) of a timetable."""
    # The Waiting reasons are not needed here and cost time on stress.
    figures = key_figures(data, solution, waiting_rows=[])
    return sum(figures.placed.values()), figures.intakes_held, figures.internet_booked


def _count_violations(data, solution) -> int:
    """Hard-rule violations the independent verifier finds."""
    return total_violations(verify(data, solution))


def _demand(row: Row, data) -> None:
    """Fill what the term asks for: learners, requests, intakes and internet periods."""
    figures = key_figures(data, Solution(), waiting_rows=[])
    row.learners = len(data.learners)
    row.requests = sum(figures.asked.values())
    row.intakes_asked = figures.intakes_asked
    row.internet_asked = figures.internet_asked


def _solver_figures(row: Row, data, seed: int) -> None:
    """Solve with the benchmark's settings and fill the solver's columns."""
    result = solve(data, time_limit=row.time_limit, seed=seed, workers=WORKERS)
    stats = result.stats
    row.status = result.status
    row.wall_s = result.wall_time
    row.first_solution_s = result.first_solution_time
    row.objective, row.bound, row.gap = result.objective, result.bound, result.gap
    row.within_1pct_s = time_to_within(list(result.progress), result.objective)
    row.variables = int(stats.get("variables", 0))
    row.constraints = int(stats.get("constraints", 0))
    row.candidate_groups = int(stats.get("candidate_groups", 0))
    row.deterministic_time = stats.get("deterministic_time")
    row.stopped_by_wall_clock = bool(stats.get("stopped_by_wall_clock"))
    if result.solution is not None:
        row.groups = len(result.solution.groups)
        row.placed, row.intakes_held, row.internet_booked = _placed(data, result.solution)
        row.violations = _count_violations(data, result.solution)


def _baseline_figures(row: Row, data) -> None:
    """Plan by hand (scheduler.search.greedy with hand=True) and fill the baseline's columns."""
    hand = greedy(data, hand=True)
    row.hand_groups = len(hand.groups)
    row.hand_placed = _placed(data, hand)[0]
    row.hand_violations = _count_violations(data, hand)


def measure(spec: Spec, seed: int) -> Row:
    """Generate, solve and baseline one instance in this process; fills ``peak_mb`` last."""
    row = Row(spec.name, spec.ladder, spec.internet, spec.time_limit, seed)
    data = generate(spec.profile, seed, learners=spec.learners, internet=spec.internet)
    _demand(row, data)
    _solver_figures(row, data, seed)
    _baseline_figures(row, data)
    row.peak_mb = round(peak_memory_mb(), 1)
    return row


def _failed(spec: Spec, seed: int, why: str) -> Row:
    """The row of an instance whose child gave no measurement."""
    row = Row(spec.name, spec.ladder, spec.internet, spec.time_limit, seed, error=why)
    row.learners = spec.learners
    return row


def _last_line(text: str) -> str:
    """The last non-blank line (the child's JSON, or the last line of a traceback)."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def run_isolated(spec: Spec, seed: int) -> Row:
    """``measure`` in a fresh Python process; a crash, timeout or bad output becomes an error
    row instead of stopping the run."""
    command = [sys.executable, "-m", "benchmarks.measure", json.dumps(spec.to_dict()), str(seed)]
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    timeout = spec.time_limit * TIMEOUT_FACTOR + TIMEOUT_MARGIN_S
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return _failed(spec, seed, f"no answer after {timeout:.0f} s; the child was stopped")
    if done.returncode < 0:
        # Killed from outside, most likely by the kernel for lack of memory.
        return _failed(spec, seed, f"the child was killed by signal {-done.returncode}")
    if done.returncode != 0:
        why = _last_line(done.stderr) or f"exit code {done.returncode}"
        return _failed(spec, seed, f"the child failed: {why}")
    try:
        return Row.from_dict(json.loads(_last_line(done.stdout)))
    except (ValueError, TypeError) as exc:
        elapsed = time.perf_counter() - started
        return _failed(spec, seed, f"unreadable child output after {elapsed:.0f} s ({exc})")


def main(argv: list[str]) -> int:
    """Child entry point: ``<spec JSON> <seed>`` in, one JSON row out on stdout."""
    spec = Spec.from_dict(json.loads(argv[0]))
    row = measure(spec, int(argv[1]))
    print(json.dumps(row.to_dict()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
