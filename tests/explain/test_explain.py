"""``scheduler explain``: repairs are verified timetables, impossibilities are minimal."""

from __future__ import annotations

import dataclasses
import time

import pytest
from click.testing import CliRunner

from scheduler.cli import main
from scheduler.explain import core
from scheduler.explain.answer import answer, holds, waiting_requests
from scheduler.explain.relax import RowKey, apply, label, relevant_rows
from scheduler.report.read import read_timetable
from scheduler.report.timetable import write_timetable
from scheduler.verify import total_violations, verify
from scheduler.workbook.write import write_workbook
from tests.helpers.timetable_fixture import tiny_data, tiny_result, tiny_solution


def soon(seconds: float = 20) -> float:
    return time.perf_counter() + seconds


def assert_minimal(data, learner: str, kind: str, keys: list[RowKey]) -> None:
    """With only ``keys`` of the relevant rows the request is impossible; dropping any one
    of them (the other relevant rows dropped too) makes it possible."""
    rows = relevant_rows(data, learner, kind)
    assert set(keys) <= set(rows)
    others = [r for r in rows if r not in keys]
    assert core.placeable(apply(data, others), learner, kind, 20) == core.IMPOSSIBLE
    for key in keys:
        assert core.placeable(apply(data, [*others, key]), learner, kind, 20) == core.POSSIBLE, key


def test_waiting_requests_are_what_the_timetable_does_not_give():
    data, sol = tiny_data(), tiny_solution()
    assert waiting_requests(data, sol, "L0004") == ["MO"]
    assert waiting_requests(data, sol, "L0005") == ["internet"]
    assert waiting_requests(data, sol, "L0006") == ["NT2", "intake"]
    assert waiting_requests(data, sol, "L0001") == []


def test_kept_apart_from_every_possible_group_mate_names_the_separation_and_min_size():
    # L0004 (section A) wants MO in Arabic: the other MO-ar learners live in B, kept apart from
    # A, and a group needs 2 members.
    data = tiny_data()
    found = answer(data, tiny_solution(), "L0004", "MO", soon())
    assert found.verdict == "impossible" and found.minimal
    assert sorted(found.rows) == [
        "Courses: MO-ar min_size 2",
        "Separations: A and B kept apart (remand/sentenced)",
    ]
    assert_minimal(data, "L0004", "MO", found.keys)


def test_a_missing_course_is_named_as_an_absence():
    found = answer(tiny_data(), tiny_solution(), "L0007", "NT2", soon())
    assert found.verdict == "impossible"
    assert found.rows == ["no Courses row for NT2 1.2"]


def test_no_counsellor_speaking_the_language_is_named():
    found = answer(tiny_data(), tiny_solution(), "L0006", "intake", soon())
    assert found.rows == ["no Staff row of a counsellor who speaks ti"]


def test_a_full_group_is_repaired_by_the_closest_verified_timetable():
    # NT2-1.1-1 is full (max_size 3); T1 can teach a second group of 2.
    data, current = tiny_data(), tiny_solution()
    found = answer(data, current, "L0008", "NT2", soon())
    assert found.verdict == "possible"
    assert total_violations(verify(data, found.solution)) == 0
    assert holds(data, found.solution, "L0008", "NT2")
    # Nobody loses a place: everyone placed before is placed after.
    for g in current.groups:
        for m in g.members:
            assert any(m in h.members for h in found.solution.groups), m
    assert not any("loses" in line for line in found.changes)
    assert found.changes[0] == "L0008 joins NT2-1.1-2"
    assert "new group NT2-1.1-2 (taught by T1)" in found.changes
    assert found.summary.startswith("0 places lost")
    # The existing group keeps its id and its sessions.
    kept = {(s.day, s.period, s.room) for s in found.solution.sessions if s.group == "NT2-1.1-1"}
    assert kept == {(s.day, s.period, s.room) for s in current.sessions if s.group == "NT2-1.1-1"}


def test_labels_name_the_sheet_and_row():
    data = tiny_data()
    data = data.replace(
        regimes=tuple(dataclasses.replace(r, row=i + 2) for i, r in enumerate(data.regimes))
    )
    assert label(data, RowKey("regime", "0")) == "Regimes, row 2: R1 Mon 08:30-10:30 work"
    assert label(data, RowKey("max_periods", "T1")) == "Staff: T1 max_periods_per_week 10"
    assert label(data, RowKey("staff_days", "T1")) == "Staff: T1 on site only Mon,Tue,Wed"


def test_dropping_means_removed_min_size_one_or_unlimited():
    data = tiny_data()
    dropped = apply(
        data,
        [
            RowKey("regime", "1"),
            RowKey("min_size", "MO-ar"),
            RowKey("max_periods", "T1"),
            RowKey("staff_days", "T1"),
            RowKey("seats", "C1"),
        ],
    )
    assert dropped.regimes == data.regimes[:1]
    assert dropped.course_by_id["MO-ar"].min_size == 1
    assert dropped.staff_by_id["T1"].max_periods_per_week is None
    assert dropped.staff_by_id["T1"].days == ()
    assert dropped.room_by_id["C1"].seats > 1000
    assert data.course_by_id["MO-ar"].min_size == 2  # the term itself is never changed


@pytest.fixture()
def files(tmp_path):
    term = write_workbook(tiny_data(), tmp_path / "term.xlsx")
    timetable = write_timetable(tiny_data(), tiny_result(), tmp_path / "tt.xlsx", [])
    return term, timetable


def run(*args: str):
    return CliRunner().invoke(main, ["explain", *args])


def test_cli_impossible_prints_the_rows_and_exits_0(files):
    result = run(str(files[0]), str(files[1]), "L0004")
    assert result.exit_code == 0, result.output
    assert "L0004 cannot get MO in any valid timetable" in result.output
    assert "each of them is needed" in result.output
    assert "Separations, row 2: A and B kept apart" in result.output
    assert "Courses, row 3: MO-ar min_size 2" in result.output


def test_cli_repair_is_written_and_passes_check(files, tmp_path):
    out = tmp_path / "repaired.xlsx"
    result = run(str(files[0]), str(files[1]), "L0008", "--wants", "NT2", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "L0008 can get NT2" in result.output
    repaired = read_timetable(out)
    assert holds(tiny_data(), repaired.solution, "L0008", "NT2")
    checked = CliRunner().invoke(main, ["check", str(files[0]), str(out)])
    assert checked.exit_code == 0, checked.output


def test_cli_bad_input_is_exit_2(files, tmp_path):
    assert run(str(files[0]), str(files[1]), "L9999").exit_code == 2
    other = tiny_data()
    other = other.replace(settings=dataclasses.replace(other.settings, prison="Elsewhere"))
    term = write_workbook(other, tmp_path / "other.xlsx")
    result = run(str(term), str(files[1]), "L0004")
    assert result.exit_code == 2 and "not of this term" in result.output
    result = run(str(files[0]), str(files[1]), "L0008", "-o", str(files[1]))
    assert result.exit_code == 2


def test_cli_nothing_to_explain(files):
    result = run(str(files[0]), str(files[1]), "L0001")
    assert result.exit_code == 0
    assert "waits for nothing" in result.output


@pytest.fixture(scope="module")
def medium(tmp_path_factory):
    """The bundled medium term and a timetable of it (5 s, one worker, seed 1)."""
    from scheduler.search.solve import solve
    from scheduler.workbook.validate import read_workbook

    data = read_workbook("instances/medium.xlsx")
    result = solve(data, time_limit=5, seed=1, workers=1)
    assert result.solution is not None
    return data, result.solution


@pytest.mark.slow
def test_explain_a_sample_of_the_medium_waiting_requests(medium):
    """Each repair verified; each impossibility minimal (every named row needed)."""
    from scheduler.report.reasons import waiting

    data, current = medium
    rows = waiting(data, current)
    sample, seen = [], set()
    for w in rows:  # one request per reason code and kind, in sheet order
        if (w.reason_code, w.wants) not in seen:
            seen.add((w.reason_code, w.wants))
            sample.append((w.learner, w.wants))
    verdicts = set()
    for learner, kind in sample[:6]:
        found = answer(data, current, learner, kind, soon(60))
        verdicts.add(found.verdict)
        assert found.verdict in ("possible", "impossible"), (learner, kind, found.note)
        if found.verdict == "possible":
            assert total_violations(verify(data, found.solution)) == 0
            assert holds(data, found.solution, learner, kind)
        elif found.keys:
            assert found.minimal
            assert_minimal(data, learner, kind, found.keys)
        else:  # an absence: no droppable row helps
            rows_ = relevant_rows(data, learner, kind)
            assert core.placeable(apply(data, rows_), learner, kind, 20) == core.IMPOSSIBLE
    assert verdicts == {"possible", "impossible"}


def test_a_request_the_learner_did_not_make_is_named_as_such():
    found = answer(tiny_data(), tiny_solution(), "L0001", "MO", soon())
    assert found.verdict == "impossible"
    assert found.rows == ["Learners: L0001 did not ask for MO"]
    found = answer(tiny_data(), tiny_solution(), "L0003", "internet", soon())
    assert found.rows == ["Learners: L0003 asked for no internet periods"]


def test_cli_never_overwrites_a_file_it_did_not_write(files, tmp_path):
    other = tmp_path / "notes.xlsx"
    write_workbook(tiny_data(), other)  # a term workbook, not a timetable
    before = other.read_bytes()
    result = run(str(files[0]), str(files[1]), "L0008", "--wants", "NT2", "-o", str(other))
    assert result.exit_code == 2
    assert "was not written by scheduler" in result.output
    assert other.read_bytes() == before


def test_an_impossible_intake_names_the_counsellor_days_and_the_regime_row():
    from scheduler.data import RegimeBlock

    data = tiny_data()
    data = data.replace(
        staff=tuple(
            dataclasses.replace(s, days=("Thu",)) if s.staff == "C1" else s for s in data.staff
        ),
        regimes=data.regimes + (RegimeBlock("R2", "Thu", 510, 900, "work"),),
    )
    current = dataclasses.replace(tiny_solution(), intakes=())
    found = answer(data, current, "L0002", "intake", soon())
    assert found.verdict == "impossible" and found.minimal
    assert sorted(found.rows) == ["Regimes: R2 Thu 08:30-15:00 work", "Staff: C1 on site only Thu"]
    assert_minimal(data, "L0002", "intake", found.keys)
