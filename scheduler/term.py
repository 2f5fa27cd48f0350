"""The term calendar: real dates, weeks, closed days and delivered hours.

Weeks are 7-day blocks counted from ``term_start`` (week 1 = term_start .. term_start + 6).
A ClosedDays row without sections closes the whole prison that day; with sections it cancels
the whole session of any group with a member from those sections.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from scheduler.data import DAYS, ProblemData


def weekday(date: dt.date) -> str:
    return DAYS[date.weekday()]


def term_dates(data: ProblemData) -> list[dt.date]:
    """Every date of the term that falls on a teaching day (closed or not)."""
    s = data.settings
    days = set(data.teaching_days)
    out = []
    d = s.term_start
    while d <= s.term_end:
        if weekday(d) in days:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def week_of(data: ProblemData, date: dt.date) -> int:
    return (date - data.settings.term_start).days // 7 + 1


def date_of(data: ProblemData, week: int, day: str) -> dt.date | None:
    """The date of ``day`` in term week ``week`` (None when outside the term)."""
    start = data.settings.term_start + dt.timedelta(days=7 * (week - 1))
    for k in range(7):
        d = start + dt.timedelta(days=k)
        if weekday(d) == day:
            return d if d <= data.settings.term_end else None
    return None


def n_weeks(data: ProblemData) -> int:
    return week_of(data, data.settings.term_end)


def closed_for(data: ProblemData, date: dt.date, sections: Iterable[str] = ()) -> bool:
    """True when ``date`` is closed for the whole prison or for any of ``sections``."""
    secs = set(sections)
    for c in data.closed_days:
        if c.date == date and (not c.sections or secs.intersection(c.sections)):
            return True
    return False


def open_dates(
    data: ProblemData,
    day: str,
    sections: Iterable[str] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[dt.date]:
    """Term dates on weekday ``day`` between ``start`` and ``end`` (inclusive) that are open
    for every one of ``sections``."""
    secs = tuple(sections)
    return [
        d
        for d in term_dates(data)
        if weekday(d) == day
        and (start is None or d >= start)
        and (end is None or d <= end)
        and not closed_for(data, d, secs)
    ]


def session_hours(data: ProblemData, first_period: int, length: int) -> float:
    """Clock hours of one session: the sum of its periods' lengths."""
    return sum(p.minutes for p in data.periods[first_period : first_period + length]) / 60.0


def learner_window(data: ProblemData, learner_id: str) -> tuple[dt.date, dt.date]:
    """First and last date on which ``learner_id`` can attend: from the later of term start and
    arrival, to the earlier of term end and the day before release."""
    learner = data.learner_by_id[learner_id]
    s = data.settings
    first = max(s.term_start, learner.arrival) if learner.arrival else s.term_start
    last = s.term_end
    if learner.release is not None:
        last = min(last, learner.release - dt.timedelta(days=1))
    return first, last
