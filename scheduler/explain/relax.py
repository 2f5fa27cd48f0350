"""The input rows an explanation may name, and what "dropping" each one means.

decisions.md (Trust issue, explain): dropping a row means removing it, ``min_size`` -> 1, or a
maximum becoming unlimited. A *window* sheet (StaffAvailability, InternetWindows) restricts by
the rows it has, so removing one of its rows would restrict more: there the rows of one staff
member (or every internet window) are one unit, and dropping it lifts the restriction. Staff
``days`` likewise: dropping it puts the staff member on site every teaching day.

Only rows that can matter to one request are offered (``relevant_rows``): the learner's and
possible group mates' regimes, unavailability and separations, the staff who could teach or
interview them, the rooms of the right kind, the courses they fit, the escort cap and the locks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from scheduler.data import Course, InternetWindow, ProblemData, fmt_time
from scheduler.i18n import _
from scheduler.model.instance import separation_partners
from scheduler.rules import fits, may_teach

UNLIMITED = 10_000  # seats when a room's seat count is dropped


@dataclass(frozen=True, order=True)
class RowKey:
    """One droppable unit: ``what`` says which rule, ``ref`` which row (an index or an id)."""

    what: str
    ref: str = ""


def _where(sheet: str, row: int | None) -> str:
    """``Regimes, row 7`` (sheet names are the contract's), or the sheet alone."""
    return _("{sheet}, row {row}", sheet=sheet, row=row) if row else sheet


def _span(start: int, end: int) -> str:
    return f"{fmt_time(start)}-{fmt_time(end)}"


def label(data: ProblemData, key: RowKey) -> str:
    """The row as a coordinator finds it: ``Regimes, row 7: R1 Mon 08:30-10:00 work``."""
    w, ref = key.what, key.ref
    if w == "regime":
        r = data.regimes[int(ref)]
        return (
            f"{_where('Regimes', r.row)}: {r.regime} {r.day} {_span(r.start, r.end)} {r.activity}"
        )
    if w == "separation":
        s = data.separations[int(ref)]
        text = _(
            "{where}: {a} and {b} kept apart", where=_where("Separations", s.row), a=s.a, b=s.b
        )
        return f"{text} ({s.reason})" if s.reason else text
    if w == "learner_unavailability":
        u = data.learner_unavailability[int(ref)]
        why = f" ({u.reason})" if u.reason else ""
        return f"{_where('LearnerUnavailability', u.row)}: {u.learner} {u.day} {_span(u.start, u.end)}{why}"  # noqa: E501
    if w == "room_unavailability":
        ru = data.room_unavailability[int(ref)]
        why = f" ({ru.reason})" if ru.reason else ""
        where = _where("RoomUnavailability", ru.row)
        return f"{where}: {ru.room} {ru.day} {_span(ru.start, ru.end)}{why}"
    if w == "closed":
        c = data.closed_days[int(ref)]
        where, date = _where("ClosedDays", c.row), c.date.isoformat()
        if c.sections:
            return _(
                "{where}: {date} closed for {sections} ({reason})",
                where=where,
                date=date,
                sections=", ".join(c.sections),
                reason=c.reason,
            )
        return _("{where}: {date} closed ({reason})", where=where, date=date, reason=c.reason)
    if w == "lock":
        lock = data.locks[int(ref)]
        parts = [
            f"{k}={getattr(lock, k)}"
            for k in ("kind", "course", "group", "day", "period", "room", "staff", "learner")
            if getattr(lock, k)
        ]  # noqa: E501
        return f"{_where('Locks', lock.row)}: {', '.join(parts)}"
    return _setting_label(data, key)


def _setting_label(data: ProblemData, key: RowKey) -> str:
    w, ref = key.what, key.ref
    if w in ("min_size", "max_groups"):
        c = data.course_by_id[ref]
        return f"{_where('Courses', c.row)}: {ref} {w} {getattr(c, w)}"
    if w == "max_periods":
        s = data.staff_by_id[ref]
        return f"{_where('Staff', s.row)}: {ref} max_periods_per_week {s.max_periods_per_week}"
    if w == "staff_days":
        s = data.staff_by_id[ref]
        return _(
            "{where}: {staff} on site only {days}",
            where=_where("Staff", s.row),
            staff=ref,
            days=",".join(s.days),
        )
    if w == "staff_availability":
        rows = [a for a in data.staff_availability if a.staff == ref]
        where = ", ".join(str(a.row) for a in rows if a.row)
        spans = "; ".join(f"{a.day} {_span(a.start, a.end)}" for a in rows)
        return _(
            "StaffAvailability, rows {rows}: {staff} available only {spans}",
            rows=where,
            staff=ref,
            spans=spans,
        )
    if w == "internet_windows":
        where = ", ".join(str(x.row) for x in data.internet_windows if x.row)
        spans = "; ".join(f"{x.day} {_span(x.start, x.end)}" for x in data.internet_windows)
        return _(
            "InternetWindows, rows {rows}: internet only {spans}",
            rows=where,
            spans=spans or _("never"),
        )
    if w in ("seats", "internet_seats"):
        r = data.room_by_id[ref]
        return f"{_where('Rooms', r.row)}: {ref} {w} {getattr(r, w)}"
    if w == "max_groups_moving":
        return f"Settings, max_groups_moving: {data.settings.max_groups_moving}"
    raise ValueError(f"unknown row kind {w}")


def apply(data: ProblemData, dropped: Iterable[RowKey]) -> ProblemData:
    """``data`` with every row of ``dropped`` dropped (see the module docstring)."""
    drop = set(dropped)
    gone = {w: {k.ref for k in drop if k.what == w} for w in {k.what for k in drop}}

    def keep(what: str, rows: tuple) -> tuple:
        refs = gone.get(what, set())
        return tuple(r for i, r in enumerate(rows) if str(i) not in refs)

    changes: dict = {
        "regimes": keep("regime", data.regimes),
        "separations": keep("separation", data.separations),
        "learner_unavailability": keep("learner_unavailability", data.learner_unavailability),
        "room_unavailability": keep("room_unavailability", data.room_unavailability),
        "closed_days": keep("closed", data.closed_days),
        "locks": keep("lock", data.locks),
        "staff_availability": tuple(
            a for a in data.staff_availability if a.staff not in gone.get("staff_availability", ())
        ),
        "courses": tuple(_course(c, gone) for c in data.courses),
        "staff": tuple(_staff(s, gone) for s in data.staff),
        "rooms": tuple(_room(r, gone) for r in data.rooms),
    }
    if "internet_windows" in gone:
        changes["internet_windows"] = tuple(
            InternetWindow(day, 0, 24 * 60 - 1) for day in data.teaching_days
        )
    if "max_groups_moving" in gone:
        changes["settings"] = dataclasses.replace(data.settings, max_groups_moving=None)
    return data.replace(**changes)


def _course(c: Course, gone: dict) -> Course:
    changes: dict = {}
    if c.course in gone.get("min_size", ()):
        changes["min_size"] = 1
    if c.course in gone.get("max_groups", ()):
        changes["max_groups"] = None
    return dataclasses.replace(c, **changes) if changes else c


def _staff(s, gone: dict):
    changes: dict = {}
    if s.staff in gone.get("max_periods", ()):
        changes["max_periods_per_week"] = None
    if s.staff in gone.get("staff_days", ()):
        changes["days"] = ()
    return dataclasses.replace(s, **changes) if changes else s


def _room(r, gone: dict):
    changes: dict = {}
    if r.room in gone.get("seats", ()):
        changes["seats"] = UNLIMITED
    if r.room in gone.get("internet_seats", ()):
        changes["internet_seats"] = UNLIMITED
    return dataclasses.replace(r, **changes) if changes else r


# ---------------------------------------------------------------------------------------------
# Which rows can matter to one request


def courses_for(data: ProblemData, learner_id: str, kind: str) -> list[Course]:
    """The courses of ``kind`` the learner fits (level or language), present or not."""
    lr = data.learner_by_id[learner_id]
    wanting = dataclasses.replace(lr, wants=(kind,))  # fits as if they asked for it
    return [c for c in data.courses if c.kind == kind and fits(wanting, c)]


def relevant_rows(data: ProblemData, learner_id: str, kind: str) -> list[RowKey]:
    """Every droppable unit that can matter to giving ``learner_id`` their ``kind``."""
    lr = data.learner_by_id[learner_id]
    if kind in ("NT2", "MO"):
        courses = courses_for(data, learner_id, kind)
        people = mates(data, learner_id, kind) | {learner_id}
        staff = _teachers(data, courses)
        rooms = [r.room for r in data.rooms if r.kind in ("classroom", "computer_lab")]
        keys = [RowKey(w, c.course) for c in courses for w in ("min_size", "max_groups")]
        keys += [RowKey("seats", r) for r in rooms]
        if any(c.internet_sessions for c in courses):
            keys += [RowKey("internet_windows")]
            keys += [RowKey("internet_seats", r.room) for r in data.rooms if r.internet_seats]
        if data.settings.max_groups_moving is not None:
            keys.append(RowKey("max_groups_moving"))
    elif kind == "intake":
        people = {learner_id}
        staff = [s.staff for s in data.staff if s.role == "counsellor"]
        rooms = [r.room for r in data.rooms if r.kind == "interview"]
        keys = [RowKey("closed", str(i)) for i in range(len(data.closed_days))]
    else:  # internet
        people = {learner_id}
        staff = []
        rooms = [r.room for r in data.rooms if r.kind == "computer_lab"]
        keys = [RowKey("internet_windows")] + [RowKey("internet_seats", r) for r in rooms]
    keys += _people_rows(data, people, lr.section, kind)
    keys += _staff_rows(data, staff)
    keys += [
        RowKey("room_unavailability", str(i))
        for i, u in enumerate(data.room_unavailability)
        if u.room in rooms
    ]
    keys += [RowKey("lock", str(i)) for i in range(len(data.locks))]
    return sorted(set(keys))


def fitting(data: ProblemData, course: Course) -> list[str]:
    """Learners who may join a group of ``course`` (``rules.fits``)."""
    return [lr.learner for lr in data.learners if fits(lr, course)]


def mates(data: ProblemData, learner_id: str, kind: str) -> set[str]:
    """Everyone who fits one of the courses of ``kind`` the learner fits."""
    return {m for c in courses_for(data, learner_id, kind) for m in fitting(data, c)}


def _teachers(data: ProblemData, courses: list[Course]) -> list[str]:
    return sorted({s.staff for c in courses for s in data.staff if may_teach(s, c)})


def _people_rows(data: ProblemData, mates: set[str], section: str, kind: str) -> list[RowKey]:
    """Regimes, unavailability and separations of the learner and possible group mates."""
    sections = {data.learner_by_id[m].section for m in mates if m in data.learner_by_id}
    regimes = {data.section_by_id[s].regime for s in sections if s in data.section_by_id}
    keys = [RowKey("regime", str(i)) for i, r in enumerate(data.regimes) if r.regime in regimes]
    keys += [
        RowKey("learner_unavailability", str(i))
        for i, u in enumerate(data.learner_unavailability)
        if u.learner in mates
    ]
    partners = separation_partners(data)
    involved = mates | sections
    for i, sep in enumerate(data.separations):
        if sep.a in involved or sep.b in involved:
            keys.append(RowKey("separation", str(i)))
        elif kind == "internet" and mates & (partners.get(sep.a, set()) | {sep.a, sep.b}):
            keys.append(RowKey("separation", str(i)))
    return keys


def _staff_rows(data: ProblemData, staff: list[str]) -> list[RowKey]:
    keys = []
    windows = {a.staff for a in data.staff_availability}
    for sid in staff:
        s = data.staff_by_id[sid]
        if s.max_periods_per_week is not None:
            keys.append(RowKey("max_periods", sid))
        if s.days and set(data.teaching_days) - set(s.days):
            keys.append(RowKey("staff_days", sid))
        if sid in windows:
            keys.append(RowKey("staff_availability", sid))
    return keys
