"""The template that teaches: every sheet and column of the contract, a note on every header,
one example row per sheet that the reader skips, Settings and Weights pre-filled with their
defaults, warning-style dropdowns (days in English and Dutch, sections, levels, wants,
languages by name), an About sheet of two printed pages, and validation that reports only
what is missing."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from scheduler import i18n
from scheduler.data import DEFAULT_WEIGHTS, Settings
from scheduler.workbook.contract import DUTCH_SHEETS, dutch_column
from scheduler.workbook.contract import SHEETS as CONTRACT
from scheduler.workbook.template import (
    ABOUT,
    COLUMN_HELP,
    LISTS,
    dropdowns,
    write_template,
)
from scheduler.workbook.validate import check_workbook
from scheduler.workbook.write import SETTINGS_KEYS, SHEETS, VOCABULARIES


@pytest.fixture(scope="module")
def template_path(tmp_path_factory):
    i18n.set_language("en")  # module fixtures run before the per-test English setting
    try:
        return write_template(tmp_path_factory.mktemp("template") / "term.xlsx")
    finally:
        i18n.set_language(None)


@pytest.fixture(scope="module")
def wb(template_path):
    return load_workbook(template_path)


def test_every_sheet_and_column_of_the_contract(wb):
    assert wb.sheetnames == [ABOUT, *SHEETS, LISTS]
    assert wb[LISTS].sheet_state == "hidden"
    for sheet, columns in SHEETS.items():
        header = tuple(c.value for c in wb[sheet][1])
        assert header == columns, sheet


def test_headers_are_bold_frozen_and_wide_enough(wb):
    for sheet in SHEETS:
        ws = wb[sheet]
        assert ws.freeze_panes == "A2", sheet
        for cell in ws[1]:
            assert cell.font.bold
            assert ws.column_dimensions[cell.column_letter].width >= len(cell.value), sheet


def test_every_header_has_a_note_with_meaning_example_default_and_dutch_name(wb):
    for sheet, columns in SHEETS.items():
        for cell, column in zip(wb[sheet][1], columns, strict=True):
            note = cell.comment.text
            meaning, example = COLUMN_HELP[(sheet, column)]
            assert note.startswith(meaning), (sheet, column)
            assert f"Example: {example}" in note
            assert "Default: " in note
            assert f"Dutch name (also accepted): {dutch_column(column)}" in note


def test_settings_and_weight_keys_have_notes_too(wb):
    for sheet in ("Settings", "Weights"):
        for row in wb[sheet].iter_rows(min_row=2):
            assert "Default: " in row[0].comment.text, (sheet, row[0].value)


def test_one_example_row_per_sheet_marked_and_parseable(wb):
    """Each example row, its mark taken off, holds values its columns accept."""
    for sheet, columns in SHEETS.items():
        if sheet in ("Settings", "Weights"):
            continue
        rows = list(wb[sheet].iter_rows(min_row=2, values_only=True))
        assert len(rows) == 1, sheet
        first = rows[0][0]
        assert first.startswith("EXAMPLE-"), sheet  # English here; VOORBEELD in Dutch
        values = [first.removeprefix("EXAMPLE-"), *rows[0][1:]]
        for column, value in zip(columns, values, strict=True):
            CONTRACT[sheet].column(column).kind.read(value)


def test_settings_prefilled_with_defaults_and_weights_with_theirs(wb):
    settings = dict(wb["Settings"].iter_rows(min_row=2, values_only=True))
    assert list(settings) == list(SETTINGS_KEYS)
    assert settings["prison"] is None and settings["term_start"] is None
    defaults = Settings(prison="", term_start=None, term_end=None)  # type: ignore[arg-type]
    assert settings["teaching_days"] == ",".join(defaults.teaching_days)
    assert settings["intake_weeks"] == defaults.intake_weeks
    assert settings["time_limit_s"] == defaults.time_limit_s
    assert settings["language"] == "en"  # the language the template was written in
    weights = dict(wb["Weights"].iter_rows(min_row=2, values_only=True))
    assert weights == DEFAULT_WEIGHTS


def _validations(ws) -> dict[str, object]:
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            out[rng.coord.split(":")[0].rstrip("0123456789")] = dv
    return out


def test_dropdowns_warn_but_accept_and_offer_dutch_days(wb):
    for (sheet, column), values in VOCABULARIES.items():
        letter = wb[sheet].cell(row=1, column=SHEETS[sheet].index(column) + 1).column_letter
        dv = _validations(wb[sheet])[letter]
        assert dv.errorStyle == "warning", (sheet, column)
        offered = dv.formula1.strip('"').split(",")
        assert set(values) <= set(offered)
    days = _validations(wb["InternetWindows"])["A"].formula1
    assert "Mon" in days and "maandag" in days


def test_dropdowns_for_section_level_wants_and_languages(wb):
    learners = _validations(wb["Learners"])
    assert learners["B"].formula1.startswith("Sections!")
    assert learners["D"].formula1 == '"alfa,1.1,1.2,2.1,2.2"'
    assert learners["E"].formula1.startswith(f"{LISTS}!")
    assert learners["C"].formula1.startswith(f"{LISTS}!")
    names = [c.value for c in wb[LISTS]["B"]]
    assert "Arabic (ar)" in names
    assert [c.value for c in wb[LISTS]["A"]][:3] == ["NT2", "MO", "NT2,MO"]


def test_language_names_shown_in_the_template_language(monkeypatch):
    i18n.set_language("nl")
    _formula, names = dropdowns("Learners")["languages"]
    assert "Arabisch (ar)" in names


def test_about_lists_every_sheet_with_dutch_names_settings_and_weights(wb):
    rows = list(wb[ABOUT].iter_rows(min_row=2, values_only=True))
    by_first = {r[0]: r for r in rows}
    for sheet in SHEETS:
        assert by_first[sheet][1] == DUTCH_SHEETS[sheet]
        assert "learner (leerling)" in by_first["Learners"][3]
    for key in (*SETTINGS_KEYS, *DEFAULT_WEIGHTS):
        assert key in by_first, key
    assert by_first["prison"][1] == "required"
    assert by_first["intake_weeks"][1] == "2"


def test_about_prints_on_two_a4_pages_at_most(wb):
    ws = wb[ABOUT]
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 2
    assert ws.sheet_properties.pageSetUpPr.fitToPage


def test_validating_the_template_reports_only_what_is_missing(template_path):
    data, problems = check_workbook(template_path)
    assert data is None
    errors = [p for p in problems if p.severity == "error"]
    assert {p.sheet for p in errors} == {
        "Settings",
        "Periods",
        "Sections",
        "Rooms",
        "Staff",
        "Courses",
    }
    settings = [p.message for p in errors if p.sheet == "Settings"]
    assert len(settings) == 3
    for key in ("prison", "term_start", "term_end"):
        assert any(key in message for message in settings), key
    assert not any(p.row == 1 for p in problems)
    assert not any(p.sheet in (ABOUT, LISTS) for p in problems)


def test_template_in_dutch_marks_examples_voorbeeld(tmp_path):
    i18n.set_language("nl")
    path = write_template(tmp_path / "sjabloon.xlsx")
    wb = load_workbook(path)
    assert wb["Learners"]["A2"].value.startswith("VOORBEELD-")
    assert wb["About"]["A2"].value == "Zo vult u deze werkmap in"
    assert dict(wb["Settings"].iter_rows(min_row=2, values_only=True))["language"] == "nl"
    data, problems = check_workbook(path)
    assert data is None and not any(p.sheet == "Learners" and p.row == 2 for p in problems)
