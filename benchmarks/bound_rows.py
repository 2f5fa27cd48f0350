"""What each family of redundant rows (scheduler/model/redundant.py) does to the bound.

For each instance and each variant (no redundant rows, all of them, or one family alone) a
fresh process generates the term, solves it at a fixed deterministic time limit with the given
workers and seed, and prints one JSON line: objective, bound, gap, placed, the model's size and
the hand baseline's placements. The wall-clock guard is lifted, so a busy machine cannot cut a
search short and every number repeats.

    python -m benchmarks.bound_rows --only lab,medium --limit 20 --workers 1
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from benchmarks.ladder import TIME_LIMITS
from scheduler.model.redundant import FAMILIES, RedundantRows
from scheduler.search.greedy import greedy
from scheduler.search.params import SolveParams
from scheduler.search.solve import solve
from scheduler.workbook.example import generate

NONE, ALL = "none", "all"


def variants() -> tuple[str, ...]:
    """No rows, every family, and each family alone (when there are several)."""
    return (NONE, ALL, *(FAMILIES if len(FAMILIES) > 1 else ()))


def measure(name: str, variant: str, limit: float, workers: int, seed: int) -> dict:
    """Solve one instance with one variant of the redundant rows; one row of numbers."""
    RedundantRows.families = {NONE: (), ALL: FAMILIES}.get(variant, (variant,))
    profile = "haren" if name == "stress" else name
    learners = 700 if name == "stress" else None
    data = generate(profile, 1, learners=learners)
    params = SolveParams(
        time_limit=limit, seed=seed, workers=workers, reproducible=True, wall_clock_factor=1000.0
    )
    result = solve(data, params)
    placed = len(result.solution.placed()) if result.solution else None
    return {
        "instance": name,
        "variant": variant,
        "limit": limit,
        "workers": workers,
        "status": result.status.value,
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "placed": placed,
        "hand_placed": len(greedy(data, hand=True).placed()),
        "variables": result.stats.get("variables"),
        "constraints": result.stats.get("constraints"),
        "build_s": round(result.stats.get("build_seconds", 0.0), 2),
        "wall_s": round(result.wall_time, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="lab,medium,large,haren")
    parser.add_argument("--variants", default=",".join(variants()))
    parser.add_argument("--limit", type=float, default=20.0, help="deterministic seconds")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", nargs=2, metavar=("INSTANCE", "VARIANT"), help="internal")
    args = parser.parse_args(argv)
    if args.child:
        name, variant = args.child
        row = measure(name, variant, args.limit, args.workers, args.seed)
        print(json.dumps(row), flush=True)
        return 0
    for name in (n.strip() for n in args.only.split(",")):
        if name not in TIME_LIMITS:
            parser.error(f"unknown instance {name}")
        for variant in args.variants.split(","):
            cmd = [sys.executable, "-m", "benchmarks.bound_rows", "--child", name, variant]
            cmd += ["--limit", str(args.limit), "--workers", str(args.workers)]
            cmd += ["--seed", str(args.seed)]
            subprocess.run(cmd, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
