"""The blank input workbook a coordinator starts from.

Every sheet and column of the contract (``scheduler.workbook.write.SHEETS``), bold frozen headers,
columns sized to their examples, dropdowns on the fixed vocabularies, the Settings keys listed
with blank values (their defaults are in the About sheet) and the Weights keys with their
default values. The first sheet, ``About``, explains every sheet, column, setting and weight
with an example; the reader ignores it.
"""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment

from scheduler.data import DEFAULT_WEIGHTS
from scheduler.excel import first_sheet, save_atomic, write_table
from scheduler.workbook.write import (
    OPTIONAL_SHEETS,
    SETTINGS_KEYS,
    SHEETS,
    add_dropdowns,
    excel_number,
)

ABOUT = "About"
ABOUT_COLUMNS: tuple[str, ...] = ("sheet", "column", "meaning", "example", "default")

SHEET_HELP: dict[str, str] = {
    "Settings": "The term: prison, dates, teaching days and solver settings, one key per row.",
    "Periods": "The teaching periods of one day, in order.",
    "ClosedDays": "Dates without education: holidays, strikes, lockdowns.",
    "Sections": "Wings or living units; the learners of one section share its regime.",
    "Regimes": "Fixed activities of a regime that block education time.",
    "Separations": "Learners or sections that may never share a group or a room at one time.",
    "Rooms": "Classrooms, interview rooms and computer labs.",
    "RoomUnavailability": "Times at which a room is used for something else.",
    "InternetWindows": "Times at which supervised internet in computer labs is switched on.",
    "Staff": "NT2 teachers, MO trainers and counsellors of the integration agency.",
    "StaffAvailability": "Where a staff member has rows, they are available only then.",
    "Courses": "NT2 levels and MO languages on offer.",
    "Learners": "Detainees asking NT2 and/or MO; identified by an id, never by name.",
    "LearnerUnavailability": "Weekly times a learner cannot attend (hearing, work, medical).",
    "Locks": "Sessions that must stay where they are, and learners pinned into a group, when re-planning a term.",
    "Weights": "Objective weights, one key per row; a blank value keeps the default.",
    "Scenarios": "What-if patches of this workbook, one named scenario per group of rows.",
}

# (sheet, column) -> (meaning, example)
COLUMN_HELP: dict[tuple[str, str], tuple[str, str]] = {
    ("Settings", "key"): ("name of the setting (the keys below)", "term_start"),
    ("Settings", "value"): ("its value; blank keeps the default", "2027-01-11"),
    ("Periods", "period"): ("period id", "P1"),
    ("Periods", "start"): ("start time, HH:MM", "08:30"),
    ("Periods", "end"): ("end time, HH:MM", "09:30"),
    ("ClosedDays", "date"): ("closed date", "2027-03-29"),
    ("ClosedDays", "reason"): ("holiday, strike, lockdown or other", "strike"),
    ("ClosedDays", "sections"): ("sections closed; blank = the whole prison", "A1,A2"),
    ("Sections", "section"): ("section id", "A1"),
    ("Sections", "name"): ("section name", "Wing A1 - remand men"),
    ("Sections", "regime"): ("regime id (Regimes sheet)", "REMAND-A"),
    ("Sections", "gender"): ("M or F (information only)", "M"),
    ("Sections", "status"): ("remand, sentenced or mixed (information only)", "remand"),
    ("Sections", "zone"): ("building or zone (information only)", "remand house"),
    ("Regimes", "regime"): ("regime id", "REMAND-A"),
    ("Regimes", "day"): ("a day, or all", "all"),
    ("Regimes", "start"): ("start time, HH:MM", "10:30"),
    ("Regimes", "end"): ("end time, HH:MM", "11:30"),
    ("Regimes", "activity"): ("work, yard, visit, meal, count, lockin or other", "yard"),
    ("Separations", "a"): ("learner id or section id", "L0012"),
    ("Separations", "b"): ("learner id or section id", "L0047"),
    ("Separations", "reason"): ("why (information only)", "contact ban: co-accused"),
    ("Rooms", "room"): ("room id", "CL1"),
    ("Rooms", "name"): ("room name", "Classroom 1"),
    ("Rooms", "kind"): ("classroom, interview or computer_lab", "classroom"),
    ("Rooms", "seats"): ("seats for learners", "12"),
    ("Rooms", "internet_seats"): ("seats with internet (computer_lab only)", "4"),
    ("Rooms", "zone"): ("building or zone (information only)", "central"),
    ("Rooms", "sections"): ("sections allowed; blank = all sections", "W1,W2"),
    ("RoomUnavailability", "room"): ("room id", "IR1"),
    ("RoomUnavailability", "day"): ("day", "Tue"),
    ("RoomUnavailability", "start"): ("start time, HH:MM", "08:30"),
    ("RoomUnavailability", "end"): ("end time, HH:MM", "11:30"),
    ("RoomUnavailability", "reason"): ("what the room is used for then", "lawyers' visits"),
    ("InternetWindows", "day"): ("day", "Tue"),
    ("InternetWindows", "start"): ("start time, HH:MM", "13:00"),
    ("InternetWindows", "end"): ("end time, HH:MM", "16:00"),
    ("Staff", "staff"): ("staff id", "T01"),
    ("Staff", "name"): ("name", "Els Vandamme"),
    ("Staff", "role"): ("nt2_teacher, mo_trainer or counsellor", "nt2_teacher"),
    ("Staff", "organisation"): ("employer (information only)", "CVO (adult-education centre)"),
    ("Staff", "teaches"): (
        "course ids; blank = every course of a matching kind",
        "NT2-1.1,NT2-1.2",
    ),
    ("Staff", "languages"): ("languages spoken (ISO 639-1 codes)", "ar,fr,nl"),
    ("Staff", "max_periods_per_week"): ("most periods a week; blank = no limit", "16"),
    ("Staff", "days"): ("days on site; blank = all teaching days", "Mon,Tue,Thu"),
    ("StaffAvailability", "staff"): ("staff id", "T03"),
    ("StaffAvailability", "day"): ("day", "Wed"),
    ("StaffAvailability", "start"): ("start time, HH:MM", "08:30"),
    ("StaffAvailability", "end"): ("end time, HH:MM", "11:30"),
    ("Courses", "course"): ("course id", "NT2-1.1"),
    ("Courses", "kind"): ("NT2 or MO", "NT2"),
    ("Courses", "name"): ("course name", "NT2 1.1 (CVO)"),
    ("Courses", "level"): ("NT2 level: alfa, 1.1, 1.2, 2.1, 2.2, ...; blank for MO", "1.1"),
    ("Courses", "language"): ("MO: language taught in; NT2: nl", "nl"),
    ("Courses", "sessions_per_week"): ("weekly sessions of one group", "4"),
    ("Courses", "session_periods"): ("consecutive periods per session", "2"),
    ("Courses", "total_hours"): ("hours a learner needs to complete it", "120"),
    ("Courses", "min_size"): ("smallest group", "5"),
    ("Courses", "max_size"): ("largest group", "12"),
    ("Courses", "internet_sessions"): ("weekly sessions in a lab with internet; default 0", "1"),
    ("Courses", "max_groups"): ("most parallel groups; blank = as demand needs", "2"),
    ("Learners", "learner"): ("learner id (no names: personal data)", "L0001"),
    ("Learners", "section"): ("section id", "A1"),
    ("Learners", "languages"): ("contact languages, best first", "ar,fr"),
    ("Learners", "nt2_level"): ("NT2 level ready for; blank = not yet screened", "1.2"),
    ("Learners", "wants"): ("NT2 and/or MO", "NT2,MO"),
    ("Learners", "intake"): ("yes if an intake interview is still needed", "no"),
    ("Learners", "internet_periods"): ("internet periods a week, at most one a day", "1"),
    ("Learners", "priority"): ("1 lowest .. 5 highest; default 3", "3"),
    ("Learners", "arrival"): ("arrival date if during the term", "2027-02-01"),
    ("Learners", "release"): ("expected release or transfer; blank = after the term", "2027-04-02"),
    ("LearnerUnavailability", "learner"): ("learner id", "L0007"),
    ("LearnerUnavailability", "day"): ("day", "Thu"),
    ("LearnerUnavailability", "start"): ("start time, HH:MM", "08:30"),
    ("LearnerUnavailability", "end"): ("end time, HH:MM", "11:30"),
    ("LearnerUnavailability", "reason"): ("why (information only)", "court hearing"),
    ("Locks", "kind"): ("session, or member to pin a learner into a group", "session"),
    ("Locks", "course"): ("course id", "NT2-1.1"),
    ("Locks", "group"): ("group id <course>-<n>; blank = any", "NT2-1.1-1"),
    ("Locks", "day"): ("day; blank = free", "Tue"),
    ("Locks", "period"): ("first period id; blank = free", "P1"),
    ("Locks", "room"): ("room id; blank = free", "CL1"),
    ("Locks", "staff"): ("staff id; blank = free", "T02"),
    ("Locks", "learner"): ("kind member only: learner id to pin into the group", "L0042"),
    ("Weights", "key"): ("name of the weight (the keys below)", "served"),
    ("Weights", "value"): ("its value; blank keeps the default", "100"),
    ("Scenarios", "scenario"): ("scenario name", "extra-classroom"),
    ("Scenarios", "sheet"): ("sheet to patch", "Staff"),
    ("Scenarios", "key"): ("row id, or col=value; col=value pairs; blank for add", "T02"),
    ("Scenarios", "column"): ("column to set (set only)", "days"),
    ("Scenarios", "value"): ("new value; for add: col=value; col=value", "Mon,Tue,Wed,Thu,Fri"),
    ("Scenarios", "action"): ("set, add or remove", "set"),
}

# key -> (meaning, example, default)
SETTINGS_HELP: dict[str, tuple[str, str, str]] = {
    "prison": ("prison name", "Prison of Hasselt", "required"),
    "term_start": ("first date of the term", "2027-01-11", "required"),
    "term_end": ("last date of the term", "2027-04-30", "required"),
    "teaching_days": (
        "days on which education can take place",
        "Mon,Tue,Wed,Thu,Fri",
        "Mon,Tue,Wed,Thu,Fri",
    ),
    "max_groups_moving": (
        "escort capacity: most group sessions starting in one period",
        "4",
        "blank (no limit)",
    ),
    "time_limit_s": ("solver time limit in seconds", "60", "60"),
    "seed": ("random seed: same workbook and seed give the same timetable", "0", "0"),
    "intake_periods": ("length of one intake interview, in periods", "1", "1"),
    "intake_weeks": ("a learner's intake falls in this many weeks from their arrival", "2", "2"),
    "language": ("language of messages, template and timetable: nl, fr or en", "nl", "nl"),
}

WEIGHTS_HELP: dict[str, str] = {
    "served": "reward per learner-course placed, times the learner's priority",
    "early_release": "extra reward for placing a learner released during the term who can "
    "still complete, the more so the earlier the release",
    "intake": "reward per intake held",
    "internet": "reward per individual internet period booked per week",
    "release_risk": "penalty per learner-course placed that cannot complete before release",
    "same_day": "penalty per pair of sessions of one group on the same day",
    "staff_days": "penalty per day a staff member must come in",
    "room_changes": "penalty per group that uses more than one room in the week",
    "fairness": "reward for the share placed of the least-served section (0: not used)",
}


def about_rows() -> list[tuple[str, str, str, str, str]]:
    """The About sheet: each sheet, then each of its columns (and Settings/Weights keys)."""
    rows: list[tuple[str, str, str, str, str]] = []
    for sheet, columns in SHEETS.items():
        optional = " (optional sheet)" if sheet in OPTIONAL_SHEETS else ""
        rows.append((sheet, "", SHEET_HELP[sheet] + optional, "", ""))
        for column in columns:
            meaning, example = COLUMN_HELP[(sheet, column)]
            rows.append((sheet, column, meaning, example, ""))
        if sheet == "Settings":
            for key in SETTINGS_KEYS:
                meaning, example, default = SETTINGS_HELP[key]
                rows.append((sheet, f"key = {key}", meaning, example, default))
        if sheet == "Weights":
            for key, weight in DEFAULT_WEIGHTS.items():
                rows.append(
                    (sheet, f"key = {key}", WEIGHTS_HELP[key], "", str(excel_number(weight)))
                )
    return rows


def _widths(sheet: str) -> dict[str, float]:
    """Each column as wide as its name or its example, whichever is longer."""
    return {
        column: min(max(len(column), len(COLUMN_HELP[(sheet, column)][1])) + 3, 40)
        for column in SHEETS[sheet]
    }


def _prefilled(sheet: str) -> list[tuple]:
    if sheet == "Settings":
        return [(key, None) for key in SETTINGS_KEYS]
    if sheet == "Weights":
        return [(key, excel_number(value)) for key, value in DEFAULT_WEIGHTS.items()]
    return []


def write_template(path: str | os.PathLike) -> Path:
    """Write the blank input workbook to ``path`` and return the path."""
    wb = Workbook()
    about = first_sheet(wb)
    about.title = ABOUT
    write_table(about, ABOUT_COLUMNS, about_rows(), widths={"meaning": 70, "column": 26})
    for row in about.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet)
        write_table(ws, SHEETS[sheet], _prefilled(sheet), widths=_widths(sheet))
        add_dropdowns(ws, sheet)
    return save_atomic(wb, path)
