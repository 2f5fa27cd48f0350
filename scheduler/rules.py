"""Domain rules shared by every layer except ``verify.py`` (which re-states them on purpose).

Intake window (workbook.md, Clarifications, "Intake window follows arrival"): a learner's intake
falls in the ``intake_weeks`` weeks starting at the week of their arrival (week 1 when they
arrived before the term), on an open date inside their stay.
"""

from __future__ import annotations

import datetime as dt

from scheduler.data import ProblemData
from scheduler.term import closed_for, learner_window, term_dates, week_of, weekday


def intake_weeks(data: ProblemData, learner_id: str) -> range:
    """The term weeks of the learner's intake window (may reach past the term's last week)."""
    learner = data.learner_by_id[learner_id]
    first = 1
    if learner.arrival is not None and learner.arrival > data.settings.term_start:
        first = week_of(data, learner.arrival)
    return range(first, first + data.settings.intake_weeks)


def intake_window(data: ProblemData, learner_id: str) -> tuple[dt.date, dt.date]:
    """First and last calendar date of the learner's intake weeks (not cut to the stay)."""
    weeks = intake_weeks(data, learner_id)
    start = data.settings.term_start + dt.timedelta(days=7 * (weeks.start - 1))
    return start, start + dt.timedelta(days=7 * len(weeks) - 1)


def intake_dates(data: ProblemData, learner_id: str) -> list[tuple[int, str, dt.date]]:
    """(week, day, date) on which the learner's intake may take place: teaching days of their
    intake weeks, inside their stay, not closed for the prison or their section."""
    weeks = intake_weeks(data, learner_id)
    first, last = learner_window(data, learner_id)
    section = data.learner_by_id[learner_id].section
    out = []
    for d in term_dates(data):
        week = week_of(data, d)
        if week in weeks and first <= d <= last and not closed_for(data, d, (section,)):
            out.append((week, weekday(d), d))
    return out
