"""Hints that fit: every range and every "did you mean" in a message comes from the rule it
explains, and the value a message gives as an example passes validation where it was typed."""

from __future__ import annotations

import re

import pytest

from scheduler.rules import RANGES, WEIGHT_RANGE
from scheduler.workbook.contract import SHEETS
from scheduler.workbook.validate import check_workbook, level_meant
from tests.helpers.wbfactory import append_row, base_sheets, column_index, row_of, set_cell, write

EXAMPLE = re.compile(r"for example (\S+)$")
MEANT = re.compile(r"did you mean (\S+)\?")


def _at(tmp_path, sheets, sheet: str, row: int, column: str) -> list[str]:
    _data, problems = check_workbook(write(sheets, tmp_path / "term.xlsx"))
    return [p.message for p in problems if (p.sheet, p.row, p.column) == (sheet, row, column)]


TABLE_RANGES = sorted(
    (sheet, column)
    for sheet, column in RANGES
    if sheet in SHEETS and sheet != "Settings" and column in SHEETS[sheet].names
)


@pytest.mark.slow
@pytest.mark.parametrize(("sheet", "column"), TABLE_RANGES)
def test_a_word_in_a_number_column_gets_its_range_and_a_passing_example(tmp_path, sheet, column):
    sheets = base_sheets()
    messages = _at(tmp_path, set_cell(sheets, sheet, 2, column, "hoog"), sheet, 2, column)
    bounds = RANGES[(sheet, column)]
    assert len(messages) == 1 and bounds.describe() in messages[0], messages
    example = EXAMPLE.search(messages[0])[1]
    assert bounds.holds(float(example))
    fixed = set_cell(base_sheets(), sheet, 2, column, example)
    assert not [m for m in _at(tmp_path, fixed, sheet, 2, column) if "must be" in m or "not" in m]


@pytest.mark.parametrize(
    ("key", "bounds"),
    [
        ("seed", RANGES[("Settings", "seed")]),
        ("intake_weeks", RANGES[("Settings", "intake_weeks")]),
    ],
)
def test_a_settings_word_gets_the_keys_range(tmp_path, key, bounds):
    sheets = base_sheets()
    if any(r[0] == key for r in sheets["Settings"][1:]):
        row = row_of(sheets, "Settings", key)
        sheets = set_cell(sheets, "Settings", row, "value", "veel")
    else:
        row = append_row(sheets, "Settings", [key, "veel"])
    messages = _at(tmp_path, sheets, "Settings", row, "value")
    assert len(messages) == 1 and bounds.describe() in messages[0], messages
    assert bounds.holds(float(EXAMPLE.search(messages[0])[1]))


def test_a_weight_word_gets_the_weight_range(tmp_path):
    sheets = base_sheets()
    sheets["Weights"] = [["key", "value"], ["served", "veel"]]
    messages = _at(tmp_path, sheets, "Weights", 2, "value")
    assert len(messages) == 1 and WEIGHT_RANGE.describe() in messages[0], messages


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("NT2 en MO", "NT2,MO"),
        ("MO and NT2", "MO,NT2"),
        ("NT2 + MO", "NT2,MO"),
        ("nt2 MO", "NT2,MO"),
    ],
)
def test_wants_typed_as_a_sentence_shows_the_list(tmp_path, typed, meant):
    messages = _at(
        tmp_path, set_cell(base_sheets(), "Learners", 2, "wants", typed), "Learners", 2, "wants"
    )
    assert len(messages) == 1
    assert MEANT.search(messages[0])[1] == meant
    fixed = set_cell(base_sheets(), "Learners", 2, "wants", meant)
    assert _at(tmp_path, fixed, "Learners", 2, "wants") == []


def test_a_sentence_of_unknown_words_gets_no_guess(tmp_path):
    messages = _at(
        tmp_path,
        set_cell(base_sheets(), "Learners", 2, "wants", "Frans en MO"),
        "Learners",
        2,
        "wants",
    )
    assert len(messages) == 1 and "did you mean" not in messages[0]


def test_a_level_typo_gets_the_level_it_means(tmp_path):
    sheets = set_cell(base_sheets(), "Learners", 2, "nt2_level", "1.l")
    messages = _at(tmp_path, sheets, "Learners", 2, "nt2_level")
    assert len(messages) == 1
    meant = MEANT.search(messages[0])[1]
    assert meant == "1.1"
    fixed = set_cell(base_sheets(), "Learners", 2, "nt2_level", meant)
    assert _at(tmp_path, fixed, "Learners", 2, "nt2_level") == []


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("1.l", "1.1"), ("I.2", "1.2"), ("2,1", "2.1"), ("1.2", "1.2"), ("12", "1.2"), ("9.9", None)],
)
def test_level_meant(typed, meant):
    assert level_meant(typed, ["1.1", "1.2", "2.1"]) == meant


def test_column_index_helper_sees_the_contract():
    assert column_index(base_sheets(), "Learners", "priority") >= 0
