"""A digest of the Sessions sheet of every bundled instance, to show behaviour is unchanged.

Each instance is solved at 5 s deterministic time, 1 worker, seed 1 (decisions.md), through the
same pipeline as ``scheduler solve``, with the wall-clock safety cap lifted so that a busy machine
cannot cut the search short; the contract's Sessions columns (exports.md: ``group`` .. ``internet``)
of
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

from scheduler import pipeline
from scheduler.search.params import SolveParams
from scheduler.workbook.validate import read_workbook

ROOT = Path(__file__).resolve().parents[2]
INSTANCES = ("small", "medium", "large", "haren")
STORED = ROOT / "tests" / "data" / "sessions_digest.json"
SESSION_COLUMNS = 11  # group, course, day, period, periods, start, end, room, staff, size, internet


def sessions_digest(timetable: Path) -> str:
    """SHA-256 of the contract's Sessions columns, every cell as text."""
    wb = openpyxl.load_workbook(timetable, read_only=True)
    rows = [
        ["" if v is None else str(v) for v in row[:SESSION_COLUMNS]]
        for row in wb["Sessions"].iter_rows(values_only=True)
    ]
    wb.close()
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def digest_of(name: str, folder: Path) -> str:
    """Solve one bundled instance into ``folder`` and return its Sessions digest."""
    data = read_workbook(ROOT / "instances" / f"{name}.xlsx")
    params = SolveParams(
        time_limit=5.0, seed=1, workers=1, reproducible=True, wall_clock_factor=1000.0
    )
    _, verified = pipeline.solve_and_verify(data, params=params)
    if verified is None:
        raise RuntimeError(f"no timetable for {name}")
    return sessions_digest(pipeline.write(verified, folder / f"{name}-timetable.xlsx"))


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
