"""Render docs/changes.png and print the Changes table of a real week-6 re-plan.

Run from the repository root:  .venv/bin/python docs/render_replan.py [small|medium|large]

Steps: solve the bundled term (10 s deterministic, seed 1, one worker), update it as a
coordinator would in week 6 (``benchmarks.replan_bench.mid_term_update``: about 5 % released,
about 10 % arrivals, the busiest classroom closed on its busiest weekday), write that term
workbook, run ``scheduler replan`` on it, and print the Changes sheet with LibreOffice exactly as
docs/render.py prints the Week sheet. The Markdown table of the same rows goes to stdout.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))

from render import one_sheet, render, run  # noqa: E402

from benchmarks.replan_bench import mid_term_update  # noqa: E402
from scheduler.pipeline import solve_and_verify, write  # noqa: E402
from scheduler.workbook.validate import check_workbook  # noqa: E402
from scheduler.workbook.write import write_workbook  # noqa: E402

PNG = ROOT / "docs" / "changes.png"


def markdown(path: Path) -> str:
    """The Changes sheet as a Markdown table."""
    rows = list(load_workbook(path, read_only=True)["Changes"].iter_rows(values_only=True))
    out = ["| " + " | ".join(str(c) for c in rows[0]) + " |", "|" + "---|" * len(rows[0])]
    for r in rows[1:]:
        out.append("| " + " | ".join("" if c is None else str(c) for c in r) + " |")
    return "\n".join(out)


def main(name: str = "medium") -> None:
    data, _problems = check_workbook(ROOT / "instances" / f"{name}.xlsx")
    assert data is not None
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _result, verified = solve_and_verify(data, time_limit=10, seed=1, workers=1)
        assert verified is not None
        current = write(verified, work / f"{name}-timetable.xlsx")
        updated, date = mid_term_update(data, verified.solution)
        term = write_workbook(updated, work / f"{name}-week6.xlsx")
        out = work / f"{name}-replan.xlsx"
        scheduler = Path(sys.executable).with_name("scheduler")
        done = run(scheduler, "replan", term, "--current", current, "--from", date.isoformat(),
                   "-o", out, "--seed", "1")  # fmt: skip
        print(done.stdout)
        print(markdown(out))
        render(one_sheet(out, "Changes", work / "Changes.xlsx"), PNG, work)


if __name__ == "__main__":
    main(*sys.argv[1:2])
