"""A table of broken workbooks: each makes `scheduler validate` exit 2, name the right place
(sheet, and row and column where there is one), print no traceback and write nothing.

Every case is one change to the valid base term of ``wbfactory``; row numbers are Excel rows
(row 1 is the header, so the first data row is 2).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli import main
from tests.helpers.wbfactory import (
    Sheets,
    append_row,
    base_sheets,
    delete_column,
    delete_sheet,
    set_cell,
    write,
)

Mutation = Callable[[Sheets], object]


def cell(sheet: str, row: int, column: str, value: object) -> Mutation:
    return lambda s: set_cell(s, sheet, row, column, value)


def rename_column(sheet: str, column: str, new: str) -> Mutation:
    def mutate(s: Sheets) -> None:
        header = s[sheet][0]
        header[header.index(column)] = new

    return mutate


def swap_rows(sheet: str, a: int, b: int) -> Mutation:
    def mutate(s: Sheets) -> None:
        s[sheet][a - 1], s[sheet][b - 1] = s[sheet][b - 1], s[sheet][a - 1]

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(s: Sheets) -> None:
        for m in mutations:
            m(s)

    return mutate


# (mutation, sheet, row, column): where the problem must be reported. One line per case.
# fmt: off
CASES = [
    # A required sheet is missing.
    pytest.param(lambda s: delete_sheet(s, "Settings"), "Settings", None, None, id="no-settings"),
    # The Courses sheet is missing.
    pytest.param(lambda s: delete_sheet(s, "Courses"), "Courses", None, None, id="no-courses"),
    # A required column is missing.
    pytest.param(lambda s: delete_column(s, "Rooms", "seats"), "Rooms", 1, "seats", id="no-seats-column"),
    # The learners' section column is missing.
    pytest.param(lambda s: delete_column(s, "Learners", "section"), "Learners", 1, "section", id="no-section-column"),
    # The same column twice in the header.
    pytest.param(rename_column("Rooms", "zone", "Seats"), "Rooms", 1, "seats", id="column-twice"),
    # The prison's name is left blank.
    pytest.param(cell("Settings", 2, "value", None), "Settings", 2, None, id="prison-blank"),
    # term_start is not a date.
    pytest.param(cell("Settings", 3, "value", "next monday"), "Settings", 3, "value", id="term-start-text"),
    # The term ends before it starts.
    pytest.param(cell("Settings", 4, "value", "2026-12-01"), "Settings", 4, "value", id="term-reversed"),
    # A misspelt Settings key must not pass silently.
    pytest.param(cell("Settings", 10, "key", "intake_weks"), "Settings", 10, "key", id="settings-typo"),
    # An unknown teaching day.
    pytest.param(cell("Settings", 5, "value", "Mon,Funday"), "Settings", 5, "value", id="teaching-day-typo"),
    # Escort capacity of zero.
    pytest.param(cell("Settings", 6, "value", 0), "Settings", 6, "value", id="max-moving-zero"),
    # A period start that is not a time.
    pytest.param(cell("Periods", 2, "start", "8:3x"), "Periods", 2, "start", id="period-time-typo"),
    # A period that ends before it starts.
    pytest.param(both(cell("Periods", 3, "start", "10:15"), cell("Periods", 3, "end", "09:25")), "Periods", 3, "end", id="period-reversed"),
    # Two periods overlap.
    pytest.param(cell("Periods", 3, "start", "09:00"), "Periods", 3, "start", id="period-overlap"),
    # Periods not in the order of the day.
    pytest.param(swap_rows("Periods", 2, 3), "Periods", 3, "start", id="periods-unordered"),
    # Two periods with one id.
    pytest.param(cell("Periods", 4, "period", "P2"), "Periods", 4, "period", id="period-duplicate"),
    # A section follows a regime that is not on Regimes.
    pytest.param(cell("Sections", 2, "regime", "R-X"), "Sections", 2, "regime", id="unknown-regime"),
    # A gender outside M/F.
    pytest.param(cell("Sections", 2, "gender", "X"), "Sections", 2, "gender", id="bad-gender"),
    # A regime row with a day that is not a day.
    pytest.param(cell("Regimes", 2, "day", "someday"), "Regimes", 2, "day", id="regime-day"),
    # A regime block that ends before it starts.
    pytest.param(cell("Regimes", 3, "end", "08:00"), "Regimes", 3, "end", id="regime-reversed"),
    # A separation with a learner that does not exist.
    pytest.param(cell("Separations", 3, "b", "L9999"), "Separations", 3, "b", id="separation-unknown"),
    # Seats typed as a word.
    pytest.param(cell("Rooms", 2, "seats", "twelve"), "Rooms", 2, "seats", id="seats-text"),
    # A room without seats.
    pytest.param(cell("Rooms", 2, "seats", 0), "Rooms", 2, "seats", id="seats-zero"),
    # An Excel error value where a number belongs.
    pytest.param(cell("Rooms", 2, "seats", "#N/A"), "Rooms", 2, "seats", id="excel-error"),
    # More internet seats than seats.
    pytest.param(cell("Rooms", 3, "internet_seats", 20), "Rooms", 3, "internet_seats", id="internet-over-seats"),
    # Internet seats in a classroom.
    pytest.param(cell("Rooms", 2, "internet_seats", 2), "Rooms", 2, "internet_seats", id="internet-in-classroom"),
    # An unknown room kind.
    pytest.param(cell("Rooms", 2, "kind", "gym"), "Rooms", 2, "kind", id="room-kind"),
    # Unavailability of a room that does not exist.
    pytest.param(cell("RoomUnavailability", 2, "room", "C9"), "RoomUnavailability", 2, "room", id="unavailable-unknown-room"),
    # An internet window that ends before it starts.
    pytest.param(cell("InternetWindows", 2, "end", "12:00"), "InternetWindows", 2, "end", id="window-reversed"),
    # An unknown staff role.
    pytest.param(cell("Staff", 2, "role", "cook"), "Staff", 2, "role", id="staff-role"),
    # A trainer who teaches a course that does not exist.
    pytest.param(cell("Staff", 3, "teaches", "MO-xx"), "Staff", 3, "teaches", id="teaches-unknown"),
    # A negative weekly load.
    pytest.param(cell("Staff", 2, "max_periods_per_week", -1), "Staff", 2, "max_periods_per_week", id="negative-load"),
    # Availability of a staff member who does not exist.
    pytest.param(cell("StaffAvailability", 2, "staff", "T9"), "StaffAvailability", 2, "staff", id="availability-unknown"),
    # min_size above max_size.
    pytest.param(cell("Courses", 2, "min_size", 11), "Courses", 2, "min_size", id="min-over-max"),
    # A session longer than the day.
    pytest.param(cell("Courses", 2, "session_periods", 7), "Courses", 2, "session_periods", id="session-too-long"),
    # More internet sessions than sessions.
    pytest.param(cell("Courses", 2, "internet_sessions", 4), "Courses", 2, "internet_sessions", id="internet-sessions"),
    # An NT2 course without a level.
    pytest.param(cell("Courses", 3, "level", None), "Courses", 3, "level", id="nt2-no-level"),
    # Half a session a week.
    pytest.param(cell("Courses", 2, "sessions_per_week", 2.5), "Courses", 2, "sessions_per_week", id="sessions-fraction"),
    # Two courses with one id.
    pytest.param(cell("Courses", 4, "course", "NT2-1.2"), "Courses", 4, "course", id="course-duplicate"),
    # A learner in a section that does not exist.
    pytest.param(cell("Learners", 2, "section", "Z"), "Learners", 2, "section", id="learner-section"),
    # Priority out of 1..5.
    pytest.param(cell("Learners", 2, "priority", 9), "Learners", 2, "priority", id="priority-range"),
    # An intake flag that is neither yes nor no.
    pytest.param(cell("Learners", 3, "intake", "maybe"), "Learners", 3, "intake", id="intake-flag"),
    # Release before arrival.
    pytest.param(cell("Learners", 5, "release", "2027-01-12"), "Learners", 5, "release", id="release-before-arrival"),
    # Something other than NT2 or MO asked.
    pytest.param(cell("Learners", 2, "wants", "NT2,cooking"), "Learners", 2, "wants", id="wants-unknown"),
    # A date that does not exist.
    pytest.param(cell("Learners", 2, "release", "31/02/2027"), "Learners", 2, "release", id="impossible-date"),
    # A language that is neither a code nor a known name.
    pytest.param(cell("Learners", 2, "languages", "Elvish"), "Learners", 2, "languages", id="language-unknown"),
    # A learner row without its id.
    pytest.param(cell("Learners", 2, "learner", None), "Learners", 2, "learner", id="learner-id-blank"),
    # More internet periods than teaching days.
    pytest.param(cell("Learners", 2, "internet_periods", 6), "Learners", 2, "internet_periods", id="internet-periods"),
    # Unavailability of a learner who does not exist.
    pytest.param(cell("LearnerUnavailability", 2, "learner", "L0999"), "LearnerUnavailability", 2, "learner", id="learner-unavailable-unknown"),
    # A closed day for a section that does not exist.
    pytest.param(cell("ClosedDays", 2, "sections", "A,Q"), "ClosedDays", 2, "sections", id="closed-section"),
    # A lock on a period that does not exist.
    pytest.param(cell("Locks", 2, "period", "P9"), "Locks", 2, "period", id="lock-period"),
    # A lock whose group belongs to another course.
    pytest.param(cell("Locks", 2, "group", "NT2-1.1-1"), "Locks", 2, "group", id="lock-group-course"),
    # A lock on a day without teaching.
    pytest.param(cell("Locks", 2, "day", "Sat"), "Locks", 2, "day", id="lock-weekend"),
    # A misspelt weight.
    pytest.param(cell("Weights", 2, "key", "servd"), "Weights", 2, "key", id="weight-typo"),
    # A weight that is not a number.
    pytest.param(cell("Weights", 3, "value", "lots"), "Weights", 3, "value", id="weight-text"),
    # A scenario on a sheet that does not exist.
    pytest.param(cell("Scenarios", 2, "sheet", "Roms"), "Scenarios", 2, "sheet", id="scenario-sheet"),
    # A scenario on a column that does not exist.
    pytest.param(cell("Scenarios", 2, "column", "wifi"), "Scenarios", 2, "column", id="scenario-column"),
    # A scenario on a row that does not exist.
    pytest.param(cell("Scenarios", 2, "key", "LAB2"), "Scenarios", 2, "key", id="scenario-row"),
    # A scenario value that cannot go in its column.
    pytest.param(cell("Scenarios", 2, "value", "many"), "Scenarios", 2, "value", id="scenario-value"),
    # A scenario that adds a row without its required columns.
    pytest.param(lambda s: append_row(s, "Scenarios", ["x", "Rooms", None, None, "room=C2", "add"]), "Scenarios", 5, "value", id="scenario-add-incomplete"),
]
# fmt: on


def expected_place(sheet: str, row: int | None, column: str | None) -> str:
    """How the CLI names the place of a problem: ``Rooms, row 2, column seats:``."""
    parts = (
        [sheet]
        + ([f"row {row}"] if row is not None else [])
        + ([f"column {column}"] if column else [])
    )
    return ", ".join(parts) + ":"


def run_validate(path: Path):
    return CliRunner().invoke(main, ["validate", str(path)])


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def assert_rejected(result, folder: Path, before: list[str]) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert listing(folder) == before  # nothing written


def test_there_are_enough_cases():
    assert len(CASES) >= 35


@pytest.mark.parametrize(("mutate", "sheet", "row", "column"), CASES)
def test_broken_workbook(tmp_path, monkeypatch, mutate, sheet, row, column):
    monkeypatch.chdir(tmp_path)  # anything written to the working folder would show
    sheets = base_sheets()
    mutate(sheets)
    path = write(sheets, tmp_path / "term.xlsx")
    before = listing(tmp_path)
    result = run_validate(path)
    assert_rejected(result, tmp_path, before)
    lines = [
        line
        for line in result.output.splitlines()
        if line.startswith(expected_place(sheet, row, column))
    ]
    assert lines, f"no problem at {expected_place(sheet, row, column)} in:\n{result.output}"


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _text(path: Path) -> Path:
    path.write_text("learner;section\nL0001;A\n", encoding="utf-8")
    return path


def _corrupt_zip(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 100)
    return path


def _truncated(path: Path) -> Path:
    write(base_sheets(), path)
    path.write_bytes(path.read_bytes()[:3000])
    return path


def _encrypted(path: Path) -> Path:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048)
    return path


def _legacy_xls(path: Path) -> Path:
    target = path.with_suffix(".xls")
    target.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "Workbook".encode("utf-16-le")
    )
    return target


def _other_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    return path


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


def _missing(path: Path) -> Path:
    return path


def _too_large(path: Path) -> Path:
    with path.open("wb") as fh:
        fh.truncate(60 * 1024 * 1024)  # sparse: takes no disk space
    return path


def _stray_row(path: Path) -> Path:
    sheets = base_sheets()
    sheets["Learners"].extend([[None]] * 100_001)
    sheets["Learners"].append(["L9999"])
    return write(sheets, path)


def test_a_stray_row_far_below_the_data_is_named_by_its_row(tmp_path, monkeypatch):
    """Rows the file does not hold cost nothing (issue 12, item 4); the stray row itself is
    an ordinary row with problems, named by its Excel row number."""
    monkeypatch.chdir(tmp_path)
    result = run_validate(_stray_row(tmp_path / "term.xlsx"))
    assert result.exit_code == 2
    assert "Learners, row 100013, column section: section is empty" in result.output


# (how the file is made, a phrase the one-sentence message must hold)
FILE_CASES = [
    pytest.param(_empty, "empty", id="empty-file"),  # 0 bytes
    pytest.param(_text, "text file", id="text-file"),  # a CSV renamed .xlsx
    pytest.param(_corrupt_zip, "damaged", id="corrupt-zip"),  # zip header, garbage after
    pytest.param(_truncated, "damaged", id="truncated"),  # a real workbook cut short
    pytest.param(_encrypted, "password", id="encrypted"),  # OLE2 header of an encrypted file
    pytest.param(_legacy_xls, ".xls", id="legacy-xls"),  # Excel 97-2003
    pytest.param(_other_zip, "not an Excel workbook", id="zip-not-xlsx"),  # a .docx, say
    pytest.param(_directory, "folder", id="directory"),  # a folder named term.xlsx
    pytest.param(_missing, "does not exist", id="missing-file"),  # a typo in the name
    pytest.param(_too_large, "too large", id="too-large"),  # 60 MB on disk
]


@pytest.mark.parametrize(("make", "phrase"), FILE_CASES)
def test_unreadable_file(tmp_path, monkeypatch, make, phrase):
    monkeypatch.chdir(tmp_path)
    path = make(tmp_path / "term.xlsx")
    before = listing(tmp_path)
    result = run_validate(path)
    assert_rejected(result, tmp_path, before)
    assert phrase in result.output
    assert len(result.output.strip().splitlines()) == 1  # one sentence
