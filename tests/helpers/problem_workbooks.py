"""Workbooks with every kind of problem ``validate`` can report, built in code.

Each entry of ``WORKBOOKS`` is the base term (``tests.helpers.wbfactory``) changed so that it
shows many problems at once. Some problems hide others (a term whose dates are out of order
skips the checks against the term, a missing sheet skips every cross-sheet check, a row the
reader leaves out silences warnings about what it might have held), so the set holds several
workbooks, each with problems that do not hide one another. ``tests/workbook/
test_validate_language.py`` checks that together they produce every message of
``scheduler/workbook/validate.py`` and the reader, and that each reads in Dutch and French.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

from scheduler.data import Lock, ProblemData
from tests.helpers.wbfactory import Sheets, append_row, base_sheets, row_of, set_cell


def _setting(sheets: Sheets, key: str, value: object) -> None:
    for row in sheets["Settings"][1:]:
        if row[0] == key:
            row[1] = value
            return
    sheets["Settings"].append([key, value])


def _learner(sheets: Sheets, **values: object) -> int:
    row = {"section": "A", "languages": "ar", "wants": "NT2", "nt2_level": "1.1", "priority": 3}
    return append_row(sheets, "Learners", row | values)


def cross_sheet() -> Sheets:
    """The checks between sheets, on a term whose dates and layout are fine."""
    s = base_sheets()
    # Settings: a range, intake longer than a day, intake weeks longer than the term.
    _setting(s, "seed", -1)
    _setting(s, "intake_periods", 12)
    _setting(s, "intake_weeks", 53)
    _setting(s, "time_limit_s", 0)
    # Periods: an end before its start, one that starts before the row above, one overlapping.
    set_cell(s, "Periods", row_of(s, "Periods", "P6"), "end", "14:00")
    append_row(s, "Periods", ["P7", "08:00", "08:20"])
    append_row(s, "Periods", ["P8", "08:10", "08:25"])
    # Ids and references: a duplicate room, an unknown section, an unknown room (a row of a
    # sheet without ids), a regime nobody follows.
    append_row(s, "Rooms", ["C1", "Copy", "classroom", 12, 0, "north", None])
    _learner(s, learner="L0100", section="Z")
    append_row(s, "RoomUnavailability", ["C9", "Mon", "08:30", "09:20", "repairs"])
    append_row(s, "Regimes", ["R-X", "Mon", "13:00", "14:00", "yard"])
    append_row(s, "Sections", ["C", "C wing", "R-Z", "F", "sentenced", "east"])
    # A block that ends before it starts; a closed day outside the term.
    append_row(s, "Regimes", ["R-A", "Tue", "14:00", "13:00", "visit"])
    append_row(s, "ClosedDays", [dt.date(2026, 12, 1), "holiday", None])
    # Separations: an unknown side, both sides the same.
    append_row(s, "Separations", ["L0999", "A", "typo"])
    append_row(s, "Separations", ["L0002", "L0002", "same"])
    # Rooms: internet seats in a classroom, more internet seats than seats.
    append_row(s, "Rooms", ["C2", "Classroom 2", "classroom", 12, 3, "north", None])
    append_row(s, "Rooms", ["LAB2", "Lab 2", "computer_lab", 4, 6, "north", None])
    # Internet windows: on a day without teaching, and too short for a period.
    append_row(s, "InternetWindows", ["Sat", "08:30", "11:10"])
    append_row(s, "InternetWindows", ["Mon", "12:00", "12:30"])
    # Staff: never on a teaching day, a counsellor without languages and with teaches, a
    # teacher given an MO course.
    append_row(s, "Staff", ["T5", "Weekend", "nt2_teacher", "CVO", None, "nl", 10, "Sat,Sun"])
    append_row(s, "Staff", ["S5", "Quiet", "counsellor", "Agentschap", "NT2-1.1", None, None])
    append_row(s, "Staff", ["T6", "Mixed", "nt2_teacher", "CVO", "MO-ar", "nl,ar", 10, None])
    # Courses: no level, an odd level, MO without language, sizes, session length, internet
    # sessions, nobody asking, nobody teaching, no room big enough.
    append_row(s, "Courses", ["NT2-3.3", "NT2", "Odd", "3.3", "nl", 2, 2, 40, 2, 10, 0, None])
    append_row(s, "Courses", ["MO-X", "MO", "No language", None, None, 2, 2, 40, 2, 10, 0, None])
    append_row(s, "Courses", ["NT2-1.1b", "NT2", "Sizes", "1.1", "nl", 2, 9, 40, 9, 5, 0, None])
    append_row(s, "Courses", ["NT2-1.1c", "NT2", "Web", "1.1", "nl", 2, 2, 40, 2, 10, 3, None])
    append_row(s, "Courses", ["NT2-2.2", "NT2", "Nobody", "2.2", "nl", 2, 2, 40, 2, 10, 0, None])
    append_row(s, "Courses", ["MO-ti", "MO", "Tigrinya", None, "ti", 2, 2, 40, 2, 10, 0, None])
    append_row(s, "Courses", ["NT2-1.2b", "NT2", "Large", "1.2", "nl", 2, 2, 40, 20, 30, 0, None])
    append_row(s, "Courses", ["MO-ar2", "MO", "Lab MO", None, "ar", 2, 2, 40, 9, 10, 1, None])
    set_cell(s, "Staff", row_of(s, "Staff", "T1"), "teaches", "NT2-1.1")
    # Learners: internet periods, dates, a level nobody offers (a typo), MO in no course's
    # language, an intake nobody can hold, no languages at all.
    _learner(s, learner="L0101", internet_periods=6)
    _learner(s, learner="L0102", arrival=dt.date(2027, 3, 1), release=dt.date(2027, 2, 1))
    _learner(s, learner="L0103", release=dt.date(2026, 12, 1))
    _learner(s, learner="L0104", arrival=dt.date(2027, 6, 1))
    _learner(s, learner="L0105", nt2_level="1.l")
    _learner(s, learner="L0106", languages="so", wants="MO", nt2_level=None)
    _learner(s, learner="L0107", languages="so", intake="yes")
    _learner(s, learner="L0108", languages=None, wants="MO", nt2_level=None)
    _learner(s, learner="L0109", wants="NT2", nt2_level="2.1")
    _locks(s)
    # Weights: out of range.
    append_row(s, "Weights", ["staff_days", -1])
    _scenarios(s)
    return s


def _locks(s: Sheets) -> None:
    """Every problem a lock can have."""
    s["Locks"][0].append("learner")
    rows = [
        {"kind": "session", "course": "NT2-1.1", "learner": "L0001"},
        {"kind": "session"},
        {"kind": "session", "course": "NT2-1.1", "day": "Sat"},
        {"kind": "session", "course": "NT2-1.1", "room": "I1"},
        {"kind": "session", "group": "NT2-1.1-x"},
        {"kind": "session", "course": "NT2-1.2", "group": "NT2-1.1-1"},
        {"kind": "member"},
        {"kind": "member", "group": "NT2-1.1-1", "learner": "L0003", "day": "Mon"},
        {"kind": "member", "group": "MO-ar-1", "learner": "L0001"},  # did not ask for MO
        {"kind": "member", "group": "NT2-1.1-1", "learner": "L0005"},  # level 1.2
        {"kind": "member", "group": "NT2-1.1-1", "learner": "L0006"},  # level blank
        {"kind": "member", "group": "MO-ar-1", "learner": "L0106"},  # speaks no Arabic
        {"kind": "member", "group": "NT2-1.1-1", "learner": "L0008"},
        {"kind": "member", "group": "NT2-1.1-2", "learner": "L0008"},  # pinned twice
    ]
    for row in rows:
        append_row(s, "Locks", row)


def _scenarios(s: Sheets) -> None:
    """Every problem a Scenarios row can have."""
    rows: list[list[object]] = [
        ["base", "Rooms", "LAB", "seats", "14", "set"],
        ["bad-sheet", "Roms", "LAB", "seats", "14", "set"],
        ["no-pairs", "Rooms", None, None, "room LAB2", "add"],
        ["bad-column", "Rooms", None, None, "room=LAB3; colour=red; kind=classroom", "add"],
        ["bad-value", "Rooms", None, None, "room=LAB4; name=x; kind=classroom; seats=many", "add"],
        ["bad-key", "Settings", None, None, "key=sed; value=1", "add"],
        ["blank", "Rooms", None, None, "room=; name=x; kind=classroom; seats=3", "add"],
        ["missing", "Rooms", None, None, "room=LAB5; name=Lab 5", "add"],
        ["no-key", "Rooms", None, "seats", "14", "set"],
        ["pair-column", "Rooms", "colour=red", "seats", "14", "set"],
        ["no-row", "Rooms", "LBA", "seats", "14", "set"],
        ["set-column", "Rooms", "LAB", "colour", "red", "set"],
    ]
    for row in rows:
        append_row(s, "Scenarios", row)


def term_order() -> Sheets:
    """The term dates in the wrong order, and teaching days that are not days."""
    s = base_sheets()
    _setting(s, "term_start", dt.date(2027, 4, 30))
    _setting(s, "term_end", dt.date(2027, 1, 11))
    _setting(s, "prison", None)
    return s


def term_years() -> Sheets:
    """A term outside the years a term may lie in; a learner far outside theirs."""
    s = base_sheets()
    _setting(s, "term_start", dt.date(1999, 1, 11))
    set_cell(s, "Learners", row_of(s, "Learners", "L0001"), "arrival", dt.date(1800, 1, 1))
    return s


def term_length() -> Sheets:
    """A term of more than two years."""
    s = base_sheets()
    _setting(s, "term_end", dt.date(2030, 4, 30))
    return s


def all_closed() -> Sheets:
    """One week with one teaching day, and that day closed."""
    s = base_sheets()
    _setting(s, "term_end", dt.date(2027, 1, 15))
    _setting(s, "teaching_days", "Mon")
    s["ClosedDays"][1:] = [[dt.date(2027, 1, 11), "strike", None]]
    s["Staff"][1:] = [[*row[:7], None] for row in s["Staff"][1:]]
    s["InternetWindows"][1:] = [["Mon", "13:00", "15:40"]]
    s["Locks"][1:] = []
    s["Scenarios"][1:] = []
    s["Regimes"] = [s["Regimes"][0], *(r for r in s["Regimes"][1:] if r[1] in ("all", "Mon"))]
    s["RoomUnavailability"][1:] = []
    s["StaffAvailability"][1:] = []
    s["LearnerUnavailability"][1:] = []
    return s


def few_rooms() -> Sheets:
    """No interview room, no lab with internet seats, no internet window; an NT2 course
    without a level (which hides the check of the learners' levels, so not in cross_sheet)."""
    s = base_sheets()
    append_row(s, "Courses", ["NT2-X", "NT2", "No level", None, "nl", 2, 2, 40, 2, 10, 0, None])
    s["Rooms"][1:] = [["C1", "Classroom 1", "classroom", 12, 0, "north", None]]
    s["RoomUnavailability"][1:] = []
    s["InternetWindows"][1:] = []
    s["Locks"][1:] = []
    s["Scenarios"][1:] = []
    return s


def no_windows() -> Sheets:
    """Internet sessions and periods asked, a lab with internet seats, but no window."""
    s = base_sheets()
    s["InternetWindows"][1:] = []
    return s


def empty() -> Sheets:
    """The required sheets with their header only."""
    s = base_sheets()
    for sheet in ("Periods", "Sections", "Rooms", "Staff", "Courses", "Learners"):
        s[sheet][1:] = []
    _setting(s, "term_start", None)
    _setting(s, "term_end", None)
    return s


def built_in_code(base: ProblemData) -> list[ProblemData]:
    """Terms with the problems only data built in code can have (the reader refuses them on
    the cell already): a time outside the day, a word outside a vocabulary, no teaching day,
    an unknown weight, member locks without rows, a learner who wants nothing, no NT2 level
    offered at all."""
    period = dataclasses.replace(base.periods[0], start=-5)
    room = dataclasses.replace(base.rooms[0], kind="gym")
    pin = Lock("member", group="NT2-1.1-1", learner="L0001")
    nobody = dataclasses.replace(base.learners[0], learner="L0200", wants=())
    return [
        base.replace(periods=(period, *base.periods[1:]), rooms=(room, *base.rooms[1:])),
        base.replace(settings=dataclasses.replace(base.settings, teaching_days=())),
        base.replace(weights={**base.weights, "bogus": 1.0}),
        base.replace(
            locks=(pin, dataclasses.replace(pin, group="NT2-1.1-2")),
            learners=(*base.learners, nobody),
        ),
        base.replace(
            locks=(Lock("member", group="NT2-1.1-1", learner="L0200"),),
            learners=(*base.learners, nobody),
        ),
        base.replace(courses=tuple(c for c in base.courses if c.kind != "NT2")),
    ]


def layout() -> Sheets:
    """What the reader refuses before any cross-sheet check: sheets, columns, keys, cells."""
    s = base_sheets()
    del s["Courses"]
    s["Personeel"] = [list(row) for row in s["Staff"]]  # the Dutch name of Staff: a second Staff
    s["Rooms"][0].append("colour")
    s["Periods"][0] = ["period", "start", "start"]
    s["ClosedDays"][0] = ["when", "why", "who"]
    s["Learners"][0][s["Learners"][0].index("wants")] = "want"
    s["Settings"] += [["sed", 1], ["seed", 2]]
    _setting(s, "intake_weeks", "twee")
    set_cell(s, "Separations", 2, "b", None)
    set_cell(s, "Rooms", 2, "seats", "twaalf")
    return s


def with_uncalculated_header(path: Path, sheet: str = "Regimes") -> Path:
    """``path`` with a formula Excel never calculated in row 1 of ``sheet`` (a header cell the
    reader cannot read as a column name)."""
    book = load_workbook(path)
    book[sheet].cell(row=1, column=book[sheet].max_column + 1, value="=1+1")
    book.save(path)
    return path


def cells() -> Sheets:
    """A cell the reader cannot read in every column (an Excel error value, which names what
    the column holds), and every way a single cell can be wrong."""
    s = base_sheets()
    s["Locks"][0].append("learner")
    for rows in s.values():
        rows.append(["#N/A"] * len(rows[0]))
    bad: dict[str, list[dict[str, object]]] = {
        "Periods": [
            {"period": "P7", "start": dt.datetime(2027, 1, 11), "end": "24:00"},
            {"period": "P8", "start": 8.3, "end": "25:00"},
            {"period": "P9", "start": "acht uur", "end": "9pm"},
        ],
        "Regimes": [{"regime": "R-A", "day": "xx", "start": "13:00", "end": "14:00"}],
        "InternetWindows": [{"day": "xx", "start": "13:00", "end": "14:00"}],
        "Rooms": [
            {"room": "C5", "name": "x", "kind": "gym", "seats": "1.000"},
            {"room": "C6", "name": "x", "kind": "classroom", "seats": dt.datetime(2027, 1, 1)},
        ],
        "Staff": [{"staff": "T9", "name": "x", "role": "nt2_teacher", "days": "Mon,Xyz"}],
        "Courses": [
            {
                "course": "NT2-9",
                "kind": "NT2",
                "name": "x",
                "level": "1.1",
                "language": "nl",
                "sessions_per_week": 2,
                "session_periods": 2,
                "min_size": 2,
                "max_size": 10,
                "total_hours": dt.datetime(2027, 1, 1),
            },
        ],
        "Learners": [
            {"learner": "L0301", "section": "A", "languages": "ar", "wants": "NT2 en MO"},
            {"learner": "L0302", "section": "A", "languages": "klingon123", "wants": "NT2"},
            {
                "learner": "L0303",
                "section": "A",
                "languages": "ar",
                "wants": "NT2",
                "nt2_level": dt.datetime(2027, 5, 3),
                "intake": "misschien",
            },
            {
                "learner": "L0304",
                "section": "A",
                "languages": "ar",
                "wants": "NT2",
                "arrival": "morgen",
                "release": "2027-02-30",
            },
        ],
    }
    for sheet, added in bad.items():
        for row in added:
            append_row(s, sheet, row)
    return s


WORKBOOKS: dict[str, Callable[[], Sheets]] = {
    "cross-sheet": cross_sheet,
    "term-order": term_order,
    "term-years": term_years,
    "term-length": term_length,
    "all-closed": all_closed,
    "few-rooms": few_rooms,
    "no-windows": no_windows,
    "empty": empty,
    "layout": layout,
    "cells": cells,
}
