"""The benchmark harness (benchmarks/): ladder, 1 %-time, table cells, target verdicts, the
marked blocks of BENCHMARKS.md, bad arguments, and one end-to-end trial run in a subprocess.

No assertion is made on measured times: they depend on the machine and its load.
"""

# benchmarks/ is imported from the repository root, which pytest does not put on the path.
# ruff: noqa: E402

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.document import TEMPLATE, update_document
from benchmarks.ladder import NAMES, TIME_LIMITS, ladder, parse_only
from benchmarks.measure import Row, time_to_within
from benchmarks.report import (
    COLUMNS,
    RunInfo,
    alerts,
    code_version,
    fraction,
    growth,
    number,
    replace_block,
    results_markdown,
    results_table,
    verdicts,
)
from benchmarks.run import main
from scheduler.workbook.example import PROFILES

# ---------------------------------------------------------------------------------------------
# Builders


def good_row(ladder_name: str = "large", internet: bool = True, **changes) -> Row:
    """A row at its default limit that meets every target."""
    row = Row(
        name=ladder_name + ("" if internet else " (no internet)"),
        ladder=ladder_name,
        internet=internet,
        time_limit=TIME_LIMITS[ladder_name],
        seed=1,
        learners=200,
        requests=100,
        status="feasible",
        groups=10,
        placed=80,
        intakes_held=20,
        intakes_asked=25,
        internet_booked=30,
        internet_asked=40,
        objective=1000.0,
        bound=1010.0,
        gap=0.01,
        first_solution_s=0.5,
        within_1pct_s=3.0,
        wall_s=60.0,
        peak_mb=300.0,
        variables=5000,
        constraints=9000,
        candidate_groups=40,
        violations=0,
        hand_groups=8,
        hand_placed=50,
        hand_violations=0,
    )
    return replace(row, **changes)


def full_ladder(**changes) -> list[Row]:
    return [good_row(n, internet, **changes) for internet in (True, False) for n in NAMES]


def info(**changes) -> RunInfo:
    base = RunInfo(
        command="python benchmarks/run.py",
        date="2027-01-11T08:30:00+01:00",
        code="abc1234",
        machine={
            "cores": 2,
            "usable_cores": 2,
            "cpu": "Test CPU",
            "os": "Linux",
            "python": "3.11.0",
            "ortools": "9.15",
        },
        seed=1,
        time_scale=1.0,
        only=NAMES,
        complete=True,
    )
    return replace(base, **changes)


def states(rows: list[Row]) -> list[str]:
    return [v.state for v in verdicts(rows)]


# ---------------------------------------------------------------------------------------------
# Ladder


def test_ladder_has_every_instance_with_and_without_internet():
    specs = ladder()
    assert [s.name for s in specs] == list(NAMES) + [f"{n} (no internet)" for n in NAMES]
    stress = next(s for s in specs if s.name == "stress")
    assert (stress.profile, stress.learners) == ("haren", 2 * PROFILES["haren"].learners)
    assert {s.name: s.time_limit for s in specs if s.internet} == TIME_LIMITS


def test_time_scale_multiplies_the_limits_and_only_selects():
    specs = ladder(parse_only("medium, small"), time_scale=0.05)
    assert [(s.name, s.time_limit) for s in specs] == [
        ("small", 1.0),
        ("medium", 3.0),
        ("small (no internet)", 1.0),
        ("medium (no internet)", 3.0),
    ]
    assert [s.internet for s in specs] == [True, True, False, False]


@pytest.mark.parametrize("text", ["tiny", "small,huge", "Stress,xxl"])
def test_unknown_instances_are_named(text):
    with pytest.raises(
        ValueError, match="choose from small, medium, lab, large, haren, stress, xl"
    ):
        parse_only(text)


def test_blank_only_means_all():
    assert parse_only(None) == parse_only(" ") == NAMES


@pytest.mark.parametrize(
    "argv",
    [["--only", "tiny"], ["--time-scale", "0"], ["--time-scale", "-1"], ["--time-scale", "x"],
     ["--seed", "one"], ["--seed", "-1"], ["--seed", str(2**31)], ["--bogus"]],
)  # fmt: skip
def test_bad_arguments_exit_2_with_a_message(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


# ---------------------------------------------------------------------------------------------
# Time to within 1 %


def test_time_to_within_one_percent_of_a_maximised_objective():
    progress = [(0.1, 500.0), (0.4, 980.0), (0.9, 991.0), (2.0, 1000.0)]
    assert time_to_within(progress, 1000.0) == 0.9
    assert time_to_within(progress, 1000.0, tolerance=0.0) == 2.0
    assert time_to_within(progress, 1000.0, tolerance=0.5) == 0.1


def test_time_to_within_one_percent_of_a_minimised_or_negative_objective():
    assert time_to_within([(1.0, 120.0), (2.0, 100.5), (3.0, 100.0)], 100.0) == 2.0
    assert time_to_within([(1.0, -300.0), (2.0, -101.0), (5.0, -100.0)], -100.0) == 2.0
    assert time_to_within([(1.0, 5.0), (4.0, 0.0)], 0.0) == 4.0


@pytest.mark.parametrize("progress, final", [(None, 1.0), ([], 1.0), ([(1.0, 1.0)], None)])
def test_time_to_within_without_data_is_none(progress, final):
    assert time_to_within(progress, final) is None


@settings(max_examples=60, deadline=None)
@given(objectives=st.lists(st.integers(-(10**5), 10**5), min_size=1, max_size=20))
def test_time_to_within_is_the_first_close_enough_time(objectives):
    progress = [(float(i), float(v)) for i, v in enumerate(objectives)]
    final = float(objectives[-1])
    found = time_to_within(progress, final)
    close = [t for t, v in progress if abs(v - final) <= 0.01 * abs(final)]
    # The final timetable is always within 1 % of itself, so there is always an answer.
    assert found == close[0]


# ---------------------------------------------------------------------------------------------
# Cells and tables


def test_cells_format_numbers_fractions_and_missing_values():
    assert number(None) == "–"
    assert number(7) == "7"
    assert number(2.345, 2) == "2.35"
    assert fraction(None, 10) == "–"
    assert fraction(3, 4) == "3/4"
    assert fraction(3, 4, percent=True) == "3/4 (75 %)"
    assert fraction(0, 0, percent=True) == "0/0 (0 %)"


def test_results_table_has_one_line_per_row_and_every_column():
    rows = [good_row("small"), good_row("large", internet=False)]
    lines = results_table(rows).splitlines()
    assert len(lines) == 2 + len(rows)
    assert all(line.count("|") == len(COLUMNS) + 1 for line in lines)
    assert lines[0].startswith("| instance | limit s | status | learners | requests")
    cells = [c.strip() for c in lines[3].strip("|").split("|")]
    by_title = dict(zip((t for t, _ in COLUMNS), cells, strict=True))
    assert by_title["instance"] == "large (no internet)"
    assert by_title["placed/asked"] == "80/100 (80 %)"
    assert by_title["intakes"] == "20/25"
    assert by_title["internet"] == "30/40"
    assert by_title["gap %"] == "1.00"
    assert by_title["hand placed/asked"] == "50/100 (50 %)"
    assert by_title["solver/hand"] == "1.60"
    assert by_title["violations solver/hand"] == "0 / 0"


def test_broken_rows_are_loud_in_the_table_and_below_it():
    broken = good_row("medium", violations=3)
    failed = Row("haren", "haren", True, 120.0, 1, error="the child was killed by signal 9")
    lost = good_row("small", status="unknown", placed=None, objective=None, gap=None)
    table = results_table([broken, failed, lost])
    assert "**3 / 0 BROKEN**" in table and "**ERROR**" in table
    loud = alerts([broken, failed, lost])
    assert loud == [
        "**medium: the solver's timetable breaks 3 hard rule(s)**",
        "**ERROR on haren: the child was killed by signal 9**",
        "**small: no timetable (status unknown)**",
    ]
    assert [r.broken for r in (broken, failed, lost)] == [True, True, False]
    assert alerts([good_row()]) == []


def test_growth_lists_each_variant_by_learners_with_factors():
    rows = [
        good_row("haren", learners=350, variables=40000, peak_mb=600.0, first_solution_s=2.0),
        good_row("small", learners=50, variables=4000, peak_mb=150.0, first_solution_s=0.5),
    ]
    text = growth(rows)
    assert text.index("| small |") < text.index("| haren |")
    assert (
        "From small to haren: learners ×7.0, variables ×10.0, "
        "time to the first timetable ×4.0, peak memory ×4.0." in text
    )
    assert "From" not in growth(rows[:1])


def test_code_version_names_a_commit_or_says_unknown(tmp_path):
    assert code_version(tmp_path) == "unknown"
    assert re.fullmatch(
        r"[0-9a-f]{4,40}( with uncommitted changes in scheduler/)?", code_version(ROOT)
    )


def test_results_markdown_has_the_header_table_and_targets():
    text = results_markdown(info(), full_ladder())
    for part in ("`python benchmarks/run.py`", "2027-01-11", "code: abc1234", "2 cores", "Test CPU",
                 "OR-Tools 9.15", "Python 3.11.0", "| stress (no internet) "
                                                   "|", "## Targets"):  # fmt: skip
        assert part in text
    assert "Trial run" not in text
    trial = results_markdown(info(complete=False, time_scale=0.05, only=("small",)), [])
    assert "**Trial run, not the benchmark**: instances small, time limits × 0.05" in trial
    other = results_markdown(info(complete=False, seed=7), [])
    assert "time limits × 1 of the defaults, seed 7 instead of 1." in other


# ---------------------------------------------------------------------------------------------
# Targets


def test_every_target_is_met_on_a_good_full_run():
    assert states(full_ladder()) == ["met"] * 5
    line = verdicts(full_ladder())[1].line()
    assert line.startswith("- on large, a gap ≤ 5 % at 60 s: **met** — large 1.00 %")
    assert "large (no internet) 1.00 %" in line


@pytest.mark.parametrize(
    "where, changes, index",
    [
        ("haren", {"first_solution_s": 5.5}, 0),
        ("large", {"gap": 0.06}, 1),
        ("haren", {"gap": 0.11}, 2),
        ("medium", {"placed": 64}, 3),  # 64 / 50 = 1.28
        ("stress", {"peak_mb": 2100.0}, 4),
        ("stress", {"error": "the child was killed by signal 9", "peak_mb": None}, 4),
        ("large", {"violations": 1}, 1),
        ("large", {"status": "unknown", "gap": None, "placed": None}, 3),
    ],
)
def test_one_failing_instance_means_not_met(where, changes, index):
    rows = [
        replace(r, **changes) if r.name == f"{where} (no internet)" else r for r in full_ladder()
    ]
    assert states(rows)[index] == "not met"
    assert f"{where} (no internet)" in verdicts(rows)[index].measured


def test_the_stress_instance_does_not_count_for_the_first_timetable():
    rows = [replace(r, first_solution_s=9.0) if r.ladder == "stress" else r for r in full_ladder()]
    assert states(rows)[0] == "met"


def test_a_trial_run_measures_only_what_does_not_depend_on_the_limit():
    rows = [replace(r, time_limit=r.time_limit * 0.05) for r in full_ladder()]
    assert states(rows) == ["met", "not measured", "not measured", "not measured", "not measured"]
    assert "large: run at 3.00 s, not 60 s" in verdicts(rows)[1].measured


def test_missing_instances_are_not_measured_unless_another_fails():
    rows = [r for r in full_ladder() if r.ladder in ("small", "medium")]
    found = verdicts(rows)
    assert [v.state for v in found] == ["not measured"] * 5
    assert "not run: large, haren, large (no internet), haren (no internet)" in found[0].measured
    slow = [replace(rows[0], first_solution_s=6.0)] + rows[1:]
    assert states(slow)[0] == "not met"


def test_no_timetable_within_a_short_limit_cannot_tell_the_first_timetable_target():
    rows = [
        replace(r, time_limit=1.0, first_solution_s=None, status="unknown")
        if r.name == "small"
        else r
        for r in full_ladder()
    ]
    assert states(rows)[0] == "not measured"
    rows[0] = replace(rows[0], time_limit=20.0)
    assert states(rows)[0] == "not met"


# ---------------------------------------------------------------------------------------------
# Marked blocks


def test_replace_block_keeps_everything_outside_the_markers():
    text = "intro\n<!-- results:start -->\nold\ntable\n<!-- results:end -->\nafter\n"
    new = replace_block(text, "results", "| a |\n| b \\1 |")
    assert (
        new == "intro\n<!-- results:start -->\n\n| a |\n| b \\1 |\n\n<!-- results:end -->\nafter\n"
    )
    assert replace_block(new, "results", "| a |\n| b \\1 |") == new


def test_replace_block_appends_a_missing_block_under_its_title():
    new = replace_block("# Benchmarks\n", "growth", "body", "Growth")
    assert (
        new == "# Benchmarks\n\n## Growth\n\n<!-- growth:start -->\n\nbody\n\n<!-- growth:end -->\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        "<!-- results:end -->\n<!-- results:start -->\n",
        "<!-- results:start -->\n<!-- results:start -->\n<!-- results:end -->\n",
        "<!-- results:start -->\nno end\n",
        "text <!-- results:start --> inline <!-- results:end -->\n",
    ],
)
def test_broken_markers_are_an_error_not_a_guess(text):
    with pytest.raises(ValueError, match="must each appear once"):
        replace_block(text, "results", "body")


def test_document_is_created_from_the_template_then_only_its_blocks_change(tmp_path):
    doc = tmp_path / "BENCHMARKS.md"
    update_document(doc, info(), full_ladder())
    first = doc.read_text(encoding="utf-8")
    assert first.startswith(TEMPLATE.split("<!-- results:start -->")[0])
    assert "## Method" in first and "| haren (no internet) |" in first
    assert "- peak memory ≤ 2 GB on the stress instance: **met**" in first
    doc.write_text(first.replace("## Method", "## What was tried\n\nLead's notes.\n\n## Method"))
    slow = [replace(r, peak_mb=4096.0) for r in full_ladder()]
    update_document(doc, info(), slow)
    second = doc.read_text(encoding="utf-8")
    assert "Lead's notes." in second
    assert "- peak memory ≤ 2 GB on the stress instance: **not met**" in second
    assert second.count("<!-- targets:start -->") == 1


# ---------------------------------------------------------------------------------------------
# End to end


@pytest.mark.slow
def test_a_trial_run_solves_small_in_subprocesses_and_writes_everything(tmp_path):
    doc = tmp_path / "BENCHMARKS.md"
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--only", "small",
               "--time-scale", "0.05", "--out", str(tmp_path), "--doc", str(doc)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert results["complete"] is False and results["time_scale"] == 0.05
    rows = [Row.from_dict(r) for r in results["rows"]]
    assert [r.name for r in rows] == ["small", "small (no internet)"]
    for r in rows:
        assert r.error is None and r.time_limit == 1.0
        assert r.violations == 0 and r.hand_violations == 0
        assert r.learners == PROFILES["small"].learners
        assert 0 < r.placed <= r.requests and 0 < r.hand_placed <= r.requests
        assert r.peak_mb > 0 and r.variables > 0
    assert rows[1].internet_asked == 0
    markdown = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "python benchmarks/run.py --only small --time-scale 0.05" in markdown
    assert "| small (no internet) |" in markdown and "| small (no internet) |" in done.stdout
    assert "| small (no internet) |" in doc.read_text(encoding="utf-8")
