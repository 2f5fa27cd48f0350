"""iCalendar files per staff member, from a timetable workbook alone.

``export_ics(timetable, out_dir)`` reads the timetable through the one timetable reader
(``scheduler.report.read``) and writes one ``.ics`` file per staff member: every weekly session
on each of its real dates in the term (dates closed for the prison, or for a section one of the
group's members lives in, left out), and every intake a counsellor holds on its date. Times are
local to Europe/Brussels and each file carries its VTIMEZONE.

Calendars follow re-plans (replan.md, Calendars): an event's UID names the group, the session's
place in the group's week and the term week (an intake: its learner), so a session that moves
keeps its UID. Files already in the folder are read first: an event whose content changed gets
a SEQUENCE one higher, and an event that no longer belongs to a staff member is written to their
file as STATUS:CANCELLED. Files are never deleted: a staff member with nothing left gets a file
of cancellations. The whole set is written into a temporary folder first and the files are
renamed into place only when every one was written, so a full disk leaves the old set whole.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vText

from scheduler.data import fmt_time
from scheduler.errors import Problem, SchedulerError, WorkbookError
from scheduler.i18n import _, _n
from scheduler.report.read import (
    IntakeRow,
    SessionRow,
    TermInfo,
    Timetable,
    read_timetable,
)

TIME_ZONE = "Europe/Brussels"
PRODID = "-//scheduler//prison education timetable//EN"
# What an event's SEQUENCE follows: a change in any of these is an update of the event.
CONTENT = ("dtstart", "dtend", "summary", "location", "description", "status")


@dataclass
class Planned:
    """One event to write: its UID, its owner, and its properties."""

    uid: str
    staff: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    location: str
    description: str
    category: str
    status: str = "CONFIRMED"
    sequence: int = 0


def export_ics(
    timetable_path: str | os.PathLike,
    out_dir: str | os.PathLike,
    timetable: Timetable | None = None,
) -> list[Path]:
    """Write one ``<staff>.ics`` per staff member with events (now or in an earlier export into
    ``out_dir``); return the paths written, sorted. ``timetable`` is the workbook already read,
    when the caller has it. Raises SchedulerError (or WorkbookError, naming the cell) when the
    timetable cannot be read or a session has no date in the term."""
    out = _out_folder(Path(out_dir))
    if timetable is None:
        timetable = read_timetable(timetable_path)
    events = planned_events(timetable)
    previous = read_previous(out, term_key(timetable.term))
    by_staff = merge_previous(events, previous)
    names = ics_file_names(sorted(by_staff))
    calendars = {
        names[staff]: staff_calendar(timetable.term, staff, planned).to_ical()
        for staff, planned in by_staff.items()
    }
    return write_set(out, calendars)


def _out_folder(out: Path) -> Path:
    """The calendars' folder: it may be new, but its parent must exist and it is no file."""
    if out.exists() and not out.is_dir():
        raise SchedulerError(
            _("{path} is a file; give a folder for the calendars (--ics DIR)", path=out)
        )
    if not out.exists() and not out.parent.is_dir():
        raise SchedulerError(
            _(
                "the folder {path} does not exist; create it first or give another --ics folder",
                path=out.parent,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Events of the timetable


def _clock(date: dt.date, minutes: int) -> dt.datetime:
    return dt.datetime(
        date.year, date.month, date.day, minutes // 60, minutes % 60, tzinfo=ZoneInfo(TIME_ZONE)
    )


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "_", text).strip("_") or "x"


def _uid(term: TermInfo, *parts: object) -> str:
    prison = re.sub(r"[^A-Za-z0-9]+", "-", term.prison).strip("-").lower() or "prison"
    return f"{'-'.join(_slug(str(p)) for p in parts)}@scheduler.{prison}"


def planned_events(timetable: Timetable) -> list[Planned]:
    """Every event of the whole term: each Sessions and Intakes row on the dates it holds
    (``valid_from`` .. ``valid_to``), history included. A session whose day has no date in the
    term is a WorkbookError naming its row (never silently left out)."""
    term = timetable.term
    sizes = {g.group: g.size for g in timetable.solution.groups}
    problems: list[Problem] = []
    out: list[Planned] = []
    for row in timetable.sessions:
        if row.session.day not in term.teaching_days:
            problems.append(Problem("Sessions", row.dated.row, "day", _(
                "{day} is not a teaching day of the term ({days}); correct the day",
                day=row.session.day, days=", ".join(term.teaching_days))))  # fmt: skip
            continue
        ordinal = _ordinal(timetable.sessions, row)
        out += session_events(term, row, ordinal, sizes.get(row.session.group))
    for intake in timetable.intakes:
        date = term.date_of(intake.intake.week, intake.intake.day)
        if date is not None and intake.dated.holds(date):
            out.append(intake_event(term, intake))
    if problems:
        raise WorkbookError(problems)
    return out


def _ordinal(rows: tuple[SessionRow, ...], row: SessionRow):
    """The session's place (1, 2, ...) in its group's week on a date, by the order of the rows
    that hold then: a session moved to another day or period (by hand, or by a re-plan that
    ends the old row and starts a new one) keeps its place, so its events keep their UIDs."""

    def place(date: dt.date) -> int:
        earlier = [
            r
            for r in rows
            if r.session.group == row.session.group
            and r.dated.row < row.dated.row
            and r.dated.holds(date)
        ]
        return len(earlier) + 1

    return place


def session_dates(term: TermInfo, day: str, sections: frozenset[str]) -> list[tuple[dt.date, int]]:
    """(date, week) of the term on weekday ``day``, not closed for the prison or ``sections``."""
    return [
        (t.date, t.week)
        for t in term.dates
        if t.day == day and "all" not in t.closed and not (t.closed & sections)
    ]


def session_events(
    term: TermInfo, row: SessionRow, ordinal: Callable[[dt.date], int], size: int | None = None
) -> list[Planned]:
    """One event per real date the session holds (the gap between its periods included);
    ``ordinal(date)`` is its place in the group's week then."""
    s = row.session
    times = term.times(s.period, s.periods)
    assert times is not None  # the reader refuses a session that does not fit in the day
    name = row.course_name or s.course
    description = _("group {group}", group=s.group)
    if size is not None:
        description += ", " + _n("{n} learner", "{n} learners", size)
    if row.sections:
        description += "; " + _("sections {sections}", sections=", ".join(sorted(row.sections)))
    return [
        Planned(
            uid=_uid(term, s.group, f"s{ordinal(date)}", f"w{week}"),
            staff=s.staff,
            start=_clock(date, times[0]),
            end=_clock(date, times[1]),
            summary=f"{name} ({s.group})",
            location=s.room,
            description=description,
            category=row.kind or "session",
        )
        for date, week in session_dates(term, s.day, row.sections)
        if row.dated.holds(date)
    ]


def intake_event(term: TermInfo, row: IntakeRow) -> Planned:
    """The event of one intake on its date (the reader refuses a week outside the term)."""
    x = row.intake
    date = term.date_of(x.week, x.day)
    times = term.times(x.period, x.periods)
    assert date is not None and times is not None
    language = f" ({x.language})" if x.language else ""
    return Planned(
        uid=_uid(term, "intake", x.learner),
        staff=x.staff,
        start=_clock(date, times[0]),
        end=_clock(date, times[1]),
        summary=_("Intake {learner}", learner=x.learner) + language,
        location=x.room,
        description=_(
            "intake interview of {learner}, week {week}, {day} {time}",
            learner=x.learner,
            week=x.week,
            day=x.day,
            time=fmt_time(times[0]),
        ),
        category="intake",
    )


# ---------------------------------------------------------------------------------------------
# Earlier exports in the folder


@dataclass(frozen=True)
class Previous:
    """An event as an earlier export wrote it."""

    staff: str
    event: Event

    @property
    def uid(self) -> str:
        return str(self.event["uid"])

    @property
    def sequence(self) -> int:
        return int(self.event.get("sequence", 0))


def term_key(term: TermInfo) -> str:
    """What identifies the term in a calendar file: same prison and term start (replan.md)."""
    return f"{term.prison.strip()}|{term.term_start.isoformat()}"


def read_previous(out: Path, term: str) -> dict[str, list[Previous]]:
    """UID -> the events of earlier exports of the term ``term`` (``term_key``) into ``out``;
    files of another term, or not written by this program, are left as they are."""
    found: dict[str, list[Previous]] = defaultdict(list)
    if not out.is_dir():
        return found
    for path in sorted(out.glob("*.ics")):
        try:
            cal = Calendar.from_ical(path.read_bytes())
        except (OSError, ValueError):
            continue  # not a calendar of ours: left as it is
        if str(cal.get("prodid", "")) != PRODID or str(cal.get("x-scheduler-term", "")) != term:
            continue
        staff = str(cal.get("x-scheduler-staff", "")) or path.stem
        for event in cal.walk("VEVENT"):
            if isinstance(event, Event) and "uid" in event:
                found[str(event["uid"])].append(Previous(staff, event))
    return found


def _same(planned: Planned, event: Event) -> bool:
    """True when ``event`` says what ``planned`` says (then its SEQUENCE stays)."""
    fresh = _event(planned)
    return all(
        str(fresh.get(k, "")) == str(event.get(k, ""))
        if k not in ("dtstart", "dtend")
        else fresh.decoded(k) == event.decoded(k)
        for k in CONTENT
    )


def merge_previous(events: list[Planned], previous: dict[str, list[Previous]]):
    """Events per staff member: this timetable's, with SEQUENCE carried on from earlier exports,
    and CANCELLED copies of earlier events that are no longer that staff member's."""
    by_staff: dict[str, list[Planned]] = defaultdict(list)
    kept: set[tuple[str, str]] = set()
    for p in events:
        before = previous.get(p.uid, [])
        if before:
            top = max(before, key=lambda b: b.sequence)
            p.sequence = top.sequence if _same(p, top.event) else top.sequence + 1
        by_staff[p.staff].append(p)
        kept.add((p.staff, p.uid))
    for uid, before in previous.items():
        for b in before:
            if (b.staff, uid) not in kept:
                by_staff[b.staff].append(_cancelled(b))
    return by_staff


def _cancelled(b: Previous) -> Planned:
    """An earlier event, cancelled (its SEQUENCE goes up unless it was cancelled already)."""
    e = b.event
    was = str(e.get("status", "")).upper() == "CANCELLED"
    categories = e.get("categories")
    return Planned(
        uid=b.uid,
        staff=b.staff,
        start=e.decoded("dtstart"),
        end=e.decoded("dtend"),
        summary=str(e.get("summary", "")),
        location=str(e.get("location", "")),
        description=str(e.get("description", "")),
        category=str(categories.cats[0]) if categories is not None else "session",
        status="CANCELLED",
        sequence=b.sequence if was else b.sequence + 1,
    )


# ---------------------------------------------------------------------------------------------
# Calendars and files


def _event(p: Planned) -> Event:
    event = Event()
    event.add("uid", p.uid)
    event.add("dtstart", p.start)
    event.add("dtend", p.end)
    event.add("summary", p.summary)
    event.add("location", p.location)
    event.add("description", p.description)
    event.add("categories", [p.category])
    event.add("status", p.status)
    event.add("sequence", p.sequence)
    return event


def staff_calendar(term: TermInfo, staff: str, events: list[Planned]) -> Calendar:
    """A calendar of ``events`` with the Europe/Brussels VTIMEZONE. Every text property is
    a vText, so line breaks, commas and semicolons are escaped and long lines folded."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", vText(f"{term.prison}: {staff}"))
    cal.add("x-wr-timezone", vText(TIME_ZONE))
    cal.add("x-scheduler-staff", vText(staff))
    cal.add("x-scheduler-term", vText(term_key(term)))
    stamp = dt.datetime.now(dt.UTC)
    for p in sorted(events, key=lambda e: (e.start, e.uid)):
        if p.end <= p.start:
            raise SchedulerError(f"the event {p.uid} would end before it starts; this is a bug")
        event = _event(p)
        event.add("dtstamp", stamp)
        cal.add_component(event)
    # The VTIMEZONE covers the term with a year's margin, rather than 1970-2038.
    margin = dt.timedelta(days=366)
    cal.add_missing_timezones(first_date=term.term_start - margin, last_date=term.term_end + margin)
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


def write_set(out: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file into a temporary folder inside ``out``, then rename them into place:
    a failure (a full disk) leaves the folder as it was and says so in one sentence."""
    out.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".calendars-", dir=out))
    try:
        for name, content in files.items():
            (staging / name).write_bytes(content)
        written = []
        for name in sorted(files):
            os.replace(staging / name, out / name)
            written.append(out / name)
        return written
    except OSError as exc:
        raise SchedulerError(
            _(
                "the calendars could not be written to {path} ({problem}); no calendar was"
                " changed: free some space or choose another --ics folder",
                path=out,
                problem=exc.strerror or exc,
            )
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
