"""The constructive timetables: ``greedy(data)`` (the warm start) and ``greedy(data, hand=True)``
(the hand-planning baseline). Both must pass the independent verifier; neither may place more
than a proven optimum that rewards placements only."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.data import DEFAULT_WEIGHTS, LearnerUnavailability, Lock
from scheduler.search.greedy import greedy
from tests.helpers.terms import (
    assert_valid,
    learner,
    learners,
    nt2_course,
    placed,
    random_term,
    run,
    tiny_term,
)

# Only placements count (every priority in random_term is 3), so the optimum places the most.
PLACEMENTS_ONLY = {key: 0.0 for key in DEFAULT_WEIGHTS} | {"served": 100.0}


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), n_learners=st.integers(1, 25), hand=st.booleans())
def test_greedy_timetables_pass_the_verifier(seed, n_learners, hand):
    data = random_term(seed, n_learners)
    assert_valid(data, greedy(data, hand=hand))


def test_hand_planning_takes_the_list_order_and_the_first_free_slot():
    """Five learners for one group of at most four: by hand the first four in the list get it,
    in the first free slot (Mon P1); the warm start prefers L0005's priority 5."""
    people = learners(4) + (learner(5, priority=5),)
    data = tiny_term(courses=(nt2_course(min_size=3),), learners=people)
    hand = greedy(data, hand=True)
    assert [g.members for g in hand.groups] == [("L0001", "L0002", "L0003", "L0004")]
    assert [(s.day, s.period, s.room) for s in hand.sessions] == [("Mon", "P1", "C1")]
    warm = greedy(data)
    assert "L0005" in warm.groups[0].members and warm.groups[0].size == 4
    for solution in (hand, warm):
        assert_valid(data, solution)


def test_hand_planning_can_place_fewer_than_the_optimum():
    """One group allowed; L0003 and L0004 are away on Mon P1, the first slot two learners share.
    By hand the group forms there with two members; the optimum finds a slot for all four."""
    away = tuple(LearnerUnavailability(m, "Mon", 510, 570) for m in ("L0003", "L0004"))
    data = tiny_term(courses=(nt2_course(max_groups=1),), learner_unavailability=away)
    assert len(placed(greedy(data, hand=True))) == 2
    assert len(placed(run(data).solution)) == 4


@pytest.mark.parametrize("seed", range(8))
def test_greedy_never_places_more_than_the_optimum(seed):
    data = random_term(seed, 20).replace(weights=PLACEMENTS_ONLY)
    result = run(data)
    assert result.status == "optimal"
    best = len(placed(result.solution))
    assert len(placed(greedy(data, hand=True))) <= best
    assert len(placed(greedy(data))) <= best


@pytest.mark.parametrize("hand", [False, True])
def test_greedy_honours_a_lock(hand):
    data = tiny_term(locks=(Lock(course="NT2-1.1", day="Wed", period="P3"),))
    assert_valid(data, greedy(data, hand=hand))


@pytest.mark.parametrize("hand", [False, True])
def test_greedy_gives_a_locked_group_its_id_and_slot(hand):
    """The lock on NT2-1.1-2 is met by the group with that id; the other group is -1."""
    data = tiny_term(
        courses=(nt2_course(sessions_per_week=2),),
        locks=(
            Lock(group="NT2-1.1-2", day="Thu", period="P1"),
            Lock(group="NT2-1.1-2", day="Tue", period="P2"),
        ),
    )
    sol = greedy(data, hand=hand)
    assert_valid(data, sol)
    held = {(s.day, s.period) for s in sol.sessions if s.group == "NT2-1.1-2"}
    assert {("Thu", "P1"), ("Tue", "P2")} <= held
    assert len({g.group for g in sol.groups}) == len(sol.groups)
