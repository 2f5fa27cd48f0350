"""The Waiting sheet's unblock_check: what explain confirms, in priority order, in a budget."""

from __future__ import annotations

import dataclasses

from scheduler.explain.unblock import check_unblocks, order
from scheduler.report.reasons import WaitingRow, waiting
from tests.helpers.timetable_fixture import tiny_data, tiny_solution


def by_request(rows):
    return {(w.learner, w.wants): w for w in rows}


def test_requests_are_checked_and_the_unblock_says_what_was_confirmed():
    data = tiny_data()
    rows = check_unblocks(data, waiting(data, tiny_solution()), time_limit=100)
    got = by_request(rows)
    # NT2-1.1-1 is full, but another timetable (a second group) gives L0008 a place.
    assert got[("L0008", "NT2")].unblock_check == "checked"
    assert "no input change needed" in got[("L0008", "NT2")].unblock
    # L0004's MO needs the A/B separation or MO-ar min_size dropped: one row is enough.
    mo = got[("L0004", "MO")]
    assert mo.unblock_check == "checked"
    assert mo.unblock.startswith("drop or relax ")
    assert "Separations" in mo.unblock or "min_size" in mo.unblock
    # No NT2 1.2 course at all: nothing a row can change, so it is left to explain.
    assert got[("L0007", "NT2")].unblock_check == "not checked"
    assert {w.unblock_check for w in rows} <= {"checked", "refuted", "not checked"}


def test_no_budget_checks_nothing():
    data = tiny_data()
    rows = check_unblocks(data, waiting(data, tiny_solution()), time_limit=0)
    assert {w.unblock_check for w in rows} == {"not checked"}


def test_order_is_priority_then_release_then_id():
    data = tiny_data()
    learners = {lr.learner: lr for lr in data.learners}
    learners["L0007"] = dataclasses.replace(learners["L0007"], priority=5)
    data = data.replace(learners=tuple(learners.values()))
    rows = [WaitingRow(m, "NT2", "", "other", "") for m in ("L0008", "L0007", "L0003", "L0006")]
    # L0007 has priority 5; the others 3, and L0003 is released first.
    assert [rows[i].learner for i in order(data, rows)] == ["L0007", "L0003", "L0006", "L0008"]


def test_the_same_term_gives_the_same_checks():
    data = tiny_data()
    rows = waiting(data, tiny_solution())
    assert check_unblocks(data, rows, time_limit=20) == check_unblocks(data, rows, time_limit=20)


def test_solve_writes_the_unblock_check_column(tmp_path):
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from scheduler.cli import main
    from scheduler.workbook.write import write_workbook

    term = write_workbook(tiny_data(), tmp_path / "term.xlsx")
    out = tmp_path / "tt.xlsx"
    args = ["solve", str(term), "-o", str(out), "--time-limit", "10", "--workers", "1", "-q"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(out, read_only=True)["Waiting"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:6] == ["learner", "wants", "reason", "reason_code", "unblock", "unblock_check"]
    checks = {r[5] for r in rows[1:]}
    assert checks <= {"checked", "refuted", "not checked"}
    assert "checked" in checks
