"""Membership locks (workbook.md, Locks): a row (``member``, group ``C-n``, learner ``Lxxxx``)
pins the learner into that group in every timetable; an impossible pin is reported like an
impossible session lock (its Locks row in the minimal conflict set)."""

from __future__ import annotations

import pytest

from scheduler.data import Lock, Separation
from scheduler.search.greedy import greedy
from scheduler.solution import Group, Session, Solution
from scheduler.verify import verify
from scheduler.workbook.validate import check_workbook
from tests.helpers.terms import learner, learners, members, nt2_course, run, solved, tiny_term
from tests.helpers.wbfactory import base_sheets, header, write


def pin(group: str, who: str, row: int | None = None) -> Lock:
    return Lock(kind="member", group=group, learner=who, row=row)


# max_size 3: of L0001..L0004 (L0004 lowest priority) one is left out, never L0004 when pinned
FULL = dict(
    courses=(nt2_course(max_size=3, max_groups=1),), learners=(*learners(3, priority=5), learner(4))
)


def test_a_pinned_learner_is_in_the_group():
    assert "L0004" not in members(solved(tiny_term(**FULL)))
    data = tiny_term(**FULL, locks=(pin("NT2-1.1-1", "L0004"),))
    sol = solved(data)
    assert "L0004" in next(g.members for g in sol.groups if g.group == "NT2-1.1-1")


def test_a_pin_into_a_second_group_forms_it():
    """One group of four is best; the pin asks for L0001 in NT2-1.1-2."""
    sol = solved(tiny_term(locks=(pin("NT2-1.1-2", "L0001"),)))
    assert [g.group for g in sol.groups] == ["NT2-1.1-1", "NT2-1.1-2"]
    assert "L0001" in sol.groups[1].members


def test_the_greedy_honours_a_pin():
    data = tiny_term(**FULL, locks=(pin("NT2-1.1-1", "L0004"),))
    for hand in (False, True):
        sol = greedy(data, hand=hand)
        assert "L0004" in next(g.members for g in sol.groups if g.group == "NT2-1.1-1")
        assert not [c for c in verify(data, sol) if c.violations]


def test_impossible_pins_are_named_by_their_rows():
    """L0001 and L0002 may never meet: pinning both into one group is impossible, and both rows
    (and only they) are the conflict; the pin of L0003 is fine."""
    data = tiny_term(
        separations=(Separation("L0001", "L0002", "co-accused"),),
        locks=(
            pin("NT2-1.1-1", "L0003", row=2),
            pin("NT2-1.1-1", "L0001", row=3),
            pin("NT2-1.1-1", "L0002", row=4),
        ),
    )
    result = run(data)
    assert result.status == "infeasible" and result.solution is None
    named = sorted(c.split(" (")[0] for c in result.conflicts)
    assert named == ["Locks row 3", "Locks row 4"]
    assert "learner=L0001" in " ".join(result.conflicts)


def test_the_verifier_catches_a_missing_pinned_learner():
    data = tiny_term(locks=(pin("NT2-1.1-1", "L0004", row=5),))
    sol = Solution(
        (Group("NT2-1.1-1", "NT2-1.1", "T1", ("L0001", "L0002", "L0003")),),
        (Session("NT2-1.1-1", "NT2-1.1", "Mon", "P1", 1, "C1", "T1"),),
    )
    locks = next(c for c in verify(data, sol) if c.rule == "locks")
    assert locks.violations == 1
    assert locks.details == ("Lock (Locks row 5) pinning L0004 into NT2-1.1-1: not a member",)
    gone = Solution((), (), (), ())
    assert "no such group" in next(c for c in verify(data, gone) if c.rule == "locks").details[0]


def _locks_problems(tmp_path, values: dict) -> list:
    """The Locks problems of the base workbook whose only Locks row (row 2) is ``values``."""
    sheets = base_sheets()
    sheets["Locks"] = [header("Locks"), [values.get(c) for c in header("Locks")]]
    _data, problems = check_workbook(write(sheets, tmp_path / "term.xlsx"))
    return [p for p in problems if p.sheet == "Locks"]


@pytest.mark.parametrize(
    ("values", "column", "words"),
    [
        ({"kind": "member", "learner": "L0001"}, "group", "needs the group"),
        ({"kind": "member", "group": "NT2-1.1-1"}, "learner", "needs the learner"),
        ({"kind": "member", "group": "NT2-1.1-1", "learner": "L9999"}, "learner", "unknown"),
        (
            {"kind": "member", "group": "NT2-1.1-1", "learner": "L0001", "day": "Mon"},
            "day",
            "clear",
        ),
        ({"kind": "session", "group": "NT2-1.1-1", "learner": "L0001"}, "learner", "kind member"),
        ({"kind": "member", "group": "NT2-x", "learner": "L0001"}, "group", "<course>-<n>"),
    ],
)
def test_bad_member_locks_are_refused_with_the_cell(tmp_path, values, column, words):
    problems = _locks_problems(tmp_path, values)
    assert problems, values
    assert any(p.column == column and words in p.message and p.row == 2 for p in problems), [
        (p.column, p.message) for p in problems
    ]


def test_a_pin_of_a_learner_who_does_not_fit_the_course_is_refused(tmp_path):
    """L0002 of the base workbook wants MO only."""
    problems = _locks_problems(
        tmp_path, {"kind": "member", "group": "NT2-1.1-1", "learner": "L0002"}
    )
    assert [p.column for p in problems] == ["learner"]
    assert "L0002 cannot join a group of NT2-1.1: they did not ask for NT2" in problems[0].message


def test_two_pins_of_one_learner_into_groups_of_one_kind_are_refused_at_the_second_row(tmp_path):
    sheets = base_sheets()
    sheets["Locks"] = [
        header("Locks"),
        *(
            [{"kind": "member", "group": g, "learner": "L0001"}.get(c) for c in header("Locks")]
            for g in ("NT2-1.1-1", "NT2-1.1-2")
        ),
    ]
    _data, problems = check_workbook(write(sheets, tmp_path / "term.xlsx"))
    found = [(p.sheet, p.row, p.column) for p in problems if p.severity == "error"]
    assert found == [("Locks", 3, "learner")]
    assert "L0001 is already pinned into NT2-1.1-1 on row 2" in problems[0].message
