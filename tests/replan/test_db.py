"""``scheduler replan --db``: the hours attended before DATE (recorded registers) replace the
planned ones, on SQLite and on PostgreSQL; a database that cannot serve is one sentence, exit 2.

The tiny term, six weeks long: NT2-1.1-1 (L0001..L0003) on Mon P1 and NT2-1.1-2 (L0004,
L0005) on Mon P2, one hour a week. Registers of the first two weeks are recorded: L0001
present both Mondays, L0002 absent both, everyone else blank (never recorded). The re-plan
starts in week 4, so the third Monday is not recorded yet and counts as planned.
"""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from scheduler.cli import main
from scheduler.records.progress import Mark, Recorded
from scheduler.records.registers import FIRST_LEARNER_ROW, HEADER_ROW
from scheduler.replan.attended import Attended, read_attended
from scheduler.replan.current import current_on
from scheduler.replan.update import delivered, seen_from_valid_from
from scheduler.report.read import read_timetable
from scheduler.verify import total_violations, verify
from scheduler.workbook.validate import read_workbook
from tests.records.conftest import db_url  # noqa: F401  (the fixture: SQLite and PostgreSQL)
from tests.replan.helpers import timetable
from tests.replan.test_replan import _cli_term, term, two_groups

DATE = dt.date(2027, 2, 1)  # Monday of week 4
END = dt.date(2027, 2, 26)  # the tiny term, six weeks long here


def six_weeks(prison: str = "Test prison"):
    return term(settings={"term_end": END, "prison": prison})


CODES = {"L0001": "P", "L0002": "A"}


def run(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def filled_registers(current: Path, out: Path, codes: dict[str, str]) -> Path:
    """The registers of weeks 1 and 2, with ``codes`` (learner -> code) on every date."""
    blank = out.with_name("blank-" + out.name)
    code, text = run(
        "registers", current, "-o", blank, "--from", "2027-01-11", "--to", "2027-01-24"
    )
    assert code == 0, text
    wb = load_workbook(blank)
    for ws in wb.worksheets:
        if ws.title in ("Intakes", "_register"):
            continue
        for r in range(FIRST_LEARNER_ROW, ws.max_row + 1):
            learner = ws.cell(r, 1).value
            for c in range(2, ws.max_column + 1):
                if ws.cell(HEADER_ROW, c).value and learner in codes:
                    ws.cell(r, c).value = codes[learner]
    wb.save(out)
    return out


@pytest.fixture
def tiny(tmp_path) -> tuple[Path, Path]:
    """(term workbook, timetable in use) of the tiny term."""
    data = six_weeks()
    return _cli_term(tmp_path, data), timetable(data, two_groups(), tmp_path / "now.xlsx")


def replan_violations(term: Path, current: Path, replanned: Path, date: dt.date) -> int:
    """Hard-rule violations the independent verifier finds in what ``replanned`` plans from
    ``date`` (its rows in force, intakes held before ``date`` left out: they are history,
    copied unchanged), judged on the term as seen from ``date`` with the groups of ``current``
    running already (min_size does not bind them), as the re-plan itself is verified."""
    out = read_timetable(replanned)
    seen, solution = seen_from_valid_from(read_workbook(term), out)
    kept = {g.group for g in read_timetable(current).solution.groups}
    return total_violations(verify(seen, solution, kept))


def overview(path: Path) -> dict[str, object]:
    """Overview's label -> value pairs (label in one column, value two to the right)."""
    ws = load_workbook(path, read_only=True)["Overview"]
    out = {}
    for row in ws.iter_rows(values_only=True):
        for i, cell in enumerate(row[:-2]):
            if isinstance(cell, str) and row[i + 2] is not None:
                out.setdefault(cell, row[i + 2])
            if isinstance(cell, str) and row[i + 1] is not None:
                out.setdefault(cell, row[i + 1])
    return out


def test_attended_hours_replace_the_planned_ones(db_url, tiny, tmp_path):  # noqa: F811
    path, current = tiny
    registers = filled_registers(current, tmp_path / "filled.xlsx", CODES)
    assert run("record", registers, "--db", db_url)[0] == 0
    out = tmp_path / "replan.xlsx"
    code, text = run("replan", path, "--current", current, "--from", DATE, "--db", db_url,
                     "-o", out, "--time-limit", 2)  # fmt: skip
    assert code == 0, text
    assert replan_violations(path, current, out, DATE) == 0
    assert "learners whose hours so far come from registers: 2" in text
    assert "learners whose hours so far come from the plan: 3" in text
    shown = overview(out)
    assert shown["learners whose hours so far come from registers"] == 2
    assert shown["learners whose hours so far come from the plan"] == 3
    assert shown["hours attended in the recorded weeks"] == 2  # L0001, two Mondays
    assert shown["hours planned in the same weeks"] == 4  # L0001 and L0002, two Mondays each

    # The credit the completion accounting gets, learner by learner (minutes).
    data = six_weeks()
    now = current_on(read_timetable(current), DATE)
    continuing = {gid: list(g.members) for gid, g in now.groups.items()}
    planned = delivered(data, now, continuing)
    attended = read_attended(db_url, data, DATE)
    credit = attended.credit(data, now, continuing)
    course = "NT2-1.1"
    assert planned[("L0002", course)] == 180  # three Mondays before DATE
    assert credit[("L0001", course)] == 180  # present twice, the third Monday as planned
    assert credit[("L0002", course)] == 60  # absent twice: only the unrecorded Monday
    assert credit[("L0003", course)] == planned[("L0003", course)]  # never recorded: plan
    assert attended.from_registers == {"L0001", "L0002"}


def test_without_db_the_planned_hours_count(tiny, tmp_path):
    path, current = tiny
    out = tmp_path / "replan.xlsx"
    code, text = run("replan", path, "--current", current, "--from", DATE, "-o", out,
                     "--time-limit", 2)  # fmt: skip
    assert code == 0, text
    assert "come from registers" not in text
    assert "learners whose hours so far come from registers" not in overview(out)


def _refused(tiny, tmp_path, url: str) -> str:
    path, current = tiny
    out = tmp_path / "never.xlsx"
    code, text = run("replan", path, "--current", current, "--from", DATE, "--db", url,
                     "-o", out, "--time-limit", 2)  # fmt: skip
    assert code == 2, text
    assert not out.exists()
    assert "Traceback" not in text and len(text.strip().splitlines()) == 1, text
    return text


def test_a_url_that_is_not_a_database_is_refused(tiny, tmp_path):
    assert "is not a database URL" in _refused(tiny, tmp_path, "records.sqlite")


def test_a_missing_sqlite_file_is_refused_and_not_created(tiny, tmp_path):
    missing = tmp_path / "none" / "records.sqlite"
    assert "there is no records database at" in _refused(tiny, tmp_path, f"sqlite:///{missing}")
    assert not missing.exists() and not missing.parent.exists()


def test_a_file_that_is_not_a_database_is_refused(tiny, tmp_path):
    notes = tmp_path / "notes.sqlite"
    notes.write_text("not a database\n")
    text = _refused(tiny, tmp_path, f"sqlite:///{notes}")
    assert "cannot read the records database" in text and "not a database" in text


def test_an_unreachable_server_is_refused(tiny, tmp_path):
    text = _refused(tiny, tmp_path, "postgresql://nobody@127.0.0.1:1/records")
    assert "cannot open the records database" in text


def test_another_terms_records_are_refused(db_url, tiny, tmp_path):  # noqa: F811
    other = six_weeks("Other prison")
    theirs = timetable(other, two_groups(), tmp_path / "theirs.xlsx")
    registers = filled_registers(theirs, tmp_path / "theirs-filled.xlsx", CODES)
    assert run("record", registers, "--db", db_url)[0] == 0
    text = _refused(tiny, tmp_path, db_url)
    assert "holds no registers of Test prison's term starting 2027-01-11" in text
    assert "it holds Other prison from 2027-01-11" in text


def test_a_pseudonymised_database_is_refused(db_url, tiny, tmp_path):  # noqa: F811
    _, current = tiny
    key = tmp_path / "key"
    key.write_text("0123456789abcdef0123456789abcdef")
    registers = filled_registers(current, tmp_path / "filled.xlsx", CODES)
    assert run("record", registers, "--db", db_url, "--pseudonymise", key)[0] == 0
    assert "pseudonymised learner ids" in _refused(tiny, tmp_path, db_url)


@functools.cache
def _tiny_now() -> tuple:
    """(term, the tiny timetable seen from DATE, its continuing members, planned minutes)."""
    data = six_weeks()
    with tempfile.TemporaryDirectory(prefix="replan-db-") as folder:
        written = timetable(data, two_groups(), Path(folder) / "now.xlsx")
        now = current_on(read_timetable(written), DATE)
    continuing = {gid: list(g.members) for gid, g in now.groups.items()}
    return data, now, continuing, delivered(data, now, continuing)


RECORDED = (dt.date(2027, 1, 11), dt.date(2027, 1, 18))  # the Mondays the registers hold
LEARNERS = ("L0001", "L0002", "L0003", "L0004", "L0005")
GROUP_OF = {"L0001": "NT2-1.1-1", "L0002": "NT2-1.1-1", "L0003": "NT2-1.1-1"}


@given(
    st.dictionaries(
        st.tuples(st.sampled_from(LEARNERS), st.sampled_from(RECORDED)),
        st.sampled_from("PAESR"),
    )
)
@settings(max_examples=60, deadline=None)
def test_each_recorded_session_without_p_costs_its_hour(codes):
    """Whatever the registers say: a learner with any code loses one planned hour per recorded
    Monday without P (blank included) and nothing else; a learner without codes keeps the plan;
    present at every recorded session is exactly the plan."""
    data, now, continuing, planned = _tiny_now()
    sessions = {gid: [(d, 1.0, True) for d in RECORDED] for gid in continuing}
    marks = tuple(
        Mark(m, GROUP_OF.get(m, "NT2-1.1-2"), "NT2-1.1", d, 1.0, code)
        for (m, d), code in codes.items()
    )
    attended = Attended(Recorded(True, sessions, marks, ()))
    credit = attended.credit(data, now, continuing)
    for m in LEARNERS:
        key = (m, "NT2-1.1")
        mine = {d: c for (who, d), c in codes.items() if who == m}
        missed = sum(mine.get(d) != "P" for d in RECORDED)
        assert credit[key] == (planned[key] - 60 * missed if mine else planned[key])
        assert (m in attended.from_registers) == bool(mine)
    assert attended.from_plan == set(LEARNERS) - attended.from_registers
