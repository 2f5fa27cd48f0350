"""Same term, seed and workers give the same timetable.

When the guarantee holds (see ``scheduler.search.solve``): ``reproducible=True`` (the library's
default), the same
ProblemData, seed and number of workers, the same OR-Tools version and platform, and a search
stopped by CP-SAT's deterministic time limit rather than by the wall-clock cap (a few times the
limit, reported as ``stats["stopped_by_wall_clock"] == 1``). With one worker the single search
thread is deterministic by itself; with more, the interleaved search runs the workers' steps in
a fixed order. Wall-clock limits (``reproducible=False``) give no such guarantee, and neither
do the intermediate progress events of a multi-worker run: they are reported as workers publish
them, so two runs may show a different subset of the same improving timetables (seen here with
two workers), while the final timetable, objective and bound are the same.

Measured on a 2-CPU machine: the deterministic time an interleaved run uses overshoots the
limit and grows with the workers (about 2.1 for a limit of 1.0 with two workers, 3.4 with four),
and a loaded machine stretches the wall time of the same work. With four workers, or with one
or two while other jobs ran, the wall-clock cap of three times the limit stopped the search and
the guarantee did not hold. The test therefore lifts the cap (``wall_clock_factor``) so that
the deterministic limit alone stops every run, which is the condition the guarantee names.

The term used here (50 random learners) is not proven optimal within the limit and improves
its timetable several times, so two runs only agree when the whole search is repeated exactly.
"""

from __future__ import annotations

import pytest

from scheduler.search.params import SolveParams
from scheduler.search.solve import solve
from scheduler.solution import Result
from tests.helpers.terms import assert_valid, random_term

LIMIT = 0.7  # deterministic seconds: one to two wall-clock seconds per run here


@pytest.fixture(scope="module")
def busy_term():
    return random_term(seed=0, n_learners=50)


def twice(data, workers: int, seed: int) -> tuple[Result, Result]:
    """Two identical solves, each stopped by the deterministic limit."""
    params = SolveParams(
        time_limit=LIMIT, seed=seed, workers=workers, reproducible=True, wall_clock_factor=100.0
    )
    runs = tuple(solve(data, params) for _ in range(2))
    assert [r.stats["stopped_by_wall_clock"] for r in runs] == [0.0, 0.0]
    return runs


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_same_seed_and_workers_give_the_same_timetable(busy_term, workers):
    first, second = twice(busy_term, workers, seed=3)
    assert first.status == "feasible", "the term must not be solved to optimality in the limit"
    found = [obj for _t, obj in first.progress]
    assert first.objective > min(found), "the search must improve on its first timetable"
    assert first.stats["lns_steps"] > 0, "the neighbourhood search must take part"
    assert first.solution == second.solution
    assert (first.objective, first.bound) == (second.objective, second.bound)
    assert_valid(busy_term, first.solution)
