"""Benchmark of issue 15: a year of registers of 17 prisons recorded into PostgreSQL, reported.

    .ci/postgres .venv/bin/python benchmarks/records_bench.py [--prisons 17] [--seed 1]
    .venv/bin/python benchmarks/records_bench.py --db postgresql://USER@HOST/DB

Setup (not timed): the bundled haren term is solved once (20 s, 1 worker; the timetable is kept
in benchmarks/out/), its registers for the whole term are printed for each of the prisons
(the same timetable under another prison name) and filled by a seeded generator as teachers
would (some sessions not held with a cause, codes P A E S R or blank, intakes yes/no).
Timed: one ``scheduler record`` of all the filled registers into a fresh PostgreSQL database,
then one ``scheduler report --year``, each a separate process as a coordinator runs them. The
target is under a minute for both together. Prints one line per step and a summary table.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "records"
TERM = ROOT / "instances" / "haren.xlsx"
TIMETABLE = ROOT / "benchmarks" / "out" / "haren-timetable.xlsx"
SCHEDULER = [sys.executable, "-c", "from scheduler.cli import main; main()"]
TARGET_S = 60.0


def run(*args: str) -> float:
    """Run a scheduler command; return its wall time in seconds (exit on failure)."""
    start = time.perf_counter()
    done = subprocess.run([*SCHEDULER, *args], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"scheduler {args[0]} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    print(
        f"  scheduler {args[0]}: {elapsed:.1f} s\n    "
        + done.stdout.strip().replace("\n", "\n    ")
    )
    return elapsed


def timetable() -> Path:
    """The haren timetable, solved once and kept."""
    if not TIMETABLE.exists():
        print("Solving haren once (20 s, 1 worker) for the registers...")
        run("solve", str(TERM), "-o", str(TIMETABLE), "--time-limit", "20", "--workers", "1", "-q")
    return TIMETABLE


def fill(path: Path, rnd: random.Random) -> None:
    """Fill a registers workbook in place as teachers and counsellors would."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        if ws.title in ("_register", "Intakes"):
            continue
        for c in range(2, ws.max_column + 1):
            if ws.cell(8, c).value is None:
                continue
            held = "yes" if rnd.random() < 0.92 else rnd.choice(["no", "strike", "staff absent"])
            ws.cell(9, c).value = held
            for r in range(10, ws.max_row + 1):
                if ws.cell(r, 1).value is None:
                    break
                if not ws.cell(r, c).protection.locked:
                    code = rnd.choice("PPPPPPAESR ")
                    code = "A" if code == "P" and held != "yes" else code
                    ws.cell(r, c).value = None if code == " " else code
    if "Intakes" in wb.sheetnames:
        ws = wb["Intakes"]
        for r in range(9, ws.max_row + 1):
            if ws.cell(r, 1).value:
                ws.cell(r, 6).value = rnd.choice(["yes", "yes", "yes", "no"])
    wb.save(path)


def registers(prisons: int, seed: int) -> tuple[list[Path], int]:
    """One filled registers workbook per prison; return them and the term's year."""
    from scheduler.records.registers import write_registers
    from scheduler.records.timetable import read_plan

    term = read_plan(timetable())  # four weeks: enough to learn the term's dates
    plan = read_plan(timetable(), term.term_start, term.term_end)
    rnd = random.Random(seed)
    OUT.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(1, prisons + 1):
        path = OUT / f"prison-{k:02d}-registers.xlsx"
        write_registers(dataclasses.replace(plan, prison=f"{plan.prison} #{k:02d}"), path)
        fill(path, rnd)
        paths.append(path)
    print(
        f"  {prisons} prisons x {len({g.group for g in plan.groups})} groups, "
        f"{len([s for s in plan.sessions if not s.cause])} sessions each, "
        f"{plan.term_start} .. {plan.term_end}"
    )
    return paths, plan.term_start.year


def fresh_database(url: str | None) -> tuple[str, sa.Engine | None]:
    """A new empty database on the server of $SCHEDULER_TEST_PG, or the --db URL as is."""
    if url:
        return url, None
    base = os.environ.get("SCHEDULER_TEST_PG")
    if not base:
        sys.exit("give --db postgresql://... or run under .ci/postgres (sets SCHEDULER_TEST_PG)")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    return sa.make_url(base).set(database=name).render_as_string(hide_password=False), admin


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prisons", type=int, default=17)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", default=None, help="an empty PostgreSQL database URL")
    args = parser.parse_args()
    print("Setup (not timed):")
    start = time.perf_counter()
    paths, year = registers(args.prisons, args.seed)
    setup = time.perf_counter() - start
    url, admin = fresh_database(args.db)
    print("Timed:")
    recorded = run("record", *map(str, paths), "--db", url)
    report = OUT / f"reach-{year}.xlsx"
    reported = run("report", "--db", url, "--year", str(year), "-o", str(report))
    with sa.create_engine(url).connect() as conn:
        marks = conn.execute(sa.text("SELECT COUNT(*) FROM attendance")).scalar()
        sessions = conn.execute(sa.text("SELECT COUNT(*) FROM sessions")).scalar()
    total = recorded + reported
    print(
        f"\n| step | wall time (s) |\n|---|---|\n| setup: print and fill {args.prisons} registers "
        f"| {setup:.1f} |\n| record ({sessions} sessions, {marks} attendance codes) | "
        f"{recorded:.1f} |\n| report --year {year} | {reported:.1f} |\n| record + report | "
        f"{total:.1f} (target < {TARGET_S:.0f}) |"
    )
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE {sa.make_url(url).database} WITH (FORCE)"))
    return 0 if total < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
