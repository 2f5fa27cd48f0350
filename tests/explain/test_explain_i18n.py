"""``scheduler explain`` in the coordinator's language: answers, input rows, changes, unblocks.

Sheet and column names inside the sentences (``Separations``, ``min_size``) are the input
contract's and stay; every word around them is translated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from click.testing import CliRunner

from scheduler import i18n
from scheduler.cli import main
from scheduler.data import ClosedDay, InternetWindow, Lock, Room, StaffAvailability
from scheduler.explain import core
from scheduler.explain.answer import _WORDS, _words, describe_changes, summary
from scheduler.explain.relax import RowKey, label
from scheduler.explain.unblock import check_unblocks
from scheduler.report.changes import Change
from scheduler.report.reasons import waiting
from scheduler.report.timetable import write_timetable
from scheduler.solution import Solution
from scheduler.workbook.write import write_workbook
from tests.helpers.english import english_in
from tests.helpers.timetable_fixture import tiny_data, tiny_result, tiny_solution


@pytest.fixture()
def files(tmp_path):
    term = write_workbook(tiny_data(), tmp_path / "term.xlsx")
    timetable = write_timetable(tiny_data(), tiny_result(), tmp_path / "tt.xlsx", [])
    return term, timetable


def _explain(*args: str):
    return CliRunner().invoke(main, ["--lang", "nl", "explain", *args])


def _answer(output: str, learner: str) -> list[str]:
    """The answer's lines: the term's validation warnings before it are workbook/'s."""
    lines = output.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(learner))
    return lines[first:]


def test_an_impossible_request_is_explained_in_dutch(files):
    result = _explain(str(files[0]), str(files[1]), "L0004")
    assert result.exit_code == 0, result.output
    assert "L0004 kan MO in geen enkel geldig rooster krijgen" in result.output
    assert "Separations, rij 2: A en B gescheiden gehouden" in result.output
    assert english_in(_answer(result.output, "L0004")) == []


def test_a_repair_and_nothing_to_explain_are_dutch(files, tmp_path):
    result = _explain(str(files[0]), str(files[1]), "L0008", "--wants", "NT2")
    assert result.exit_code == 0, result.output
    assert "L0008 kan NT2 krijgen" in result.output
    assert "verloren" in result.output  # the summary: places lost, sessions moved
    assert english_in(_answer(result.output, "L0008")) == []
    nothing = _explain(str(files[0]), str(files[1]), "L0001")
    assert "wacht op niets" in nothing.output


def _every_row_kind(data):
    """The tiny term with a row of every kind ``label`` names, with row numbers."""
    return data.replace(
        closed_days=(ClosedDay(dt.date(2027, 1, 13), "strike", ("A",), row=2),
                     ClosedDay(dt.date(2027, 1, 14), "holiday", row=3)),
        locks=(Lock("session", course="NT2-1.1", day="Mon", period="P1", row=2),),
        staff_availability=(StaffAvailability("T1", "Mon", 510, 630, row=2),),
        internet_windows=(InternetWindow("Tue", 510, 570, row=2),),
        rooms=(*data.rooms, Room("LAB", "Lab", "computer_lab", 4, 2)),
    )  # fmt: skip


def test_every_label_is_dutch():
    i18n.set_language("nl")
    data = _every_row_kind(tiny_data())
    keys = [RowKey("regime", "0"), RowKey("separation", "0"), RowKey("closed", "0"),
            RowKey("closed", "1"), RowKey("lock", "0"), RowKey("min_size", "MO-ar"),
            RowKey("max_groups", "MO-ar"), RowKey("max_periods", "T1"),
            RowKey("staff_days", "T1"), RowKey("staff_availability", "T1"),
            RowKey("internet_windows"), RowKey("seats", "C1"), RowKey("internet_seats", "LAB"),
            RowKey("max_groups_moving")]  # fmt: skip
    labels = [label(data, k) for k in keys]
    assert "ClosedDays, rij 2: 2027-01-13 gesloten voor A (strike)" in labels
    assert "Staff: T1 alleen aanwezig op Mon,Tue,Wed" in labels
    assert english_in(labels) == []


def test_every_absence_is_dutch():
    i18n.set_language("nl")
    data = tiny_data()
    texts = core.absence(data, "L0007", "NT2")  # no course at their level
    texts += core.absence(data, "L0006", "intake")  # no counsellor speaks ti
    texts += core.absence(data, "L0001", "MO")  # did not ask
    texts += core.absence(data, "L0001", "internet")
    texts += core.absence(data.replace(staff=()), "L0006", "intake")
    texts += core.absence(data.replace(rooms=()), "L0005", "internet")
    assert len(texts) == 6
    assert english_in(texts) == []
    assert texts[0] == "geen rij op Courses voor NT2 1.2"


def test_every_change_and_the_summary_are_dutch():
    i18n.set_language("nl")
    data = tiny_data()
    found = [Change(kind, "L0001", "NT2-1.1-1", "Mon P1", "Tue P2") for kind in _WORDS]
    found.append(Change("learner left", "L0002", "NT2-1.1-1", "", ""))
    lines = [_words(data, c) for c in found]
    assert len(lines) == len(_WORDS) + 1
    assert english_in(lines) == []
    assert "L0002 verliest de plaats in NT2-1.1-1 (prioriteit 3)" in lines
    assert summary(data, tiny_solution(), Solution()) == "8 plaatsen verloren, 0 lessen verplaatst"


def test_the_unblock_checks_are_dutch():
    i18n.set_language("nl")
    data, sol = tiny_data(), tiny_solution()
    rows = check_unblocks(data, waiting(data, sol), time_limit=60)
    checked = [w for w in rows if w.unblock_check != "not checked"]
    assert checked  # the fixture has rows explain confirms
    assert english_in([w.unblock for w in rows]) == []
    assert {w.unblock_check for w in rows} <= {"checked", "refuted", "not checked"}  # codes


def test_english_answers_are_unchanged(files):
    result = CliRunner().invoke(main, ["explain", str(files[0]), str(files[1]), "L0004"])
    assert "L0004 cannot get MO in any valid timetable" in result.output
    assert "Separations, row 2: A and B kept apart" in result.output
    data = dataclasses.replace(tiny_data())
    assert describe_changes(data, tiny_solution(), tiny_solution(), "L0001") == []
