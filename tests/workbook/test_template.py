"""The blank template: every sheet and column of the contract, frozen headers, dropdowns on the
fixed vocabularies, an About sheet covering every column, and validation that reports what is
missing rather than layout errors."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from scheduler.data import DEFAULT_WEIGHTS
from scheduler.workbook.template import ABOUT, COLUMN_HELP, write_template
from scheduler.workbook.validate import check_workbook
from scheduler.workbook.write import SETTINGS_KEYS, SHEETS, VOCABULARIES


@pytest.fixture(scope="module")
def template_path(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("template") / "term.xlsx")


@pytest.fixture(scope="module")
def wb(template_path):
    return load_workbook(template_path)


def test_every_sheet_and_column_of_the_contract(wb):
    assert wb.sheetnames == [ABOUT, *SHEETS]
    for sheet, columns in SHEETS.items():
        header = tuple(c.value for c in wb[sheet][1])
        assert header == columns, sheet


def test_headers_are_bold_and_frozen_and_columns_sized(wb):
    for sheet in (ABOUT, *SHEETS):
        ws = wb[sheet]
        assert ws.freeze_panes == "A2", sheet
        assert all(c.font.bold for c in ws[1]), sheet
        for cell in ws[1]:
            assert ws.column_dimensions[cell.column_letter].width >= len(cell.value), (
                sheet,
                cell.value,
            )


def _dropdowns(ws) -> dict[str, list[str]]:
    """Column letter -> allowed values of each list validation on the sheet."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        values = dv.formula1.strip('"').split(",")
        for rng in dv.sqref.ranges:
            out[rng.coord.split(":")[0].rstrip("0123456789")] = values
    return out


def test_dropdowns_on_every_fixed_vocabulary(wb):
    for (sheet, column), values in VOCABULARIES.items():
        ws = wb[sheet]
        letter = ws.cell(row=1, column=SHEETS[sheet].index(column) + 1).column_letter
        assert _dropdowns(ws).get(letter) == list(values), (sheet, column)


def test_dropdown_vocabularies_named_in_the_brief(wb):
    # Spot checks that the vocabularies are the contract's own words.
    assert _dropdowns(wb["Regimes"])["B"][-1] == "all"
    assert _dropdowns(wb["Learners"])["F"] == ["yes", "no"]
    assert _dropdowns(wb["Staff"])["C"] == ["nt2_teacher", "mo_trainer", "counsellor"]
    assert _dropdowns(wb["Sections"])["E"] == ["remand", "sentenced", "mixed"]
    assert "A" not in _dropdowns(wb["Periods"])  # free text columns get none


def test_about_sheet_explains_every_column_setting_and_weight(wb):
    rows = list(wb[ABOUT].iter_rows(min_row=2, values_only=True))
    covered = {(sheet, column) for sheet, column, *_ in rows}
    for sheet, columns in SHEETS.items():
        assert (sheet, None) in covered, sheet  # one line about the sheet itself
        for column in columns:
            assert (sheet, column) in covered, (sheet, column)
    for key in SETTINGS_KEYS:
        assert ("Settings", f"key = {key}") in covered
    for key in DEFAULT_WEIGHTS:
        assert ("Weights", f"key = {key}") in covered
    for sheet, column, meaning, example, _default in rows:
        if column and not column.startswith("key = ") and sheet != "Weights":
            assert meaning and example, (sheet, column)


def test_about_examples_match_the_help_table():
    # Every column of the contract has help, and nothing else does.
    assert set(COLUMN_HELP) == {(s, c) for s, cols in SHEETS.items() for c in cols}


def test_settings_keys_prefilled_blank_and_weights_with_defaults(wb):
    settings = list(wb["Settings"].iter_rows(min_row=2, values_only=True))
    assert settings == [(key, None) for key in SETTINGS_KEYS]
    weights = dict(wb["Weights"].iter_rows(min_row=2, values_only=True))
    assert weights == DEFAULT_WEIGHTS


def test_validating_the_blank_template_reports_only_what_is_missing(template_path):
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
    # Layout problems (missing, unknown or doubled columns) are reported on the header row.
    assert not any(p.row == 1 for p in problems)
    assert not any(p.sheet == ABOUT for p in problems)
