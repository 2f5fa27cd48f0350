"""How much memory a solve will need, estimated from the term before the model is built.

A model too big for the machine makes the computer swap or the solve die after minutes; it is
better refused at once with what to reduce. The estimate counts, from the precomputed
instance (``scheduler.model.instance``, which takes well under a second), the parts of the
model that grow fastest:

- membership variables: eligible learners of every candidate group;
- session variables: feasible starts × rooms of every candidate group;
- internet bookings: internet slots × labs of every learner with internet periods;
- intake options: dates × periods × counsellors × interview rooms of every learner who needs one;
- learner-clash rows: the NT2 × MO pairs of candidate groups that share a learner, each with
  a row per common slot and per shared learner (``CLASH_ROWS_PER_PAIR`` on average).

Peak memory is a fixed part (the interpreter, the libraries, the workbook) plus a part per
counted unit, for the whole-model search with its workers and the neighbourhood search with
one model copy per worker. The constants are calibrated on the project's terms at their
default limits (the peak grows with the search time); docs/search.md has the measurements.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass

from scheduler.errors import SchedulerError
from scheduler.model.instance import Instance, present
from scheduler.rules import intake_dates, needs_intake

CLASH_ROWS_PER_PAIR = 12  # measured: haren 10.2, stress 12.0 rows per pair
# Peak = FIXED_MB + MB_PER_UNIT · units ** UNIT_EXPONENT · (1 + EXTRA_WORKER_SHARE · (workers
# - 1)), fitted on large and haren with 2 workers (the growth is below linear: CP-SAT's
# presolve shrinks a big model by more) and haren with 1 worker (469 MB against 907 MB).
FIXED_MB = 140.0
MB_PER_UNIT = 0.0319
UNIT_EXPONENT = 0.785
EXTRA_WORKER_SHARE = 1.33
MEMORY_SHARE = 0.75  # refuse a model estimated above this share of the machine's memory


@dataclass(frozen=True)
class ModelSize:
    """What the model of a term will hold, counted before it is built."""

    members: int
    sessions: int
    bookings: int
    intakes: int
    clash_pairs: int

    @property
    def units(self) -> int:
        return (
            self.members
            + self.sessions
            + self.bookings
            + self.intakes
            + CLASH_ROWS_PER_PAIR * self.clash_pairs
        )

    def peak_mb(self, workers: int) -> float:
        """Estimated peak resident memory of a solve with ``workers`` workers, in MB."""
        per_unit = MB_PER_UNIT * (1 + EXTRA_WORKER_SHARE * (max(1, workers) - 1))
        return FIXED_MB + per_unit * self.units**UNIT_EXPONENT


def model_size(inst: Instance) -> ModelSize:
    """Count the fast-growing parts of the model of ``inst`` (see the module docstring)."""
    data = inst.data
    kinds = {c.course: c.kind for c in data.courses}
    # learner -> bit mask of the MO candidates they may join; an NT2 candidate's clash
    # partners are the union over its learners (bit masks keep a big term's count cheap).
    mo_of: dict[str, int] = defaultdict(int)
    members = sessions = 0
    for cand in inst.candidates:
        members += len(cand.learners)
        sessions += len(cand.starts) * len(cand.rooms)
        sessions += len(cand.internet_starts) * len(cand.labs)
        if kinds[cand.course] == "MO":
            for m in cand.learners:
                mo_of[m] |= 1 << cand.index
    pairs = 0
    for cand in inst.candidates:
        if kinds[cand.course] == "NT2":
            partners = 0
            for m in cand.learners:
                partners |= mo_of.get(m, 0)
            pairs += partners.bit_count()
    return ModelSize(members, sessions, _bookings(inst), _intakes(inst), pairs)


def _bookings(inst: Instance) -> int:
    data = inst.data
    labs = sum(1 for r in data.rooms if r.kind == "computer_lab" and r.internet_seats > 0)
    out = 0
    for learner in data.learners:
        if learner.internet_periods > 0 and present(data, learner.learner):
            out += len(inst.internet_slots - inst.learner_blocked[learner.learner]) * labs
    return out


def _intakes(inst: Instance) -> int:
    data = inst.data
    rooms = sum(1 for r in data.rooms if r.kind == "interview")
    counsellors = [s for s in data.staff if s.role == "counsellor"]
    out = 0
    for learner in data.learners:
        if not needs_intake(learner):
            continue
        speakers = sum(1 for c in counsellors if set(c.languages) & set(learner.languages))
        out += len(intake_dates(data, learner.learner)) * inst.n_periods * speakers * rooms
    return out


def machine_memory_mb() -> float:
    """This machine's memory in MB, or a container's limit when that is lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20
    try:
        with open("/sys/fs/cgroup/memory.max") as f:
            limit = f.read().strip()
        if limit.isdigit():
            total = min(total, int(limit) / 2**20)
    except OSError:
        pass
    return total


def check_memory(inst: Instance, workers: int, available_mb: float | None = None) -> ModelSize:
    """Raise SchedulerError, saying what to reduce, when the model of ``inst`` is estimated
    above MEMORY_SHARE of the machine's memory (or of ``available_mb``)."""
    size = model_size(inst)
    machine = machine_memory_mb() if available_mb is None else available_mb
    need = size.peak_mb(workers)
    if need <= MEMORY_SHARE * machine:
        return size
    data = inst.data
    raise SchedulerError(
        f"this term needs an estimated {need / 1024:.1f} GB of memory to solve, more than "
        f"{100 * MEMORY_SHARE:.0f} % of this machine's {machine / 1024:.1f} GB; reduce it: "
        f"solve fewer learners at once (this workbook has {len(data.learners)}; split it by "
        "wing), name fewer staff per course in Staff teaches (each teacher who may take a "
        f"course adds candidate groups; there are {len(inst.candidates)}), or use "
        "--workers 1"
    )
