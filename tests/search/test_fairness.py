"""The fairness weight: 0 (the default) changes nothing; set, it rewards the share placed of the
least-served section."""

from __future__ import annotations

from scheduler.data import DEFAULT_WEIGHTS
from scheduler.model.cp_model import TimetableModel
from tests.helpers.terms import learners, members, nt2_course, solved, tiny_term


def _term(fairness: float):
    """One group of four; section A's learners have the highest priority, B's the lowest."""
    return tiny_term(
        courses=(nt2_course(max_groups=1),),
        learners=learners(4, priority=5) + learners(4, first=5, section="B", priority=1),
    ).replace(weights={**DEFAULT_WEIGHTS, "fairness": fairness})


def _sections(fairness: float) -> set[str]:
    placed = members(solved(_term(fairness)))
    return {"A" if int(m[1:]) <= 4 else "B" for m in placed}


def test_without_fairness_priority_decides():
    assert _sections(0) == {"A"}


def test_with_fairness_both_sections_get_places():
    assert _sections(200) == {"A", "B"}


def test_fairness_zero_adds_nothing_to_the_model():
    assert "fairness" not in TimetableModel(_term(0)).objective.terms
    model = TimetableModel(_term(200))
    assert model.objective.most["fairness"] == 100
