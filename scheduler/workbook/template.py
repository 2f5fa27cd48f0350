"""The input workbook a coordinator starts from, made to teach its own use.

Every sheet and column of the contract (``scheduler.workbook.contract``) with bold frozen
headers, and on each header a note (an Excel comment) with the column's meaning and unit, an
example, its default and its Dutch name (which the reader accepts too). Each sheet has one
example row whose first cell starts with ``VOORBEELD`` (``EXAMPLE`` in English and French): the
reader skips it, so it may be left as it is, overwritten or deleted. Settings and Weights are
pre-filled with their defaults. Dropdowns (warning style: Excel warns but accepts, because the
reader accepts more spellings than a list can show) offer the fixed vocabularies, days in
English and Dutch, sections from the Sections sheet, NT2 levels, wants and languages by name
(``Arabisch (ar)``). The first sheet, ``About``, says how to start and lists each sheet with its
columns (English and Dutch names), the Settings and the Weights; it prints on two A4 pages.
Texts are in the language of ``scheduler.i18n``; sheet and column names stay the contract's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.data import DEFAULT_WEIGHTS, NT2_LEVELS, Settings
from scheduler.excel import first_sheet, print_setup, save_atomic, write_table
from scheduler.i18n import N_, _, language
from scheduler.workbook import languages
from scheduler.workbook.contract import DUTCH_SHEETS, dutch_column
from scheduler.workbook.contract import SHEETS as CONTRACT
from scheduler.workbook.write import (
    OPTIONAL_SHEETS,
    SETTINGS_KEYS,
    SHEETS,
    VOCABULARIES,
    excel_number,
    settings_rows,
)

ABOUT = "About"
LISTS = "Lists"  # hidden: the longer dropdown lists (an inline list holds 255 characters)
ABOUT_COLUMNS: tuple[str, ...] = ("sheet", "column", "meaning", "example", "default")

SHEET_HELP: dict[str, str] = {
    "Settings": N_("The term: prison, dates, teaching days and solver settings, one key per row."),
    "Periods": N_("The teaching periods of one day, in order."),
    "ClosedDays": N_("Dates without education: holidays, strikes, lockdowns."),
    "Sections": N_("Wings or living units; the learners of one section share its regime."),
    "Regimes": N_("Fixed activities of a regime that block education time."),
    "Separations": N_("Learners or sections that may never share a group or a room at one time."),
    "Rooms": N_("Classrooms, interview rooms and computer labs."),
    "RoomUnavailability": N_("Times at which a room is used for something else."),
    "InternetWindows": N_("Times at which supervised internet in computer labs is switched on."),
    "Staff": N_("NT2 teachers, MO trainers and counsellors of the integration agency."),
    "StaffAvailability": N_("Where a staff member has rows, they are available only then."),
    "Courses": N_("NT2 levels and MO languages on offer."),
    "Learners": N_("Detainees asking NT2 and/or MO; identified by an id, never by name."),
    "LearnerUnavailability": N_("Weekly times a learner cannot attend (hearing, work, medical)."),
    "Locks": N_(
        "Sessions that must stay where they are, and learners pinned into a group, when "
        "re-planning a term."
    ),
    "Weights": N_("Objective weights, one key per row; a blank value keeps the default."),
    "Scenarios": N_("What-if patches of this workbook, one named scenario per group of rows."),
}

# (sheet, column) -> (meaning, example)
COLUMN_HELP: dict[tuple[str, str], tuple[str, str]] = {
    ("Settings", "key"): (N_("name of the setting (the keys below)"), "term_start"),
    ("Settings", "value"): (N_("its value; blank keeps the default"), "2027-01-11"),
    ("Periods", "period"): (N_("period id"), "P1"),
    ("Periods", "start"): (N_("start time, HH:MM"), "08:30"),
    ("Periods", "end"): (N_("end time, HH:MM"), "09:30"),
    ("ClosedDays", "date"): (N_("closed date"), "2027-03-29"),
    ("ClosedDays", "reason"): (N_("holiday, strike, lockdown or other"), "strike"),
    ("ClosedDays", "sections"): (N_("sections closed; blank = the whole prison"), "A1,A2"),
    ("Sections", "section"): (N_("section id"), "A1"),
    ("Sections", "name"): (N_("section name"), "Wing A1 - remand men"),
    ("Sections", "regime"): (N_("regime id (Regimes sheet)"), "REMAND-A"),
    ("Sections", "gender"): (N_("M or F (information only)"), "M"),
    ("Sections", "status"): (N_("remand, sentenced or mixed (information only)"), "remand"),
    ("Sections", "zone"): (N_("building or zone (information only)"), "remand house"),
    ("Regimes", "regime"): (N_("regime id"), "REMAND-A"),
    ("Regimes", "day"): (N_("a day, or all"), "all"),
    ("Regimes", "start"): (N_("start time, HH:MM"), "10:30"),
    ("Regimes", "end"): (N_("end time, HH:MM"), "11:30"),
    ("Regimes", "activity"): (N_("work, yard, visit, meal, count, lockin or other"), "yard"),
    ("Separations", "a"): (N_("learner id or section id"), "L0012"),
    ("Separations", "b"): (N_("learner id or section id"), "L0047"),
    ("Separations", "reason"): (N_("why (information only)"), "contact ban: co-accused"),
    ("Rooms", "room"): (N_("room id"), "CL1"),
    ("Rooms", "name"): (N_("room name"), "Classroom 1"),
    ("Rooms", "kind"): (N_("classroom, interview or computer_lab"), "classroom"),
    ("Rooms", "seats"): (N_("seats for learners"), "12"),
    ("Rooms", "internet_seats"): (N_("seats with internet (computer_lab only)"), "4"),
    ("Rooms", "zone"): (N_("building or zone (information only)"), "central"),
    ("Rooms", "sections"): (N_("sections allowed; blank = all sections"), "W1,W2"),
    ("RoomUnavailability", "room"): (N_("room id"), "IR1"),
    ("RoomUnavailability", "day"): (N_("day"), "Tue"),
    ("RoomUnavailability", "start"): (N_("start time, HH:MM"), "08:30"),
    ("RoomUnavailability", "end"): (N_("end time, HH:MM"), "11:30"),
    ("RoomUnavailability", "reason"): (N_("what the room is used for then"), "lawyers' visits"),
    ("InternetWindows", "day"): (N_("day"), "Tue"),
    ("InternetWindows", "start"): (N_("start time, HH:MM"), "13:00"),
    ("InternetWindows", "end"): (N_("end time, HH:MM"), "16:00"),
    ("Staff", "staff"): (N_("staff id"), "T01"),
    ("Staff", "name"): (N_("name"), "Els Vandamme"),
    ("Staff", "role"): (N_("nt2_teacher, mo_trainer or counsellor"), "nt2_teacher"),
    ("Staff", "organisation"): (N_("employer (information only)"), "CVO (adult-education centre)"),
    ("Staff", "teaches"): (
        N_("course ids; blank = every course of a matching kind"),
        "NT2-1.1,NT2-1.2",
    ),
    ("Staff", "languages"): (
        N_("languages spoken, as codes or names (ar or Arabisch)"),
        "ar,fr,nl",
    ),
    ("Staff", "max_periods_per_week"): (N_("most periods a week; blank = no limit"), "16"),
    ("Staff", "days"): (N_("days on site; blank = all teaching days"), "Mon,Tue,Thu"),
    ("StaffAvailability", "staff"): (N_("staff id"), "T03"),
    ("StaffAvailability", "day"): (N_("day"), "Wed"),
    ("StaffAvailability", "start"): (N_("start time, HH:MM"), "08:30"),
    ("StaffAvailability", "end"): (N_("end time, HH:MM"), "11:30"),
    ("Courses", "course"): (N_("course id"), "NT2-1.1"),
    ("Courses", "kind"): (N_("NT2 or MO"), "NT2"),
    ("Courses", "name"): (N_("course name"), "NT2 1.1 (CVO)"),
    ("Courses", "level"): (N_("NT2 level: alfa, 1.1, 1.2, 2.1, 2.2, ...; blank for MO"), "1.1"),
    ("Courses", "language"): (N_("MO: language taught in; NT2: nl"), "nl"),
    ("Courses", "sessions_per_week"): (N_("weekly sessions of one group"), "4"),
    ("Courses", "session_periods"): (N_("consecutive periods per session"), "2"),
    ("Courses", "total_hours"): (N_("hours a learner needs to complete it"), "120"),
    ("Courses", "min_size"): (N_("smallest group"), "5"),
    ("Courses", "max_size"): (N_("largest group"), "12"),
    ("Courses", "internet_sessions"): (
        N_("weekly sessions in a lab with internet; default 0"),
        "1",
    ),
    ("Courses", "max_groups"): (N_("most parallel groups; blank = as demand needs"), "2"),
    ("Learners", "learner"): (N_("learner id (no names: personal data)"), "L0001"),
    ("Learners", "section"): (N_("section id"), "A1"),
    ("Learners", "languages"): (
        N_("contact languages, best first, as codes or names (ar or Arabisch)"),
        "ar,fr",
    ),
    ("Learners", "nt2_level"): (N_("NT2 level ready for; blank = not yet screened"), "1.2"),
    ("Learners", "wants"): (N_("NT2 and/or MO"), "NT2,MO"),
    ("Learners", "intake"): (N_("yes if an intake interview is still needed"), "no"),
    ("Learners", "internet_periods"): (N_("internet periods a week, at most one a day"), "1"),
    ("Learners", "priority"): (N_("1 lowest .. 5 highest; default 3"), "3"),
    ("Learners", "arrival"): (N_("arrival date if during the term"), "2027-02-01"),
    ("Learners", "release"): (
        N_("expected release or transfer; blank = after the term"),
        "2027-04-02",
    ),
    ("LearnerUnavailability", "learner"): (N_("learner id"), "L0007"),
    ("LearnerUnavailability", "day"): (N_("day"), "Thu"),
    ("LearnerUnavailability", "start"): (N_("start time, HH:MM"), "08:30"),
    ("LearnerUnavailability", "end"): (N_("end time, HH:MM"), "11:30"),
    ("LearnerUnavailability", "reason"): (N_("why (information only)"), "court hearing"),
    ("Locks", "kind"): (N_("session, or member to pin a learner into a group"), "session"),
    ("Locks", "course"): (N_("course id"), "NT2-1.1"),
    ("Locks", "group"): (N_("group id <course>-<n>; blank = any"), "NT2-1.1-1"),
    ("Locks", "day"): (N_("day; blank = free"), "Tue"),
    ("Locks", "period"): (N_("first period id; blank = free"), "P1"),
    ("Locks", "room"): (N_("room id; blank = free"), "CL1"),
    ("Locks", "staff"): (N_("staff id; blank = free"), "T02"),
    ("Locks", "learner"): (N_("kind member only: learner id to pin into the group"), "L0042"),
    ("Weights", "key"): (N_("name of the weight (the keys below)"), "served"),
    ("Weights", "value"): (N_("its value; blank keeps the default"), "100"),
    ("Scenarios", "scenario"): (N_("scenario name"), "extra-classroom"),
    ("Scenarios", "sheet"): (N_("sheet to patch"), "Staff"),
    ("Scenarios", "key"): (N_("row id, or col=value; col=value pairs; blank for add"), "T02"),
    ("Scenarios", "column"): (N_("column to set (set only)"), "days"),
    ("Scenarios", "value"): (N_("new value; for add: col=value; col=value"), "Mon,Tue,Wed,Thu,Fri"),
    ("Scenarios", "action"): (N_("set, add or remove"), "set"),
}

# key -> (meaning, example); the default is the Settings record's own.
SETTINGS_HELP: dict[str, tuple[str, str]] = {
    "prison": (N_("prison name"), "Prison of Hasselt"),
    "term_start": (N_("first date of the term"), "2027-01-11"),
    "term_end": (N_("last date of the term"), "2027-04-30"),
    "teaching_days": (N_("days on which education can take place"), "Mon,Tue,Wed,Thu,Fri"),
    "max_groups_moving": (
        N_("escort capacity: most group sessions starting in one period; blank = no limit"),
        "4",
    ),
    "time_limit_s": (N_("solver time limit in seconds"), "60"),
    "seed": (N_("random seed: same workbook and seed give the same timetable"), "0"),
    "intake_periods": (N_("length of one intake interview, in periods"), "1"),
    "intake_weeks": (N_("a learner's intake falls in this many weeks from their arrival"), "2"),
    "language": (N_("language of messages, template and timetable: nl, fr or en"), "nl"),
    "completion_share": (
        N_("share of a course's total_hours a learner must attend to complete it"),
        "0.8",
    ),
}

WEIGHTS_HELP: dict[str, str] = {
    "served": N_("reward per learner-course placed, times the learner's priority"),
    "early_release": N_(
        "extra reward for placing a learner released during the term who can still complete, "
        "the more so the earlier the release"
    ),
    "intake": N_("reward per intake held"),
    "internet": N_("reward per individual internet period booked per week"),
    "release_risk": N_("penalty per learner-course placed that cannot complete before release"),
    "same_day": N_("penalty per pair of sessions of one group on the same day"),
    "staff_days": N_("penalty per day a staff member must come in"),
    "room_changes": N_("penalty per group that uses more than one room in the week"),
    "fairness": N_("reward for the share placed of the least-served section (0: not used)"),
    "moved_session": N_("re-plan: cost per session at another day or period"),
    "moved_room": N_("re-plan: cost per session in another room"),
    "moved_staff": N_("re-plan: cost per group with another staff member"),
    "moved_learner": N_("re-plan: cost per continuing learner in another group (--allow-moves)"),
    "moved_intake": N_("re-plan: cost per planned intake at another time"),
    "moved_internet": N_("re-plan: cost per continuing internet booking moved or dropped"),
}

# Example values typed as numbers or dates in the example rows (the rest stays text).
_INTEGER = re.compile(r"^\d+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TEXT_COLUMNS = frozenset({"level", "nt2_level", "period", "key"})

# Days as a coordinator types them: the contract's English abbreviations and Dutch names.
DUTCH_DAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
WANTS_CHOICES = ("NT2", "MO", "NT2,MO")
_LAST_ROW = 1_048_576


def example_mark() -> str:
    """``VOORBEELD`` in Dutch, ``EXAMPLE`` otherwise: the reader skips rows starting so."""
    return "VOORBEELD" if language() == "nl" else "EXAMPLE"


def column_default(sheet: str, column: str) -> str:
    """A column's default as the note shows it: required, blank, or the value a blank takes."""
    spec = CONTRACT[sheet]
    col = spec.column(column)
    if col is not None and col.required:
        return _("required")
    fields = {f.name: f for f in dataclasses.fields(spec.record)} if spec.record else {}
    field = fields.get(column)
    value = field.default if field is not None else None
    if value is dataclasses.MISSING or value in (None, "", ()):
        return _("blank")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return ",".join(value) if isinstance(value, tuple) else str(excel_number(value))


def settings_default(key: str) -> str:
    """A Settings key's default (``required`` for the three without one)."""
    field = next(f for f in dataclasses.fields(Settings) if f.name == key)
    if field.default is dataclasses.MISSING:
        return _("required")
    if field.default is None:
        return _("blank")
    value = field.default
    return ",".join(value) if isinstance(value, tuple) else str(excel_number(value))


def note_text(sheet: str, column: str) -> str:
    """The note on a header: meaning and unit, example, default, Dutch name."""
    meaning, example = COLUMN_HELP[(sheet, column)]
    return "\n".join(
        (
            _(meaning),
            _("Example: {example}", example=example),
            _("Default: {default}", default=column_default(sheet, column)),
            _("Dutch name (also accepted): {name}", name=dutch_column(column)),
        )
    )


def _note(text: str) -> Comment:
    """An Excel note sized to its text, so that it opens without scrolling."""
    comment = Comment(text, "scheduler")
    lines = sum(max(1, math.ceil(len(line) / 45)) for line in text.split("\n"))
    comment.width = 320
    comment.height = 22 + 16 * lines
    return comment


def _typed(column: str, example: str) -> Any:
    """An example as a coordinator would type it: whole numbers and dates as such."""
    if column not in _TEXT_COLUMNS and _INTEGER.match(example):
        return int(example)
    if _ISO_DATE.match(example):
        return dt.date.fromisoformat(example)
    return example


def example_row(sheet: str) -> tuple[Any, ...]:
    """One example row of ``sheet``; its first cell starts with the example mark."""
    columns = SHEETS[sheet]
    values = [_typed(c, COLUMN_HELP[(sheet, c)][1]) for c in columns]
    values[0] = f"{example_mark()}-{COLUMN_HELP[(sheet, columns[0])][1]}"
    return tuple(values)


def _prefilled(sheet: str) -> list[tuple]:
    if sheet == "Settings":
        # The template leaves the term's dates blank for the coordinator to fill in.
        blank = Settings(
            prison="",
            term_start=None,  # type: ignore[arg-type]
            term_end=None,  # type: ignore[arg-type]
            language=language(),
        )
        return [tuple(row) for row in settings_rows(blank)]
    if sheet == "Weights":
        return [(key, excel_number(value)) for key, value in DEFAULT_WEIGHTS.items()]
    return [example_row(sheet)]


def _widths(sheet: str) -> dict[str, float]:
    """Each column as wide as its name, its Dutch name or its example, whichever is longest."""
    widths: dict[str, float] = {
        column: min(
            max(len(column), len(dutch_column(column)), len(COLUMN_HELP[(sheet, column)][1])) + 4,
            40,
        )
        for column in SHEETS[sheet]
    }
    first = SHEETS[sheet][0]
    if sheet in ("Settings", "Weights"):  # the keys, and the values typed beside them
        keys = SETTINGS_HELP if sheet == "Settings" else WEIGHTS_HELP
        widths[first] = max(len(k) for k in keys) + 4
        widths["value"] = 24
    else:  # the example's first cell carries the mark
        widths[first] = min(widths[first] + len("VOORBEELD-"), 40)
    return widths


def _list_validation(formula: str, column: str, shown: str) -> DataValidation:
    """A dropdown that warns about a value outside the list but accepts it (the reader knows
    more spellings than a list can show, and lists such as ``ar,fr`` are typed by hand)."""
    return DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=column,
        error=_("Usually one of: {values}. Keep your value anyway?", values=shown),
        showInputMessage=False,
    )


def dropdowns(sheet: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """column -> (list formula, the values it offers) for each dropdown of ``sheet``."""
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for (name, column), values in VOCABULARIES.items():
        if name == sheet:
            if "Mon" in values:
                values = (*values, *DUTCH_DAYS, *(("alle",) if "all" in values else ()))
            out[column] = ('"' + ",".join(values) + '"', tuple(values))
    names = tuple(languages.labelled(code, language()) for code in languages.NAMES)
    language_range = f"{LISTS}!$B$1:$B${len(names)}"
    extra: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
        ("Learners", "section"): ("Sections!$A$2:$A$1000", ()),
        ("Learners", "nt2_level"): ('"' + ",".join(NT2_LEVELS) + '"', NT2_LEVELS),
        ("Learners", "wants"): (f"{LISTS}!$A$1:$A${len(WANTS_CHOICES)}", WANTS_CHOICES),
        ("Learners", "languages"): (language_range, names),
        ("Staff", "languages"): (language_range, names),
        ("Courses", "language"): (language_range, names),
    }
    out.update({column: v for (name, column), v in extra.items() if name == sheet})
    return out


def _add_dropdowns(ws: Worksheet, sheet: str) -> None:
    columns = SHEETS[sheet]
    for column, (formula, values) in dropdowns(sheet).items():
        letter = get_column_letter(columns.index(column) + 1)
        shown = ", ".join(values[:12]) + (", ..." if len(values) > 12 else "")
        dv = _list_validation(formula, column, shown or _("a section of the Sections sheet"))
        dv.add(f"{letter}2:{letter}{_LAST_ROW}")
        ws.add_data_validation(dv)


def _lists_sheet(wb: Workbook) -> None:
    """The hidden sheet holding the dropdown lists too long to write inline."""
    ws = wb.create_sheet(LISTS)
    for row, choice in enumerate(WANTS_CHOICES, start=1):
        ws.cell(row=row, column=1, value=choice)
    for row, code in enumerate(languages.NAMES, start=1):
        ws.cell(row=row, column=2, value=languages.labelled(code, language()))
    ws.sheet_state = "hidden"


def _notes(ws: Worksheet, sheet: str) -> None:
    """A note on every header; on Settings and Weights on every key as well."""
    for index, column in enumerate(SHEETS[sheet], start=1):
        ws.cell(row=1, column=index).comment = _note(note_text(sheet, column))
    if sheet in ("Settings", "Weights"):
        for row in range(2, ws.max_row + 1):
            key = ws.cell(row=row, column=1).value
            ws.cell(row=row, column=1).comment = _note(key_note(sheet, str(key)))


def key_note(sheet: str, key: str) -> str:
    """The note on a Settings or Weights key: meaning, example and default."""
    if sheet == "Settings":
        meaning, example = SETTINGS_HELP[key]
        default = settings_default(key)
    else:
        meaning, example = WEIGHTS_HELP[key], str(excel_number(DEFAULT_WEIGHTS[key]))
        default = example
    return "\n".join(
        (
            _(meaning),
            _("Example: {example}", example=example),
            _("Default: {default}", default=default),
        )
    )


def _columns_text(sheet: str) -> str:
    """``learner (leerling), section (afdeling), ...``: every column with its Dutch name."""
    return ", ".join(
        column if dutch_column(column) == column else f"{column} ({dutch_column(column)})"
        for column in SHEETS[sheet]
    )


def about_rows() -> list[tuple[str, str, str, str]]:
    """The About sheet below its header: how to start, each sheet with its columns, then the
    Settings and the Weights with their defaults. Rows whose last three cells are blank are
    headings."""
    mark = example_mark()
    rows: list[tuple[str, str, str, str]] = [
        (_("How to fill in this workbook"), "", "", ""),
        (
            "1",
            _(
                "Fill in the sheets in the order below; point at a column name to read its note "
                "(meaning, example, default)."
            ),
            "",
            "",
        ),
        (
            "2",
            _(
                "Each sheet has one example row whose first cell starts with {mark}: it is skipped "
                "when the workbook is read. Overwrite it, delete it or leave it.",
                mark=mark,
            ),
            "",
            "",
        ),
        (
            "3",
            _(
                "Names may be typed in English or in Dutch (the names in brackets); days as Mon or "
                "maandag, languages as ar or Arabisch."
            ),
            "",
            "",
        ),
        (
            "4",
            _(
                "Then run: scheduler validate <this file>. It names the sheet, row and column of "
                "every problem."
            ),
            "",
            "",
        ),
        (_("Sheets"), "", "", ""),
    ]
    for sheet in SHEETS:
        optional = " " + _("(optional sheet)") if sheet in OPTIONAL_SHEETS else ""
        rows.append(
            (sheet, DUTCH_SHEETS[sheet], _(SHEET_HELP[sheet]) + optional, _columns_text(sheet))
        )
    rows.append((_("Keys of the Settings sheet"), "", "", ""))
    for key in SETTINGS_KEYS:
        meaning, example = SETTINGS_HELP[key]
        rows.append(
            (key, settings_default(key), _(meaning), _("Example: {example}", example=example))
        )
    rows.append((_("Keys of the Weights sheet"), "", "", ""))
    for key, weight in DEFAULT_WEIGHTS.items():
        rows.append((key, str(excel_number(weight)), _(WEIGHTS_HELP[key]), ""))
    return rows


ABOUT_WIDTHS = (22, 30, 52, 64)


def _row_height(values: tuple[str, ...]) -> float:
    """Points for a row whose wrapped cells must all show (about 1.1 characters per width unit)."""
    widths = ABOUT_WIDTHS
    if not any(values[1:]):  # a heading merged across the page
        widths = (sum(widths), 1, 1, 1)
    elif values[0].isdigit():  # a step merged across the last three columns
        widths = (widths[0], sum(widths[1:]), 1, 1)
    lines = max(
        max(1, sum(math.ceil(len(part) / max(1.0, width - 2)) or 1 for part in str(v).split("\n")))
        for v, width in zip(values, widths, strict=True)
    )
    return 15 * lines + 2


def _write_about(ws: Worksheet) -> None:
    header = (
        _("sheet or key"),
        _("Dutch name / default"),
        _("what it holds"),
        _("columns / example"),
    )
    write_table(ws, header, about_rows(), widths=dict(zip(header, ABOUT_WIDTHS, strict=True)))
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True, size=12)
    for r, values in enumerate(about_rows(), start=2):
        for cell in ws[r]:
            cell.alignment = wrap
        if not any(values[1:]):  # a heading across the page
            ws.cell(row=r, column=1).font = bold
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
        elif values[0].isdigit():  # a step of the how-to, across the last three columns
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
        ws.row_dimensions[r].height = _row_height(values)
    print_setup(ws, title_rows="1:1", landscape=True)
    ws.page_setup.fitToHeight = 2


def write_template(path: str | os.PathLike) -> Path:
    """Write the input workbook to start from to ``path`` and return the path."""
    wb = Workbook()
    about = first_sheet(wb)
    about.title = ABOUT
    _write_about(about)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet)
        write_table(ws, SHEETS[sheet], _prefilled(sheet), widths=_widths(sheet))
        _notes(ws, sheet)
        _add_dropdowns(ws, sheet)
    _lists_sheet(wb)
    return save_atomic(wb, path)
