"""What the timetable in use says on the first date of a re-plan.

The current timetable (``scheduler.report.read.Timetable``) holds every row with its dates. On
DATE (``--from``) a row is *live* when it has not ended before DATE, and *history* otherwise;
history is copied into the new timetable unchanged. A membership is in force on DATE when it
started on or before DATE and has not ended before it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from scheduler.errors import SchedulerError
from scheduler.report.read import BookingRow, IntakeRow, Membership, SessionRow, Timetable
from scheduler.rules import group_id, parse_group_id
from scheduler.solution import Group


def live_on(valid_to: dt.date | None, date: dt.date) -> bool:
    """A row (or membership) that has not ended before ``date``."""
    return valid_to is None or valid_to >= date


@dataclass(frozen=True)
class Current:
    """The timetable in use, seen from ``date``."""

    timetable: Timetable
    date: dt.date
    groups: dict[str, Group]  # groups in force on DATE, members as the Groups sheet lists them
    memberships: dict[tuple[str, str], Membership]  # (group, learner) in force on DATE
    sessions: dict[str, list[SessionRow]]  # live session rows per group, in sheet order
    intakes: list[IntakeRow]  # live intake rows
    bookings: list[BookingRow]  # live internet rows

    @property
    def edited(self) -> bool:
        return self.timetable.edited

    def top_numbers(self, courses: list[str]) -> dict[str, int]:
        """The highest group number each course has ever used (history included)."""
        ids = [s.session.group for s in self.timetable.sessions]
        ids += [m.group for m in self.timetable.memberships]
        ids += [g.group for g in self.timetable.solution.groups]
        top: dict[str, int] = defaultdict(int)
        for gid in ids:
            key = parse_group_id(gid, courses)
            if key is not None:
                top[key[0]] = max(top[key[0]], key[1])
        return dict(top)


def current_on(timetable: Timetable, date: dt.date) -> Current:
    """The live part of ``timetable`` on ``date``. Raises SchedulerError (exit 2) when
    ``date`` lies before the timetable's valid_from or outside its term."""
    term = timetable.term
    if not term.term_start <= date <= term.term_end:
        raise SchedulerError(
            f"--from {date.isoformat()} is outside the term ({term.term_start.isoformat()} to "
            f"{term.term_end.isoformat()}); give a date inside the term"
        )
    if date < term.valid_from:
        raise SchedulerError(
            f"--from {date.isoformat()} is before {timetable.path.name} took effect "
            f"({term.valid_from.isoformat()}); the days before are history and cannot be "
            "re-planned; give a date on or after it"
        )
    in_force = {
        (m.group, m.learner): m
        for m in timetable.memberships
        if (m.start is None or m.start <= date) and live_on(m.end, date)
    }
    # Groups ``members`` are authoritative (a coordinator may edit them); Memberships dates.
    groups = {g.group: g for g in timetable.solution.groups}
    sessions: dict[str, list[SessionRow]] = defaultdict(list)
    for row in timetable.sessions:
        if live_on(row.dated.valid_to, date) and row.session.group in groups:
            sessions[row.session.group].append(row)
    return Current(
        timetable,
        date,
        groups,
        in_force,
        dict(sessions),
        [i for i in timetable.intakes if live_on(i.dated.valid_to, date)],
        [b for b in timetable.internet if live_on(b.dated.valid_to, date)],
    )


def next_ids(current: Current, courses: list[str]):
    """A function giving each new group of a course the next free id ``C-n`` (n after the
    highest ever used; ids are never reused within a term)."""
    top = current.top_numbers(courses)

    def take(course: str) -> str:
        top[course] = top.get(course, 0) + 1
        return group_id(course, top[course])

    return take
