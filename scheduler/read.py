"""Read the input workbook into a ProblemData, tolerating what coordinators really type.

Three layers, in the order the data flows:

1. **File.** ``load_sheets`` opens the file with openpyxl (read-only, cached values) and
   returns every sheet as plain Python values. Anything that is not a usable workbook (missing,
   a folder, empty, a text file, a corrupt zip, an encrypted or legacy ``.xls`` file, far too
   large) raises ``UnreadableFileError`` with one sentence.
2. **Cells.** A ``Kind`` turns one cell value into a typed value or raises ``CellError`` with a
   message that says what to type instead: Excel dates and times or text, English, Dutch or
   French days, lists split on commas or semicolons, numbers stored as text, yes/no in several
   spellings.
3. **Sheets.** ``SHEETS`` describes every sheet of the contract (columns, which are required,
   what each holds); one generic table reader turns rows into records, and ``Settings`` and
   ``Weights`` (key/value sheets) have a reader each.

``check_workbook`` then runs the cross-sheet checks of ``scheduler.validate``. Every problem is
collected before anything is reported; a row with a problem is left out of the data, and the ids
of such rows are passed to ``validate`` so that references to them are not reported twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils.datetime import from_excel

from scheduler.data import (
    ACTIVITIES,
    CLOSED_REASONS,
    COURSE_KINDS,
    DAYS,
    DEFAULT_WEIGHTS,
    GENDERS,
    LOCK_KINDS,
    NT2_LEVELS,
    ROOM_KINDS,
    SCENARIO_ACTIONS,
    STAFF_ROLES,
    STATUSES,
    ClosedDay,
    Course,
    InternetWindow,
    Learner,
    LearnerUnavailability,
    Lock,
    Period,
    ProblemData,
    RegimeBlock,
    Room,
    RoomUnavailability,
    ScenarioRow,
    Section,
    Separation,
    Settings,
    Staff,
    StaffAvailability,
)
from scheduler.errors import Problem, UnreadableFileError, WorkbookError
from scheduler.xlsxread import (
    ArchiveError,
    Book,
    SheetPart,
    Uncalculated,
    inspect_archive,
    iter_rows,
    open_book,
)

MAX_FILE_BYTES = 50 * 1024 * 1024  # a real term workbook is well under 5 MB
MAX_ROWS = 100_000  # data rows per sheet; the largest prison has about 1,200 detainees
MAX_COLUMNS = 200  # columns read per sheet; the widest contract sheet has 12

# ---------------------------------------------------------------------------------------------
# Cells: one cell value -> one typed value, or a CellError that says what to type instead.
# ---------------------------------------------------------------------------------------------

EXCEL_ERRORS = frozenset(
    {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)


class CellError(ValueError):
    """A cell's value is not what its column holds; the message says what to type."""


def norm(name: str) -> str:
    """The form in which sheet, column and key names are compared: case, spaces and
    underscores ignored (``Internet seats`` matches ``internet_seats``)."""
    return re.sub(r"[\s_]+", "", name).casefold()


def is_blank(value: Any) -> bool:
    """An empty cell: None, or text of spaces only."""
    return value is None or (isinstance(value, str) and not value.strip())


def _midnight(value: dt.datetime) -> bool:
    """A date cell read as a datetime (time objects are never falsy, so compare)."""
    return value.time() == dt.time()


def show(value: Any) -> str:
    """A cell value as a coordinator would recognise it in a message."""
    if isinstance(value, Uncalculated):
        return "the cell"  # the CellError that follows names the formula
    if isinstance(value, str):
        return repr(value.strip())
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if _midnight(value) else value.isoformat(" ", "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


def uncalculated(value: Uncalculated) -> CellError:
    """The error for a formula saved without its value (item 11 of issue 12)."""
    return CellError(
        f"holds a formula Excel has not calculated ({value}); open and save the file in Excel"
    )


def as_text(value: Any) -> str:
    """Any cell as text: ``12`` and ``12.0`` -> ``"12"``, ``1.1`` -> ``"1.1"``, dates ISO."""
    if isinstance(value, Uncalculated):
        raise uncalculated(value)
    if isinstance(value, str):
        text = value.strip()
        if text.upper() in EXCEL_ERRORS:
            raise CellError(
                f"the cell shows the Excel error {text}; fix the formula or type a value"
            )
        return text
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and _midnight(value):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


# A number typed as text must be plain (workbook.md, Clarifications): digits with at most one
# decimal point or comma. Python's float() would also take "1_2" (12), "1e5", "nan" and "inf".
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,](\d+))?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:[ .,_'\u00a0\u202f]\d{3})+(?:[.,]\d+)?$")


class GroupedNumber(CellError):
    """A number typed with a digit grouping; its message is passed on as it is."""


def _number_text(value: Any) -> float:
    """A number from a numeric cell or from plain text such as ``" 3 "``, ``"12.5"`` or
    ``"2,5"``. Digit groupings (``1.000``, ``1 000``, ``1_2``) are refused: ``1.000`` is a
    thousand to a Dutch reader and one to an English one."""
    if isinstance(value, bool) or isinstance(value, dt.date | dt.time | dt.timedelta):
        raise CellError("is not a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = as_text(value)
        match = _PLAIN_NUMBER.match(text)
        if match is None or (match.group(1) is not None and len(match.group(1)) == 3):
            if _GROUPED.match(text) or "_" in text:
                raise GroupedNumber(
                    "has digits grouped with a separator; type the number plainly, e.g. 1000 "
                    "or 1 (a decimal comma or point is fine: 12,5)"
                ) from None
            raise CellError("is not a number")
        number = float(text.replace(",", "."))
    if not math.isfinite(number):
        raise CellError("is not a number")
    return number


def parse_int(value: Any) -> int:
    """A whole number; ``12.0`` and ``"12"`` are fine, ``12.5`` is not."""
    try:
        number = _number_text(value)
    except GroupedNumber:
        raise
    except CellError:
        raise CellError("is not a whole number; type a number such as 12") from None
    if not number.is_integer():
        raise CellError("is not a whole number; type a number such as 12")
    return int(number)


def parse_float(value: Any) -> float:
    """A number; ``"2,5"`` (decimal comma) and numbers stored as text are fine."""
    try:
        return _number_text(value)
    except GroupedNumber:
        raise
    except CellError:
        raise CellError("is not a number; type a number such as 60 or 2.5") from None


def parse_text(value: Any) -> str:
    """Any cell as trimmed text (``12.0`` -> ``"12"``)."""
    return as_text(value)


_TIME_HM = re.compile(r"^(\d{1,2})\s*[:.hu]\s*(\d{2})(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
_TIME_H = re.compile(r"^(\d{1,2})\s*(h|u|am|pm)$", re.IGNORECASE)
_TIME_HINT = "type a time such as 08:30"


def _minutes(hours: int, minutes: int, seconds: float = 0) -> int:
    total = hours * 60 + minutes + round(seconds / 60)
    if total == 24 * 60 and minutes < 60:
        raise CellError("is midnight, not a time of the teaching day, which ends before 24:00")
    if not 0 <= total < 24 * 60 or minutes >= 60:
        raise CellError(f"is not a time of day; {_TIME_HINT}")
    return total


def _time_from_text(text: str) -> int:
    """``08:30``, ``8:30``, ``08.30``, ``8h30``, ``8u30``, ``8:30 pm``, ``8h``, ``8 am``."""
    if m := _TIME_HM.match(text):
        hours, minutes, seconds, half = int(m[1]), int(m[2]), int(m[3] or 0), m[4]
    elif m := _TIME_H.match(text):
        hours, minutes, seconds = int(m[1]), 0, 0
        half = m[2] if m[2].lower() in ("am", "pm") else None
    else:
        raise CellError(f"is not a time; {_TIME_HINT}")
    if half:
        if not 1 <= hours <= 12:
            raise CellError(f"is not a time; {_TIME_HINT}")
        hours = hours % 12 + (12 if half.lower() == "pm" else 0)
    return _minutes(hours, minutes, seconds)


def parse_time(value: Any) -> int:
    """Minutes since midnight from an Excel time, a day fraction, or text such as ``08:30``,
    ``8:30``, ``08.30``, ``8h30``, ``8u30`` or ``8:30 am``."""
    if isinstance(value, dt.datetime):
        if _midnight(value):
            raise CellError(f"is a date, not a time; {_TIME_HINT}")
        value = value.time()
    if isinstance(value, dt.time):
        return _minutes(value.hour, value.minute, value.second + value.microsecond / 1e6)
    if isinstance(value, dt.timedelta):
        return _minutes(0, 0, value.total_seconds())
    if isinstance(value, bool) or isinstance(value, dt.date):
        raise CellError(f"is not a time; {_TIME_HINT}")
    if isinstance(value, int | float):
        if 0 <= value <= 1:  # a time cell whose format was lost: a fraction of a day
            return _minutes(0, 0, value * 24 * 60 * 60)
        # 8.3 is what Excel makes of "8.30"; guessing 08:30 or 08:18 would be wrong half the time
        raise CellError(f"is a number, not a time; {_TIME_HINT} (or format the cell as text)")
    return _time_from_text(as_text(value))


_ISO_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]00:00(?::00)?)?$")
_EUROPEAN_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DATE_HINT = "type a date such as 2027-01-11 or 11/01/2027"
# Excel serial numbers of 1960-01-01 and 2100-12-31: a date cell whose format was lost.
_SERIAL_RANGE = (21916, 73415)


def parse_date(value: Any) -> dt.date:
    """A date from an Excel date, an Excel serial number, or text ``YYYY-MM-DD``,
    ``DD/MM/YYYY``, ``DD-MM-YYYY`` or ``DD.MM.YYYY`` (never the American month-first order)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return from_excel(value).date()
        raise CellError(f"is not a date; {_DATE_HINT}")
    if not isinstance(value, str):
        raise CellError(f"is not a date; {_DATE_HINT}")
    text = as_text(value)
    if m := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _EUROPEAN_DATE.match(text):
        day, month, year = (int(g) for g in m.groups())
    else:
        raise CellError(f"is not a date; {_DATE_HINT}")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"is not a real date; {_DATE_HINT}") from None


def _day_aliases() -> dict[str, str]:
    """English, Dutch and French day names and abbreviations (Brussels is bilingual)."""
    names = {
        "Mon": "mo mon monday ma maa maan maandag lu lun lundi",
        "Tue": "tu tue tues tuesday di din dins dinsdag mar mardi",
        "Wed": "we wed weds wednesday wo woe woen woensdag mer mercredi",
        "Thu": "th thu thur thurs thursday do don dond donderdag jeu jeudi",
        "Fri": "fr fri friday vr vrij vrijdag ven vendredi",
        "Sat": "sa sat saturday za zat zaterdag sam samedi",
        "Sun": "su sun sunday zo zon zondag dim dimanche",
    }
    return {alias: day for day, words in names.items() for alias in words.split()}


DAY_ALIASES = _day_aliases()
ALL_DAYS = frozenset({"all", "alle", "daily", "dagelijks", "tous", "*"})
_DAY_HINT = "type a day such as Mon, Tue, ma or di"


def parse_day(value: Any) -> str:
    """``Mon`` .. ``Sun`` from English, Dutch or French names, any case, ``ma.`` included."""
    key = as_text(value).casefold().rstrip(".").strip()
    if key in DAY_ALIASES:
        return DAY_ALIASES[key]
    raise CellError(f"is not a day; {_DAY_HINT}")


def parse_day_or_all(value: Any) -> str:
    """A day, or ``all`` (also ``alle``) for every day."""
    if as_text(value).casefold() in ALL_DAYS:
        return "all"
    try:
        return parse_day(value)
    except CellError:
        raise CellError(f"is not a day; {_DAY_HINT}, or all") from None


def _each(items: list[str], parse: Callable[[str], Any]) -> list[Any]:
    """Each item of a list cell parsed; a bad item is named when the list has several."""
    out = []
    for item in items:
        try:
            out.append(parse(item))
        except CellError as exc:
            if len(items) == 1:
                raise
            raise CellError(f"holds {item!r}, which {exc}") from None
    return out


def split_list(value: Any) -> list[str]:
    """The items of a list cell, separated by commas or semicolons; blanks dropped."""
    return [item.strip() for item in re.split(r"[,;]", as_text(value)) if item.strip()]


# Characters that print as nothing, which a copy from a web page or a PDF brings along: two
# ids that differ only by them are the same id (workbook.md, Clarifications).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\u00ad\ufeff"))


def normalise_id(text: str) -> str:
    """An id as it is compared: Unicode NFKC (full-width ``Ｌ`` is ``L``), zero-width spaces,
    soft hyphens and byte-order marks removed, surrounding spaces trimmed."""
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE).strip()


def parse_id(value: Any) -> str:
    """An id (see ``normalise_id``)."""
    return normalise_id(as_text(value))


def parse_text_list(value: Any) -> tuple[str, ...]:
    """Ids separated by commas or semicolons."""
    return tuple(item for item in map(normalise_id, split_list(value)) if item)


def parse_days(value: Any) -> tuple[str, ...]:
    """A list of days in week order; ranges such as ``Mon-Thu`` or ``ma-do`` are expanded."""
    parts = [part for item in split_list(value) for part in item.split()]  # "Mon Wed" too
    days = {day for span in _each(parts, _day_span) for day in span}
    return tuple(d for d in DAYS if d in days)


def _day_span(text: str) -> tuple[str, ...]:
    """``Mon`` -> (Mon,); ``Mon-Wed`` -> (Mon, Tue, Wed)."""
    first, _, last = text.partition("-")
    if not last:
        return (parse_day(first),)
    i, j = DAYS.index(parse_day(first)), DAYS.index(parse_day(last))
    return DAYS[min(i, j) : max(i, j) + 1]


_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def parse_language(value: Any) -> str:
    """A language code (ISO 639-1, or 639-2 where there is no two-letter code), lower case."""
    code = as_text(value).casefold()
    if not _LANGUAGE.match(code):
        raise CellError("is not a language code; use ISO 639-1 codes such as nl, ar, fr, en")
    return code


def parse_languages(value: Any) -> tuple[str, ...]:
    """Language codes, best first, lower case, without repeats."""
    return tuple(dict.fromkeys(_each(split_list(value), parse_language)))


_YES = frozenset({"yes", "y", "ja", "j", "true", "1", "x", "oui", "waar"})
_NO = frozenset({"no", "n", "nee", "false", "0", "non", "onwaar", "-"})


def parse_yes_no(value: Any) -> bool:
    """yes/no, ja/nee, y/n, true/false, 1/0, x, or an Excel TRUE/FALSE."""
    if isinstance(value, bool):
        return value
    key = as_text(value).casefold()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError("is not yes or no; type yes or no (ja/nee and x/blank also work)")


def _level_from_date(value: dt.datetime) -> str:
    """Excel in a Dutch locale turns ``1.2`` typed in a cell into the date 1 February."""
    level = f"{value.day}.{value.month}"
    if level in NT2_LEVELS:
        return level
    raise CellError("is a date, not an NT2 level; type alfa, 1.1, 1.2, 2.1 or 2.2 as text")


def parse_level(value: Any) -> str:
    """An NT2 level: ``alfa``, ``1.1`` ...; ``Alfa``, ``alpha`` and ``1,1`` are recognised.
    A level outside the known list is kept as typed (validation warns about it)."""
    if isinstance(value, dt.datetime):
        return _level_from_date(value)
    text = as_text(value)
    key = text.casefold().replace(",", ".")
    if key == "alpha":
        key = "alfa"
    return key if key in NT2_LEVELS else text


def choice(allowed: Iterable[str], what: str, aliases: dict[str, str] | None = None):
    """A parser for one value of a fixed vocabulary, any case, spaces or hyphens for ``_``."""
    table = {norm(v): v for v in allowed} | {norm(k): v for k, v in (aliases or {}).items()}
    listing = ", ".join(dict.fromkeys(table.values()))

    def parse(value: Any) -> str:
        key = norm(as_text(value).replace("-", "_"))
        if key in table:
            return table[key]
        raise CellError(f"is not a {what}; use one of {listing}")

    return parse


def choice_list(allowed: Iterable[str], what: str):
    """A parser for a list of values of a fixed vocabulary (``NT2, MO``)."""
    one = choice(allowed, what)
    return lambda value: tuple(dict.fromkeys(_each(split_list(value), one)))


def keep(value: Any) -> Any:
    """The raw cell value, for key/value sheets whose value type depends on the key."""
    return value


@dataclass(frozen=True)
class Kind:
    """What a column holds: ``what`` names it for messages, ``parse`` reads one cell.
    ``allowed`` is the fixed vocabulary of the value (of each item when ``many``), if any;
    validation checks it again on data built in code."""

    what: str
    parse: Callable[[Any], Any]
    allowed: tuple[str, ...] = ()
    many: bool = False

    def read(self, value: Any) -> Any:
        """``parse``, after refusing the error values a broken formula shows (``#N/A``)."""
        if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
            raise CellError(f"is an Excel error value; fix the formula or type {self.what}")
        if isinstance(value, Uncalculated):
            raise uncalculated(value)
        return self.parse(value)


TEXT = Kind("a text", parse_text)
ID = Kind("an id such as A1", parse_id)
INT = Kind("a whole number", parse_int)
FLOAT = Kind("a number", parse_float)
TIME = Kind("a time such as 08:30", parse_time)
DATE = Kind("a date such as 2027-01-11", parse_date)
DAY = Kind("a day such as Mon", parse_day, DAYS)
DAY_OR_ALL = Kind("a day such as Mon, or all", parse_day_or_all, (*DAYS, "all"))
DAY_LIST = Kind("days such as Mon,Wed", parse_days, DAYS, many=True)
ID_LIST = Kind("ids separated by commas", parse_text_list)
LANGUAGE = Kind("a language code such as ar", parse_language)
LANGUAGES = Kind("language codes such as ar,fr", parse_languages)
YES_NO = Kind("yes or no", parse_yes_no)
LEVEL = Kind("an NT2 level such as 1.1", parse_level)
ANY = Kind("a value", keep)


def vocabulary(allowed: tuple[str, ...], what: str, aliases: dict[str, str] | None = None) -> Kind:
    """A column holding one value of ``allowed``, spelt as the coordinator likes."""
    return Kind(f"a {what}", choice(allowed, what, aliases), allowed)


COURSE_KIND = vocabulary(COURSE_KINDS, "course kind")
ROOM_KIND = vocabulary(
    ROOM_KINDS, "room kind", {"lab": "computer_lab", "pc_lab": "computer_lab", "class": "classroom"}
)
ROLE = vocabulary(
    STAFF_ROLES,
    "staff role",
    {"counselor": "counsellor", "teacher": "nt2_teacher", "trainer": "mo_trainer"},
)
ACTIVITY = vocabulary(ACTIVITIES, "regime activity")
CLOSED_REASON = vocabulary(CLOSED_REASONS, "closing reason")
GENDER = vocabulary(GENDERS, "gender", {"v": "F", "male": "M", "female": "F", "man": "M"})
STATUS = vocabulary(STATUSES, "status")
ACTION = vocabulary(SCENARIO_ACTIONS, "scenario action")
LOCK_KIND = vocabulary(LOCK_KINDS, "lock kind")
WANTS = Kind(
    "course kinds such as NT2,MO",
    choice_list(COURSE_KINDS, "course kind"),
    COURSE_KINDS,
    many=True,
)

# ---------------------------------------------------------------------------------------------
# Sheets: the layout of the contract and what each column holds.
# ---------------------------------------------------------------------------------------------

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
}

# ---------------------------------------------------------------------------------------------
# The file: open it, or say in one sentence why it cannot be opened.
# ---------------------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_SAVE_AS = "open it in Excel and save it as an Excel Workbook (.xlsx)"


@dataclass(frozen=True)
class RawSheet:
    """One worksheet as plain values: the header row and the data rows with their Excel row."""

    title: str
    header: tuple[Any, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]


def _check_ole(path: Path) -> None:
    """An OLE2 compound file is either an encrypted .xlsx or a legacy .xls workbook."""
    with path.open("rb") as fh:
        content = fh.read(4 * 1024 * 1024)
    if _ENCRYPTED_STREAM in content:
        raise UnreadableFileError(
            f"{path.name} is password-protected; remove the password in Excel "
            "(File > Info > Protect Workbook) and save it again"
        )
    if "Workbook".encode("utf-16-le") in content or path.suffix.lower() == ".xls":
        raise UnreadableFileError(
            f"{path.name} is an old-style Excel 97-2003 (.xls) workbook; {_SAVE_AS}"
        )
    raise UnreadableFileError(
        f"{path.name} is password-protected or an old-style .xls file; remove any password, "
        f"then {_SAVE_AS}"
    )


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def _check_zip(path: Path) -> None:
    """A zip archive that is not an .xlsx (an OpenDocument file, a .docx, a damaged file)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise UnreadableFileError(
            f"{path.name} is damaged (not a valid zip archive: {exc}); {_SAVE_AS}"
        ) from exc
    if b"opendocument" in mimetype:
        raise UnreadableFileError(f"{path.name} is an OpenDocument spreadsheet; {_SAVE_AS}")
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise UnreadableFileError(
            f"{path.name} is a zip archive but not an Excel workbook; {_SAVE_AS}"
        )


def check_file(path: Path) -> None:
    """Raise UnreadableFileError unless ``path`` looks like an .xlsx workbook of sane size."""
    if not path.exists():
        raise UnreadableFileError(f"{path} does not exist; check the name and the folder")
    if path.is_dir():
        raise UnreadableFileError(f"{path} is a folder, not a workbook file")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFileError(f"{path.name} is empty (0 bytes); {_SAVE_AS}")
    if size > MAX_FILE_BYTES:
        raise UnreadableFileError(
            f"{path.name} is far too large for a term workbook ({size / 2**20:.0f} MB; the "
            f"limit is {MAX_FILE_BYTES // 2**20} MB); remove pictures and unused sheets"
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError as exc:
        raise UnreadableFileError(f"{path} cannot be opened: {exc.strerror or exc}") from exc
    if head.startswith(_OLE_MAGIC):
        _check_ole(path)
    if not head.startswith(b"PK"):
        if _looks_like_text(head):
            raise UnreadableFileError(
                f"{path.name} is a text file (CSV or similar), not an Excel workbook; {_SAVE_AS}"
            )
        raise UnreadableFileError(f"{path.name} is not an Excel workbook; {_SAVE_AS}")
    _check_zip(path)


def _read_sheet(archive: zipfile.ZipFile, sheet: SheetPart, book: Book, name: str) -> RawSheet:
    """Row 1 and every non-empty data row of one worksheet, with their Excel row numbers.
    Only the rows present in the file are parsed and only the first MAX_COLUMNS columns kept,
    so a stray cell at row 1,048,576 or column XFD costs nothing."""
    header: tuple[Any, ...] = ()
    rows: list[tuple[int, tuple[Any, ...]]] = []
    for number, values in iter_rows(archive, sheet, book, MAX_COLUMNS):
        if number == 1:
            header = values
        elif number > 1 and not all(is_blank(v) for v in values):
            rows.append((number, values))
            if len(rows) > MAX_ROWS:
                raise UnreadableFileError(
                    f"{name}: sheet {sheet.title} has more than {MAX_ROWS} rows of data, far "
                    "more than a term needs"
                )
    return RawSheet(sheet.title, header, tuple(rows))


def load_sheets(path: str | os.PathLike) -> list[RawSheet]:
    """Every worksheet of the workbook at ``path`` as plain values.

    Raises UnreadableFileError (one sentence) when the file is not a usable .xlsx workbook,
    or when its archive would inflate far beyond what a term needs (checked before parsing).
    """
    path = Path(path)
    check_file(path)
    try:
        # A file object, not the name: the extension does not matter (".XLSX.bak" is fine).
        with path.open("rb") as fh, zipfile.ZipFile(fh) as archive:
            inspect_archive(archive)
            book = open_book(archive)
            return [_read_sheet(archive, sheet, book, path.name) for sheet in book.sheets]
    except UnreadableFileError:
        raise
    except ArchiveError as exc:
        raise UnreadableFileError(
            f"{path.name} is refused: {exc}; {_SAVE_AS} again from a copy that holds only the term"
        ) from None
    except Exception as exc:  # a damaged archive or XML raises many kinds of exception
        raise UnreadableFileError(
            f"{path.name} is damaged and cannot be read as a workbook "
            f"({type(exc).__name__}: {exc}); {_SAVE_AS}"
        ) from exc


# ---------------------------------------------------------------------------------------------
# Rows: a table of raw values -> records, collecting every problem on the way.
# ---------------------------------------------------------------------------------------------


@dataclass
class _Collected:
    """Problems found while reading, and the ids of rows left out because of them."""

    problems: list[Problem] = field(default_factory=list)
    unread: dict[str, set[str]] = field(default_factory=dict)
    layout_ok: bool = True
    key_rows: dict[str, dict[str, int]] = field(default_factory=dict)  # Settings/Weights

    def add(
        self, sheet: str, row: int | None, column: str | None, message: str, severity: str = "error"
    ) -> None:
        self.problems.append(Problem(sheet, row, column, message, severity))

    def layout(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.layout_ok = False
        self.add(sheet, row, column, message)

    def left_out(self, sheet: str, key: str) -> None:
        self.unread.setdefault(sheet, set()).add(key)


def suggest(word: str, options: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the option closest to a misspelt ``word``, else ``""``."""
    close = difflib.get_close_matches(str(word), sorted(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _columns(spec: SheetSpec, raw: RawSheet, out: _Collected) -> dict[str, int] | None:
    """The position of each contract column in ``raw``, or None when a required one is missing."""
    found: dict[str, int] = {}
    known = {norm(c.name): c.name for c in spec.columns}
    for index, cell in enumerate(raw.header):
        if is_blank(cell):
            continue
        try:
            text = cell.strip() if isinstance(cell, str) else as_text(cell)
        except CellError as exc:
            out.layout(spec.name, 1, None, f"column {index + 1} of row 1: {show(cell)} {exc}")
            continue
        name = known.get(norm(text))
        if name is None:
            out.add(
                spec.name,
                1,
                text,
                f"column {text!r} is not a column of {spec.name} and is ignored{suggest(text, spec.names)}",
                "warning",
            )
        elif name in found:
            out.layout(
                spec.name, 1, name, f"column {name} appears twice in row 1; keep one of them"
            )
        else:
            found[name] = index
    missing = [c.name for c in spec.columns if c.must_exist and c.name not in found]
    if missing and not found:
        out.layout(spec.name, 1, None, f"row 1 must hold the column names: {', '.join(spec.names)}")
        return None
    for name in missing:
        out.layout(
            spec.name,
            1,
            name,
            f"column {name} is missing; add it to row 1 (columns of {spec.name}: {', '.join(spec.names)})",
        )
    return None if missing else found


def _cell(values: tuple[Any, ...], index: int | None) -> Any:
    return values[index] if index is not None and index < len(values) else None


def _row_values(
    spec: SheetSpec, number: int, values: tuple[Any, ...], cols: dict[str, int], out: _Collected
) -> dict[str, Any] | None:
    """The typed values of one row, or None after reporting its problems."""
    parsed: dict[str, Any] = {}
    ok = True
    for column in spec.columns:
        value = _cell(values, cols.get(column.name))
        if is_blank(value):
            if column.required:
                out.add(
                    spec.name,
                    number,
                    column.name,
                    f"{column.name} is empty; type {column.kind.what}",
                )
                ok = False
            elif column.default is not _NO_DEFAULT:
                parsed[column.name] = column.default
            continue
        try:
            parsed[column.name] = column.kind.read(value)
        except CellError as exc:
            out.add(spec.name, number, column.name, f"{show(value)} {exc}")
            ok = False
    return parsed if ok else None


def read_table(
    spec: SheetSpec, raw: RawSheet | None, out: _Collected
) -> list[tuple[int, dict[str, Any]]]:
    """The rows of one sheet as (Excel row, typed values), problems collected in ``out``."""
    if raw is None:
        if not spec.optional:
            out.layout(
                spec.name,
                None,
                None,
                f"the sheet {spec.name} is missing; add a sheet with the columns {', '.join(spec.names)}",
            )
        return []
    if not raw.header and not raw.rows and spec.optional:
        return []
    cols = _columns(spec, raw, out)
    if cols is None:
        return []
    rows = []
    id_index = cols.get(spec.columns[0].name)
    for number, values in raw.rows:
        parsed = _row_values(spec, number, values, cols, out)
        if parsed is not None:
            rows.append((number, parsed))
            continue
        key = _cell(values, id_index)
        if not is_blank(key):
            try:
                out.left_out(spec.name, as_text(key))
            except CellError:
                pass  # the id cell itself shows an Excel error; nothing can refer to it
    return rows


def _records(spec: SheetSpec, rows: list[tuple[int, dict[str, Any]]]) -> tuple:
    """Records of ``spec.record`` from parsed rows; a blank optional cell keeps the default."""
    make = spec.record
    fix = spec.fix or (lambda record: record)
    return tuple(fix(make(**values, row=number)) for number, values in rows)


def _key_values(
    spec: SheetSpec, raw: RawSheet | None, out: _Collected, kinds: dict[str, Kind]
) -> dict[str, Any]:
    """A key/value sheet (Settings, Weights): key -> typed value; blank values dropped."""
    found: dict[str, Any] = {}
    seen: dict[str, int] = {}
    by_norm = {norm(k): k for k in kinds}
    for number, values in read_table(spec, raw, out):
        typed = str(values["key"])
        key = by_norm.get(norm(typed))
        if key is None:
            out.add(
                spec.name,
                number,
                "key",
                f"unknown key {typed!r}{suggest(typed, kinds)}; the keys of {spec.name} are {', '.join(kinds)}",
            )
            continue
        if key in seen:
            out.add(
                spec.name,
                number,
                "key",
                f"{key} is given twice (first on row {seen[key]}); keep one row",
            )
            continue
        seen[key] = number
        out.key_rows.setdefault(spec.name, {})[key] = number
        value = values.get("value")
        if is_blank(value):
            continue
        try:
            found[key] = kinds[key].read(value)
        except CellError as exc:
            out.add(spec.name, number, "value", f"{key}: {show(value)} {exc}")
            out.left_out(spec.name, key)
    return found


def read_settings(raw: RawSheet | None, out: _Collected) -> Settings:
    """Settings from the key/value sheet; a missing required key becomes a blank value that
    ``validate`` reports, an optional one keeps its default."""
    found = _key_values(SHEETS["Settings"], raw, out, SETTINGS_KINDS)
    values: dict[str, Any] = {"prison": "", "term_start": None, "term_end": None}
    values.update(found)
    if "time_limit_s" in values:
        values["time_limit_s"] = float(values["time_limit_s"])
    return Settings(**values)


def read_weights(raw: RawSheet | None, out: _Collected) -> dict[str, float]:
    """The documented default weights, overridden by the Weights sheet."""
    kinds = {key: FLOAT for key in DEFAULT_WEIGHTS}
    found = _key_values(SHEETS["Weights"], raw, out, kinds)
    return dict(DEFAULT_WEIGHTS) | found


def _find_sheets(raw_sheets: list[RawSheet], out: _Collected) -> dict[str, RawSheet]:
    """Contract sheet name -> its worksheet, matched by name ignoring case and spaces."""
    by_norm: dict[str, RawSheet] = {}
    for raw in raw_sheets:
        key = norm(raw.title)
        spec = next((s for s in SHEETS.values() if norm(s.name) == key), None)
        if spec is None:
            continue
        if key in by_norm:
            out.layout(
                spec.name,
                None,
                None,
                f"two sheets are named {spec.name} ({by_norm[key].title!r} and {raw.title!r}); keep one",
            )
        by_norm.setdefault(key, raw)
    return {name: by_norm[norm(name)] for name in SHEETS if norm(name) in by_norm}


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


def build(raw_sheets: list[RawSheet]) -> tuple[ProblemData, _Collected]:
    """ProblemData from raw sheets, with every reading problem collected (not yet validated)."""
    out = _Collected()
    sheets = _find_sheets(raw_sheets, out)
    tables = {
        fld: _records(SHEETS[sheet], read_table(SHEETS[sheet], sheets.get(sheet), out))
        for sheet, fld in TABLE_FIELDS.items()
    }
    settings = read_settings(sheets.get("Settings"), out)
    weights = read_weights(sheets.get("Weights"), out)
    return ProblemData(settings=settings, weights=weights, **tables), out


_SHEET_ORDER = {name: i for i, name in enumerate(SHEETS)}


def _order(problem: Problem) -> tuple:
    return (_SHEET_ORDER.get(problem.sheet, len(_SHEET_ORDER)), problem.row or 0)


def check_workbook(path: str | os.PathLike) -> tuple[ProblemData | None, list[Problem]]:
    """Read and validate the workbook at ``path``.

    Returns the data (None when there is any error) and every problem found, warnings
    included, in sheet order. Raises UnreadableFileError when the file is not a usable
    workbook. Cross-sheet checks are skipped only when a required sheet or column is missing
    (they would report the consequences of the missing layout, not real problems).
    """
    from scheduler.validate import validate  # validate imports this module's sheet layout

    data, out = build(load_sheets(path))
    problems = list(out.problems)
    if out.layout_ok:
        problems += [with_key_row(p, out.key_rows) for p in validate(data, out.unread)]
    problems.sort(key=_order)
    has_errors = any(p.severity == "error" for p in problems)
    return (None if has_errors else data), problems


def with_key_row(problem: Problem, key_rows: dict[str, dict[str, int]]) -> Problem:
    """A Settings or Weights problem given the row of the key it is about. The records of
    these key/value sheets keep no row, but every message about a key starts with the key
    (``seed must be ...``, ``weight served must be ...``, ``term_end (...) is before ...``)."""
    rows = key_rows.get(problem.sheet)
    if problem.row is not None or not rows:
        return problem
    text = problem.message.removeprefix("weight ")
    for key in sorted(rows, key=len, reverse=True):
        if text.startswith(key) and text[len(key) : len(key) + 1] in (" ", ":", ""):
            return dataclasses.replace(problem, row=rows[key])
    return problem


def read_workbook(path: str | os.PathLike) -> ProblemData:
    """The validated term in the workbook at ``path``.

    Raises WorkbookError listing every error (reading and cross-sheet) and
    UnreadableFileError when the file is not a usable workbook. Warnings are not raised; use
    ``check_workbook`` to see them.
    """
    data, problems = check_workbook(path)
    if data is None:
        raise WorkbookError([p for p in problems if p.severity == "error"])
    return data


__all__ = [
    "SHEETS",
    "CellError",
    "check_workbook",
    "load_sheets",
    "read_workbook",
]
