"""The reader accepts what the template teaches: Dutch sheet and column names, language names
instead of codes, and example rows (first cell VOORBEELD or EXAMPLE) that it skips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.workbook import languages
from scheduler.workbook.cells import CellError, parse_language, parse_languages
from scheduler.workbook.contract import (
    DUTCH_COLUMNS,
    DUTCH_SHEETS,
    SHEETS,
    column_names,
    dutch_column,
    is_example,
    sheet_for,
)
from scheduler.workbook.validate import check_workbook
from tests.helpers.wbfactory import append_row, base_sheets, write


def test_every_sheet_has_one_dutch_name_and_no_name_is_ambiguous():
    assert set(DUTCH_SHEETS) == set(SHEETS)
    assert len(set(DUTCH_SHEETS.values())) == len(DUTCH_SHEETS)
    for spec in SHEETS.values():
        assert sheet_for(DUTCH_SHEETS[spec.name]) is spec
        names = column_names(spec)
        # English and Dutch names of one sheet never collide with another column's
        assert len(names) == len({n for c in spec.columns for n in (c.name, dutch_column(c.name))})
    assert set(DUTCH_COLUMNS) <= {c.name for s in SHEETS.values() for c in s.columns}


def _dutch(sheets: dict) -> dict:
    """The same tables under Dutch sheet and column names."""
    return {
        DUTCH_SHEETS[name]: [[dutch_column(c) for c in rows[0]], *rows[1:]]
        for name, rows in sheets.items()
    }


def test_a_workbook_in_dutch_names_reads_like_the_english_one(tmp_path):
    english, _ = check_workbook(write(base_sheets(), tmp_path / "en.xlsx"))
    dutch, problems = check_workbook(write(_dutch(base_sheets()), tmp_path / "nl.xlsx"))
    assert not [p for p in problems if p.severity == "error"], problems
    assert dutch == english


def test_example_rows_are_skipped(tmp_path):
    sheets = base_sheets()
    append_row(sheets, "Learners", ["VOORBEELD-L0001", "NOSUCH", "xx", "9.9", "NT2", "yes"])
    append_row(sheets, "Rooms", ["example-CL1", "Classroom 1", "classroom", 12])
    data, problems = check_workbook(write(sheets, tmp_path / "term.xlsx"))
    assert data is not None and not problems
    assert not any(lrn.learner.startswith("VOORBEELD") for lrn in data.learners)
    assert not any(room.room.upper().startswith("EXAMPLE") for room in data.rooms)


@pytest.mark.parametrize("text", ["VOORBEELD", "voorbeeld-1", " EXAMPLE-P1", "Example"])
def test_example_marks(text):
    assert is_example(text)


@pytest.mark.parametrize("text", ["L0001", "VOOR", "EXAMPL", "an EXAMPLE"])
def test_not_example_marks(text):
    assert not is_example(text)


@pytest.mark.parametrize(
    ("typed", "code"),
    [("Arabisch", "ar"), ("Arabisch (ar)", "ar"), ("arabic", "ar"), ("arabe", "ar"), ("TI", "ti")],
)
def test_languages_by_code_or_name(typed, code):
    assert parse_language(typed) == code


def test_language_lists_mix_names_and_codes():
    assert parse_languages("Arabisch (ar), Frans; en, Tigrinya") == ("ar", "fr", "en", "ti")


def test_an_unknown_language_name_is_refused():
    with pytest.raises(CellError):
        parse_language("Klingon")


@given(st.sampled_from(sorted(languages.NAMES)), st.sampled_from(("nl", "fr", "en")))
def test_every_dropdown_label_reads_back_as_its_code(code, lang):
    assert parse_language(languages.labelled(code, lang)) == code
    assert parse_language(languages.name(code, lang)) == code
