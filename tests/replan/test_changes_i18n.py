"""The Changes sheet in the coordinator's language: ``why`` is prose, ``kind`` is the contract's.

replan.md spells the Changes columns ``kind``, ``who``, ``group``, ``before``, ``after``, ``why``
and the kind values; those stay as written whatever the language. The ``why`` texts that
scheduler/replan/changes.py writes, and the re-plan block of the Overview, are translated.
"""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

from scheduler import i18n
from scheduler.data import RegimeBlock, RoomUnavailability, Separation
from scheduler.solution import Solution
from tests.helpers.english import cell_texts, english_in
from tests.helpers.terms import learners
from tests.replan.helpers import WEEK2, changes, edit_cells, group, replanned, timetable
from tests.replan.test_replan import C, released, seat_for_a_learner_present_now, term, two_groups


def _seat_for_a_learner_present_now(tmp_path):
    """L0006 holds a seat but arrives on Wednesday; L0007 arrives on Monday and only that seat
    can take them (as in test_replan): one learner leaves, one joins."""
    data, current = seat_for_a_learner_present_now(tmp_path)
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


def _update_with_every_kind_of_why(tmp_path):
    """A re-plan of a hand-edited timetable where L0002 is released, L0006 is now kept apart
    from L0004, room C1 is closed during NT2-1.1-2's session, and the hand edit put
    NT2-1.1-1 into section A's work hours: the Changes rows, one ``why`` for each cause."""
    work = RegimeBlock("RA", "Tue", 510, 570, "work")
    data = term(learners=learners(6), regimes=(work,))
    full = Solution(
        groups=(group(f"{C}-1", "L0001", "L0002", "L0003"),
                group(f"{C}-2", "L0004", "L0005", "L0006")),
        sessions=two_groups().sessions,
    )  # fmt: skip
    current = timetable(data, full, tmp_path / "now.xlsx")
    edit_cells(current, "Sessions", 2, {"day": "Tue"})  # NT2-1.1-1 into the work hours
    update = released(data, "L0002", dt.date(2027, 1, 15))
    update = update.replace(
        separations=(Separation("L0006", "L0004"),),
        room_unavailability=(RoomUnavailability("C1", "Mon", 570, 630, "works"),),
    )
    replanned(update, current, WEEK2, tmp_path / "new.xlsx")
    whys = {}
    for kind, who, gid, _before, _after, why in changes(tmp_path / "new.xlsx"):
        session_row = kind in ("session moved", "room changed")  # a new time or a new room
        whys[("session", gid) if session_row else (kind, who)] = why
    return whys


# (Changes kind, who) -> the why's msgid and its fields
WHYS = {
    ("learner left", "L0002"): ("released {date}", {"date": "2027-01-15"}),
    ("learner left", "L0006"): ("kept apart from {learner} (Separations)", {"learner": "L0004"}),
    ("session", f"{C}-2"): (
        "room {room} unavailable {times}",
        {"room": "C1", "times": "Mon 09:30-10:30"},
    ),
}
REGIME = ("regime {regime} of section {section} now blocks {when}",
          {"regime": "RA", "section": "A", "when": "Tue P1"})  # fmt: skip
HAND_EDIT = "repair of a hand edit ({why})"


def _expected(language: str, msgid: str, fields: dict[str, str]) -> str:
    return i18n.catalogue(language).gettext(msgid).format(**fields)


def test_the_update_whys_are_dutch(tmp_path):
    i18n.set_language("nl")
    whys = _update_with_every_kind_of_why(tmp_path)
    for msgid in (*(m for m, _f in WHYS.values()), REGIME[0], HAND_EDIT):
        assert i18n.catalogue("nl").gettext(msgid) != msgid  # a Dutch text of its own
    for key, (msgid, fields) in WHYS.items():
        assert whys[key] == _expected("nl", msgid, fields)
    regime = _expected("nl", *REGIME)
    assert whys[("session", f"{C}-1")] == _expected("nl", HAND_EDIT, {"why": regime})
    assert whys[("session", f"{C}-1")] == (
        "herstel van een manuele aanpassing (regime RA van afdeling A blokkeert nu Tue P1)"
    )
    assert english_in(list(whys.values())) == []


def test_the_update_whys_stay_english(tmp_path):
    whys = _update_with_every_kind_of_why(tmp_path)
    assert whys[("learner left", "L0002")] == "released 2027-01-15"
    assert whys[("learner left", "L0006")] == "kept apart from L0004 (Separations)"
    assert whys[("session", f"{C}-2")] == "room C1 unavailable Mon 09:30-10:30"
    assert whys[("session", f"{C}-1")] == (
        "repair of a hand edit (regime RA of section A now blocks Tue P1)"
    )
