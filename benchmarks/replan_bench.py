"""Re-planning benchmark: a mid-term update solved by ``replan`` and, beside it, from scratch.

For each instance: the term is solved (the timetable in use), then updated at week 6 (about 5 %
of the learners released the week before, about 10 % arrivals on DATE, the busiest classroom
closed on its busiest weekday; seeded), and the update is solved twice at equal time: by
``replan --allow-moves`` (seed 1) and from scratch (seed 1). Both are deterministic-time
solves on one worker. Reported: continuing learners who keep a place and who keep their group,
groups kept, sessions moved (and how many the update invalidated), learner-courses placed by
each, verifier violations and wall time.

    python -m benchmarks.replan_bench --only small,medium,large --time-limit 10
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from scheduler.data import Learner, ProblemData, RoomUnavailability
from scheduler.pipeline import solve_and_verify, write
from scheduler.replan.run import replan
from scheduler.report.read import read_timetable
from scheduler.solution import Solution
from scheduler.workbook.validate import check_workbook

INSTANCES = Path(__file__).resolve().parent.parent / "instances"
WEEK = 6
RELEASED = 0.05
ARRIVALS = 0.10


def update_date(data: ProblemData, week: int = WEEK) -> dt.date:
    """The first teaching day of term week ``week``."""
    start = data.settings.term_start + dt.timedelta(days=7 * (week - 1))
    for k in range(7):
        day = start + dt.timedelta(days=k)
        if day.strftime("%a") in data.teaching_days:
            return day
    return start


def busiest_room(data: ProblemData, solution: Solution) -> tuple[str, str]:
    """(classroom, weekday) with the most sessions of the timetable in use."""
    classrooms = {r.room for r in data.rooms if r.kind == "classroom"}
    rooms = Counter(s.room for s in solution.sessions if s.room in classrooms)
    room = rooms.most_common(1)[0][0]
    days = Counter(s.day for s in solution.sessions if s.room == room)
    return room, days.most_common(1)[0][0]


def mid_term_update(
    data: ProblemData, solution: Solution, week: int = WEEK, seed: int = 1
) -> tuple[ProblemData, dt.date]:
    """The term as a coordinator would update it in ``week`` (see the module docstring)."""
    rng = random.Random(seed)
    date = update_date(data, week)
    present = [
        lr
        for lr in data.learners
        if (lr.release is None or lr.release > date + dt.timedelta(7))
        and (lr.arrival is None or lr.arrival <= date - dt.timedelta(7))
    ]
    released = {
        lr.learner for lr in rng.sample(present, max(1, round(RELEASED * len(data.learners))))
    }
    learners = [
        dataclasses.replace(lr, release=date - dt.timedelta(days=3))
        if lr.learner in released
        else lr
        for lr in data.learners
    ]
    for n in range(1, max(1, round(ARRIVALS * len(data.learners))) + 1):
        model = rng.choice(data.learners)
        learners.append(_arrival(model, n, date))
    room, day = busiest_room(data, solution)
    periods = data.periods
    closed = RoomUnavailability(room, day, periods[0].start, periods[-1].end, "works")
    return data.replace(
        learners=tuple(learners),
        room_unavailability=(*data.room_unavailability, closed),
    ), date


def _arrival(model: Learner, n: int, date: dt.date) -> Learner:
    return dataclasses.replace(
        model, learner=f"N{n:04d}", arrival=date, release=None, intake=True, row=None
    )


def _has(solution: Solution, kinds: dict[str, str]) -> set[tuple[str, str]]:
    """(learner, course kind) placed by ``solution``."""
    return {(m, kinds[g.course]) for g in solution.groups for m in g.members}


def _placed(data: ProblemData, solution: Solution) -> int:
    return sum(len(g.members) for g in solution.groups)


def continuing(data: ProblemData, current: Solution, date: dt.date) -> list[tuple[str, str]]:
    """(learner, group) of the timetable in use whose learner is there on ``date`` (arrived,
    not released: replan.md's continuing learners; the update changes no level or wish)."""
    by_id = data.learner_by_id

    def there(m: str) -> bool:
        lr = by_id.get(m)
        if lr is None:
            return False
        return (lr.release is None or lr.release > date) and (
            lr.arrival is None or lr.arrival <= date
        )

    return [(m, g.group) for g in current.groups for m in g.members if there(m)]


def measure(name: str, time_limit: float, base_limit: float, seed: int) -> dict:
    """One row of the table for ``instances/<name>.xlsx``."""
    data, _problems = check_workbook(INSTANCES / f"{name}.xlsx")
    assert data is not None
    with tempfile.TemporaryDirectory() as tmp:
        _r, base = solve_and_verify(data, time_limit=base_limit, seed=seed, workers=1)
        assert base is not None
        path = write(base, Path(tmp) / f"{name}-timetable.xlsx")
        updated, date = mid_term_update(data, base.solution, seed=seed)
        start = time.perf_counter()
        done = replan(updated, read_timetable(path), date, True, time_limit, seed, 1)
        wall = time.perf_counter() - start
    start = time.perf_counter()
    _r2, scratch = solve_and_verify(updated, time_limit=time_limit, seed=seed, workers=1)
    scratch_wall = time.perf_counter() - start
    row: dict = {"instance": name, "replan status": done.status}
    if done.verified is None or done.revision is None or scratch is None:
        row["note"] = "; ".join(done.conflicts[:3]) or "no timetable"
        row["scratch placed"] = _placed(updated, scratch.solution) if scratch else None
        return row
    new = done.verified.solution
    cont = continuing(updated, base.solution, date)
    kinds = {c.course: c.kind for c in updated.courses}
    base_kind = {g.group: kinds[g.course] for g in base.solution.groups}
    has = {(m, kinds[g.course]) for g in new.groups for m in g.members}
    same = {(m, g.group) for g in new.groups for m in g.members}
    counts = dict(done.revision.counts)
    old_ids = {g.group for g in base.solution.groups}
    return row | {
        "continuing": len(cont),
        "keep place %": 100 * sum((m, base_kind[g]) in has for m, g in cont) / max(1, len(cont)),
        "keep group %": 100 * sum((m, g) in same for m, g in cont) / max(1, len(cont)),
        "groups kept": f"{len(old_ids & {g.group for g in new.groups})}/{len(old_ids)}",
        "sessions moved": counts["sessions moved or changed"],
        "sessions invalidated": sum(1 for c in done.revision.changes if "unavailable" in c[5]),
        "scratch keeps place %": 100
        * sum((m, base_kind[g]) in _has(scratch.solution, kinds) for m, g in cont)
        / max(1, len(cont)),
        "placed replan": _placed(updated, new),
        "placed scratch": _placed(updated, scratch.solution),
        "violations": done.verified.violations,
        "replan wall s": round(wall, 1),
        "scratch wall s": round(scratch_wall, 1),
    }


def table(rows: list[dict]) -> str:
    head = list(dict.fromkeys(k for r in rows for k in r))
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        values = [r.get(k, "") for k in head]
        cells = [f"{v:.1f}" if isinstance(v, float) else str(v) for v in values]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="small,medium,large")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--base-limit", type=float, default=10.0,
                        help="seconds for the timetable in use")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rows = []
    for name in args.only.split(","):
        rows.append(measure(name.strip(), args.time_limit, args.base_limit, args.seed))
        print(rows[-1], file=sys.stderr, flush=True)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
