"""The versions the promises are measured on.

"Same workbook, seed and workers give the same timetable" holds for one OR-Tools version: CP-SAT's
search changes between releases. pyproject.toml pins the minor version the determinism (and the
stored Sessions digests) were measured on; this test fails loudly, naming what is installed,
when another one is.
"""

from __future__ import annotations

import re
from pathlib import Path

import ortools

ROOT = Path(__file__).resolve().parents[1]


def pinned_minor() -> str:
    """The ``major.minor`` that pyproject.toml pins ortools to (``ortools>=9.15,<9.16``)."""
    text = (ROOT / "pyproject.toml").read_text()
    match = re.search(r'"ortools>=(\d+\.\d+),<\d+\.\d+"', text)
    assert match, "pyproject.toml must pin ortools to one minor version"
    return match.group(1)


def test_ortools_is_the_pinned_minor_version():
    pinned = pinned_minor()
    installed = ortools.__version__
    assert installed.startswith(pinned + "."), (
        f"OR-Tools {installed} is installed, but the determinism and the stored Sessions "
        f"digests were measured on {pinned}.x: install ortools=={pinned}.* or re-measure "
        "(python -m tests.helpers.digest --write) and change the pin"
    )
