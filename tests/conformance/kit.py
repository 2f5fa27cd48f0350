"""Two assertions every timetable-rule conformance test makes.

- ``kept(data)``: the solver's timetable passes the verifier and the test-only contract check;
- ``caught(data, broken, rule)``: a hand-made timetable that breaks the rule is caught by the
  verifier under ``rule`` and by the contract check.
"""

from __future__ import annotations

from scheduler.data import ProblemData
from scheduler.solution import Solution
from scheduler.verify import verify
from tests.conformance.contract_check import check
from tests.helpers.terms import solved


def kept(data: ProblemData, status: str = "optimal") -> Solution:
    """Solve ``data`` (proven ``status``); the verifier and the contract check find nothing."""
    sol = solved(data, status)
    assert check(data, sol) == []
    return sol


def caught(data: ProblemData, broken: Solution, rule: str) -> None:
    """The verifier reports ``rule`` (and only rules it lists) and the contract check objects."""
    fired = {c.rule: c.details for c in verify(data, broken) if c.violations}
    assert rule in fired, fired
    assert check(data, broken), "the contract check missed it"
