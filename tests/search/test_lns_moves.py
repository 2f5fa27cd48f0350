"""Sideways moves of the neighbourhood search (issue 14): when a round finds nothing better,
the search moves to another timetable exactly as good, and it never ends worse than it
started."""

from __future__ import annotations

import pytest

from scheduler.model.cp_model import TimetableModel
from scheduler.search import lns
from scheduler.search import solve as search
from scheduler.search.greedy import greedy
from scheduler.search.params import SolveParams
from tests.helpers.terms import assert_valid, random_term

PARAMS = SolveParams(time_limit=2.0, seed=1, workers=1, reproducible=True, wall_clock_factor=100.0)


@pytest.fixture(scope="module")
def started():
    """A term's model and its completed greedy start."""
    data = random_term(seed=11, n_learners=40)
    tm = TimetableModel(data)
    tm.add_hint(greedy(data, tm.inst))
    first = search._complete(tm, PARAMS)
    assert first is not None
    return tm, first


def test_only_another_timetable_as_good_is_a_sideways_move():
    best = lns.Incumbent([1, 0, 1], 50)
    assert lns._sideways(lns.Incumbent([0, 1, 1], 50), best)
    assert not lns._sideways(lns.Incumbent([1, 0, 1], 50), best)  # the same timetable
    assert not lns._sideways(lns.Incumbent([0, 1, 1], 40), best)  # worse
    assert not lns._sideways(None, best)


@pytest.mark.slow
@pytest.mark.parametrize("sideways", [True, False])
def test_the_search_never_ends_worse_than_it_started(started, sideways):
    tm, first = started
    params = SolveParams(
        time_limit=2.0, seed=3, workers=1, reproducible=True, wall_clock_factor=100.0,
        lns_sideways=sideways,
    )  # fmt: skip
    best, stats = lns.improve(tm, first, 0.5, params)
    assert best.objective >= first.objective
    assert stats.steps > 0
    if not sideways:
        assert stats.sideways == 0
    assert_valid(tm.data, tm.solution_from(best.value))
