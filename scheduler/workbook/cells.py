"""Cells: one cell value -> one typed value, or a ``CellError`` that says what to type instead.

Coordinators type what they are used to: Excel dates and times or text, English, Dutch or French
days, lists split on commas or semicolons, numbers stored as text, yes/no in several spellings.
A ``Kind`` names what a column holds and parses one cell of it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from openpyxl.utils.datetime import from_excel

from scheduler.data import (
    ACTIVITIES,
    CLOSED_REASONS,
    COURSE_KINDS,
    DAYS,
    GENDERS,
    LOCK_KINDS,
    NT2_LEVELS,
    ROOM_KINDS,
    SCENARIO_ACTIONS,
    STAFF_ROLES,
    STATUSES,
)
from scheduler.i18n import N_, _
from scheduler.workbook.languages import code_for
from scheduler.workbook.xlsxread import Uncalculated

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
        return _("the cell")  # the CellError that follows names the formula
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
        _(
            "holds a formula Excel has not calculated ({formula}); open and save the file in Excel",
            formula=value,
        )
    )


def as_text(value: Any) -> str:
    """Any cell as text: ``12`` and ``12.0`` -> ``"12"``, ``1.1`` -> ``"1.1"``, dates ISO."""
    if isinstance(value, Uncalculated):
        raise uncalculated(value)
    if isinstance(value, str):
        text = value.strip()
        if text.upper() in EXCEL_ERRORS:
            raise CellError(
                _(
                    "the cell shows the Excel error {error}; fix the formula or type a value",
                    error=text,
                )
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
        raise CellError(_("is not a number"))
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = as_text(value)
        match = _PLAIN_NUMBER.match(text)
        if match is None or (match.group(1) is not None and len(match.group(1)) == 3):
            if _GROUPED.match(text) or "_" in text:
                raise GroupedNumber(
                    _(
                        "has digits grouped with a separator; type the number plainly, e.g. "
                        "1000 or 1 (a decimal comma or point is fine: 12,5)"
                    )
                ) from None
            raise CellError(_("is not a number"))
        number = float(text.replace(",", "."))
    if not math.isfinite(number):
        raise CellError(_("is not a number"))
    return number


def parse_int(value: Any) -> int:
    """A whole number; ``12.0`` and ``"12"`` are fine, ``12.5`` is not."""
    try:
        number = _number_text(value)
    except GroupedNumber:
        raise
    except CellError:
        raise CellError(_("is not a whole number; type a number such as 12")) from None
    if not number.is_integer():
        raise CellError(_("is not a whole number; type a number such as 12"))
    return int(number)


def parse_float(value: Any) -> float:
    """A number; ``"2,5"`` (decimal comma) and numbers stored as text are fine."""
    try:
        return _number_text(value)
    except GroupedNumber:
        raise
    except CellError:
        raise CellError(_("is not a number; type a number such as 60 or 2.5")) from None


def parse_text(value: Any) -> str:
    """Any cell as trimmed text (``12.0`` -> ``"12"``)."""
    return as_text(value)


_TIME_HM = re.compile(r"^(\d{1,2})\s*[:.hu]\s*(\d{2})(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
_TIME_H = re.compile(r"^(\d{1,2})\s*(h|u|am|pm)$", re.IGNORECASE)
_TIME_HINT = N_("type a time such as 08:30")


def _minutes(hours: int, minutes: int, seconds: float = 0) -> int:
    total = hours * 60 + minutes + round(seconds / 60)
    if total == 24 * 60 and minutes < 60:
        raise CellError(_("is midnight, not a time of the teaching day, which ends before 24:00"))
    if not 0 <= total < 24 * 60 or minutes >= 60:
        raise CellError(_("is not a time of day; {hint}", hint=_(_TIME_HINT)))
    return total


def _time_from_text(text: str) -> int:
    """``08:30``, ``8:30``, ``08.30``, ``8h30``, ``8u30``, ``8:30 pm``, ``8h``, ``8 am``."""
    if m := _TIME_HM.match(text):
        hours, minutes, seconds, half = int(m[1]), int(m[2]), int(m[3] or 0), m[4]
    elif m := _TIME_H.match(text):
        hours, minutes, seconds = int(m[1]), 0, 0
        half = m[2] if m[2].lower() in ("am", "pm") else None
    else:
        raise CellError(_("is not a time; {hint}", hint=_(_TIME_HINT)))
    if half:
        if not 1 <= hours <= 12:
            raise CellError(_("is not a time; {hint}", hint=_(_TIME_HINT)))
        hours = hours % 12 + (12 if half.lower() == "pm" else 0)
    return _minutes(hours, minutes, seconds)


def parse_time(value: Any) -> int:
    """Minutes since midnight from an Excel time, a day fraction, or text such as ``08:30``,
    ``8:30``, ``08.30``, ``8h30``, ``8u30`` or ``8:30 am``."""
    if isinstance(value, dt.datetime):
        if _midnight(value):
            raise CellError(_("is a date, not a time; {hint}", hint=_(_TIME_HINT)))
        value = value.time()
    if isinstance(value, dt.time):
        return _minutes(value.hour, value.minute, value.second + value.microsecond / 1e6)
    if isinstance(value, dt.timedelta):
        return _minutes(0, 0, value.total_seconds())
    if isinstance(value, bool) or isinstance(value, dt.date):
        raise CellError(_("is not a time; {hint}", hint=_(_TIME_HINT)))
    if isinstance(value, int | float):
        if 0 <= value <= 1:  # a time cell whose format was lost: a fraction of a day
            return _minutes(0, 0, value * 24 * 60 * 60)
        # 8.3 is what Excel makes of "8.30"; guessing 08:30 or 08:18 would be wrong half the time
        raise CellError(
            _("is a number, not a time; {hint} (or format the cell as text)", hint=_(_TIME_HINT))
        )
    return _time_from_text(as_text(value))


_ISO_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]00:00(?::00)?)?$")
_EUROPEAN_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DATE_HINT = N_("type a date such as 2027-01-11 or 11/01/2027")
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
        raise CellError(_("is not a date; {hint}", hint=_(_DATE_HINT)))
    if not isinstance(value, str):
        raise CellError(_("is not a date; {hint}", hint=_(_DATE_HINT)))
    text = as_text(value)
    if m := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _EUROPEAN_DATE.match(text):
        day, month, year = (int(g) for g in m.groups())
    else:
        raise CellError(_("is not a date; {hint}", hint=_(_DATE_HINT)))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(_("is not a real date; {hint}", hint=_(_DATE_HINT))) from None


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
_DAY_HINT = N_("type a day such as Mon, Tue, ma or di")


def parse_day(value: Any) -> str:
    """``Mon`` .. ``Sun`` from English, Dutch or French names, any case, ``ma.`` included."""
    key = as_text(value).casefold().rstrip(".").strip()
    if key in DAY_ALIASES:
        return DAY_ALIASES[key]
    raise CellError(_("is not a day; {hint}", hint=_(_DAY_HINT)))


def parse_day_or_all(value: Any) -> str:
    """A day, or ``all`` (also ``alle``) for every day."""
    if as_text(value).casefold() in ALL_DAYS:
        return "all"
    try:
        return parse_day(value)
    except CellError:
        raise CellError(_("is not a day; {hint}, or all", hint=_(_DAY_HINT))) from None


def _each(items: list[str], parse: Callable[[str], Any]) -> list[Any]:
    """Each item of a list cell parsed; a bad item is named when the list has several."""
    out = []
    for item in items:
        try:
            out.append(parse(item))
        except CellError as exc:
            if len(items) == 1:
                raise
            raise CellError(
                _("holds {item}, which {problem}", item=repr(item), problem=exc)
            ) from None
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
    first, _dash, last = text.partition("-")
    if not last:
        return (parse_day(first),)
    i, j = DAYS.index(parse_day(first)), DAYS.index(parse_day(last))
    return DAYS[min(i, j) : max(i, j) + 1]


_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def parse_language(value: Any) -> str:
    """A language code (ISO 639-1, or 639-2 where there is no two-letter code), lower case;
    a language's Dutch, French or English name gives its code."""
    text = as_text(value)
    code = code_for(text) or text.casefold()  # a name (Arabisch, Arabisch (ar)) or the code
    if not _LANGUAGE.match(code):
        raise CellError(
            _(
                "is not a language code or name; use codes such as nl, ar, fr, en or names such as "
                "Arabisch"
            )
        )
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
    raise CellError(_("is not yes or no; type yes or no (ja/nee and x/blank also work)"))


def _level_from_date(value: dt.datetime) -> str:
    """Excel in a Dutch locale turns ``1.2`` typed in a cell into the date 1 February."""
    level = f"{value.day}.{value.month}"
    if level in NT2_LEVELS:
        return level
    raise CellError(_("is a date, not an NT2 level; type alfa, 1.1, 1.2, 2.1 or 2.2 as text"))


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
        raise CellError(_("is not {what}; use one of {values}", what=_(what), values=listing))

    return parse


# Words between the items of a list typed as a sentence: "NT2 en MO", "NT2 and MO", "NT2 + MO".
_LIST_WORDS = re.compile(r"[\s,;/&+]+|\b(?:en|and|et|und|of|or|ou)\b", re.IGNORECASE)


def choice_list(allowed: Iterable[str], what: str, what_many: str):
    """A parser for a list of values of a fixed vocabulary (``NT2, MO``). A list typed as a
    sentence (``NT2 en MO``) is refused with the list it means (``did you mean NT2,MO?``)."""
    allowed = tuple(allowed)
    one = choice(allowed, what)

    def parse(value: Any) -> tuple[str, ...]:
        try:
            return tuple(dict.fromkeys(_each(split_list(value), one)))
        except CellError:
            meant = list_meant(as_text(value), allowed)
            if meant is None:
                raise
            raise CellError(
                _("is not a list of {what}; did you mean {meant}?", what=_(what_many), meant=meant)
            ) from None

    return parse


def list_meant(text: str, allowed: Iterable[str]) -> str | None:
    """``NT2,MO`` for ``NT2 en MO``: the items of a list typed with words or spaces between
    them, when every item is a value of ``allowed``; else None."""
    table = {norm(v): v for v in allowed}
    items = [w for w in _LIST_WORDS.split(text) if w and w.strip()]
    if len(items) < 2 or any(norm(w) not in table for w in items):
        return None
    return ",".join(dict.fromkeys(table[norm(w)] for w in items))


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
            raise CellError(
                _("is an Excel error value; fix the formula or type {what}", what=_(self.what))
            )
        if isinstance(value, Uncalculated):
            raise uncalculated(value)
        return self.parse(value)


TEXT = Kind(N_("a text"), parse_text)
ID = Kind(N_("an id such as A1"), parse_id)
INT = Kind(N_("a whole number"), parse_int)
FLOAT = Kind(N_("a number"), parse_float)
TIME = Kind(N_("a time such as 08:30"), parse_time)
DATE = Kind(N_("a date such as 2027-01-11"), parse_date)
DAY = Kind(N_("a day such as Mon"), parse_day, DAYS)
DAY_OR_ALL = Kind(N_("a day such as Mon, or all"), parse_day_or_all, (*DAYS, "all"))
DAY_LIST = Kind(N_("days such as Mon,Wed"), parse_days, DAYS, many=True)
ID_LIST = Kind(N_("ids separated by commas"), parse_text_list)
LANGUAGE = Kind(N_("a language code such as ar"), parse_language)
LANGUAGES = Kind(N_("language codes such as ar,fr"), parse_languages)
YES_NO = Kind(N_("yes or no"), parse_yes_no)
LEVEL = Kind(N_("an NT2 level such as 1.1"), parse_level)
ANY = Kind(N_("a value"), keep)


def vocabulary(allowed: tuple[str, ...], what: str, aliases: dict[str, str] | None = None) -> Kind:
    """A column holding one value of ``allowed``, spelt as the coordinator likes."""
    return Kind(what, choice(allowed, what, aliases), allowed)


COURSE_KIND = vocabulary(COURSE_KINDS, N_("a course kind"))
ROOM_KIND = vocabulary(
    ROOM_KINDS,
    N_("a room kind"),
    {"lab": "computer_lab", "pc_lab": "computer_lab", "class": "classroom"},
)
ROLE = vocabulary(
    STAFF_ROLES,
    N_("a staff role"),
    {"counselor": "counsellor", "teacher": "nt2_teacher", "trainer": "mo_trainer"},
)
ACTIVITY = vocabulary(ACTIVITIES, N_("a regime activity"))
CLOSED_REASON = vocabulary(CLOSED_REASONS, N_("a closing reason"))
GENDER = vocabulary(GENDERS, N_("a gender"), {"v": "F", "male": "M", "female": "F", "man": "M"})
STATUS = vocabulary(STATUSES, N_("a status"))
ACTION = vocabulary(SCENARIO_ACTIONS, N_("a scenario action"))
LOCK_KIND = vocabulary(LOCK_KINDS, N_("a lock kind"))
WANTS = Kind(
    N_("course kinds such as NT2,MO"),
    choice_list(COURSE_KINDS, N_("a course kind"), N_("course kinds")),
    COURSE_KINDS,
    many=True,
)

# ---------------------------------------------------------------------------------------------
# Sheets: the layout of the contract and what each column holds.
# ---------------------------------------------------------------------------------------------
