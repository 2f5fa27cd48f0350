"""The three phases of a solve: completed warm start, whole-model CP-SAT, neighbourhood search.

Each phase must hand a valid timetable to the next, and the reported bound must stay a bound:
never below the objective of a timetable that was found.
"""

from __future__ import annotations

import pytest

from scheduler.search.params import SolveParams
from scheduler.search.solve import solve
from tests.helpers.terms import assert_valid, random_term


@pytest.fixture(scope="module")
def term():
    return random_term(seed=0, n_learners=50)


@pytest.mark.slow
def test_the_first_timetable_is_the_completed_warm_start(term):
    events = []
    result = solve(term, time_limit=0.5, seed=1, progress=events.append)
    assert result.stats["hint_complete"] == 1.0
    assert events and events[0].elapsed == result.first_solution_time
    assert [e.objective for e in events] == sorted(e.objective for e in events)
    assert_valid(term, result.solution)


@pytest.mark.slow
def test_search_without_a_whole_model_timetable_keeps_a_true_bound(term):
    """When CP-SAT on the whole model stops before it has a timetable of its own, the
    neighbourhood search starts from the warm start and the bound is the trivial one."""
    params = SolveParams(time_limit=1.0, seed=1, reproducible=True, full_model_share=1e-9)
    result = solve(term, params)
    assert result.status == "feasible"
    assert result.stats["lns_steps"] > 0
    assert result.bound >= result.objective
    assert_valid(term, result.solution)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [2, 3])
def test_no_phase_hands_on_a_worse_timetable_than_it_was_given(term, seed):
    """Warm start <= whole-model phase <= neighbourhood search, and the result is the best
    timetable reported on the way."""
    events = []
    result = solve(term, time_limit=1.0, seed=seed, progress=events.append)
    warm = result.stats["incumbent_warm_start"]
    whole = result.stats["incumbent_whole_model"]
    assert warm <= whole <= result.objective
    assert result.objective == max(e.objective for e in events)
    assert result.bound >= result.objective
