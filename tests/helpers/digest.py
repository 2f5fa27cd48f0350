"""A digest of the Sessions sheet of every bundled instance, to show behaviour is unchanged.

Each instance is solved through the command line at 5 s deterministic time, 1 worker, seed 1
(decisions.md), and the contract's Sessions columns (exports.md: ``group`` .. ``internet``) of
the written timetable are hashed. Columns added after those do not change the digest, so only a
change of the timetable itself does.

    python -m tests.helpers.digest            # print the digests
    python -m tests.helpers.digest --write    # store them in tests/data/sessions_digest.json

Regenerate only when a change alters timetables on purpose, and say why in the commit.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from scheduler.cli import main

ROOT = Path(__file__).resolve().parents[2]
INSTANCES = ("small", "medium", "large", "haren")
STORED = ROOT / "tests" / "data" / "sessions_digest.json"
SESSION_COLUMNS = 11  # group, course, day, period, periods, start, end, room, staff, size, internet
SOLVE_ARGS = ("--time-limit", "5", "--seed", "1", "--workers", "1", "--reproducible", "-q")


def sessions_digest(timetable: Path) -> str:
    """SHA-256 of the contract's Sessions columns, every cell as text."""
    wb = openpyxl.load_workbook(timetable, read_only=True)
    rows = [
        ["" if v is None else str(v) for v in row[:SESSION_COLUMNS]]
        for row in wb["Sessions"].iter_rows(values_only=True)
    ]
    wb.close()
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def solve_args() -> list[str]:
    """The solve options, without ``--reproducible`` where this version has no such flag."""
    help_text = CliRunner().invoke(main, ["solve", "--help"]).output
    return [a for a in SOLVE_ARGS if a != "--reproducible" or "--reproducible" in help_text]


def digest_of(name: str, folder: Path) -> str:
    """Solve one bundled instance into ``folder`` and return its Sessions digest."""
    out = folder / f"{name}-timetable.xlsx"
    args = ["solve", str(ROOT / "instances" / f"{name}.xlsx"), "-o", str(out), *solve_args()]
    result = CliRunner().invoke(main, args)
    if result.exit_code != 0:
        raise RuntimeError(f"solve {name} exited {result.exit_code}: {result.output}")
    return sessions_digest(out)


def all_digests(folder: Path) -> dict[str, str]:
    return {name: digest_of(name, folder) for name in INSTANCES}


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        digests = all_digests(Path(tmp))
    print(json.dumps(digests, indent=1))
    if "--write" in sys.argv[1:]:
        STORED.write_text(json.dumps(digests, indent=1) + "\n")
        print(f"stored in {STORED.relative_to(ROOT)}")
