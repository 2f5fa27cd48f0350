"""The re-plan model is built over what is free: fixed sessions take their room and staff out
of the instance, new groups and moving sessions only get variables where they can go, and a
re-plan never changes what it fixed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.data import LearnerUnavailability, Room, RoomUnavailability, Separation
from scheduler.replan.current import current_on
from scheduler.replan.model import build, instance_without_candidates, reduced
from scheduler.replan.run import _widening
from scheduler.replan.start import greedy_start, join_free_seats
from scheduler.replan.update import classify, term_from
from scheduler.report.read import read_timetable
from scheduler.solution import Solution
from tests.helpers.terms import all_but, learner, learners, nt2_course, tiny_term
from tests.replan.helpers import WEEK2, changes, group, replanned, session, timetable

C = "NT2-1.1"
MON_P1, MON_P2 = 0, 1  # slots of the tiny term's grid (4 periods a day)


def term(**fields):
    """Tiny term: one 1-period session a week, groups of 2..3, rooms C1 and C2, one teacher."""
    values = {
        "courses": (nt2_course(max_size=3),),
        "rooms": (Room("C1", "Class 1", "classroom", 10), Room("C2", "Class 2", "classroom", 10)),
        "learners": learners(6),
    }
    values.update(fields)
    return tiny_term(**values)


def two_full_groups() -> Solution:
    """NT2-1.1-1 (L1..L3) on Mon P1 in C1, NT2-1.1-2 (L4..L6) on Mon P2 in C1."""
    return Solution(
        groups=(group(f"{C}-1", "L0001", "L0002", "L0003"),
                group(f"{C}-2", "L0004", "L0005", "L0006")),
        sessions=(session(f"{C}-1", "Mon", "P1"), session(f"{C}-2", "Mon", "P2")),
    )  # fmt: skip


def prepared(data, path: Path, date: dt.date):
    """What ``replan`` builds its models from: the update, the timetable in use, the instance."""
    current = current_on(read_timetable(path), date)
    seen = term_from(data, current)
    inst = instance_without_candidates(seen)
    return classify(seen, current, inst), current, inst


def test_reduced_takes_the_room_and_staff_of_fixed_sessions_only():
    inst = instance_without_candidates(term())
    free = reduced(inst, [session(f"{C}-1", "Mon", "P1")])
    assert not free.room_free_at("C1", MON_P1, 1) and not free.staff_free_at("T1", MON_P1, 1)
    assert free.room_free_at("C2", MON_P1, 1) and free.room_free_at("C1", MON_P2, 1)
    assert free.staff_free_at("T1", MON_P2, 1)
    # the term's own instance is untouched
    assert inst.room_free_at("C1", MON_P1, 1) and inst.staff_free_at("T1", MON_P1, 1)


def test_new_groups_get_no_variable_where_a_fixed_session_sits(tmp_path):
    data = term()
    path = timetable(data, two_full_groups(), tmp_path / "now.xlsx")
    arrivals = tuple(learner(n, arrival=WEEK2) for n in range(7, 10))
    update, current, inst = prepared(data.replace(learners=data.learners + arrivals), path, WEEK2)
    built = build(update, current, False, inst)
    new = [g for g in built.tm.vars.groups if g.cand.index not in built.owner]
    assert new, "the three arrivals can form a group"
    for g in new:  # one teacher: the fixed Mon P1 and Mon P2 are taken for every room
        assert not {t for (t, _r), _v in g.session.items()} & {MON_P1, MON_P2}
    for g in built.tm.vars.groups:
        if g.cand.index in built.owner:  # a fixed group: its own session, nothing else
            assert len(g.session) == 1


def test_a_replan_never_changes_what_it_fixed(tmp_path):
    data = term(learners=learners(6) + tuple(learner(n, arrival=WEEK2) for n in range(7, 10)))
    path = timetable(data, two_full_groups(), tmp_path / "now.xlsx")
    _done, out = replanned(data, path, WEEK2, tmp_path / "new.xlsx")
    sessions = set(out.solution.sessions)
    assert set(two_full_groups().sessions) <= sessions
    groups = out.solution.group_by_id()
    assert groups[f"{C}-1"].members == ("L0001", "L0002", "L0003")
    assert groups[f"{C}-2"].members == ("L0004", "L0005", "L0006")
    assert groups[f"{C}-3"].members == ("L0007", "L0008", "L0009")  # a new group, elsewhere


def session_must_move(tmp_path):
    """(term, timetable in use, the closure): L1..L3 can only come on Mon P1 and Mon P2; C1 is
    the only room and closes on Mon P1, so NT2-1.1-1 must take Mon P2, where NT2-1.1-2 sits."""
    away = tuple(
        LearnerUnavailability(m, *row)
        for m in ("L0001", "L0002", "L0003")
        for row in all_but([("Mon", "P1"), ("Mon", "P2")])
    )
    data = term(rooms=(Room("C1", "Class 1", "classroom", 10),), learner_unavailability=away)
    path = timetable(data, two_full_groups(), tmp_path / "now.xlsx")
    works = RoomUnavailability("C1", "Mon", 510, 570, "works")
    return data, path, works


def test_a_session_in_the_way_moves_and_says_whom_it_frees(tmp_path):
    # L1..L3 can only come on Mon P1 and Mon P2; C1 is the only room and closes on Mon P1,
    # so NT2-1.1-1 must take Mon P2, where NT2-1.1-2 sits: that one moves to make room.
    data, path, works = session_must_move(tmp_path)
    done, out = replanned(
        data.replace(room_unavailability=(works,)), path, WEEK2, tmp_path / "new.xlsx"
    )
    assert session(f"{C}-1", "Mon", "P2") in out.solution.sessions
    rows = {(r[0], r[1]): r for r in changes(tmp_path / "new.xlsx")}
    assert rows[("session moved", f"{C}-2")][5] == f"frees Mon P2 for {C}-1"
    assert "unavailable" in rows[("session moved", f"{C}-1")][5]


@st.composite
def updates(draw):
    """A random update of two full groups: releases, arrivals (A or B wing), a closed slot."""
    gone = draw(st.sets(st.sampled_from([f"L{n:04d}" for n in range(1, 7)]), max_size=3))
    arrivals = draw(st.lists(st.sampled_from(["A", "B"]), max_size=4))
    closed = draw(st.sampled_from([None, ("C1", "Mon", 510, 570), ("C1", "Mon", 570, 630),
                                   ("C2", "Tue", 510, 630)]))  # fmt: skip
    allow_moves = draw(st.booleans())
    return gone, arrivals, closed, allow_moves


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(updates())
def test_random_updates_keep_every_continuing_learner_and_every_rule(update):
    gone, arrivals, closed, allow_moves = update
    data = term()
    released = dt.date(2027, 1, 15)
    people = [dataclasses.replace(lr, release=released) if lr.learner in gone else lr
              for lr in data.learners]  # fmt: skip
    people += [learner(7 + i, section=s, arrival=WEEK2) for i, s in enumerate(arrivals)]
    rows = (RoomUnavailability(*closed, "works"),) if closed else ()
    new_term = data.replace(learners=tuple(people), room_unavailability=rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = timetable(data, two_full_groups(), Path(tmp) / "now.xlsx")
        done, out = replanned(new_term, path, WEEK2, Path(tmp) / "new.xlsx", allow_moves)
        rows_out = changes(Path(tmp) / "new.xlsx")
    assert done.verified is not None and done.verified.violations == 0
    placed = {m: g.group for g in out.solution.groups for m in g.members}
    for g in two_full_groups().groups:
        for m in g.members:
            if m not in gone:  # continuing: keeps a place, and their group without moves
                assert m in placed
                assert allow_moves or placed[m] == g.group
    kept_ids = {g.group for g in out.solution.groups}
    for s in two_full_groups().sessions:
        if s.group in kept_ids and s not in out.solution.sessions:
            assert any(r[0] in ("session moved", "room changed", "staff changed") and r[2] ==
                       s.group and r[5] for r in rows_out)  # fmt: skip


def _one_free_seat(extra=(), **fields):
    """NT2-1.1-1 full (L1..L3, Mon P1), NT2-1.1-2 with one free seat (L4, L5, Mon P2), and
    arrivals L6, L7 in week 2."""
    people = learners(5) + (learner(6, arrival=WEEK2), learner(7, arrival=WEEK2))
    data = term(learners=people, **fields)
    first = Solution(
        groups=(group(f"{C}-1", "L0001", "L0002", "L0003"), group(f"{C}-2", "L0004", "L0005")),
        sessions=two_full_groups().sessions,
    )
    return data, first


def test_the_greedy_start_gives_a_free_seat_to_a_learner_who_can_come(tmp_path):
    away = (LearnerUnavailability("L0006", "Mon", 570, 630),)  # L6 cannot come Mon P2
    data, first = _one_free_seat(learner_unavailability=away)
    path = timetable(data.replace(learners=data.learners[:5]), first, tmp_path / "now.xlsx")
    update, current, inst = prepared(data, path, WEEK2)
    built = build(update, current, False, inst, frozenset(), False)
    joined, n = greedy_start(built, first, update.credit, 0)
    assert n == 1
    assert joined.group_by_id()[f"{C}-2"].members == ("L0004", "L0005", "L0007")
    assert joined.group_by_id()[f"{C}-1"].members == ("L0001", "L0002", "L0003")


def test_the_greedy_start_leaves_a_seat_empty_rather_than_break_a_separation(tmp_path):
    apart = (Separation("L0004", "L0006", "co-accused"), Separation("L0005", "L0007", "idem"))
    data, first = _one_free_seat(separations=apart)
    path = timetable(data.replace(learners=data.learners[:5]), first, tmp_path / "now.xlsx")
    update, current, inst = prepared(data, path, WEEK2)
    built = build(update, current, False, inst, frozenset(), False)
    assert join_free_seats(built, first, update.credit) == (first, 0)


def test_with_no_time_for_narrow_steps_the_widest_decides(tmp_path):
    # As above: NT2-1.1-1 must move to Mon P2, which NT2-1.1-2 holds. With the time for the
    # narrow neighbourhoods already gone, the widest one still finds the timetable.
    data, path, works = session_must_move(tmp_path)
    update, current, inst = prepared(data.replace(room_unavailability=(works,)), path, WEEK2)
    now = time.perf_counter()
    found = _widening(update, current, inst, (now, now + 5.0), 0.5, 0, 1)
    assert isinstance(found, tuple), found
    first, movable, _restaff = found
    assert session(f"{C}-1", "Mon", "P2") in first.sessions
    assert movable == {f"{C}-1", f"{C}-2"}
