"""scheduler replan on hand-built terms: each rule of replan.md binds in one test."""

from __future__ import annotations

import dataclasses
import datetime as dt

from click.testing import CliRunner

from scheduler.cli import main
from scheduler.data import RegimeBlock, Room, RoomUnavailability, Separation, StaffAvailability
from scheduler.replan.run import replan
from scheduler.report.read import read_timetable
from scheduler.solution import Solution
from scheduler.workbook.write import write_workbook
from tests.helpers.terms import learner, learners, nt2_course, tiny_term
from tests.replan.helpers import (
    WED1,
    WEEK2,
    changes,
    edit_cells,
    group,
    replanned,
    session,
    sheet_rows,
    timetable,
)

C = "NT2-1.1"


def term(**fields):
    """Tiny term, one 1-period session a week, groups of 2..3, rooms C1 and C2."""
    values = {
        "courses": (nt2_course(max_size=3),),
        "rooms": (Room("C1", "Class 1", "classroom", 10), Room("C2", "Class 2", "classroom", 10)),
        "learners": learners(5),
    }
    values.update(fields)
    return tiny_term(**values)


def two_groups() -> Solution:
    """NT2-1.1-1 (L1..L3) on Mon P1 in C1 and NT2-1.1-2 (L4, L5) on Mon P2 in C1."""
    return Solution(
        groups=(group(f"{C}-1", "L0001", "L0002", "L0003"), group(f"{C}-2", "L0004", "L0005")),
        sessions=(session(f"{C}-1", "Mon", "P1"), session(f"{C}-2", "Mon", "P2")),
    )


def released(data, learner_id: str, on: dt.date):
    return data.replace(
        learners=tuple(
            dataclasses.replace(lr, release=on) if lr.learner == learner_id else lr
            for lr in data.learners
        )
    )


def test_a_left_learner_frees_a_seat_that_an_arrival_takes(tmp_path):
    data = term(learners=learners(6))
    full = Solution(  # both groups full (max_size 3)
        groups=(group(f"{C}-1", "L0001", "L0002", "L0003"),
                group(f"{C}-2", "L0004", "L0005", "L0006")),
        sessions=two_groups().sessions,
    )  # fmt: skip
    current = timetable(data, full, tmp_path / "now.xlsx")
    update = released(data, "L0002", dt.date(2027, 1, 15))
    update = update.replace(learners=(*update.learners, learner(7, arrival=WEEK2)))
    done, out = replanned(update, current, WEEK2, tmp_path / "new.xlsx")
    groups = out.solution.group_by_id()
    assert groups[f"{C}-1"].members == ("L0001", "L0003", "L0007")
    assert groups[f"{C}-2"].members == ("L0004", "L0005", "L0006")
    assert set(out.solution.sessions) == set(two_groups().sessions)  # nothing moved
    rows = changes(tmp_path / "new.xlsx")
    assert ("learner left", "L0002", f"{C}-1", f"{C}-1", None, "released 2027-01-15") in rows
    assert ("learner joined", "L0007", f"{C}-1", None, f"{C}-1", "arrival 2027-01-18") in rows
    assert len(rows) == 2
    counts = dict(done.revision.counts)
    assert counts["places kept in their group"] == 5
    assert counts["sessions moved or changed"] == 0


def test_the_membership_history_has_dates(tmp_path):
    data = term()
    current = timetable(data, two_groups(), tmp_path / "now.xlsx")
    update = released(data, "L0002", dt.date(2027, 1, 15))
    update = update.replace(learners=(*update.learners, learner(6, arrival=WEEK2)))
    _done, out = replanned(update, current, WEEK2, tmp_path / "new.xlsx")
    by_pair = {(m.group, m.learner): (m.start, m.end) for m in out.memberships}
    start = dt.date(2027, 1, 11)
    assert by_pair[(f"{C}-1", "L0002")] == (start, dt.date(2027, 1, 17))
    assert by_pair[(f"{C}-1", "L0001")] == (start, None)
    joined = [dates for (_g, m), dates in by_pair.items() if m == "L0006"]
    assert joined == [(WEEK2, None)]
    assert out.term.valid_from == WEEK2


def test_an_unavailable_room_moves_exactly_one_session(tmp_path):
    data = term(courses=(nt2_course(max_size=3, sessions_per_week=2),), learners=learners(3))
    sol = Solution(
        groups=(group(f"{C}-1", "L0001", "L0002", "L0003"),),
        sessions=(session(f"{C}-1", "Mon", "P1"), session(f"{C}-1", "Wed", "P1")),
    )
    current = timetable(data, sol, tmp_path / "now.xlsx")
    works = RoomUnavailability("C1", "Wed", 510, 570, "works")
    update = data.replace(room_unavailability=(works,))
    done, out = replanned(update, current, WEEK2, tmp_path / "new.xlsx")
    rows = changes(tmp_path / "new.xlsx")
    moved = [r for r in rows if r[0] in ("session moved", "room changed")]
    assert len(moved) == 1
    assert "room C1 unavailable Wed 08:30-09:30" in moved[0][5]
    assert session(f"{C}-1", "Mon", "P1") in out.solution.sessions
    assert session(f"{C}-1", "Wed", "P1") not in out.solution.sessions
    assert dict(done.revision.counts)["sessions kept"] == 1


def test_a_hand_edit_that_breaks_a_rule_is_repaired_and_listed(tmp_path):
    work = RegimeBlock("RA", "Tue", 510, 570, "work")
    data = term(regimes=(work,))
    current = timetable(data, two_groups(), tmp_path / "now.xlsx")
    edit_cells(current, "Sessions", 2, {"day": "Tue"})  # NT2-1.1-1 into the work hours
    assert read_timetable(current).edited
    _done, out = replanned(data, current, WEEK2, tmp_path / "new.xlsx")
    rows = changes(tmp_path / "new.xlsx")
    assert len(rows) == 1
    kind, who, _group, before, after, why = rows[0]
    assert (kind, who, before) == ("session moved", f"{C}-1", "Tue P1 C1")
    assert why.startswith("repair of a hand edit")
    moved = [s for s in out.solution.sessions if s.group == f"{C}-1"]
    assert (moved[0].day, moved[0].period) != ("Tue", "P1")


def test_allow_moves_moves_a_learner_only_when_that_places_more(tmp_path):
    # L0006 arrives, kept apart from L0004: only a seat in NT2-1.1-1 can take them, and
    # that seat frees only when L0003 changes to NT2-1.1-2.
    data = term(learners=(*learners(5), learner(6, arrival=WEEK2)))
    data = data.replace(separations=(Separation("L0006", "L0004"),))
    current = timetable(data, two_groups(), tmp_path / "now.xlsx")
    plain = replan(data, read_timetable(current), WEEK2, False, 5.0, 0, 1)
    assert plain.verified is not None
    assert "L0006" not in {m for g in plain.verified.solution.groups for m in g.members}
    _done, out = replanned(data, current, WEEK2, tmp_path / "new.xlsx", allow_moves=True)
    placed = {m for g in out.solution.groups for m in g.members}
    assert "L0006" in placed and {f"L000{n}" for n in range(1, 6)} <= placed
    rows = changes(tmp_path / "new.xlsx")
    assert [r[0] for r in rows].count("learner moved") == 1
    assert not [r for r in rows if r[0] in ("session moved", "room changed")]


def test_allow_moves_changes_nothing_that_does_not_place_more(tmp_path):
    data = term()
    current = timetable(data, two_groups(), tmp_path / "now.xlsx")
    _done, out = replanned(data, current, WEEK2, tmp_path / "new.xlsx", allow_moves=True)
    assert changes(tmp_path / "new.xlsx") == []
    assert out.solution.groups == two_groups().groups


def test_a_kept_group_below_min_size_keeps_running(tmp_path):
    data = term()
    current = timetable(data, two_groups(), tmp_path / "now.xlsx")
    update = released(data, "L0005", dt.date(2027, 1, 15))
    _done, out = replanned(update, current, WEEK2, tmp_path / "new.xlsx")
    assert out.solution.group_by_id()[f"{C}-2"].members == ("L0004",)


def test_new_groups_continue_the_numbering_after_every_id_ever_used(tmp_path):
    data = term(learners=(*learners(5), *learners(3, first=6, arrival=WEEK2)))
    current = timetable(data, two_groups(), tmp_path / "now.xlsx")
    # A group NT2-1.1-5 ran in the first days and was closed: its id is never reused.
    wb_rows = sheet_rows(current, "Memberships")
    edit_cells(current, "Memberships", len(wb_rows) + 1,
               {"group": f"{C}-5", "learner": "L0009", "from": dt.date(2027, 1, 11),
                "to": dt.date(2027, 1, 12)})  # fmt: skip
    _done, out = replanned(data, current, WEEK2, tmp_path / "new.xlsx")
    ids = {g.group for g in out.solution.groups}
    assert ids == {f"{C}-1", f"{C}-2", f"{C}-6"}
    assert set(out.solution.group_by_id()[f"{C}-6"].members) == {"L0006", "L0007", "L0008"}
    assert ("new group", f"{C}-6") in {r[:2] for r in changes(tmp_path / "new.xlsx")}


def test_history_is_copied_unchanged_and_a_second_week_replan_works(tmp_path):
    data = term(courses=(nt2_course(max_size=3, sessions_per_week=2),), learners=learners(3))
    sol = Solution(
        groups=(group(f"{C}-1", "L0001", "L0002", "L0003"),),
        sessions=(session(f"{C}-1", "Mon", "P1"), session(f"{C}-1", "Wed", "P1")),
    )
    current = timetable(data, sol, tmp_path / "now.xlsx")
    first = data.replace(room_unavailability=(RoomUnavailability("C1", "Wed", 510, 570),))
    _d, one = replanned(first, current, WED1, tmp_path / "one.xlsx")
    history = [s for s in one.sessions if s.dated.valid_to is not None]
    assert [(s.session.day, s.dated.valid_to) for s in history] == [("Wed", dt.date(2027, 1, 12))]
    second = released(first, "L0003", dt.date(2027, 1, 16))
    second = second.replace(learners=(*second.learners, learner(4, arrival=WEEK2)))
    _d, two = replanned(second, tmp_path / "one.xlsx", WEEK2, tmp_path / "two.xlsx")
    for row in history:
        same = [s for s in two.sessions if s.session == row.session and s.dated.valid_to]
        assert [(s.dated.valid_from, s.dated.valid_to) for s in same] == [
            (row.dated.valid_from, row.dated.valid_to)
        ]
    assert two.solution.group_by_id()[f"{C}-1"].members == ("L0001", "L0002", "L0004")
    left = {(m.learner, m.end) for m in two.memberships}
    assert ("L0003", dt.date(2027, 1, 17)) in left
    assert two.term.valid_from == WEEK2


def test_continuing_learners_who_cannot_keep_their_place_give_a_minimal_conflict(tmp_path):
    data = term(learners=learners(3))
    sol = Solution(groups=(group(f"{C}-1", "L0001", "L0002", "L0003"),),
                   sessions=(session(f"{C}-1", "Mon", "P1"),))  # fmt: skip
    current = timetable(data, sol, tmp_path / "now.xlsx")
    # The only teacher now comes on Friday P4 only, and the wing works then.
    update = data.replace(
        staff_availability=(StaffAvailability("T1", "Fri", 840, 900),),
        regimes=(RegimeBlock("RA", "Fri", 840, 900, "work"),),
    )
    done = replan(update, read_timetable(current), WEEK2, False, 5.0, 0, 1)
    assert done.status == "infeasible" and done.verified is None
    assert len(done.conflicts) == 1
    assert done.conflicts[0].endswith(f"cannot keep a place in {C}-1")


def _cli_term(tmp_path, data):
    """``data`` as a term workbook; every regime gets an evening meal row (a workbook names
    each regime on Regimes; the meal blocks no period)."""
    meals = tuple(RegimeBlock(r, "all", 1080, 1140, "meal") for r in ("RA", "RB"))
    path = tmp_path / "term.xlsx"
    write_workbook(data.replace(regimes=(*data.regimes, *meals)), path)
    return path


def test_the_command_writes_the_default_output_and_refuses_bad_dates(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = term()
    current = timetable(data, two_groups(), tmp_path / "now.xlsx")
    path = _cli_term(tmp_path, data)
    run = CliRunner().invoke
    ok = run(main, ["replan", str(path), "--current", str(current), "--from", "2027-01-18"])
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "exports" / "term-replan-2027-01-18-timetable.xlsx").exists()
    outside = run(main, ["replan", str(path), "--current", str(current), "--from", "2027-03-01"])
    assert outside.exit_code == 2 and "outside the term" in outside.output
    made = tmp_path / "exports" / "term-replan-2027-01-18-timetable.xlsx"
    before = run(main, ["replan", str(path), "--current", str(made), "--from", "2027-01-13"])
    assert before.exit_code == 2 and "before" in before.output


def test_the_command_refuses_a_timetable_of_another_term(tmp_path):
    data = term()
    current = timetable(data, two_groups(), tmp_path / "now.xlsx")
    other = data.replace(settings=dataclasses.replace(data.settings, prison="Other prison"))
    path = _cli_term(tmp_path, other)
    res = CliRunner().invoke(
        main,
        [
            "replan",
            str(path),
            "--current",
            str(current),
            "--from",
            "2027-01-18",
            "-o",
            str(tmp_path / "x.xlsx"),
        ],  # fmt: skip
    )
    assert res.exit_code == 2 and "not of this term" in res.output
    assert not (tmp_path / "x.xlsx").exists()


def test_the_command_exits_3_naming_the_conflict(tmp_path):
    data = term(learners=learners(3))
    sol = Solution(groups=(group(f"{C}-1", "L0001", "L0002", "L0003"),),
                   sessions=(session(f"{C}-1", "Mon", "P1"),))  # fmt: skip
    current = timetable(data, sol, tmp_path / "now.xlsx")
    update = data.replace(
        staff_availability=(StaffAvailability("T1", "Fri", 840, 900),),
        regimes=(RegimeBlock("RA", "Fri", 840, 900, "work"),),
    )
    path = _cli_term(tmp_path, update)
    res = CliRunner().invoke(
        main,
        [
            "replan",
            str(path),
            "--current",
            str(current),
            "--from",
            "2027-01-18",
            "-o",
            str(tmp_path / "x.xlsx"),
        ],  # fmt: skip
    )
    assert res.exit_code == 3
    assert f"cannot keep a place in {C}-1" in res.output
    assert not (tmp_path / "x.xlsx").exists()


def test_a_placed_learner_arriving_later_keeps_the_seat_nobody_else_needs(tmp_path):
    later = dt.date(2027, 1, 20)
    data = term(learners=(*learners(4), learner(5, arrival=later)))
    current = timetable(data, two_groups(), tmp_path / "now.xlsx")
    _done, out = replanned(data, current, WEEK2, tmp_path / "new.xlsx")
    assert out.solution.group_by_id()[f"{C}-2"].members == ("L0004", "L0005")
    assert changes(tmp_path / "new.xlsx") == []


def seat_for_a_learner_present_now(tmp_path):
    """(term, timetable in use): NT2-1.1-2 is full with L0004, L0005 and L0006, who only
    arrives on Wednesday; L0007 arrives on Monday and is kept apart from NT2-1.1-1's members,
    so only that seat helps."""
    later = dt.date(2027, 1, 20)
    data = term(learners=(*learners(5), learner(6, arrival=later), learner(7, arrival=WEEK2)))
    data = data.replace(separations=(Separation("L0007", "A"),))
    data = data.replace(
        learners=tuple(
            dataclasses.replace(lr, section="B") if lr.learner in ("L0004", "L0005", "L0007")
            else lr
            for lr in data.learners
        )
    )  # fmt: skip
    full = Solution(
        groups=(group(f"{C}-1", "L0001", "L0002", "L0003"),
                group(f"{C}-2", "L0004", "L0005", "L0006")),
        sessions=two_groups().sessions,
    )  # fmt: skip
    current = timetable(data, full, tmp_path / "now.xlsx")
    return data, current


def test_a_seat_held_for_a_later_arrival_goes_to_a_learner_present_now(tmp_path):
    data, current = seat_for_a_learner_present_now(tmp_path)
    _done, out = replanned(data, current, WEEK2, tmp_path / "new.xlsx")
    assert out.solution.group_by_id()[f"{C}-2"].members == ("L0004", "L0005", "L0007")
    rows = changes(tmp_path / "new.xlsx")
    left = [r for r in rows if r[0] == "learner left"]
    assert [r[1] for r in left] == ["L0006"] and "arrival 2027-01-20" in left[0][5]
