"""Done-when of issue 15: the bundled medium term end to end, on SQLite and PostgreSQL.

Solve (5 s, 1 worker) -> registers for four weeks -> filled with seeded random codes ->
recorded twice -> one faulty register refused -> report. The Reach figures equal the counts
taken straight from the filled registers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from scheduler.cli import main
from scheduler.records.registers import FIRST_LEARNER_ROW, HEADER_ROW
from tests.records.helpers import fill
from tests.records.queries_check import assert_queries_agree

MEDIUM = Path(__file__).resolve().parents[2] / "instances" / "medium.xlsx"
pytestmark = pytest.mark.slow


def invoke(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("medium")
    timetable = out / "medium-timetable.xlsx"
    invoke("solve", MEDIUM, "-o", timetable, "--time-limit", 5, "--workers", 1, "-q")
    blank = out / "medium-registers.xlsx"
    invoke("registers", timetable, "-o", blank, "--from", "2027-01-11")
    return fill(blank, out / "filled.xlsx", seed=15)


def counted(path: Path) -> dict[tuple[str, str], dict[str, float]]:
    """Per (kind, language or level): learners with a P, P codes and their hours, straight
    from the filled sheets (hours from the hidden sheet's session records)."""
    wb = load_workbook(path, read_only=True)
    groups, hours = {}, {}
    for row in wb["_register"].iter_rows(values_only=True):
        if row[0] == "group":
            groups[row[2]] = (row[1], row[5], row[6] if row[5] == "NT2" else row[7])
        elif row[0] == "session":
            hours[(row[1], f"{row[2]} {row[3]}")] = float(row[4])
    learners: dict[tuple[str, str], set] = {}
    out: dict[tuple[str, str], Counter] = {}
    for sheet, (group, kind, level) in groups.items():
        rows = list(wb[sheet].iter_rows(values_only=True))
        header = rows[HEADER_ROW - 1]
        for values in rows[FIRST_LEARNER_ROW - 1 :]:
            if not values or values[0] is None:
                break
            for label, code in zip(header[1:], values[1:], strict=False):
                if isinstance(code, str) and code.strip().upper() == "P":
                    out.setdefault((kind, level), Counter()).update(
                        {"sessions": 1, "hours": hours[(group, label)]}
                    )
                    learners.setdefault((kind, level), set()).add(values[0])
    intakes = Counter()
    for values in list(wb["Intakes"].iter_rows(values_only=True))[HEADER_ROW:]:
        if values[0] and values[5] == "yes":
            intakes[values[4]] += 1
    result = {k: {"started": len(learners[k]), **v} for k, v in out.items()}
    result |= {("intake", lang): {"reached": n} for lang, n in intakes.items()}
    return result


def test_medium_term_end_to_end(db_url, filled, tmp_path):
    invoke("record", filled, "--db", db_url)
    invoke("record", filled, "--db", db_url)  # again: nothing counted twice
    wb = load_workbook(filled)
    ws = wb.worksheets[0]
    ws.cell(FIRST_LEARNER_ROW, 2).value = "Z"
    wb.save(tmp_path / "faulty.xlsx")
    faulty = CliRunner().invoke(main, ["record", str(tmp_path / "faulty.xlsx"), "--db", db_url])
    assert faulty.exit_code == 2
    assert (
        f"Sheet {ws.title}, cell B{FIRST_LEARNER_ROW}: 'Z' is not an attendance code"
        in faulty.output
    )
    out = tmp_path / "reach.xlsx"
    invoke("report", "--db", db_url, "--year", 2027, "-o", out)
    sheet = load_workbook(out)["Reach"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    reach = {(r[1], r[2]): r for r in rows if r[0] and r[1]}  # the notes under it aside
    expected = counted(filled)
    assert set(reach) == set(expected)
    for key, want in expected.items():
        row = reach[key]
        if key[0] == "intake":
            assert row[3] == want["reached"]
            continue
        assert (row[4], row[5]) == (want["started"], want["sessions"]), key
        assert row[6] == pytest.approx(want["hours"]), key
    total = sum(v.get("sessions", 0) for v in expected.values())
    assert sum(r[5] for r in reach.values()) == total > 100
    assert assert_queries_agree(db_url, dt.date(2027, 1, 1), dt.date(2027, 12, 31)) > 0
