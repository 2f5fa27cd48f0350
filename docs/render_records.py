"""Render docs/register.png and docs/reach.png from a real run on instances/medium.xlsx.

Run from the repository root:  .venv/bin/python docs/render_records.py

Steps: solve the bundled medium term (10 s deterministic, 1 worker), print its registers for
the first four weeks, fill them with the benchmark's seeded generator (as teachers would), record
them into a temporary SQLite database, report the year, then print the first page of one group's
register and of the Reach sheet with LibreOffice exactly as docs/render.py does for the timetable.
Needs LibreOffice, Ghostscript and poppler-utils (see docs/README.md).
"""

# The imports after the sys.path line need the repository root on the path.
# ruff: noqa: E402

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "docs")]

from render import one_sheet, render, run  # docs/render.py

from benchmarks.records_bench import fill

TERM = ROOT / "instances" / "medium.xlsx"
REGISTER_SHEET = "NT2-1.1-1"
IMAGES = {"register": ROOT / "docs" / "register.png", "reach": ROOT / "docs" / "reach.png"}


def main() -> None:
    scheduler = Path(sys.executable).with_name("scheduler")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        timetable = work / "medium-timetable.xlsx"
        registers = work / "medium-registers.xlsx"
        db = f"sqlite:///{work / 'records.sqlite'}"
        run(scheduler, "solve", TERM, "-o", timetable, "--time-limit", "10", "--workers", "1", "-q")
        run(scheduler, "registers", timetable, "-o", registers, "--from", "2027-01-11")
        fill(registers, random.Random(15))
        run(scheduler, "record", registers, "--db", db)
        run(scheduler, "report", "--db", db, "--year", "2027", "-o", work / "reach-2027.xlsx")
        sheet = one_sheet(registers, REGISTER_SHEET, work / "register.xlsx")
        render(sheet, IMAGES["register"], work)
        reach = one_sheet(work / "reach-2027.xlsx", "Reach", work / "reach.xlsx")
        render(reach, IMAGES["reach"], work)


if __name__ == "__main__":
    main()
