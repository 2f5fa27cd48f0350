"""The input workbook's contract as one table: every sheet, its columns, what each holds.

``SHEETS`` is the single description of workbook.md that the reader, the validator, the input
workbook writer, the template and the scenario patches all use.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scheduler.data import (
    ClosedDay,
    Course,
    InternetWindow,
    Learner,
    LearnerUnavailability,
    Lock,
    Period,
    RegimeBlock,
    Room,
    RoomUnavailability,
    ScenarioRow,
    Section,
    Separation,
    Staff,
    StaffAvailability,
)
from scheduler.i18n import N_
from scheduler.workbook.cells import (
    ACTION,
    ACTIVITY,
    ANY,
    CLOSED_REASON,
    COURSE_KIND,
    DATE,
    DAY,
    DAY_LIST,
    DAY_OR_ALL,
    FLOAT,
    GENDER,
    ID,
    ID_LIST,
    INT,
    LANGUAGE,
    LANGUAGES,
    LEVEL,
    LOCK_KIND,
    ROLE,
    ROOM_KIND,
    STATUS,
    TEXT,
    TIME,
    WANTS,
    YES_NO,
    Kind,
    norm,
    vocabulary,
)

_NO_DEFAULT = object()


@dataclass(frozen=True)
class Column:
    """One column of a sheet. A ``required`` column must exist and be filled on every row; a
    ``present`` one must exist but may be blank. A blank optional cell takes ``default`` (or
    the record's own default)."""

    name: str
    kind: Kind
    required: bool = False
    default: Any = _NO_DEFAULT
    present: bool = False

    @property
    def must_exist(self) -> bool:
        return self.required or self.present


@dataclass(frozen=True)
class SheetSpec:
    """One sheet of the contract; ``record`` is the dataclass a row becomes and ``fix``
    completes a record where a blank cell's meaning depends on another cell."""

    name: str
    columns: tuple[Column, ...]
    record: type | None = None
    optional: bool = False
    fix: Callable[[Any], Any] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if norm(c.name) == norm(name)), None)


def _sheet(
    name: str,
    record: type | None,
    *columns: Column,
    optional: bool = False,
    fix: Callable[[Any], Any] | None = None,
) -> SheetSpec:
    return SheetSpec(name, columns, record, optional, fix)


def _c(name: str, kind: Kind, required: bool = False, default: Any = _NO_DEFAULT) -> Column:
    return Column(name, kind, required, default)


def _course_language(course: Course) -> Course:
    """NT2 is taught in Dutch; an MO course with a blank language stays blank (an error)."""
    if not course.language and course.kind == "NT2":
        return dataclasses.replace(course, language="nl")
    return course


def _scenario_names(row: ScenarioRow) -> ScenarioRow:
    """Scenario rows name sheets and columns as typed; use the contract's spelling."""
    spec = next((s for s in SHEETS.values() if norm(s.name) == norm(row.sheet)), None)
    if spec is None:
        return row
    column = spec.column(row.column) if row.column else None
    return dataclasses.replace(row, sheet=spec.name, column=column.name if column else row.column)


_KEY_VALUE = (_c("key", TEXT, True), Column("value", ANY, present=True))
_BLOCK = (_c("day", DAY, True), _c("start", TIME, True), _c("end", TIME, True))

SHEETS: dict[str, SheetSpec] = {
    s.name: s
    for s in (
        _sheet("Settings", None, *_KEY_VALUE),
        _sheet(
            "Periods",
            Period,
            _c("period", ID, True),
            _c("start", TIME, True),
            _c("end", TIME, True),
        ),
        _sheet(
            "ClosedDays",
            ClosedDay,
            _c("date", DATE, True),
            _c("reason", CLOSED_REASON),
            _c("sections", ID_LIST),
            optional=True,
        ),
        _sheet(
            "Sections",
            Section,
            _c("section", ID, True),
            _c("name", TEXT, default=""),
            _c("regime", ID, True),
            _c("gender", GENDER),
            _c("status", STATUS),
            _c("zone", TEXT),
        ),
        _sheet(
            "Regimes",
            RegimeBlock,
            _c("regime", ID, True),
            _c("day", DAY_OR_ALL, True),
            _c("start", TIME, True),
            _c("end", TIME, True),
            _c("activity", ACTIVITY),
        ),
        _sheet(
            "Separations",
            Separation,
            _c("a", ID, True),
            _c("b", ID, True),
            _c("reason", TEXT),
            optional=True,
        ),
        _sheet(
            "Rooms",
            Room,
            _c("room", ID, True),
            _c("name", TEXT, default=""),
            _c("kind", ROOM_KIND, True),
            _c("seats", INT, True),
            _c("internet_seats", INT),
            _c("zone", TEXT),
            _c("sections", ID_LIST),
        ),
        _sheet(
            "RoomUnavailability",
            RoomUnavailability,
            _c("room", ID, True),
            *_BLOCK,
            _c("reason", TEXT),
            optional=True,
        ),
        _sheet("InternetWindows", InternetWindow, *_BLOCK),
        _sheet(
            "Staff",
            Staff,
            _c("staff", ID, True),
            _c("name", TEXT, default=""),
            _c("role", ROLE, True),
            _c("organisation", TEXT),
            _c("teaches", ID_LIST),
            _c("languages", LANGUAGES),
            _c("max_periods_per_week", INT),
            _c("days", DAY_LIST),
        ),
        _sheet(
            "StaffAvailability", StaffAvailability, _c("staff", ID, True), *_BLOCK, optional=True
        ),
        _sheet(
            "Courses",
            Course,
            _c("course", ID, True),
            _c("kind", COURSE_KIND, True),
            _c("name", TEXT, default=""),
            _c("level", LEVEL),
            _c("language", LANGUAGE, default=""),
            _c("sessions_per_week", INT, True),
            _c("session_periods", INT, True),
            _c("total_hours", FLOAT, True),
            _c("min_size", INT, True),
            _c("max_size", INT, True),
            _c("internet_sessions", INT),
            _c("max_groups", INT),
            fix=_course_language,
        ),
        _sheet(
            "Learners",
            Learner,
            _c("learner", ID, True),
            _c("section", ID, True),
            _c("languages", LANGUAGES),
            _c("nt2_level", LEVEL),
            _c("wants", WANTS),
            _c("intake", YES_NO),
            _c("internet_periods", INT),
            _c("priority", INT),
            _c("arrival", DATE),
            _c("release", DATE),
        ),
        _sheet(
            "LearnerUnavailability",
            LearnerUnavailability,
            _c("learner", ID, True),
            *_BLOCK,
            _c("reason", TEXT),
            optional=True,
        ),
        _sheet(
            "Locks",
            Lock,
            _c("kind", LOCK_KIND),
            _c("course", ID),
            _c("group", ID),
            _c("day", DAY),
            _c("period", ID),
            _c("room", ID),
            _c("staff", ID),
            _c("learner", ID),
            optional=True,
        ),
        _sheet("Weights", None, *_KEY_VALUE, optional=True),
        _sheet(
            "Scenarios",
            ScenarioRow,
            _c("scenario", ID, True),
            _c("sheet", TEXT, True),
            _c("key", TEXT, default=""),
            _c("column", TEXT),
            _c("value", TEXT),
            _c("action", ACTION),
            optional=True,
            fix=_scenario_names,
        ),
    )
}

# Sheet -> ProblemData field, for the sheets read by the generic table reader.
TABLE_FIELDS: dict[str, str] = {
    "Periods": "periods",
    "ClosedDays": "closed_days",
    "Sections": "sections",
    "Regimes": "regimes",
    "Separations": "separations",
    "Rooms": "rooms",
    "RoomUnavailability": "room_unavailability",
    "InternetWindows": "internet_windows",
    "Staff": "staff",
    "StaffAvailability": "staff_availability",
    "Courses": "courses",
    "Learners": "learners",
    "LearnerUnavailability": "learner_unavailability",
    "Locks": "locks",
    "Scenarios": "scenarios",
}

# What each Settings key holds; the keys are exactly the fields of ``Settings``.
SETTINGS_KINDS: dict[str, Kind] = {
    "prison": TEXT,
    "term_start": DATE,
    "term_end": DATE,
    "teaching_days": DAY_LIST,
    "max_groups_moving": INT,
    "time_limit_s": FLOAT,
    "seed": INT,
    "intake_periods": INT,
    "intake_weeks": INT,
    "completion_share": FLOAT,
    "language": vocabulary(
        ("nl", "fr", "en"),
        N_("a language of the messages"),
        {
            "nederlands": "nl",
            "dutch": "nl",
            "frans": "fr",
            "francais": "fr",
            "french": "fr",
            "engels": "en",
            "english": "en",
            "anglais": "en",
            "néerlandais": "nl",
        },
    ),
}

# The Dutch names the reader accepts for each sheet and column (the template's notes and its
# About sheet show them). The English names stay the contract: files are written with them.
DUTCH_SHEETS: dict[str, str] = {
    "Settings": "Instellingen",
    "Periods": "Lesuren",
    "ClosedDays": "Sluitingsdagen",
    "Sections": "Afdelingen",
    "Regimes": "Dagregimes",
    "Separations": "Scheidingen",
    "Rooms": "Lokalen",
    "RoomUnavailability": "LokaalBezet",
    "InternetWindows": "Internetvensters",
    "Staff": "Personeel",
    "StaffAvailability": "Beschikbaarheid",
    "Courses": "Cursussen",
    "Learners": "Leerlingen",
    "LearnerUnavailability": "LeerlingAfwezig",
    "Locks": "Vastzetten",
    "Weights": "Gewichten",
    "Scenarios": "Scenario's",
}
DUTCH_COLUMNS: dict[str, str] = {
    "key": "sleutel",
    "value": "waarde",
    "period": "lesuur",
    "start": "begin",
    "end": "einde",
    "date": "datum",
    "reason": "reden",
    "sections": "afdelingen",
    "section": "afdeling",
    "name": "naam",
    "gender": "geslacht",
    "status": "statuut",
    "day": "dag",
    "activity": "activiteit",
    "room": "lokaal",
    "kind": "soort",
    "seats": "plaatsen",
    "internet_seats": "internetplaatsen",
    "staff": "personeelslid",
    "role": "rol",
    "organisation": "organisatie",
    "teaches": "geeft",
    "languages": "talen",
    "max_periods_per_week": "max_lesuren_per_week",
    "days": "dagen",
    "course": "cursus",
    "level": "niveau",
    "language": "taal",
    "sessions_per_week": "lessen_per_week",
    "session_periods": "lesuren_per_les",
    "total_hours": "totaal_uren",
    "min_size": "min_grootte",
    "max_size": "max_grootte",
    "internet_sessions": "internetlessen",
    "max_groups": "max_groepen",
    "learner": "leerling",
    "nt2_level": "nt2_niveau",
    "wants": "wil",
    "internet_periods": "internetlesuren",
    "priority": "prioriteit",
    "arrival": "aankomst",
    "release": "vrijlating",
    "group": "groep",
    "sheet": "blad",
    "column": "kolom",
    "action": "actie",
}

# Example rows of the template: the first cell starts so; the reader skips them.
EXAMPLE_MARKS: tuple[str, ...] = ("VOORBEELD", "EXAMPLE")


def dutch_column(name: str) -> str:
    """The Dutch name of a column (the English one when both are the same word)."""
    return DUTCH_COLUMNS.get(name, name)


def sheet_for(title: str) -> SheetSpec | None:
    """The contract sheet a worksheet title names, in English or in Dutch."""
    key = norm(title)
    return next(
        (
            s
            for s in SHEETS.values()
            if key in (norm(s.name), norm(DUTCH_SHEETS.get(s.name, s.name)))
        ),
        None,
    )


def column_names(spec: SheetSpec) -> dict[str, str]:
    """Normalised English and Dutch column names of ``spec`` -> the contract's name."""
    names = {norm(c.name): c.name for c in spec.columns}
    names.update({norm(dutch_column(c.name)): c.name for c in spec.columns})
    return names


def is_example(text: str) -> bool:
    """Whether a cell's text marks a template example row (``VOORBEELD-1``, ``EXAMPLE``)."""
    return text.strip().upper().startswith(EXAMPLE_MARKS)
