"""A valid term written with ``write_workbook`` reads back unchanged (``row`` aside).

The property test starts from generated terms of random seed, size and internet line, and
edits them at random where coordinators type free values: names and reasons (text that looks
like a formula, a number or a date included), settings, weights, times to the minute, dates,
priorities, locks and scenario rows, and optional sheets left out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from scheduler.data import DEFAULT_WEIGHTS, Lock, ProblemData, ScenarioRow
from scheduler.workbook.cells import EXCEL_ERRORS
from scheduler.workbook.example import TERM_END, TERM_START, generate
from scheduler.workbook.validate import read_workbook
from scheduler.workbook.write import OPTIONAL_SHEETS, SHEETS, write_workbook

# Free text as a coordinator may type it: any printable characters, surrounding spaces
# trimmed (the reader trims them). A text that is exactly an Excel error such as #N/A is read
# as that error, so it is left out.
TEXT = (
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
        min_size=1,
        max_size=16,
    )
    .map(str.strip)
    .filter(lambda t: t and t.upper() not in EXCEL_ERRORS)
)
TRICKY = st.sampled_from(
    ["=SUM(A1:A3)", "+32 50 12 34", "-1", "@home", "007", "1.10", "2027-01-11"]
)
NAME = st.one_of(TEXT, TRICKY)
DATES = st.dates(TERM_START - dt.timedelta(days=30), TERM_END + dt.timedelta(days=60))


def _renamed(draw, records: tuple, field: str, strategy=NAME) -> tuple:
    return tuple(dataclasses.replace(r, **{field: draw(strategy)}) for r in records)


def _settings(draw, data: ProblemData) -> ProblemData:
    s = dataclasses.replace(
        data.settings,
        prison=draw(NAME),
        max_groups_moving=draw(st.none() | st.integers(1, 30)),
        time_limit_s=draw(st.sampled_from([0.5, 7.25, 30.0, 600.0])),
        seed=draw(st.integers(0, 10**6)),
        intake_periods=draw(st.integers(1, 2)),
        intake_weeks=draw(st.integers(1, 4)),
    )
    weights = {
        k: draw(st.integers(0, 1000) | st.sampled_from([0.5, 12.5])) for k in DEFAULT_WEIGHTS
    }
    return data.replace(settings=s, weights=weights)


def _learners(draw, data: ProblemData) -> tuple:
    out = []
    for x in data.learners:
        arrival = draw(st.none() | DATES)
        release = draw(st.none() | DATES)
        if arrival and release and release <= arrival:
            release = arrival + dt.timedelta(days=1)
        out.append(
            dataclasses.replace(
                x, priority=draw(st.integers(1, 5)), arrival=arrival, release=release
            )
        )
    return tuple(out)


def _minute_times(draw, records: tuple) -> tuple:
    """Blocking rows at any minute of the day (start before end)."""
    out = []
    for r in records:
        start = draw(st.integers(0, 23 * 60 + 58))
        end = draw(st.integers(start + 1, 23 * 60 + 59))
        out.append(dataclasses.replace(r, start=start, end=end))
    return tuple(out)


def _locks(draw, data: ProblemData) -> tuple[Lock, ...]:
    def maybe(values):
        return draw(st.none() | st.sampled_from(values))

    locks = []
    for _ in range(draw(st.integers(0, 3))):
        course = draw(st.sampled_from(data.courses)).course
        locks.append(
            Lock(
                "session",
                course,
                maybe([f"{course}-1", f"{course}-2"]),
                maybe(data.teaching_days),
                maybe([p.period for p in data.periods]),
                maybe([r.room for r in data.rooms if r.kind != "interview"]),
                maybe([s.staff for s in data.staff if s.role != "counsellor"]),
            )
        )
    return tuple(locks)


def _scenarios(draw, data: ProblemData) -> tuple[ScenarioRow, ...]:
    rows = list(data.scenarios)
    for i in range(draw(st.integers(0, 3))):
        room = draw(st.sampled_from(data.rooms)).room
        rows.append(
            ScenarioRow(f"what-if {i}", "Rooms", room, "seats", str(draw(st.integers(1, 30))))
        )
    if draw(st.booleans()):
        rows.append(ScenarioRow("fewer rooms", "Rooms", data.rooms[-1].room, "", "", "remove"))
    return tuple(rows)


@st.composite
def terms(draw) -> ProblemData:
    """A valid term: a generated one with random edits in every free-valued place."""
    profile = draw(st.sampled_from(["small", "medium"]))
    data = generate(
        profile,
        draw(st.integers(0, 10_000)),
        learners=draw(st.integers(12, 40)),
        internet=draw(st.booleans()),
    )
    data = _settings(draw, data)
    data = data.replace(
        sections=_renamed(draw, data.sections, "name"),
        rooms=_renamed(draw, _renamed(draw, data.rooms, "name"), "zone", st.just("") | NAME),
        staff=_renamed(draw, data.staff, "name"),
        courses=_renamed(draw, data.courses, "name"),
        separations=_renamed(draw, data.separations, "reason", st.just("") | NAME),
        learners=_learners(draw, data),
        learner_unavailability=_minute_times(draw, data.learner_unavailability),
        room_unavailability=_renamed(draw, data.room_unavailability, "reason"),
        locks=_locks(draw, data),
    )
    data = data.replace(scenarios=_scenarios(draw, data))
    # Optional sheets may be left out entirely.
    for field in ("closed_days", "separations", "staff_availability", "room_unavailability"):
        if draw(st.booleans()):
            data = data.replace(**{field: ()})
    return data


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(terms())
def test_written_term_reads_back_unchanged(tmp_path_factory, data):
    path = write_workbook(data, tmp_path_factory.mktemp("rt") / "term.xlsx")
    assert read_workbook(path) == data


def test_layout_times_dates_and_formula_like_text(tmp_path):
    data = generate("medium", 2)
    first = dataclasses.replace(data.sections[0], name="=HYPERLINK(1)")
    data = data.replace(sections=(first, *data.sections[1:]))
    wb = load_workbook(write_workbook(data, tmp_path / "t.xlsx"))
    assert "Locks" not in wb.sheetnames and "LearnerUnavailability" in wb.sheetnames
    assert "Weights" in wb.sheetnames and "Scenarios" in wb.sheetnames
    for sheet in wb.sheetnames:
        assert tuple(c.value for c in wb[sheet][1]) == SHEETS[sheet]
    assert set(SHEETS) - set(wb.sheetnames) <= OPTIONAL_SHEETS
    name = wb["Sections"]["B2"]
    assert (name.value, name.data_type) == ("=HYPERLINK(1)", "s")
    assert wb["Periods"]["B2"].value == "08:30" and wb["Periods"]["C2"].value == "09:30"
    assert wb["ClosedDays"]["A2"].is_date
    learners = list(wb["Learners"].iter_rows(min_row=2, values_only=True))
    assert {row[5] for row in learners} == {"yes", "no"}
    assert any(row[2] and "," in row[2] for row in learners)  # languages comma-separated


def test_required_sheet_without_rows_is_written_with_its_header(tmp_path):
    data = generate("small", 1, internet=False)
    path = write_workbook(data, tmp_path / "t.xlsx")
    wb = load_workbook(path)
    assert wb["InternetWindows"].max_row == 1  # header only: no internet line
    assert read_workbook(path).internet_windows == ()
