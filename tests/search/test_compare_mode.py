"""``scheduler compare`` and the web page run in the mode ``scheduler solve`` does: wall-clock by
default (the limit is what each solve takes, model building counted), deterministic with
``--reproducible``; the mode is passed through to every solve and named in the summary."""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from scheduler.cli import main
from scheduler.search.params import SolveParams
from scheduler.web.work import _solve_params
from scheduler.whatif import compare
from scheduler.whatif.compare import Job, Term, run_job, sweep
from scheduler.whatif.scenarios import build_scenarios, with_shortcuts
from scheduler.workbook.example import generate
from scheduler.workbook.write import write_workbook
from tests.helpers.terms import random_term


def as_term(data, **shortcuts) -> Term:
    data = with_shortcuts(data, **shortcuts)
    return Term("prison", data.replace(scenarios=()), tuple(build_scenarios(data)))


@pytest.mark.parametrize("reproducible", [False, True])
def test_a_job_solves_in_the_mode_it_is_given(reproducible):
    data = random_term(seed=3, n_learners=12)
    result = run_job(Job(data, 2.0, 0, 1, reproducible=reproducible))
    assert result.solution is not None
    assert result.stats["reproducible"] == float(reproducible)


def test_a_job_is_wall_clock_by_default():
    assert Job(random_term(seed=1, n_learners=5), 1.0, 0, 1).reproducible is False


@pytest.mark.parametrize("reproducible", [False, True])
def test_the_sweep_passes_the_mode_to_every_solve(tmp_path, reproducible):
    term = as_term(random_term(seed=2, n_learners=12), add_room=["classroom:8"])
    with ThreadPoolExecutor(max_workers=1) as pool:
        outcomes = sweep(
            [term], pool, tmp_path, time_limit=2.0, workers=1, reproducible=reproducible
        )
    assert len(outcomes) >= 2
    assert {o.result.stats["reproducible"] for o in outcomes if o.result} == {float(reproducible)}


def _sessions(outcomes) -> list:
    return [(o.scenario, list(o.result.solution.sessions), o.result.objective) for o in outcomes]


@pytest.mark.slow
def test_a_reproducible_compare_gives_the_same_timetables_twice(tmp_path, monkeypatch):
    """On a term that is not solved to optimality in the limit, so the search decides. The
    wall-clock cap of reproducible mode is lifted: a busy machine must not cut a run short."""
    uncapped = functools.partial(SolveParams.for_term, wall_clock_factor=1000.0)
    monkeypatch.setattr(compare.SolveParams, "for_term", uncapped)
    term = as_term(generate("small", 1), add_room=["classroom:12"])
    runs = []
    for k in range(2):
        with ThreadPoolExecutor(max_workers=1) as pool:
            out = tmp_path / str(k)
            out.mkdir()
            runs.append(
                sweep([term], pool, out, time_limit=0.3, seed=1, workers=1, reproducible=True)
            )
    first, second = runs
    assert [o.scenario for o in first] == [o.scenario for o in second]
    assert all(o.result.stats.get("stopped_by_wall_clock", 0) == 0 for o in first + second)
    assert _sessions(first) == _sessions(second)


@pytest.mark.slow
@pytest.mark.parametrize("flag", [[], ["--reproducible"]])
def test_the_compare_command_names_its_mode(tmp_path, flag):
    workbook = write_workbook(random_term(seed=4, n_learners=12), tmp_path / "term.xlsx")
    out = tmp_path / "term-scenarios.xlsx"
    args = ["compare", str(workbook), "-o", str(out), "--time-limit", "3", "--jobs", "1"]
    run = CliRunner().invoke(main, [*args, "--add-room", "classroom:8", "-q", *flag])
    assert run.exit_code == 0, run.output
    mode = "reproducible" if flag else "wall-clock"
    assert f"Mode:      {mode}" in run.stdout or f"Mode: {mode}" in run.stdout
    title = load_workbook(out, read_only=True)["Summary"]["A1"].value
    assert f"Mode: {mode}" in title


@pytest.mark.parametrize("given, expected", [({}, False), ({"reproducible": True}, True)])
def test_the_web_page_solves_in_wall_clock_mode_unless_told(given, expected):
    data = random_term(seed=5, n_learners=5)
    params = _solve_params(data, {"time_limit": 7.0, "workers": 1, **given}, 0.01)
    assert params.reproducible is expected
    assert params.time_limit == 7.0 and params.started is not None
    assert 0 < params.reserve <= 3.5
