"""iCalendar files per staff member, from a timetable workbook alone.

``export_ics(timetable, out_dir)`` reads only the Term, Sessions and Intakes sheets of a
timetable workbook written by ``scheduler.report.timetable`` and writes one ``.ics`` file per staff member:
every weekly session on each of its real dates in the term (dates closed for the prison, or for
a section one of the group's members lives in, left out), and every intake a counsellor holds on
its date. Times are local to Europe/Brussels and the file carries its VTIMEZONE. UIDs are built
from the group, day, period and date (or the intake's learner), so that exporting the same
timetable again gives the same UIDs and calendar clients update events instead of doubling them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from openpyxl import load_workbook

from scheduler.errors import SchedulerError, UnreadableFileError
from scheduler.excel import save_atomic

TIME_ZONE = "Europe/Brussels"
PRODID = "-//scheduler//prison education timetable//EN"
WRITTEN_BY = "written by scheduler solve"


@dataclass(frozen=True)
class TermDate:
    date: dt.date
    day: str
    week: int
    closed: frozenset[str]  # {"all"}, or the closed sections, or empty


@dataclass(frozen=True)
class TermSheet:
    prison: str
    dates: tuple[TermDate, ...]


def export_ics(timetable_path: str | os.PathLike, out_dir: str | os.PathLike) -> list[Path]:
    """Write one ``<staff>.ics`` per staff member with sessions or intakes into ``out_dir``;
    return the paths written, sorted. Raises SchedulerError when the workbook is not a
    timetable this program wrote."""
    term, sessions, intakes = read_timetable(timetable_path)
    events: dict[str, list[Event]] = {}
    for row in sessions:
        for event in session_events(term, row):
            events.setdefault(_text(row["staff"]), []).append(event)
    for row in intakes:
        event = intake_event(term, row)
        if event is not None:
            events.setdefault(_text(row["staff"]), []).append(event)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = ics_file_names(sorted(events))
    written = []
    for staff in sorted(events):
        cal = staff_calendar(term, staff, events[staff])
        written.append(save_atomic(_IcsFile(cal.to_ical()), out / names[staff]))
    return written


def read_timetable(path: str | os.PathLike) -> tuple[TermSheet, list[dict], list[dict]]:
    """The Term sheet and the rows of Sessions and Intakes (column name -> value)."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFileError(
            f"{path} is not an Excel workbook ({exc}); give a timetable {WRITTEN_BY}"
        ) from exc
    try:
        for name in ("Term", "Sessions", "Intakes"):
            if name not in wb.sheetnames:
                raise SchedulerError(
                    f"{path} is not a timetable workbook (it has no sheet {name});"
                    f" give a timetable {WRITTEN_BY}"
                )
        term = _read_term(wb["Term"])
        sessions = _read_rows(
            wb["Sessions"], ("group", "course", "day", "period", "start", "end", "room", "staff")
        )
        intakes = _read_rows(
            wb["Intakes"], ("learner", "week", "day", "start", "end", "room", "staff")
        )
    finally:
        wb.close()
    return term, sessions, intakes


def _read_rows(ws, required: tuple[str, ...]) -> list[dict]:
    rows = ws.iter_rows(values_only=True)
    header = [str(h).strip().lower() if h is not None else "" for h in next(rows, ())]
    missing = [c for c in required if c not in header]
    if missing:
        raise SchedulerError(f"sheet {ws.title} lacks column(s) {', '.join(missing)}")
    out = []
    for values in rows:
        if values and any(v is not None for v in values):
            out.append(dict(zip(header, values, strict=False)))
    return out


def _read_term(ws) -> TermSheet:
    """Prison name (key/value block) and the teaching dates with their closures."""
    rows = list(ws.iter_rows(values_only=True))
    header = [str(h).strip().lower() if h is not None else "" for h in (rows[0] if rows else ())]
    try:
        key, value = header.index("key"), header.index("value")
        date_col = header.index("date")
        day, week, closed = date_col + 1, date_col + 2, date_col + 3
    except ValueError as exc:
        raise SchedulerError(f"sheet Term lacks a column: {exc}") from exc
    prison = ""
    dates = []
    for r in rows[1:]:
        r = tuple(r) + (None,) * (len(header) - len(r))
        if r[key] == "prison":
            prison = _text(r[value])
        if r[date_col] is not None:
            dates.append(
                TermDate(
                    _date(r[date_col]),
                    _text(r[day]),
                    _int(r[week], "Term week"),
                    _closed(r[closed]),
                )
            )
    return TermSheet(prison, tuple(dates))


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value)[:10])
    except ValueError as exc:
        raise SchedulerError(f"sheet Term: {value!r} is not a date") from exc


def _int(value, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise SchedulerError(f"{what}: {value!r} is not a whole number") from exc


def _closed(value) -> frozenset[str]:
    return frozenset(s.strip() for s in _text(value).split(",") if s.strip())


def _clock(date: dt.date, value) -> dt.datetime:
    """``date`` at the ``HH:MM`` time ``value``, in Brussels time."""
    if isinstance(value, dt.time):
        hh, mm = value.hour, value.minute
    else:
        match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", _text(value))
        if not match:
            raise SchedulerError(f"{value!r} is not a time (HH:MM)")
        hh, mm = int(match.group(1)), int(match.group(2))
    return dt.datetime(date.year, date.month, date.day, hh, mm, tzinfo=ZoneInfo(TIME_ZONE))


def session_dates(term: TermSheet, day: str, sections: frozenset[str]) -> list[dt.date]:
    """Term dates on weekday ``day`` not closed for the prison or any of ``sections``."""
    return [
        t.date
        for t in term.dates
        if t.day == day and "all" not in t.closed and not (t.closed & sections)
    ]


def _uid(term: TermSheet, *parts) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", term.prison).strip("-").lower() or "prison"
    body = "-".join(re.sub(r"[^A-Za-z0-9.-]+", "_", str(p)) for p in parts)
    return f"{body}@scheduler.{slug}"


def session_events(term: TermSheet, row: dict) -> list[Event]:
    """One VEVENT per real date of a weekly session."""
    sections = _closed(row.get("sections"))
    name = _text(row.get("course_name")) or _text(row["course"])
    out = []
    for date in session_dates(term, _text(row["day"]), sections):
        event = Event()
        event.add("uid", _uid(term, row["group"], row["day"], row["period"], date.isoformat()))
        event.add("dtstamp", dt.datetime.now(dt.UTC))
        event.add("dtstart", _clock(date, row["start"]))
        event.add("dtend", _clock(date, row["end"]))
        event.add("summary", f"{name} ({_text(row['group'])})")
        event.add("location", _text(row["room"]))
        size = _text(row.get("size"))
        where = f"; sections {', '.join(sorted(sections))}" if sections else ""
        event.add("description", f"group {_text(row['group'])}, {size} learners{where}")
        event.add("categories", [_text(row.get("kind")) or "session"])
        out.append(event)
    return out


def intake_event(term: TermSheet, row: dict) -> Event | None:
    """The VEVENT of one intake on its date (None when the date is not in the term)."""
    day, week = _text(row["day"]), _int(row["week"], "Intakes week")
    date = next((t.date for t in term.dates if t.day == day and t.week == week), None)
    if date is None:
        return None
    event = Event()
    event.add("uid", _uid(term, "intake", row["learner"], date.isoformat()))
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("dtstart", _clock(date, row["start"]))
    event.add("dtend", _clock(date, row["end"]))
    language = _text(row.get("language"))
    event.add("summary", f"Intake {_text(row['learner'])}" + (f" ({language})" if language else ""))
    event.add("location", _text(row["room"]))
    event.add("categories", ["intake"])
    return event


def staff_calendar(term: TermSheet, staff: str, events: list[Event]) -> Calendar:
    """A calendar of ``events`` with the Europe/Brussels VTIMEZONE."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{term.prison}: {staff}")
    cal.add("x-wr-timezone", TIME_ZONE)
    for event in sorted(events, key=lambda e: (e.decoded("dtstart"), str(e["uid"]))):
        cal.add_component(event)
    # The VTIMEZONE covers the term with a year's margin, rather than 1970-2038.
    dates = [t.date for t in term.dates] or [dt.date.today()]
    margin = dt.timedelta(days=366)
    cal.add_missing_timezones(first_date=min(dates) - margin, last_date=max(dates) + margin)
    return cal


def ics_file_names(staff_ids: list[str]) -> dict[str, str]:
    """A safe, unique file name per staff id (letters, digits, ``-``, ``_``, ``.``)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for staff in staff_ids:
        base = re.sub(r"[^A-Za-z0-9_.-]+", "_", staff).strip("._") or "staff"
        name, n = base, 2
        while name.lower() in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name.lower())
        out[staff] = f"{name}.ics"
    return out


@dataclass(frozen=True)
class _IcsFile:
    """Calendar bytes with the ``save(path)`` that ``save_atomic`` expects of a workbook, so
    calendars get the same temporary-file-and-rename write."""

    content: bytes

    def save(self, path: str | os.PathLike) -> None:
        Path(path).write_bytes(self.content)
