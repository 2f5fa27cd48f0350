"""Intake window follows arrival (workbook.md, Clarifications, changed 2026-12-01): a learner's
intake falls in the ``intake_weeks`` weeks starting at the week of their arrival (week 1 when
they arrived before the term), on an open date inside their stay."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.data import ClosedDay, Room
from scheduler.rules import intake_dates, intake_weeks
from scheduler.search.greedy import greedy
from scheduler.solution import Intake, Solution
from scheduler.verify import verify
from tests.helpers.terms import TERM_START, learner, solved, tiny_term

I1 = Room("I1", "Interview", "interview", 1)
TERM_END = TERM_START + dt.timedelta(days=7 * 6 - 3)  # six weeks, Mon..Fri


def term(arrival: dt.date | None, intake_weeks: int = 2, **fields):
    """Six weeks; one learner L0001 who needs an intake and arrives on ``arrival``."""
    return tiny_term(
        settings={"term_end": TERM_END, "intake_weeks": intake_weeks},
        rooms=(I1,),
        learners=(learner(1, intake=True, wants=(), arrival=arrival),),
        **fields,
    )


def intake_problems(data, week: int, day: str = "Mon") -> tuple[str, ...]:
    sol = Solution((), (), (Intake("L0001", week, day, "P1", 1, "I1", "K1", "ar"),), ())
    return next(c.details for c in verify(data, sol) if c.rule == "intake")


def test_a_learner_arriving_in_week_6_gets_an_intake_in_week_6():
    """The clarification's own example, in a six-week term (weeks 6..7, the term ends in 6)."""
    data = term(TERM_START + dt.timedelta(days=35))  # Monday of week 6
    assert list(intake_weeks(data, "L0001")) == [6, 7]
    assert [i.week for i in solved(data).intakes] == [6]
    assert [i.week for i in greedy(data).intakes] == [6]
    assert intake_problems(data, 6) == ()
    assert "outside the learner's intake weeks 6 to 7" in intake_problems(data, 1)[0]


def test_an_arrival_before_the_term_counts_from_week_1():
    data = term(TERM_START - dt.timedelta(days=30), intake_weeks=1)
    assert [i.week for i in solved(data).intakes] == [1]
    assert intake_problems(data, 1) == ()
    assert intake_problems(data, 2)


def test_an_arrival_mid_week_allows_only_the_days_after_it():
    """Arrival on Wednesday of week 3 with one intake week: Wed..Fri of week 3."""
    data = term(TERM_START + dt.timedelta(days=16), intake_weeks=1)
    assert {d for _w, d, _date in intake_dates(data, "L0001")} == {"Wed", "Thu", "Fri"}
    intake = solved(data).intakes[0]
    assert intake.week == 3 and intake.day in {"Wed", "Thu", "Fri"}
    assert "outside the learner's time in prison" in intake_problems(data, 3, "Mon")[0]


def test_closed_days_in_the_window_are_skipped():
    """Week 2 is closed but for Friday: the intake falls on that Friday."""
    closed = tuple(ClosedDay(TERM_START + dt.timedelta(days=7 + k), "strike") for k in range(4))
    data = term(TERM_START + dt.timedelta(days=7), intake_weeks=1, closed_days=closed)
    assert [(i.week, i.day) for i in solved(data).intakes] == [(2, "Fri")]
    assert "is a closed day" in intake_problems(data, 2, "Tue")[0]


@settings(max_examples=40, deadline=None)
@given(offset=st.integers(-20, 45), weeks=st.integers(1, 3))
def test_intake_dates_lie_in_the_weeks_from_arrival(offset, weeks):
    """Every date offered is in the stay, open, and in the weeks from the arrival week."""
    arrival = TERM_START + dt.timedelta(days=offset)
    data = term(arrival, intake_weeks=weeks)
    first_week = max(1, offset // 7 + 1)
    for week, day, date in intake_dates(data, "L0001"):
        assert first_week <= week < first_week + weeks
        assert date >= arrival and date <= TERM_END and date.strftime("%a") == day
        assert intake_problems(data, week, day) == ()
