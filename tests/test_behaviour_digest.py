"""Behaviour unchanged: the same seed gives the same Sessions sheet on every bundled instance.

The stored digests were made before the restructuring of issue 10; a change that alters
timetables on purpose regenerates them (``python -m tests.helpers.digest --write``) and says why.
"""

from __future__ import annotations

import json

import pytest

from tests.helpers.digest import INSTANCES, STORED, digest_of


@pytest.mark.slow
@pytest.mark.parametrize("name", INSTANCES)
def test_sessions_sheet_unchanged(name, tmp_path):
    stored = json.loads(STORED.read_text())
    assert digest_of(name, tmp_path) == stored[name], (
        f"the Sessions sheet of {name} changed; if on purpose, regenerate the digest"
    )
