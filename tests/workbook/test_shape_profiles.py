"""The profiles that vary structure and size (lab, odd, xl): every seed writes a valid term
through ``scheduler example`` and ``scheduler validate``, and small seeds solve briefly to a
timetable the independent verifier passes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from scheduler import pipeline
from scheduler.cli import main
from scheduler.verify import total_violations
from scheduler.workbook.example import generate

NEW_PROFILES = ("lab", "odd", "xl")


@pytest.mark.slow
@pytest.mark.parametrize("profile", NEW_PROFILES)
@pytest.mark.parametrize("seed", [2, 3])
def test_example_writes_a_valid_term(tmp_path, profile, seed):
    out = tmp_path / f"{profile}.xlsx"
    runner = CliRunner()
    made = runner.invoke(main, ["example", str(out), "--profile", profile, "--seed", str(seed)])
    assert made.exit_code == 0, made.output
    checked = runner.invoke(main, ["validate", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "is valid" in checked.output


# xl solves at a fifth of its learners (rooms, staff and escorts shrink with it): its shape, not
# its size, is what a brief test can check; the benchmark solves it whole.
@pytest.mark.slow
@pytest.mark.parametrize(
    "profile,seed,learners",
    [("lab", 2, None), ("lab", 3, None), ("odd", 2, None), ("odd", 3, None), ("xl", 2, 200)],
)
def test_small_seeds_solve_to_a_verified_timetable(profile, seed, learners):
    data = generate(profile, seed, learners=learners)
    result, verified = pipeline.solve_and_verify(data, time_limit=3.0, seed=1, workers=1)
    assert result.has_solution and verified is not None
    assert total_violations(verified.checks) == 0
    assert result.solution.placed(), "nobody placed"
