"""Reading the input workbook: what coordinators type is understood, rows keep their Excel
number, every problem is collected, and no corruption of a cell ever gives a traceback."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.cli import main
from scheduler.errors import WorkbookError
from scheduler.workbook import write as workbook
from scheduler.workbook.cells import (
    ACTIVITY,
    COURSE_KIND,
    ROLE,
    ROOM_KIND,
    CellError,
    as_text,
    parse_date,
    parse_day,
    parse_day_or_all,
    parse_days,
    parse_float,
    parse_int,
    parse_languages,
    parse_level,
    parse_time,
    parse_yes_no,
)
from scheduler.workbook.contract import SHEETS
from scheduler.workbook.validate import check_workbook, read_workbook
from tests.helpers.wbfactory import (
    BASE,
    append_row,
    base_sheets,
    delete_column,
    row_of,
    set_cell,
    write,
)


@pytest.fixture
def base_data(tmp_path):
    return read_workbook(write(base_sheets(), tmp_path / "base.xlsx"))


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        ("08:30", 510),
        ("8:30", 510),
        ("08.30", 510),
        ("8h30", 510),
        ("8u30", 510),
        (" 13:05 ", 785),
        ("1:30 pm", 810),
        ("8h", 480),
        (dt.time(8, 30), 510),
        (dt.time(8, 29, 59, 999000), 510),  # a float time rounded by Excel
        (dt.datetime(1899, 12, 30, 8, 30), 510),  # a time cell read as a datetime
        (dt.timedelta(hours=8, minutes=30), 510),  # a [h]:mm cell
        (0.3541666666, 510),  # a time cell whose format was lost
    ],
)
def test_times(value, minutes):
    assert parse_time(value) == minutes


@pytest.mark.parametrize(
    "value",
    [
        "8:3x",
        "25:00",
        "8:75",
        8.3,
        "noon",
        "13:00 pm",
        dt.datetime(2027, 1, 11),
        True,
        "24:00",
        1.0,
    ],
)
def test_bad_times(value):
    with pytest.raises(CellError, match="time"):
        parse_time(value)


@pytest.mark.parametrize(
    "value",
    [
        "2027-01-11",
        "2027/1/11",
        "11/01/2027",
        "11-01-2027",
        "11.01.2027",
        "2027-01-11 00:00:00",
        dt.datetime(2027, 1, 11),
        dt.date(2027, 1, 11),
        46398,  # the Excel serial number of 2027-01-11
    ],
)
def test_dates(value):
    assert parse_date(value) == dt.date(2027, 1, 11)


@pytest.mark.parametrize("value", ["31/02/2027", "01/13/2027", "tomorrow", 3, "2027-13-01"])
def test_bad_dates(value):
    with pytest.raises(CellError, match="date"):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("Mon", "Mon"),
        ("monday", "Mon"),
        ("MA", "Mon"),
        ("maandag", "Mon"),
        ("ma.", "Mon"),
        ("di", "Tue"),
        ("Dinsdag", "Tue"),
        ("Tues", "Tue"),
        ("wo", "Wed"),
        ("woensdag", "Wed"),
        ("do", "Thu"),
        ("Thur", "Thu"),
        ("thurs", "Thu"),
        ("vr", "Fri"),
        ("Vrijdag", "Fri"),
        ("za", "Sat"),
        ("zaterdag", "Sat"),
        ("zo", "Sun"),
        ("zondag", "Sun"),
        ("lundi", "Mon"),
    ],
)
def test_days_in_english_dutch_and_french(value, day):
    assert parse_day(value) == day


def test_all_days():
    assert parse_day_or_all("all") == parse_day_or_all(" ALLE ") == "all"
    assert parse_day_or_all("wo") == "Wed"
    with pytest.raises(CellError, match="day"):
        parse_day("someday")


@pytest.mark.parametrize(
    ("value", "days"),
    [
        ("ma;wo;vr", ("Mon", "Wed", "Fri")),
        ("Fri, Mon", ("Mon", "Fri")),
        ("Mon Wed", ("Mon", "Wed")),
        ("ma-do", ("Mon", "Tue", "Wed", "Thu")),
        ("Mon-Fri", ("Mon", "Tue", "Wed", "Thu", "Fri")),
    ],
)
def test_day_lists(value, days):
    assert parse_days(value) == days


def test_bad_item_of_a_list_is_named():
    with pytest.raises(CellError, match="'Funday'"):
        parse_days("Mon,Funday")


@pytest.mark.parametrize(
    ("value", "number"), [(12, 12), (12.0, 12), ("12", 12), ("12.0", 12), (" 3 ", 3)]
)
def test_whole_numbers(value, number):
    assert parse_int(value) == number


@pytest.mark.parametrize("value", [12.5, "12.5", "x", True, dt.date(2027, 1, 1)])
def test_bad_whole_numbers(value):
    with pytest.raises(CellError, match="whole number"):
        parse_int(value)


def test_numbers_with_a_decimal_comma():
    assert parse_float("2,5") == 2.5
    assert parse_float(" 60 ") == 60.0


@pytest.mark.parametrize("value", ["yes", "Ja", "Y", "true", "1", "x", True, 1])
def test_yes(value):
    assert parse_yes_no(value) is True


@pytest.mark.parametrize("value", ["no", "Nee", "N", "false", "0", False, 0])
def test_no(value):
    assert parse_yes_no(value) is False


def test_vocabularies_any_case_and_spelling():
    assert COURSE_KIND.parse("nt2") == "NT2"
    assert COURSE_KIND.parse("Mo") == "MO"
    assert ROLE.parse("NT2 teacher") == "nt2_teacher"
    assert ROLE.parse("Counselor") == "counsellor"
    assert ROOM_KIND.parse("Computer Lab") == "computer_lab"
    assert ACTIVITY.parse("Meal") == "meal"
    with pytest.raises(CellError, match="classroom, interview, computer_lab"):
        ROOM_KIND.parse("gym")


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (1.1, "1.1"),  # typed 1.1 in a number cell
        ("Alfa", "alfa"),
        ("alpha", "alfa"),
        ("1,2", "1.2"),
        (dt.datetime(2027, 2, 1), "1.2"),  # what a Dutch Excel makes of "1.2"
        ("3.1", "3.1"),  # unknown levels are kept; validation warns
    ],
)
def test_levels(value, level):
    assert parse_level(value) == level


def test_languages_lower_case_without_repeats():
    assert parse_languages("AR; fr, ar") == ("ar", "fr")


def test_text_of_numbers():
    assert as_text(12.0) == "12"
    assert as_text(1.1) == "1.1"
    assert as_text(dt.datetime(2027, 1, 11)) == "2027-01-11"


# ---------------------------------------------------------------------------------------------
# Sheets
# ---------------------------------------------------------------------------------------------


def test_base_reads_without_problems(tmp_path):
    data, problems = check_workbook(write(base_sheets(), tmp_path / "base.xlsx"))
    assert problems == []
    assert data is not None
    assert len(data.learners) == 10 and len(data.periods) == 6
    assert [lrn.row for lrn in data.learners] == list(range(2, 12))
    assert data.learner_by_id["L0004"].arrival == dt.date(2027, 1, 18)
    assert data.course_by_id["NT2-1.1"].level == "1.1"
    assert data.weights["intake"] == 60 and data.weights["served"] == 100
    assert data.scenarios[1].action == "add"


def test_what_coordinators_type_reads_as_the_base(tmp_path, base_data):
    """Excel times and dates, Dutch days, semicolons, numbers as text, ja/nee, odd case and
    spacing of sheet and column names: all read exactly as the plain base workbook."""
    s = base_sheets()
    s[" settings "] = s.pop("Settings")
    s["Internet Windows"] = s.pop("InternetWindows")
    header = s["Rooms"][0]
    header[header.index("internet_seats")] = "Internet Seats"
    for sheet, key, column, value in [
        (" settings ", "term_start", "value", dt.datetime(2027, 1, 11)),
        (" settings ", "term_end", "value", "30/04/2027"),
        (" settings ", "teaching_days", "value", "ma-vr"),
        (" settings ", "time_limit_s", "value", "10"),
        (" settings ", "seed", "value", "0.0"),
        ("Periods", "P1", "start", dt.time(8, 30)),
        ("Periods", "P1", "end", "9.20"),
        ("Periods", "P2", "start", "9h25"),
        ("Staff", "T1", "days", "ma;di;wo"),
        ("Staff", "T1", "languages", "NL; FR"),
        ("Courses", "NT2-1.1", "kind", "nt2"),
        ("Courses", "NT2-1.1", "sessions_per_week", "3 "),
        ("Courses", "NT2-1.1", "total_hours", "60,0"),
        ("Courses", "NT2-1.1", "level", 1.1),
        ("Courses", "MO-ar", "kind", "Mo"),
        ("Rooms", "LAB", "kind", "Computer Lab"),
        ("Learners", "L0001", "intake", "nee"),
        ("Learners", "L0001", "priority", "3.0"),
        ("Learners", "L0001", "internet_periods", " 1 "),
        ("Learners", "L0001", "wants", "nt2"),
        ("Learners", "L0002", "intake", "ja"),
        ("Learners", "L0002", "wants", "mo"),
        ("Learners", "L0003", "release", dt.datetime(2027, 3, 1)),
        ("Learners", "L0004", "arrival", "18/01/2027"),
        ("Learners", "L0004", "wants", "NT2; MO"),
        ("Learners", "L0004", "languages", "AR;FR"),
        ("Learners", "L0006", "intake", "x"),
    ]:
        set_cell(s, sheet, row_of(s, sheet, key), column, value)
    set_cell(s, "Regimes", 2, "day", "ALLE")
    set_cell(s, "Regimes", 3, "day", "maandag")
    set_cell(s, "ClosedDays", 2, "date", "09-02-2027")
    set_cell(s, "Learners", row_of(s, "Learners", "L0005"), "learner", " L0005 ")
    data, problems = check_workbook(write(s, tmp_path / "typed.xlsx"))
    assert problems == []
    assert data == base_data


def test_empty_rows_are_skipped_and_rows_keep_their_excel_number(tmp_path):
    s = base_sheets()
    s["Learners"].insert(3, [None] * 10)
    s["Learners"].insert(4, ["  ", None, ""])
    data = read_workbook(write(s, tmp_path / "gaps.xlsx"))
    assert len(data.learners) == 10
    assert data.learner_by_id["L0002"].row == 3
    assert data.learner_by_id["L0003"].row == 6


def test_extra_sheets_are_ignored_and_extra_columns_warned(tmp_path):
    s = base_sheets()
    s["About"] = [["sheet", "what"], ["Rooms", "the rooms"]]
    s["Rooms"][0].append("notes")
    s["Rooms"][1].append("near the chapel")
    s["Rooms"][0].append("internet_seat")
    data, problems = check_workbook(write(s, tmp_path / "extra.xlsx"))
    assert data is not None
    assert [(p.sheet, p.column, p.severity) for p in problems] == [
        ("Rooms", "notes", "warning"),
        ("Rooms", "internet_seat", "warning"),
    ]
    assert "did you mean internet_seats?" in problems[1].message


def test_missing_optional_sheets_are_fine(tmp_path, base_data):
    s = base_sheets()
    for name in ("ClosedDays", "Separations", "RoomUnavailability", "StaffAvailability"):
        del s[name]
    for name in ("LearnerUnavailability", "Locks", "Weights", "Scenarios"):
        del s[name]
    data, problems = check_workbook(write(s, tmp_path / "lean.xlsx"))
    assert problems == []
    assert data.closed_days == () and data.locks == () and data.scenarios == ()
    assert data.weights["intake"] == 50  # the documented default


def test_optional_columns_may_be_left_out(tmp_path):
    s = base_sheets()
    for sheet, column in [("Rooms", "zone"), ("Learners", "priority"), ("Courses", "max_groups")]:
        delete_column(s, sheet, column)
    data, problems = check_workbook(write(s, tmp_path / "narrow.xlsx"))
    assert problems == []
    assert {lrn.priority for lrn in data.learners} == {3}


def test_every_error_is_listed_at_once(tmp_path):
    s = base_sheets()
    set_cell(s, "Rooms", 2, "seats", "many")
    set_cell(s, "Learners", 3, "section", "Q")
    set_cell(s, "Periods", 4, "end", "9:00")
    with pytest.raises(WorkbookError) as raised:
        read_workbook(write(s, tmp_path / "three.xlsx"))
    places = {(p.sheet, p.row, p.column) for p in raised.value.problems}
    assert places == {("Rooms", 2, "seats"), ("Learners", 3, "section"), ("Periods", 4, "end")}


def test_a_row_left_out_is_not_reported_again_where_it_is_referred_to(tmp_path):
    s = base_sheets()
    set_cell(s, "Learners", row_of(s, "Learners", "L0001"), "priority", "high")
    data, problems = check_workbook(write(s, tmp_path / "one.xlsx"))
    assert data is None
    assert [(p.sheet, p.column) for p in problems if p.severity == "error"] == [
        ("Learners", "priority")
    ]


def test_a_missing_column_does_not_cascade(tmp_path):
    s = delete_column(base_sheets(), "Learners", "section")
    _, problems = check_workbook(write(s, tmp_path / "nosection.xlsx"))
    assert [(p.sheet, p.row, p.column) for p in problems] == [("Learners", 1, "section")]


def test_a_wrong_stored_size_does_not_hide_rows(tmp_path):
    """Some programs store a too-small size for a sheet; every row is read all the same."""
    path = write(base_sheets(), tmp_path / "dim.xlsx")
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(patched, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', content)
            dst.writestr(item, content)
    assert len(read_workbook(patched).learners) == 10


def test_every_record_field_without_default_is_required_or_defaulted():
    for spec in SHEETS.values():
        if spec.record is None:
            continue
        for f in dataclasses.fields(spec.record):
            if f.name == "row" or f.default is not dataclasses.MISSING:
                continue
            column = spec.column(f.name)
            assert column is not None and (column.required or column.default is not None), (
                spec.name,
                f.name,
            )


def test_written_terms_read_back_unchanged(tmp_path, base_data):
    path = workbook.write_workbook(base_data, tmp_path / "again.xlsx")
    assert read_workbook(path) == base_data


# ---------------------------------------------------------------------------------------------
# Random corruption of a valid workbook: exit 0 or 2, never a traceback
# ---------------------------------------------------------------------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
_CELL = st.one_of(
    st.none(),
    _TEXT,
    st.sampled_from(
        ["", " ", "#N/A", "all", "ma", "yes", "NT2", "08:30", "1.1", "L0001", "A", "=1+1"]
    ),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
    st.times(),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 1, 1)),
)
_SHEET_NAMES = sorted(BASE)


@st.composite
def corruptions(draw):
    """One to three (sheet, Excel row, column index, value) changes; the header row, a row
    past the end and a column past the last are fair game."""
    changes = []
    for _ in range(draw(st.integers(1, 3))):
        sheet = draw(st.sampled_from(_SHEET_NAMES))
        row = draw(st.integers(1, len(BASE[sheet]) + 1))
        col = draw(st.integers(0, len(BASE[sheet][0])))
        changes.append((sheet, row, col, draw(_CELL)))
    return changes


def _apply(changes) -> dict:
    s = base_sheets()
    for sheet, row, col, value in changes:
        while len(s[sheet]) < row:
            append_row(s, sheet, [])
        values = s[sheet][row - 1]
        values.extend([None] * (col + 1 - len(values)))
        values[col] = value
    return s


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corruptions())
def test_random_corruption_never_gives_a_traceback(changes):
    with tempfile.TemporaryDirectory() as folder:
        path = write(_apply(changes), Path(folder) / "term.xlsx")
        result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code == 2:
        assert "bug" not in result.output, result.output
