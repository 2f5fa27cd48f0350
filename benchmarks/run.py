"""Run the benchmark ladder of issue 6 and write its results.

    python benchmarks/run.py [--only small,medium] [--time-scale F] [--seed N] [--no-write]

Each instance is solved in its own fresh subprocess, one after another, with 2 workers. The
table goes to stdout; unless --no-write, benchmarks/results.md, benchmarks/results.json and the
marked blocks of BENCHMARKS.md are rewritten. Exit code 0, or 1 when a run failed or a timetable
breaks a hard rule, 2 for bad arguments.
"""

# The imports of benchmarks.* follow the sys.path fix below.
# ruff: noqa: E402

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script, benchmarks/ itself would be first on the path, where its module names
# (report, document, ...) could shadow others; the package is imported from the root instead.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() not in (HERE, ROOT)]

from benchmarks.document import update_document
from benchmarks.ladder import BENCHMARK_SEED, NAMES, Spec, ladder, parse_only
from benchmarks.measure import Row, run_isolated
from benchmarks.report import (
    RunInfo,
    alerts,
    code_version,
    machine,
    results_json,
    results_markdown,
    results_table,
)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    # CP-SAT's random_seed is a 32-bit signed integer.
    if not 0 <= value < 2**31:
        raise argparse.ArgumentTypeError(f"must be between 0 and {2**31 - 1}, not {value}")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="benchmarks/run.py",
        description="Solve the benchmark ladder (with and without internet) and report it.",
    )
    p.add_argument("--only", help=f"comma-separated instances out of {','.join(NAMES)}")
    p.add_argument(
        "--time-scale", type=_positive, default=1.0, help="multiply every time limit (trials)"
    )
    p.add_argument(
        "--seed", type=_seed, default=BENCHMARK_SEED, help="seed of the terms and the solver (1)"
    )
    p.add_argument("--no-write", action="store_true", help="print the table, write no file")
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks", help="folder for results.*")
    p.add_argument("--doc", type=Path, default=ROOT / "BENCHMARKS.md", help="document to update")
    return p


def command_line(argv: list[str]) -> str:
    """The command as typed, with the script path relative to the repository."""
    script = Path(sys.argv[0]).resolve()
    shown = script.relative_to(ROOT) if script.is_relative_to(ROOT) else script
    return shlex.join(["python", str(shown), *argv])


def run_all(specs: list[Spec], seed: int) -> list[Row]:
    """Solve the instances one after another, reporting each on stderr as it ends."""
    rows = []
    for i, spec in enumerate(specs, 1):
        print(f"[{i}/{len(specs)}] {spec.name}: limit {spec.time_limit:g} s", file=sys.stderr)
        row = run_isolated(spec, seed)
        done = row.error or (
            f"{row.status}, placed {row.placed}/{row.requests}, wall {row.wall_s or 0:.1f} s"
        )
        print(f"      {done}", file=sys.stderr, flush=True)
        rows.append(row)
    return rows


def write(info: RunInfo, rows: list[Row], out: Path, doc: Path) -> list[Path]:
    """Write results.md, results.json and the blocks of ``doc``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    md, js = out / "results.md", out / "results.json"
    md.write_text(results_markdown(info, rows), encoding="utf-8")
    js.write_text(json.dumps(results_json(info, rows), indent=2) + "\n", encoding="utf-8")
    update_document(doc, info, rows)
    return [md, js, doc]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    p = parser()
    args = p.parse_args(argv)
    try:
        only = parse_only(args.only)
    except ValueError as exc:
        p.error(str(exc))
    specs = ladder(only, args.time_scale)
    info = RunInfo(
        command=command_line(argv),
        date=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        code=code_version(ROOT),
        machine=machine(),
        seed=args.seed,
        time_scale=args.time_scale,
        only=only,
        complete=only == NAMES and args.time_scale == 1.0 and args.seed == BENCHMARK_SEED,
    )
    rows = run_all(specs, args.seed)
    print(results_table(rows))
    loud = alerts(rows)
    for line in loud:
        print(line)
    if not args.no_write:
        try:
            written = write(info, rows, args.out, args.doc)
        except (OSError, ValueError) as exc:
            print(f"run.py: could not write the results: {exc}", file=sys.stderr)
            return 1
        print("wrote " + ", ".join(str(w) for w in written), file=sys.stderr)
    return 1 if any(r.broken for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
