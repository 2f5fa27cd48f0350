"""The objective of a timetable computed without the model (``solution_objective``) is the one
CP-SAT gives the same timetable, and ``bound_without_model`` is above every timetable's: the
greedy start is reported as the first timetable before the model is built (issue 14)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.data import DEFAULT_WEIGHTS
from scheduler.model.cp_model import TimetableModel
from scheduler.model.instance import build_instance
from scheduler.model.objective import SCALE, bound_without_model, solution_objective
from scheduler.search import solve as search
from scheduler.search.greedy import greedy
from scheduler.search.params import SolveParams
from scheduler.workbook.example import generate
from tests.helpers.terms import random_term

# Odd weights, so that each term's rounding to CP-SAT's integers is exercised.
WEIGHTS = st.fixed_dictionaries(
    {
        "served": st.sampled_from([100, 37.35]),
        "early_release": st.sampled_from([40, 13.25]),
        "release_risk": st.sampled_from([150, 0, 61.15]),
        "same_day": st.sampled_from([30, 0, 7.45]),
        "staff_days": st.sampled_from([20, 0, 3.05]),
        "room_changes": st.sampled_from([10, 0, 2.25]),
        "fairness": st.sampled_from([0, 5, 1.75]),
    }
)


def completed_objective(data) -> tuple[int, int]:
    """(model-free objective, CP-SAT's objective) of the greedy start of ``data``."""
    inst = build_instance(data)
    warm = greedy(data, inst)
    tm = TimetableModel(data, inst)
    tm.add_hint(warm)
    first = search._complete(tm, SolveParams(time_limit=10.0, reproducible=True))
    assert first is not None, "the greedy start completes into a timetable"
    return solution_objective(inst, warm), first.objective


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(4, 16), weights=WEIGHTS)
def test_the_greedy_start_has_the_objective_the_model_gives_it(seed, n, weights):
    data = random_term(seed, n_learners=n)
    data = data.replace(weights={**DEFAULT_WEIGHTS, **weights})
    ours, model = completed_objective(data)
    assert ours == model


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), weights=WEIGHTS)
def test_a_solved_timetable_has_the_objective_the_solver_reports(seed, weights):
    data = random_term(seed, n_learners=12).replace(weights={**DEFAULT_WEIGHTS, **weights})
    params = SolveParams(time_limit=1.0, seed=1, workers=1, reproducible=True)
    result = search.solve(data, params)
    assert result.solution is not None and result.objective is not None
    inst = build_instance(data)
    assert solution_objective(inst, result.solution) == round(result.objective * SCALE)
    assert bound_without_model(inst) >= round(result.objective * SCALE)


@pytest.mark.parametrize("profile", ["small", "medium", "lab"])
def test_the_bundled_profiles_agree_too(profile):
    ours, model = completed_objective(generate(profile, 1))
    assert ours == model


def test_the_warm_start_is_the_first_timetable_before_the_model_is_built():
    data = random_term(7, n_learners=12)
    events = []
    result = search.solve(
        data,
        SolveParams(time_limit=1.0, seed=1, workers=1, reproducible=True),
        progress=events.append,
    )
    inst = build_instance(data)
    warm = greedy(data, inst)
    assert events[0].objective == solution_objective(inst, warm) / SCALE
    assert events[0].elapsed < result.stats["build_seconds"]
    assert result.first_solution_time == events[0].elapsed
    # every bound shown is valid and never rises
    bounds = [e.bound for e in events]
    assert bounds == sorted(bounds, reverse=True) and bounds[-1] >= result.objective
