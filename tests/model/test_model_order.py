"""The model does not depend on Python's string hashing: two processes with different
PYTHONHASHSEED build the same variables and constraints in the same order, so that
``--reproducible`` gives the same timetable in every run (it did not on haren, whose labs
were iterated as a set)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SCRIPT = """
import hashlib
from scheduler.model.cp_model import TimetableModel
from scheduler.workbook.example import generate
tm = TimetableModel(generate("haren", 1, learners=60))
print(hashlib.sha1(str(tm.model.proto).encode()).hexdigest())
"""


def model_digest(hash_seed: int) -> str:
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    return run.stdout.strip()


@pytest.mark.slow
def test_the_model_is_the_same_whatever_the_hash_seed():
    digests = {model_digest(seed) for seed in (0, 1, 2)}
    assert len(digests) == 1, digests
