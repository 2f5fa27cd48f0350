"""Re-planning benchmark: a mid-term update solved by ``replan`` and, beside it, from scratch.

For each instance: the term is solved (the timetable in use), then updated at week 6 (about 5 %
of the learners released the week before, about 10 % arrivals on DATE, the busiest classroom
closed on its busiest weekday; seeded), and the update is solved twice at equal time: by
``replan --allow-moves`` (seed 1) and from scratch (seed 1), on one worker (from scratch is
reproducible; the re-plan's stages also stop at their share of the wall clock, so a busy
machine can change its answer). Reported: continuing learners who keep a place and who keep
their group, groups and sessions kept, sessions moved by cause (invalidated by the update,
moved to make room for one that had to move, moved to place more), learner-courses placed by
each (learners still there on DATE), verifier violations and wall time; then a second week
(week 7: about 2 % released, 5 % arrivals) re-planned from the week-6 re-plan's output.

    nice -n 10 python -m benchmarks.replan_bench --only small,medium,large,haren --time-limit 10
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
from scheduler.i18n import set_language
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


def busiest_room(data: ProblemData, solution: Solution, quietest: bool = False) -> tuple[str, str]:
    """(classroom, weekday) with the most sessions of the timetable in use (``quietest``: the
    busiest classroom on its weekday with the fewest sessions, still at least one)."""
    classrooms = {r.room for r in data.rooms if r.kind == "classroom"}
    rooms = Counter(s.room for s in solution.sessions if s.room in classrooms)
    room = rooms.most_common(1)[0][0]
    days = Counter(s.day for s in solution.sessions if s.room == room)
    return room, (days.most_common()[-1] if quietest else days.most_common(1)[0])[0]


def mid_term_update(
    data: ProblemData, solution: Solution, week: int = WEEK, seed: int = 1, quietest: bool = False
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
    room, day = busiest_room(data, solution, quietest)
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


def present_on(data: ProblemData, date: dt.date) -> set[str]:
    """Learners a timetable valid from ``date`` can serve: not released before it."""
    return {lr.learner for lr in data.learners if lr.release is None or lr.release > date}


def placed_from(data: ProblemData, solution: Solution, date: dt.date) -> int:
    """Learner-courses placed for learners still there on ``date``. A from-scratch solve of
    the updated term also places learners released before DATE (they attended weeks 1-5);
    a re-plan cannot, and must not be compared on them."""
    there = present_on(data, date)
    return sum(1 for g in solution.groups for m in g.members if m in there)


def moved_sessions(changes) -> Counter:
    """Session rows of the Changes sheet by cause: the update made them invalid, they freed
    a place for one that had to move, or they place more learners (--allow-moves)."""
    out: Counter = Counter()
    for kind, _who, _group, _before, _after, why in changes:
        if kind == "staff changed":
            out["staff changed"] += 1
        if kind not in ("session moved", "room changed"):
            continue
        if why.startswith("frees "):
            out["made room"] += 1
        elif why.startswith("places more"):
            out["placed more"] += 1
        else:
            out["invalidated"] += 1
    return out


def week_seven(data: ProblemData, date: dt.date, seed: int) -> tuple[ProblemData, dt.date]:
    """A second week's update on top of ``data``: about 2 % released, 5 % more arrivals."""
    rng = random.Random(seed + 7)
    later = date + dt.timedelta(days=7)
    there = [lr for lr in data.learners if lr.release is None and (lr.arrival or date) <= date]
    gone = {lr.learner for lr in rng.sample(there, max(1, round(0.02 * len(data.learners))))}
    learners = [
        dataclasses.replace(lr, release=later - dt.timedelta(days=3)) if lr.learner in gone else lr
        for lr in data.learners
    ]
    ours = [lr.learner[1:] for lr in data.learners if lr.learner.startswith("N")]
    first = 1 + max((int(n) for n in ours if n.isdigit()), default=0)
    for n in range(first, first + max(1, round(0.05 * len(data.learners)))):
        learners.append(_arrival(rng.choice(data.learners), n, later))
    return data.replace(learners=tuple(learners)), later


def measure(name: str, time_limit: float, base_limit: float, seed: int, quiet=False) -> dict:
    """One row of the table for ``instances/<name>.xlsx``."""
    data, _problems = check_workbook(INSTANCES / f"{name}.xlsx")
    assert data is not None
    with tempfile.TemporaryDirectory() as tmp:
        _r, base = solve_and_verify(data, time_limit=base_limit, seed=seed, workers=1)
        assert base is not None
        path = write(base, Path(tmp) / f"{name}-timetable.xlsx")
        updated, date = mid_term_update(data, base.solution, seed=seed, quietest=quiet)
        start = time.perf_counter()
        done = replan(updated, read_timetable(path), date, True, time_limit, seed, 1)
        wall = time.perf_counter() - start
        second = _second_week(done, updated, date, Path(tmp), time_limit, seed)
    start = time.perf_counter()
    _r2, scratch = solve_and_verify(updated, time_limit=time_limit, seed=seed, workers=1)
    scratch_wall = time.perf_counter() - start
    row: dict = {"instance": name, "replan status": done.status}
    if done.verified is None or done.revision is None or scratch is None:
        row["note"] = "; ".join(done.conflicts[:3]) or "no timetable"
        row["replan wall s"] = round(wall, 1)
        row["placed scratch"] = placed_from(updated, scratch.solution, date) if scratch else None
        return row
    new = done.verified.solution
    cont = continuing(updated, base.solution, date)
    kinds = {c.course: c.kind for c in updated.courses}
    base_kind = {g.group: kinds[g.course] for g in base.solution.groups}
    has = {(m, kinds[g.course]) for g in new.groups for m in g.members}
    same = {(m, g.group) for g in new.groups for m in g.members}
    counts = dict(done.revision.counts)
    old_ids = {g.group for g in base.solution.groups}
    moved = moved_sessions(done.revision.changes)
    placed, placed_scratch = (
        placed_from(updated, new, date),
        placed_from(updated, scratch.solution, date),
    )
    return (
        row
        | {
            "continuing": len(cont),
            "keep place %": 100
            * sum((m, base_kind[g]) in has for m, g in cont)
            / max(1, len(cont)),
            "keep group %": 100 * sum((m, g) in same for m, g in cont) / max(1, len(cont)),
            "groups kept": f"{len(old_ids & {g.group for g in new.groups})}/{len(old_ids)}",
            "sessions kept": counts["sessions kept"],
            "sessions moved": counts["sessions moved or changed"],
            "invalidated": moved["invalidated"],
            "made room": moved["made room"],
            "placed more": moved["placed more"],
            "staff changed": moved["staff changed"],
            "scratch keeps place %": 100
            * sum((m, base_kind[g]) in _has(scratch.solution, kinds) for m, g in cont)
            / max(1, len(cont)),
            "placed replan": placed,
            "placed scratch": placed_scratch,
            "replan/scratch %": 100 * placed / max(1, placed_scratch),
            "violations": done.verified.violations,
            "replan wall s": round(wall, 1),
            "scratch wall s": round(scratch_wall, 1),
        }
        | second
    )


def _second_week(done, updated: ProblemData, date: dt.date, tmp: Path, limit: float, seed: int):
    """Week 7: the week-6 re-plan's output re-planned again (``replan`` of a replan)."""
    if done.verified is None or done.revision is None:
        return {}
    out = write(done.verified, tmp / "week6.xlsx", revision=done.revision)
    data7, date7 = week_seven(updated, date, seed)
    start = time.perf_counter()
    again = replan(data7, read_timetable(out), date7, True, limit, seed, 1)
    wall = time.perf_counter() - start
    if again.verified is None:
        return {"week 7": again.status}
    before = continuing(data7, done.verified.solution, date7)
    same = {(m, g.group) for g in again.verified.solution.groups for m in g.members}
    kept = 100 * sum(pair in same for pair in before) / max(1, len(before))
    return {
        "week 7": again.status,
        "week 7 keep group %": kept,
        "week 7 violations": again.verified.violations,
        "week 7 wall s": round(wall, 1),
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
    parser.add_argument("--only", default="small,medium,large,haren")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--base-limit", type=float, default=10.0,
                        help="seconds for the timetable in use")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quietest-day", action="store_true",
                        help="close the classroom on its quietest weekday (an update that an "
                        "instance's busiest day makes impossible to re-plan)")  # fmt: skip
    args = parser.parse_args(argv)
    set_language("en")  # the Changes sheet's why column is read below
    rows = []
    for name in args.only.split(","):
        row = measure(name.strip(), args.time_limit, args.base_limit, args.seed, args.quietest_day)
        rows.append(row)
        print(rows[-1], file=sys.stderr, flush=True)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
