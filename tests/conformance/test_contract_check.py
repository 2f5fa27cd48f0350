"""The test-only contract check (contract_check.py) against the verifier and real timetables.

Done-when of the trust issue: every bundled instance and a fresh ``scheduler example`` of each
profile solves with 0 violations, by the verifier and by the contract check."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.search.greedy import greedy
from scheduler.search.solve import solve
from scheduler.verify import total_violations, verify
from scheduler.workbook.example import PROFILES, generate
from scheduler.workbook.validate import read_workbook
from tests.conformance.contract_check import check
from tests.conformance.sentences import ROOT
from tests.helpers.terms import random_term
from tests.helpers.verify_cases import CASES, valid_data, valid_solution

BUNDLED = sorted(p.stem for p in (ROOT / "instances").glob("*.xlsx"))
BRIEF = 3.0  # deterministic seconds: enough for a first timetable on every profile


def test_the_contract_check_accepts_the_valid_fixture():
    assert check(valid_data(), valid_solution()) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_contract_check_catches_every_broken_fixture_the_verifier_catches(case):
    data, solution = case.apply(valid_data(), valid_solution())
    assert check(data, solution), case.name


@pytest.mark.parametrize("seed", range(8))
def test_greedy_and_hand_timetables_of_random_terms_keep_the_contract(seed):
    data = random_term(seed)
    for hand in (False, True):
        sol = greedy(data, hand=hand)
        assert total_violations(verify(data, sol)) == 0
        assert check(data, sol) == []


def assert_solved_clean(data) -> None:
    result = solve(data, time_limit=BRIEF, seed=1, workers=1)
    assert result.solution is not None, result.status
    broken = {c.rule: c.details[:3] for c in verify(data, result.solution) if c.violations}
    assert broken == {}
    assert check(data, result.solution) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_instance_solves_with_no_violation(name):
    assert_solved_clean(read_workbook(ROOT / "instances" / f"{name}.xlsx"))


@pytest.mark.slow
@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_a_fresh_example_of_every_profile_solves_with_no_violation(profile):
    assert_solved_clean(generate(profile, 7))


MOVES = st.tuples(
    st.sampled_from(["sessions", "intakes", "internet"]),
    st.integers(0, 10),
    st.sampled_from(["Mon", "Tue", "Wed", "Thu", "Fri"]),
    st.sampled_from(["P1", "P2", "P3", "P4", "P5", "P6"]),
    st.one_of(st.none(), st.sampled_from(["C1", "C2", "LAB", "LAB2", "I1", "I2"])),
)


@settings(max_examples=150, deadline=None)
@given(moves=st.lists(MOVES, min_size=1, max_size=2))
def test_the_verifier_and_the_contract_check_agree_on_moved_appointments(moves):
    """Move sessions, intakes and bookings of the valid fixture anywhere (across the meal gap,
    into blocked rooms, outside windows): the two independent checks agree on whether the
    result keeps every rule."""
    data, sol = valid_data(), valid_solution()
    for which, index, day, period, room in moves:
        items = list(getattr(sol, which))
        changes = {"day": day, "period": period} | ({"room": room} if room else {})
        items[index % len(items)] = dataclasses.replace(items[index % len(items)], **changes)
        sol = dataclasses.replace(sol, **{which: tuple(items)})
    assert (total_violations(verify(data, sol)) == 0) == (check(data, sol) == [])
