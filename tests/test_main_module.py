"""``python -m scheduler``: the command without its script on the PATH (Windows)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SMALL = Path(__file__).resolve().parent.parent / "instances" / "small.xlsx"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scheduler", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_help_lists_the_commands_under_the_scheduler_name():
    done = run("--help")
    assert done.returncode == 0, done.stderr
    assert "Usage: python -m scheduler" in done.stdout  # click names the way it was run
    for command in ("validate", "solve", "serve"):
        assert command in done.stdout


def test_validate_through_the_module():
    done = run("validate", str(SMALL))
    assert done.returncode == 0, done.stderr
    assert "small.xlsx is valid" in done.stdout


def test_bad_input_through_the_module_is_exit_2_without_a_traceback(tmp_path):
    text = tmp_path / "learners.xlsx"
    text.write_text("learner;section\n")
    done = run("validate", str(text))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "text file" in done.stderr
