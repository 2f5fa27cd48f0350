"""Issue 12, items 8, 10, 11, 13 and 14: values that used to pass validation and then crash
the solver, or pass silently and mean nonsense.

The workbooks are the crafted cell cases of tests/fuzz/make_corpus.py (the small example term
with one edit each), made in a temporary folder.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from scheduler.cli import main
from scheduler.data import ClosedDay, Course, RegimeBlock
from scheduler.errors import SchedulerError
from scheduler.excel import CELL_LIMIT, set_cell
from scheduler.report.figures import placed_kinds
from scheduler.report.reasons import waiting
from scheduler.report.timetable import build_workbook, fit_cell
from scheduler.rules import INT32_MAX, RANGES, WEIGHT_RANGE, Range
from scheduler.search.solve import solve
from scheduler.term import term_dates
from scheduler.workbook.cells import CellError, normalise_id, parse_float, parse_int
from scheduler.workbook.validate import check_workbook, validate
from tests.fuzz.make_corpus import cell_cases
from tests.helpers.terms import tiny_term


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, Path]:
    return {c.name: c.path for c in cell_cases(tmp_path_factory.mktemp("cells"))}


def errors_of(path: Path) -> list[str]:
    _data, problems = check_workbook(path)
    return [f"{p.where()}: {p.message}" for p in problems if p.severity == "error"]


# --- item 8: one table of ranges, for validation and the solver --------------------------------


@pytest.mark.parametrize(
    "case, where, words",
    [
        ("seed-2147483648", "Settings, row 8, column value", "from 0 to 2147483647"),
        ("seed-1e12", "Settings, row 8, column value", "from 0 to 2147483647"),
        ("max-size-1e30", "Courses, row 2, column max_size", "from 1 to 1000 (got 1e+30)"),
        ("max-periods-1e30", "Staff, row 2, column max_periods_per_week", "from 0 to 168"),
        ("seats-1e30", "Rooms, row 2, column seats", "from 1 to 1000"),
        ("term-end-9999-12-31", "Settings, row 4, column value", "years 2000 to 2099"),
        ("term-start-year-1", "Settings, row 3, column value", "years 2000 to 2099"),
        ("weight-1e17", "Weights, row 2, column value", "at most 1 decimal place"),
        ("weight-two-decimals", "Weights, row 2, column value", "(got 1.25)"),
        ("time-limit-negative", "Settings, row 7, column value", "more than 0 and at most"),
    ],
)
def test_item8_values_the_solver_cannot_use_are_refused_with_range_and_example(
    cases, case, where, words
):
    found = errors_of(cases[case])
    assert any(f.startswith(where) and words in f and "for example" in f for f in found), found


@pytest.mark.parametrize(("key", "bounds"), sorted(RANGES.items()))
def test_item8_every_example_passes_its_own_range(key, bounds):
    assert bounds.holds(float(bounds.example)), key
    assert not bounds.holds(math.nan) and not bounds.holds(math.inf)
    assert not bounds.holds(bounds.high + 1)


def test_item8_the_solver_takes_its_limits_from_the_same_table():
    data = tiny_term(regimes=(RegimeBlock("RA", "all", 1260, 1290, "count"),))
    with pytest.raises(SchedulerError, match="seed must be"):
        solve(data, time_limit=1, seed=INT32_MAX + 1, workers=1)
    with pytest.raises(SchedulerError, match="time_limit_s must be"):
        solve(data, time_limit=math.nan, seed=0, workers=1)
    assert RANGES[("Settings", "seed")].high == INT32_MAX  # CP-SAT's seed is an int32


@pytest.mark.parametrize("limit", ["nan", "inf", "-1", "0", "1e9"])
def test_item8_time_limit_nan_inf_negative_refused_by_the_command_line(limit, cases):
    result = CliRunner().invoke(main, ["solve", str(cases["seats-1.000"]), "--time-limit", limit])
    assert result.exit_code == 2
    assert "--time-limit" in result.output and "for example 60" in result.output


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_item8_weights_with_one_decimal_in_range_scale_to_int64(value):
    """A weight validation accepts times SCALE (10) times any count of the model fits int64."""
    if WEIGHT_RANGE.holds(value):
        scaled = round(value * 10)
        assert abs(scaled - value * 10) < 1e-6
        assert abs(scaled) * 10**9 < 2**63


def test_item8_ranges_describe_themselves():
    assert Range(1, 5, "3").message("priority", 9) == (
        "priority must be a whole number from 1 to 5 (got 9); for example 3"
    )


# --- item 10: every date closed ------------------------------------------------------------------


def test_item10_every_date_closed_warns_in_validate(cases):
    _data, problems = check_workbook(cases["every-date-closed"])
    assert any(
        p.severity == "warning" and p.sheet == "ClosedDays" and "nobody can be placed" in p.message
        for p in problems
    )


def test_item10_a_group_that_meets_on_no_date_places_nobody():
    data = tiny_term(regimes=(RegimeBlock("RA", "all", 1260, 1290, "count"),))
    result = solve(data, time_limit=2, workers=1)
    assert result.solution is not None and placed_kinds(data, result.solution)
    closed = data.replace(closed_days=tuple(ClosedDay(d) for d in term_dates(data)))
    assert any(p.severity == "warning" and "nobody" in p.message for p in validate(closed))
    assert placed_kinds(closed, result.solution) == {}
    rows = waiting(closed, result.solution)
    assert rows and all("never meets" in r.reason for r in rows if r.wants == "NT2")


# --- item 11: formulas without a cached value ---------------------------------------------------


@pytest.mark.parametrize(
    "case, where",
    [
        ("formula-without-value-seats", "Rooms, row 2, column seats"),
        ("formula-without-value-setting", "Settings, row 8, column value"),
        ("formula-text-in-name", "Sections, row 2, column name"),
    ],
)
def test_item11_a_formula_excel_has_not_calculated_is_reported(cases, case, where):
    found = errors_of(cases[case])
    assert any(
        f.startswith(where)
        and "holds a formula Excel has not calculated" in f
        and "open and save the file in Excel" in f
        for f in found
    ), found


# --- item 13: cells within Excel's limit --------------------------------------------------------


@given(
    st.lists(
        st.tuples(st.sampled_from(["NT2", "MO", "intake"]), st.text(min_size=0, max_size=20_000)),
        max_size=12,
    )
)
def test_item13_week_grid_cells_never_exceed_excels_limit(entries):
    kept = fit_cell(entries)
    assert sum(len(line) + 3 for _k, line in kept) <= CELL_LIMIT
    if len(kept) < len(entries) or any(a != b for a, b in zip(kept, entries, strict=False)):
        assert kept[-1][1].endswith("more") or kept[-1][1].endswith("…")


def test_item13_a_week_grid_with_long_course_names_is_cut_visibly():
    data = tiny_term(regimes=(RegimeBlock("RA", "all", 1260, 1290, "count"),))
    long = "a very long course name " * 2_000
    data = data.replace(courses=tuple(Course(**{**c.__dict__, "name": long}) for c in data.courses))
    result = solve(data, time_limit=2, workers=1)
    wb = build_workbook(data, result)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert len(str(cell.value or "")) <= CELL_LIMIT, (ws.title, cell.coordinate)


def test_item13_any_written_text_is_cut_with_what_was_left_out():
    ws = Workbook().active
    cell = set_cell(ws, 1, 1, "x" * 50_000)
    assert len(cell.value) == CELL_LIMIT and cell.value.endswith("more characters")


# --- item 14: plain numbers, 24:00, ids, rows ---------------------------------------------------


@pytest.mark.parametrize("text", ["1.000", "1_2", "1 000", "1,000", "1.000.000", "1e3", "nan"])
def test_item14_numbers_typed_with_groupings_are_refused(text):
    with pytest.raises(CellError):
        parse_int(text)
    with pytest.raises(CellError):
        parse_float(text)


@pytest.mark.parametrize("text, value", [("12", 12), ("12.5", 12.5), ("12,5", 12.5), (" 3 ", 3)])
def test_item14_plain_numbers_still_read(text, value):
    assert parse_float(text) == value


@pytest.mark.parametrize(
    "case, where, words",
    [
        ("seats-1.000", "Rooms, row 2, column seats", "digits grouped"),
        ("seats-1_2", "Rooms, row 2, column seats", "digits grouped"),
        ("seats-1-space-000", "Rooms, row 2, column seats", "digits grouped"),
        ("period-ends-24:00", "Periods, row 2, column end", "before 24:00"),
        ("id-with-zero-width-space", "Learners, row 3, column learner", "duplicate learner id"),
        ("id-fullwidth-duplicate", "Learners, row 3, column learner", "duplicate learner id"),
        ("scenario-adds-a-bad-row", "Scenarios, row 2, column value", "digits grouped"),
    ],
)
def test_item14_hand_typed_values_are_refused_where_they_are(cases, case, where, words):
    found = errors_of(cases[case])
    assert any(f.startswith(where) and words in f for f in found), found


@given(st.text(max_size=12))
def test_item14_ids_are_normalised_once_and_for_all(text):
    once = normalise_id(text)
    assert normalise_id(once) == once
    assert not any(ch in once for ch in "\u200b\u00ad\ufeff")
    assert normalise_id("\ufeff" + text + "\u200b ") == once


def test_item14_settings_and_weights_errors_give_their_row(cases):
    assert any(f.startswith("Settings, row 8") for f in errors_of(cases["seed-1e12"]))
    assert any(f.startswith("Weights, row 2") for f in errors_of(cases["weight-1e17"]))


def test_item14_errors_in_rows_a_scenario_adds_name_the_scenarios_row(tmp_path):
    from openpyxl import load_workbook

    from tests.fuzz.make_corpus import BASE, _scenario

    wb = load_workbook(BASE)
    _scenario("big", {"sheet": "Rooms", "value": "room=X9; kind=classroom; seats=5000",
                      "action": "add"})(wb)  # fmt: skip
    wb.save(tmp_path / "t.xlsx")
    result = CliRunner().invoke(main, ["compare", str(tmp_path / "t.xlsx"), "-o",
                                       str(tmp_path / "c.xlsx")])  # fmt: skip
    assert result.exit_code == 2
    assert (
        "Scenarios, row 2, column value: in scenario big: the row it adds to Rooms, column seats: "
        "seats must be a whole number from 1 to 1000" in result.output
    )


def test_item11_a_formula_in_a_header_is_reported_by_every_reader(tmp_path):
    """Found by the fuzz suite: a header cell holding a formula without its value reached the
    timetable reader (export) as an unexpected error; now it is exit 2 with a sentence."""
    from openpyxl import load_workbook

    from tests.fuzz.make_corpus import BASE

    wb = load_workbook(BASE)
    wb["ClosedDays"]["A1"] = "=1+1"
    wb.save(tmp_path / "t.xlsx")
    for args in (["validate", "t.xlsx"], ["export", "t.xlsx", "--ics", "cal"]):
        result = CliRunner().invoke(main, [*args[:1], str(tmp_path / args[1]), *args[2:]])
        assert result.exit_code == 2, result.output
        assert "bug" not in result.output
    assert (
        "holds a formula Excel has not calculated"
        in CliRunner().invoke(main, ["validate", str(tmp_path / "t.xlsx")]).output
    )
