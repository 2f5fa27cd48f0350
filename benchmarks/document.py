"""BENCHMARKS.md: written once from ``TEMPLATE`` when missing, afterwards only its marked
blocks (results, growth, targets) are rewritten; the prose around them is the lead's.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.measure import Row
from benchmarks.report import RunInfo, growth, replace_block, results_block, target_lines, verdicts

TEMPLATE = """\
# Benchmarks

How fast the solver is and how good its timetables are, against the way a coordinator plans by
hand (issue 6). Everything between the `<!-- ...:start -->` and `<!-- ...:end -->` markers is
written by `benchmarks/run.py`; do not edit it by hand. The full table with the machine header
is in [benchmarks/results.md](benchmarks/results.md), every measured value in
`benchmarks/results.json`.

Run it with `make bench`, or `python benchmarks/run.py [--only small,medium] [--time-scale F]
[--seed N] [--no-write]`. `--time-scale 0.05 --only small,medium` is a quick trial; only a run
of every instance at the default limits is the benchmark.

## Results

<!-- results:start -->
<!-- results:end -->

## Growth

How the cost grows with the number of learners, from small to xl.

<!-- growth:start -->
<!-- growth:end -->

## Targets

Issue 6's targets on this 2-core machine, judged by `run.py` on the last run. A target about an
instance is met only when the instance meets it both with and without an internet line, and
only a run at the default time limits can meet a target; the exception is the first timetable,
whose time does not depend on the limit. A failed run or a timetable that breaks a hard rule
fails every target it is part of.

<!-- targets:start -->
<!-- targets:end -->

## Method

**Instances.** `scheduler.workbook.example.generate(profile, seed)` with seed 1 (the bundled
`instances/*.xlsx`): small (45 learners), medium (100), lab (150: every NT2 course with a
two-period internet session, one lab open in three short windows), large (200), haren (350),
and stress and xl, haren's profile with 700 and 1,000 learners (staff, classrooms, interview
rooms and escorts grow in proportion). Each also runs as a prison without an internet line for
education
(`internet=False`: no internet windows, no internet seats, no internet sessions or periods
asked), named e.g. `large (no internet)`; there group formation and timetabling bind, not the
lab. Default time limits: small 20 s, medium 60 s, lab 60 s, large 60 s, haren 120 s,
stress 120 s, xl 180 s.

**Isolation.** The instances run one after another, each in a fresh Python process
(`python -m benchmarks.measure`) that generates the term, solves it with 2 workers, builds the
hand baseline, verifies both timetables and reports one JSON row. Nothing else of the harness
runs in that process, so its peak memory is that instance's.

**Columns.**
- *limit s*: the time limit given to `scheduler.search.solve.solve`, in CP-SAT deterministic seconds
  (see Determinism).
- *status*: CP-SAT's status: optimal, feasible (a timetable, not proven best), unknown (no
  timetable within the limit); † when the wall-clock guard stopped the search.
- *learners*: learners in the term. *requests*: learner-courses asked, one per NT2 or MO wish
  of a learner (`key_figures(...).asked`).
- *groups*: groups the solver formed. *placed/asked*: learner-courses with a place in a group,
  out of the requests. *intakes*: intakes held out of those needed (asked, or NT2 wanted without
  a known level). *internet*: internet periods a week booked out of those asked.
- *objective*, *bound*: the solver's objective (the weighted terms of
  `scheduler/model/objective.py`, maximised) and the best upper bound CP-SAT proved;
  *gap %* = |bound − objective| / |objective|.
- *first s*: seconds from the call of `solve()` (model building included) to the first timetable
  CP-SAT reports. The greedy warm start is given to CP-SAT as a hint, so this is usually that
  hint completed into a timetable.
- *1 % s*: seconds from the call of `solve()` to the first timetable whose objective is within
  1 % of the final objective (from the list of improving timetables `solve()` records).
- *wall s*: wall time of `solve()`: building, search and reading the timetable back; not the
  generation, the baseline or the verification.
- *peak MB*: the child process's peak resident memory (`ru_maxrss`, MB = 2^20 bytes) when it
  ends: interpreter, term, model, search, baseline and verification together.
- *hand placed/asked*, *solver/hand*: the baseline's placements and the solver's placements
  divided by the baseline's.
- *violations solver/hand*: hard-rule violations `scheduler.verify` finds in the solver's and
  the baseline's timetable. Both must be 0; otherwise the cell says BROKEN and a line under the
  table names the instance.

**The hand baseline** is `scheduler.search.greedy.greedy(data, hand=True)`, the way a coordinator
plans
without the tool: each group gets the first free weekly slots and keeps them, learners fill
groups first come, first served in list order, within capacity and regime, and nothing is
optimised. It respects every hard rule, which the verifier checks on every row.

**Growth** lists each variant by learners with the model's size (candidate groups, CP-SAT
variables and constraints after building), the time to the first timetable and peak memory,
and the factor by which each grows from the smallest to the largest instance run.

**Determinism.** `solve()` limits the search by CP-SAT's deterministic time (a count of work
that does not depend on machine load) and runs an interleaved search whose order of work does
not depend on thread timing (see the docstring of `scheduler/search/solve.py`). The same instance,
seed, limit, OR-Tools version and platform therefore give the same timetable and objective on a
busy or an idle machine; the times in the table do vary with load. A deterministic second is not a
wall-clock second: the *wall s* column shows what the limit cost here. A wall-clock guard (a few
times the limit, see `scheduler/search/solve.py`) stops a search on a very slow machine; such a
row is marked †, and its result is not reproducible.
"""


def update_document(path: Path, info: RunInfo, rows: list[Row]) -> None:
    """Create ``path`` from the template when missing, then rewrite its three marked blocks.

    Raises ValueError when a block's markers are broken (the file is then left unchanged).
    """
    text = path.read_text(encoding="utf-8") if path.exists() else TEMPLATE
    text = replace_block(text, "results", results_block(info, rows), "Results")
    text = replace_block(text, "growth", growth(rows), "Growth")
    text = replace_block(text, "targets", target_lines(verdicts(rows)), "Targets")
    path.write_text(text, encoding="utf-8")
