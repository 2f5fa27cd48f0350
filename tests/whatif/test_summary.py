"""The comparison's Summary reads first what changed most: per scenario the key figures that moved
against base, largest first, in words, each flagged when it lies within the search noise that
base-again measures; headings and texts in the coordinator's language; the per-term sheet marks
the same noise and prints several pages across rather than shrinking."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from scheduler import i18n
from scheduler.cli import comparison_lines
from scheduler.solution import Result, Solution, SolveStatus
from scheduler.whatif.compare import CONTROL, CONTROL_CHANGES, Outcome, write_comparison
from scheduler.whatif.effects import (
    COMPLETING,
    COURSES_PLACED,
    HOURS_DELIVERED,
    KEY_FIGURES,
    LEARNERS_PLACED,
    STAFF_DAYS,
    Change,
    figure_label,
    key_changes,
    sentence,
    show_difference,
)
from tests.render.fit import cut_cells

# The base of a term: a few key figures and some of Overview's own.
BASE_FIGURES: dict[str, float | int] = {
    LEARNERS_PLACED: 68,
    COURSES_PLACED: 80,
    HOURS_DELIVERED: 1200.0,
    STAFF_DAYS: 20,
    COMPLETING: 74,
    "NT2 placed": 60,
    "MO placed": 20,
    "intakes held": 30,
    "groups formed": 9,
    "weekly sessions": 36,
    "classroom use %": 40.0,
    "hours group NT2-1.1-1": 120.0,
}


def outcome(
    scenario: str,
    changed: dict[str, float | int] | None = None,
    *,
    status: SolveStatus = SolveStatus.FEASIBLE,
    changes: tuple[str, ...] = ("Rooms C1: set seats = 12",),
) -> Outcome:
    """An outcome with the base's figures, ``changed`` replacing some (None: no timetable)."""
    if changed is None:
        result = Result(SolveStatus.INFEASIBLE)
        return Outcome("medium", scenario, changes, result, note="no timetable exists")
    figures = {**BASE_FIGURES, **changed}
    result = Result(status, Solution(), objective=100.0, bound=110.0, wall_time=3.0)
    path = Path(f"medium-{scenario}-timetable.xlsx")
    return Outcome("medium", scenario, changes, result, path, list(figures.items()), moved=2)


def sweep_outcomes() -> list[Outcome]:
    """Base; base-again two learners placed up and 10 hours down (the noise); a scenario within
    it; a strike week whose effect is large; one with no timetable."""
    return [
        outcome("base", {}, changes=()),
        outcome(CONTROL, {LEARNERS_PLACED: 70, HOURS_DELIVERED: 1190.0}, changes=CONTROL_CHANGES),
        outcome("extra-room", {LEARNERS_PLACED: 69, HOURS_DELIVERED: 1195.0}),
        outcome(
            "Staking week 3",
            {LEARNERS_PLACED: 69, COMPLETING: 25, HOURS_DELIVERED: 1100.0, STAFF_DAYS: 18},
        ),
        outcome("impossible", None),
    ]


def changes_table(ws: Worksheet) -> list[dict[str, object]]:
    """The rows of the Summary's table of key changes, by heading."""
    cells = list(ws.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(cells) if row[2] in ("what changed", "wat veranderde"))
    header = cells[start]
    rows = []
    for row in cells[start + 1 :]:
        if row[0] is None:
            break
        rows.append({h: v for h, v in zip(header, row, strict=True) if h is not None})
    return rows


@pytest.fixture
def written(tmp_path) -> Path:
    return write_comparison(sweep_outcomes(), tmp_path / "x-scenarios.xlsx", "What-if: Medium")


def test_the_summary_shows_the_largest_change_first_and_flags_the_noise(written):
    ws = load_workbook(written)["Summary"]
    rows = changes_table(ws)
    # the strike's effect is large: its scenario comes first, its largest change first
    assert [r["what changed"] for r in rows] == [
        "Staking week 3: placed learner-courses completing before release 74 → 25 (\u221249)",
        "Staking week 3: staff days a week 20 → 18 (\u22122)",
        "Staking week 3: hours delivered over the term 1200 → 1100 (\u2212100)",
        "Staking week 3: learners placed 68 → 69 (+1)",
        "extra-room: learners placed 68 → 69 (+1)",
        "extra-room: hours delivered over the term 1200 → 1195 (\u22125)",
        "impossible: no timetable (no timetable exists)",
    ]
    flags = [r["within noise?"] for r in rows]
    # +1 placed lies within base-again's +2, -5 hours within its -10; -100 hours does not
    assert flags == [None, None, None, "within noise", "within noise", "within noise", None]
    strike = rows[0]
    assert (strike["base"], strike["scenario value"], strike["difference"]) == (74, 25, -49)
    assert strike["noise (base vs base-again)"] == 0
    assert rows[3]["noise (base vs base-again)"] == 2
    assert rows[2]["noise (base vs base-again)"] == 10


def test_the_summary_keeps_the_table_of_all_scenarios_under_the_changes(written):
    ws = load_workbook(written)["Summary"]
    cells = list(ws.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(cells) if row[0] == "term" and row[3] == "status")
    assert cells[start - 1][0] == "All scenarios"
    header = cells[start]
    assert header[:8] == (
        "term",
        "scenario",
        "changes",
        "status",
        "learners placed",
        "learners placed vs base",
        "learner-courses placed",
        "learner-courses placed vs base",
    )
    table = [dict(zip(header, row, strict=False)) for row in cells[start + 1 : start + 6]]
    assert [r["scenario"] for r in table] == [
        "base",
        CONTROL,
        "extra-room",
        "Staking week 3",
        "impossible",
    ]
    assert [r["learners placed vs base"] for r in table] == [None, 2, 1, 1, None]
    fonts = [r[5].font.i for r in ws.iter_rows(min_row=start + 2, max_row=start + 6)]
    assert fonts == [False, False, True, True, False]  # +1 is within base-again's +2
    assert table[1]["changes"] == CONTROL_CHANGES[0]
    assert table[4]["status"] == "impossible"
    assert len(ws._charts) == 1


def test_the_term_sheet_greys_a_difference_within_the_noise(written):
    ws = load_workbook(written)["medium"]
    header = [c.value for c in ws[3]]
    column = {name: i for i, name in enumerate(header)}
    rows = {r[0].value: r for r in ws.iter_rows(min_row=4)}
    hours = rows[HOURS_DELIVERED]
    within = hours[column["extra-room vs base"]]
    beyond = hours[column["Staking week 3 vs base"]]
    assert (within.value, beyond.value) == (-5, -100)
    assert within.font.i and not beyond.font.i
    assert "noise" in ws["A2"].value
    assert not rows[LEARNERS_PLACED][column[f"{CONTROL} vs base"]].font.i  # the noise itself


def test_the_comparison_prints_readably(written):
    wb = load_workbook(written)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert cut_cells(ws) == [], ws.title
    assert wb["medium"].print_title_rows == "$3:$3" and wb["medium"].print_title_cols == "$A:$A"
    summary = wb["Summary"]
    assert summary.page_setup.fitToWidth == 1
    assert summary.print_area.startswith("'Summary'!$A$1:$H$")  # the words, not the solver's
    assert sum(summary.column_dimensions[c].width for c in "ABCDEFGH") <= 150


def test_without_a_control_nothing_is_within_noise(tmp_path):
    outcomes = [o for o in sweep_outcomes() if o.scenario != CONTROL]
    path = write_comparison(outcomes, tmp_path / "c.xlsx", "What-if")
    ws = load_workbook(path)["Summary"]
    rows = changes_table(ws)
    assert [r["within noise?"] for r in rows] == [None] * len(rows)
    assert "no search noise was measured" in ws["A2"].value
    # with no noise to set it apart, extra-room's +1 placed is 1/68 of base, less than the strike's
    assert rows[0]["scenario"] == "Staking week 3"


def test_the_comparison_in_dutch(tmp_path):
    i18n.set_language("nl")
    try:
        path = write_comparison(sweep_outcomes(), tmp_path / "nl.xlsx", "Wat als: Medium")
    finally:
        i18n.set_language(None)
    wb = load_workbook(path)
    ws = wb["Summary"]
    rows = changes_table(ws)
    assert list(rows[0]) == [
        "periode",
        "scenario",
        "wat veranderde",
        "basis",
        "waarde in het scenario",
        "verschil",
        "ruis (base-again t.o.v. basis)",
        "binnen de ruis?",
    ]
    assert rows[0]["wat veranderde"] == (
        "Staking week 3: leerling-cursussen afgerond vóór vrijlating 74 → 25 (−49)"
    )
    assert rows[3]["binnen de ruis?"] == "binnen de ruis"
    values = [str(v) for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert "Alle scenario's" in values and "Wat veranderde het meest" in values
    term = wb["medium"]
    assert term["A1"].value == "medium: kengetallen per scenario"
    assert [c.value for c in term[3]][:2] == ["kengetal", "basis"]
    labels = [r[0] for r in term.iter_rows(min_row=4, values_only=True)]
    assert "uren groep NT2-1.1-1" in labels and "status" in labels
    # nothing English is left in the headings of either sheet
    english = {"what changed", "difference", "All scenarios", "figure", "learners placed"}
    assert not english & set(values)


# --- the parts --------------------------------------------------------------------------------


def test_every_key_figure_and_every_overview_label_has_dutch_words():
    overview = [
        "NT2 asked",
        "MO placed",
        "section A asked",
        "language ar placed",
        "hours course NT2-1.1",
        "hours group NT2-1.1-1",
        "room use % C1",
        "staff periods/week T01",
        "agency ti reached (intake held)",
        "waiting capacity",
        "placed learner-courses not completing before release",
        "objective",
    ]
    i18n.set_language("nl")
    try:
        untranslated = [x for x in (*KEY_FIGURES, *overview) if figure_label(x) == x]
        assert figure_label("hours group MO-1") == "uren groep MO-1"
    finally:
        i18n.set_language(None)
    assert untranslated == []
    assert figure_label("hours group MO-1") == "hours group MO-1"  # English: the key itself


@given(
    base=st.integers(0, 500),
    value=st.integers(0, 500),
    noise=st.none() | st.integers(0, 50),
)
def test_a_change_is_within_noise_exactly_when_no_larger_than_it(base, value, noise):
    change = Change(LEARNERS_PLACED, base, value, noise)
    assert change.difference == value - base
    assert change.within_noise == (noise is not None and abs(value - base) <= noise)


def test_changes_beyond_the_noise_come_first_largest_first():
    base = {LEARNERS_PLACED: 68, COMPLETING: 74, HOURS_DELIVERED: 1200.0, STAFF_DAYS: 20}
    now = {LEARNERS_PLACED: 60, COMPLETING: 73, HOURS_DELIVERED: 1000.0, STAFF_DAYS: 20}
    noise = {LEARNERS_PLACED: 10, COMPLETING: 0, HOURS_DELIVERED: 5.0}
    found = key_changes(now, base, noise)
    assert [c.figure for c in found] == [HOURS_DELIVERED, COMPLETING, LEARNERS_PLACED]
    assert [c.within_noise for c in found] == [False, False, True]
    assert key_changes(base, base, noise) == []
    # the headline figures always show, however many other figures moved more
    assert len(key_changes(now, base, None, most=2)) == 3
    others = {"classroom use %": 60.0, "computer lab use %": 70.0, "groups formed": 12}
    wide = key_changes(
        {**BASE_FIGURES, LEARNERS_PLACED: 69, **others},
        {**BASE_FIGURES, "computer lab use %": 35.0},
        None,
        most=3,
    )
    assert [c.figure for c in wide] == ["computer lab use %", "classroom use %", LEARNERS_PLACED]


def test_the_sentence_reads_as_a_coordinator_writes_it():
    change = Change(COMPLETING, 74, 25, 3)
    text = sentence("Staking week 3", change)
    assert text == (
        "Staking week 3: placed learner-courses completing before release 74 → 25 (\u221249)"
    )
    assert show_difference(2.5) == "+2.5" and show_difference(0) == "0"
    i18n.set_language("nl")
    try:
        assert show_difference(-2.25) == "\u22122,25"
    finally:
        i18n.set_language(None)


def test_the_end_of_compare_lines_mark_a_difference_within_noise():
    lines = comparison_lines(sweep_outcomes())
    by_name = {line.split(":")[1].split()[0]: line for line in lines}
    assert "(+1), within noise" in by_name["extra-room"]
    assert "(+2)" in by_name[CONTROL] and "within noise" not in by_name[CONTROL]
    assert "within noise" not in by_name["base"]
