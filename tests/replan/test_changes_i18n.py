"""The Changes sheet in the coordinator's language: ``why`` is prose, ``kind`` is the contract's.

replan.md spells the Changes columns ``kind``, ``who``, ``group``, ``before``, ``after``, ``why``
and the kind values; those stay as written whatever the language. The ``why`` texts that
scheduler/replan/changes.py writes, and the re-plan block of the Overview, are translated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from openpyxl import load_workbook

from scheduler import i18n
from scheduler.data import Separation
from scheduler.solution import Solution
from tests.helpers.english import cell_texts, english_in
from tests.helpers.terms import learner, learners
from tests.replan.helpers import WEEK2, changes, group, replanned, timetable
from tests.replan.test_replan import C, term, two_groups


def _seat_for_a_learner_present_now(tmp_path):
    """L0006 holds a seat but arrives on Wednesday; L0007 arrives on Monday and only that seat
    can take them (as in test_replan): one learner leaves, one joins."""
    later = dt.date(2027, 1, 20)
    data = term(learners=(*learners(5), learner(6, arrival=later), learner(7, arrival=WEEK2)))
    data = data.replace(separations=(Separation("L0007", "A"),))
    data = data.replace(
        learners=tuple(
            dataclasses.replace(lr, section="B") if lr.learner in ("L0004", "L0005", "L0007")
            else lr
            for lr in data.learners
        )
    )  # fmt: skip
    full = Solution(
        groups=(group(f"{C}-1", "L0001", "L0002", "L0003"),
                group(f"{C}-2", "L0004", "L0005", "L0006")),
        sessions=two_groups().sessions,
    )  # fmt: skip
    current = timetable(data, full, tmp_path / "now.xlsx")
    out = tmp_path / "new.xlsx"
    replanned(data, current, WEEK2, out)
    return changes(out), load_workbook(out)


def test_the_why_texts_are_dutch_and_the_kinds_stay(tmp_path):
    i18n.set_language("nl")
    rows, wb = _seat_for_a_learner_present_now(tmp_path)
    by_kind = {r[0]: r for r in rows}
    assert set(by_kind) == {"learner left", "learner joined"}  # the contract's kinds
    assert by_kind["learner left"][5] == (
        "aankomst 2027-01-20: plaats gegeven aan een leerling die nu aanwezig is"
    )
    assert by_kind["learner joined"][5] == "aankomst 2027-01-18"
    assert english_in([r[5] for r in rows]) == []
    overview = cell_texts(wb["Overview"])
    assert "Herplanning vanaf 2027-01-18" in overview
    assert "plaatsen behouden in hun groep" in overview
    assert english_in(overview) == []


def test_the_english_why_texts_are_unchanged(tmp_path):
    rows, wb = _seat_for_a_learner_present_now(tmp_path)
    whys = {r[0]: r[5] for r in rows}
    assert whys["learner left"] == "arrival 2027-01-20: seat given to a learner present now"
    assert whys["learner joined"] == "arrival 2027-01-18"
    assert "places kept in their group" in cell_texts(wb["Overview"])
