"""Conformance: the input rules of workbook.md, tested through reading and validation (and the
``validate`` command), on the valid base workbook of tests/helpers/wbfactory.py with one change
each. RULES.md maps each sentence to its tests."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from scheduler.cli import main
from scheduler.data import DEFAULT_WEIGHTS
from scheduler.errors import Problem
from scheduler.workbook.validate import check_workbook
from tests.helpers.wbfactory import (
    append_row,
    base_sheets,
    column_index,
    delete_column,
    delete_sheet,
    header,
    row_of,
    set_cell,
    write,
)


def read(tmp_path, sheets):
    """(data or None, problems) of the workbook made of ``sheets``."""
    return check_workbook(write(sheets, tmp_path / "term.xlsx"))


def errors(tmp_path, sheets) -> list[Problem]:
    return [p for p in read(tmp_path, sheets)[1] if p.severity == "error"]


def the_error(tmp_path, sheets) -> Problem:
    """The one error of the workbook."""
    found = errors(tmp_path, sheets)
    assert len(found) == 1, [(p.sheet, p.row, p.column, p.message) for p in found]
    return found[0]


def test_sheet_and_column_names_are_matched_case_insensitively_with_spaces_ignored(tmp_path):
    sheets = base_sheets()
    sheets[" LEARNERS "] = sheets.pop("Learners")
    sheets[" LEARNERS "][0][0] = " Learner"
    data, problems = read(tmp_path, sheets)
    assert data is not None and len(data.learners) == 10 and not problems
    renamed = base_sheets()
    renamed["Leerders"] = renamed.pop("Learners")
    assert any(p.sheet == "Learners" for p in errors(tmp_path, renamed))


def test_optional_sheets_and_columns_may_be_left_out(tmp_path):
    sheets = delete_column(
        delete_sheet(base_sheets(), "LearnerUnavailability"), "Learners", "release"
    )
    data, problems = read(tmp_path, sheets)
    assert data is not None and data.learner_unavailability == ()
    assert all(lr.release is None for lr in data.learners)
    assert [p for p in problems if p.severity == "error"] == []


def test_new_optional_columns_may_be_added(tmp_path):
    sheets = base_sheets()
    for row in sheets["Learners"]:
        row.append("notes" if row is sheets["Learners"][0] else "a remark")
    data, _problems = read(tmp_path, sheets)
    assert data is not None and errors(tmp_path, sheets) == []


def test_data_starts_on_row_2_empty_rows_are_skipped_and_rows_keep_their_number(tmp_path):
    sheets = base_sheets()
    sheets["Learners"].insert(2, [None] * len(sheets["Learners"][0]))  # Excel row 3 is empty
    set_cell(sheets, "Learners", 4, "priority", 9)  # the second learner, now on row 4
    problem = the_error(tmp_path, sheets)
    assert (problem.sheet, problem.row, problem.column) == ("Learners", 4, "priority")
    data, _ = read(tmp_path, set_cell(sheets, "Learners", 4, "priority", 3))
    assert data is not None and len(data.learners) == 10 and data.learners[0].row == 2


def test_ids_are_unique_within_their_sheet_and_case_sensitive(tmp_path):
    sheets = base_sheets()
    copy = list(sheets["Learners"][1])
    append_row(sheets, "Learners", copy)
    problem = the_error(tmp_path, sheets)
    assert (problem.sheet, problem.row, problem.column) == ("Learners", 12, "learner")
    assert "duplicate" in problem.message
    sheets["Learners"][-1][0] = "l0001"
    data, _ = read(tmp_path, sheets)
    assert data is not None and {"L0001", "l0001"} <= set(data.learner_by_id)


def test_lists_inside_one_cell_are_comma_separated(tmp_path):
    sheets = set_cell(base_sheets(), "Learners", 2, "languages", "ar, fr,en")
    data, _ = read(tmp_path, sheets)
    assert data.learner_by_id["L0001"].languages == ("ar", "fr", "en")


def test_learners_are_identified_by_an_id_and_need_no_name():
    assert "name" not in header("Learners")


@pytest.mark.parametrize(
    ("sheet", "column", "value", "words"),
    [
        ("Regimes", "day", "Mox", "day"),
        ("Periods", "start", "half past eight", "time"),
        ("Periods", "end", "24:61", "time"),
        ("ClosedDays", "date", "2027-13-40", "date"),
        ("Learners", "languages", "elvish", "language code"),
    ],
)
def test_days_times_dates_and_languages_are_read_in_their_forms_or_refused(
    tmp_path, sheet, column, value, words
):
    found = errors(tmp_path, set_cell(base_sheets(), sheet, 2, column, value))
    assert any(
        (p.sheet, p.row, p.column) == (sheet, 2, column) and words in p.message for p in found
    )


def test_times_and_dates_as_excel_values_or_text_read_the_same(tmp_path):
    sheets = set_cell(base_sheets(), "Periods", 2, "start", dt.time(8, 30))
    set_cell(sheets, "ClosedDays", 2, "date", "2027-02-09")
    data, problems = read(tmp_path, sheets)
    assert data.periods[0].start == 510 and data.closed_days[0].date == dt.date(2027, 2, 9)


@pytest.mark.parametrize("key", ["prison", "term_start", "term_end"])
def test_prison_term_start_and_term_end_are_required(tmp_path, key):
    sheets = base_sheets()
    del sheets["Settings"][row_of(sheets, "Settings", key) - 1]
    problem = the_error(tmp_path, sheets)
    assert problem.sheet == "Settings" and key in problem.message


def test_settings_defaults(tmp_path):
    sheets = base_sheets()
    sheets["Settings"] = [
        r for r in sheets["Settings"] if r[0] in ("key", "prison", "term_start", "term_end")
    ]
    s = read(tmp_path, sheets)[0].settings
    assert (s.teaching_days, s.max_groups_moving, s.time_limit_s, s.seed) == (
        ("Mon", "Tue", "Wed", "Thu", "Fri"),
        None,
        60.0,
        0,
    )
    assert (s.intake_periods, s.intake_weeks) == (1, 2)


def test_unknown_settings_keys_are_an_error(tmp_path):
    sheets = base_sheets()
    append_row(sheets, "Settings", ["time_limit", 30])
    problem = the_error(tmp_path, sheets)
    assert problem.sheet == "Settings" and "time_limit" in problem.message


def test_periods_are_the_teaching_periods_of_a_day_in_order(tmp_path):
    sheets = base_sheets()
    sheets["Periods"][1], sheets["Periods"][2] = sheets["Periods"][2], sheets["Periods"][1]
    problem = the_error(tmp_path, sheets)
    assert problem.sheet == "Periods"


@pytest.mark.parametrize(
    ("sheet", "column", "value"),
    [
        ("ClosedDays", "reason", "party"),
        ("Sections", "gender", "X"),
        ("Sections", "status", "jailed"),
        ("Regimes", "activity", "dance"),
        ("Rooms", "kind", "gym"),
        ("Staff", "role", "cook"),
        ("Courses", "kind", "Maths"),
        ("Learners", "wants", "Yoga"),
        ("Locks", "kind", "table"),
    ],
)
def test_the_listed_values_of_a_column_are_the_only_ones_accepted(tmp_path, sheet, column, value):
    problem = the_error(tmp_path, set_cell(base_sheets(), sheet, 2, column, value))
    assert (problem.sheet, problem.row, problem.column) == (sheet, 2, column)


def test_a_separation_side_is_a_learner_id_or_a_section_id(tmp_path):
    problem = the_error(tmp_path, set_cell(base_sheets(), "Separations", 2, "a", "Z9"))
    assert (problem.sheet, problem.row, problem.column) == ("Separations", 2, "a")


def test_internet_seats_only_in_a_computer_lab(tmp_path):
    problem = the_error(tmp_path, set_cell(base_sheets(), "Rooms", 2, "internet_seats", 2))
    assert (problem.sheet, problem.row, problem.column) == ("Rooms", 2, "internet_seats")


def test_a_regime_day_may_be_all(tmp_path):
    data, _ = read(tmp_path, base_sheets())
    assert "all" in {r.day for r in data.regimes}


def test_weights_have_documented_defaults_and_an_unknown_key_is_an_error(tmp_path):
    for key in (
        "served",
        "intake",
        "internet",
        "release_risk",
        "same_day",
        "staff_days",
        "room_changes",
    ):
        assert key in DEFAULT_WEIGHTS
    sheets = base_sheets()
    append_row(sheets, "Weights", ["servd", 10])
    problem = the_error(tmp_path, sheets)
    assert (problem.sheet, problem.column) == ("Weights", "key") and "servd" in problem.message


def test_the_validate_command_names_sheet_row_and_column_and_exits_2(tmp_path):
    path = write(set_cell(base_sheets(), "Rooms", 3, "seats", -1), tmp_path / "bad.xlsx")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "Rooms" in result.output and "row 3" in result.output and "seats" in result.output
    assert column_index(base_sheets(), "Rooms", "seats") >= 0


def test_command_line_flags_override_settings(tmp_path, monkeypatch):
    """The base workbook says time_limit_s 10 and seed 0; the flags win."""
    import scheduler.pipeline as pipeline

    seen: dict = {}
    real = pipeline.search

    def spy(data, **kw):
        seen.update(kw, settings=(data.settings.time_limit_s, data.settings.seed))
        return real(data, **kw)

    monkeypatch.setattr(pipeline, "search", spy)
    path = write(base_sheets(), tmp_path / "term.xlsx")
    args = [
        "solve",
        str(path),
        "-o",
        str(tmp_path / "out.xlsx"),
        "--time-limit",
        "1",
        "--seed",
        "7",
    ]
    result = CliRunner().invoke(main, [*args, "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "up to 1 s" in result.output
    params = seen["params"]
    assert (params.time_limit, params.seed, seen["settings"]) == (1.0, 7, (10.0, 0))


def _without_settings(sheets, *keys: str):
    sheets["Settings"] = [r for r in sheets["Settings"] if r[0] not in keys]
    return sheets


def test_settings_language_and_completion_share_keys_added_2026_12_01(tmp_path):
    """Settings `language` (nl, fr, en; default nl) and `completion_share` (default 0.8)."""
    sheets = _without_settings(base_sheets(), "language", "completion_share")
    s = read(tmp_path, sheets)[0].settings
    assert (s.language, s.completion_share) == ("nl", 0.8)
    append_row(sheets, "Settings", ["language", "fr"])
    append_row(sheets, "Settings", ["completion_share", "0,7"])
    s = read(tmp_path, sheets)[0].settings
    assert (s.language, s.completion_share) == ("fr", 0.7)
    for key, bad in (("language", "de"), ("completion_share", 1.5), ("completion_share", 0)):
        broken = _without_settings(base_sheets(), "language", "completion_share")
        append_row(broken, "Settings", [key, bad])
        problem = the_error(tmp_path, broken)
        assert problem.sheet == "Settings" and problem.row is not None, problem


def test_weights_keys_added_2026_12_01_have_their_defaults(tmp_path):
    """Weights `fairness` (0) and the re-plan costs `moved_*` (replan.md) with their defaults;
    a value with more than one decimal place is refused (weights are scaled x10)."""
    assert {k: DEFAULT_WEIGHTS[k] for k in DEFAULT_WEIGHTS if k.startswith("moved_")} == {
        "moved_session": 200,
        "moved_room": 50,
        "moved_staff": 100,
        "moved_learner": 80,
        "moved_intake": 30,
        "moved_internet": 10,
    }
    assert DEFAULT_WEIGHTS["fairness"] == 0
    sheets = base_sheets()
    append_row(sheets, "Weights", ["moved_room", 60])
    append_row(sheets, "Weights", ["fairness", 12.5])
    weights = read(tmp_path, sheets)[0].weights
    assert (weights["moved_room"], weights["fairness"]) == (60, 12.5)
    broken = base_sheets()
    append_row(broken, "Weights", ["moved_staff", 1.25])
    assert the_error(tmp_path, broken).sheet == "Weights"
