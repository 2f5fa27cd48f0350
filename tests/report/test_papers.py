"""scheduler papers on the hand-made tiny timetable (tests/helpers/timetable_fixture.py):
movement lists per wing and call-up slips in each learner's language."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from scheduler.cli import main
from scheduler.report.papers import learner_facts, moves, slip_languages, slip_rows
from scheduler.report.read import read_timetable
from scheduler.report.timetable import write_timetable
from tests.helpers.timetable_fixture import tiny_data, tiny_result


@pytest.fixture
def timetable_path(tmp_path):
    return write_timetable(tiny_data(), tiny_result(), tmp_path / "tiny-timetable.xlsx", [])


def test_moves_follow_the_timetable(timetable_path):
    tt = read_timetable(timetable_path)
    trips = moves(tt, learner_facts(tt))
    got = {(m.learner, m.section, m.day, m.room, m.escort, m.week) for m in trips}
    assert ("L0001", "A", "Tue", "C1", "NT2-1.1-1", None) in got  # P3-P4, with the group
    assert ("L0001", "A", "Wed", "C1", "NT2-1.1-1", None) in got
    assert ("L0002", "B", "Tue", "C1", "MO-ar-1", None) in got
    assert ("L0002", "B", "Mon", "I1", "", 1) in got  # the intake, week 1, alone
    assert ("L0008", "A", "Tue", "LAB", "", None) in got  # internet, alone
    # every member of every session leaves their wing once per session
    assert len([m for m in trips if m.escort]) == 3 * 2 + 2


@pytest.mark.parametrize(
    ("spoken", "langs"),
    [(("ar", "fr"), ("ar",)), (("ti", "fr"), ("fr",)), (("ti",), ("nl", "en")), ((), ("nl", "en"))],
)
def test_slip_language(spoken, langs):
    assert slip_languages(spoken) == langs


def test_slips_in_the_learners_language(timetable_path):
    tt = read_timetable(timetable_path)
    facts = learner_facts(tt)
    trips = moves(tt, facts)
    langs, rows = slip_rows(tt, "L0002", facts["L0002"], [m for m in trips if m.learner == "L0002"])
    assert langs == ("ar",)
    assert rows[0] == ("استدعاء للدروس",)
    assert any(r[0] == "الثلاثاء" and r[2] == "C1" for r in rows[3:-1])  # Tuesday's MO class
    assert any("مقابلة التسجيل" in r[3] and "1" in r[3] for r in rows[3:-1])  # intake, week 1
    langs, rows = slip_rows(tt, "L0003", facts["L0003"], [m for m in trips if m.learner == "L0003"])
    assert langs == ("fr",) and rows[0] == ("Convocation aux cours",)
    assert rows[3][:3] == ("mardi", "13:00–15:00", "C1")


def test_the_command_writes_both_sheets_and_prints_on_a4(timetable_path, tmp_path):
    out = tmp_path / "papers.xlsx"
    result = CliRunner().invoke(main, ["papers", str(timetable_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["Movements", "Call-up slips"]
    movements = wb["Movements"]
    assert movements["A1"].value.startswith("Test")  # the prison's name, wing A first
    assert "wing A" in movements["A1"].value
    assert len(movements.row_breaks.brk) == 1  # wing B on its own page
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "portrait"


def test_a_term_workbook_is_refused_with_exit_2(tmp_path):
    from scheduler.workbook.write import write_workbook

    term = write_workbook(tiny_data(), tmp_path / "term.xlsx")
    result = CliRunner().invoke(main, ["papers", str(term), "-o", str(tmp_path / "p.xlsx")])
    assert result.exit_code == 2
    assert "not a timetable" in result.output
    assert not (tmp_path / "p.xlsx").exists()
