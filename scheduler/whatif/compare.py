"""The scenario sweep: solve base, then every scenario from it, and compare them in one workbook.

For each term (one workbook, one prison) the base is solved first; as soon as a base is done,
its scenarios are submitted, each warm-started from the base timetable (``hint``), so a small
change gives a nearby timetable quickly. Every solve is a ``Job`` run by any
``concurrent.futures`` executor: a local ``ProcessPoolExecutor`` by default, or an existing
Dask cluster (``dask://HOST:PORT``, through ``distributed.Client(...).get_executor()``).
A job carries everything it needs and returns a plain ``Result``, so it can run on another
machine; verifying and writing happen here, where the files are to be written.

A timetable workbook is written for each solve whose timetable the verifier finds without
violations. ``write_comparison`` then writes one workbook in the coordinator's language: a
Summary sheet that first says, per scenario, which key figures changed most against base (in
words, largest first, each flagged when it lies within the search noise that base-again
measures; see ``effects``), then one row per scenario (learners placed, sessions moved, a link
to each timetable) and a chart of learners placed; and one sheet per term with every key figure
in one column per scenario, each followed by its difference to base. A scenario without a
timetable is a column that says why.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scheduler import interrupt, pipeline
from scheduler.data import ProblemData
from scheduler.errors import SchedulerError
from scheduler.excel import (
    HEADER_FILL,
    HEADER_FONT,
    first_sheet,
    print_setup,
    save_atomic,
    set_cell,
    sheet_title,
)
from scheduler.i18n import N_, _
from scheduler.outputs import mark, short_name
from scheduler.report.figures import figure_words, placed_kinds
from scheduler.search.params import SolveParams, write_reserve
from scheduler.solution import Result, Solution
from scheduler.whatif.effects import (
    COURSES_PLACED,
    HOURS_DELIVERED,
    INTAKE_DAYS,
    LEARNERS_PLACED,
    OWN_LABELS,
    STAFF_DAYS,
    Change,
    effect_size,
    figure_label,
    key_changes,
    noise_of,
    sentence,
)
from scheduler.whatif.scenarios import BASE, Scenario

DASK_SCHEME = "dask://"

# ---------------------------------------------------------------------------------------------
# Jobs and where they run
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One solve, self-contained so that it can be pickled to another process or machine."""

    data: ProblemData
    time_limit: float | None
    seed: int | None
    workers: int
    hint: Solution | None = None
    # False: the limit is the wall-clock time of this solve, building counted, with a reserve
    # for verifying and writing (like ``scheduler solve``); True: deterministic time.
    reproducible: bool = False


def run_job(job: Job) -> Result:
    """Solve one job (runs in a worker process or on a Dask worker); the limit counts from
    here, where the job starts, not from when it was submitted."""
    settings = job.data.settings
    limit = float(job.time_limit if job.time_limit is not None else settings.time_limit_s)
    params = SolveParams.for_term(
        settings, limit, job.seed, job.workers, reproducible=job.reproducible,
        reserve=0.0 if job.reproducible else write_reserve(len(job.data.learners), limit),
    ).with_start()  # fmt: skip
    return pipeline.solve(job.data, hint=job.hint, params=params)


def machine_cores() -> int:
    """The cores this process may use (a container's limit, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def plan_parallel(
    jobs: int | None, workers: int | None, solves: int, cores: int
) -> tuple[int, int]:
    """(jobs at once, CP-SAT workers per job) with jobs × workers never above ``cores``.

    By default as many jobs as there are cores (no more than the solves that can run at once),
    each with the cores left over. Raises SchedulerError when the two given exceed the cores.
    """
    if jobs is not None and workers is not None and jobs * workers > cores:
        raise SchedulerError(
            f"--jobs {jobs} × --workers {workers} = {jobs * workers} solver threads, more than "
            f"the {cores} cores of this machine; lower --jobs or --workers"
        )
    if workers is not None and workers > cores:
        raise SchedulerError(f"--workers {workers} is more than the {cores} cores of this machine")
    if jobs is not None and jobs > cores:
        raise SchedulerError(f"--jobs {jobs} is more than the {cores} cores of this machine")
    if jobs is None:
        jobs = max(1, min(solves, cores // (workers or 1)))
    if workers is None:
        workers = max(1, cores // jobs)
    return jobs, workers


@contextmanager
def open_executor(url: str | None, jobs: int) -> Iterator[Executor]:
    """A process pool of ``jobs`` processes, or the executor of the Dask cluster at ``url``
    (``dask://HOST:PORT``); closed on leaving the block."""
    if url is None:
        # spawn: a fresh interpreter per process, safe whatever threads the parent runs
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=interrupt.ignore_in_child
        )
        try:
            yield pool
        except BaseException:
            _terminate(pool)  # a Ctrl-C must not wait for the running solves to end
            raise
        pool.shutdown(wait=True)
        return
    if not url.startswith(DASK_SCHEME) or not url[len(DASK_SCHEME) :].strip():
        raise SchedulerError(f"--executor {url}: give the Dask scheduler as dask://HOST:PORT")
    try:
        from distributed import Client
    except ImportError:
        raise SchedulerError(
            "--executor dask://... needs Dask's distributed package; install it with "
            "pip install 'scheduler[dask]'"
        ) from None
    address = "tcp://" + url[len(DASK_SCHEME) :]
    try:
        client = Client(address, timeout=10, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise SchedulerError(f"cannot reach the Dask scheduler at {url}: {exc}") from None
    try:
        yield client.get_executor()
    finally:
        client.close()


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's processes now, dropping what they were doing (they write nothing: only
    this process writes files)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()


def planned_outputs(terms: Sequence[Term], out_dir: Path, control: bool = True) -> list[Path]:
    """Every timetable the sweep of ``terms`` may write into ``out_dir``, so that the CLI can
    check them all before anything is solved."""
    paths: list[Path] = []
    for term in terms:
        extra = (control_scenario(term),) if control else ()
        paths += timetable_paths(term, out_dir, extra).values()
    return paths


# ---------------------------------------------------------------------------------------------
# The sweep
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One workbook of the sweep: its label (file stem), base term and scenarios."""

    label: str
    base: ProblemData
    scenarios: tuple[Scenario, ...]


@dataclass
class Outcome:
    """One solved (or unsolved) scenario of one term, as the comparison shows it."""

    term: str
    scenario: str
    changes: tuple[str, ...]
    result: Result | None = None
    timetable: Path | None = None
    figures: list[tuple[str, float | int]] = field(default_factory=list)
    blocks: dict[str, str] = field(default_factory=dict)  # figure -> its block of Overview
    moved: int | None = None
    note: str = ""
    bug: bool = False  # the solve failed or its timetable broke a hard rule

    @property
    def status(self) -> str:
        return self.result.status if self.result is not None else "failed"

    def figure(self, label: str) -> float | int | None:
        return dict(self.figures).get(label)


Progress = Callable[[int, int, Outcome], None]


def moved_sessions(base: Solution, other: Solution) -> int:
    """Sessions of ``other`` whose group id is in ``base`` but not at this day, period and room
    there ("moved", as the contract defines it); groups new in ``other`` are not counted."""
    before = Counter((s.group, s.day, s.period, s.room) for s in base.sessions)
    groups = {s.group for s in base.sessions}
    moved = 0
    for s in other.sessions:
        if s.group not in groups:
            continue
        key = (s.group, s.day, s.period, s.room)
        if before[key]:
            before[key] -= 1
        else:
            moved += 1
    return moved


def slug(name: str) -> str:
    """A file-name-safe form of a scenario name (``a b/c`` -> ``a-b-c``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "scenario"


def timetable_paths(term: Term, out_dir: Path, extra: Sequence[Scenario] = ()) -> dict[str, Path]:
    """Scenario name -> ``<label>-<scenario>-timetable.xlsx`` in ``out_dir``, for base, the
    ``extra`` scenarios and the term's own; names that only differ in characters a file name
    cannot hold get ``-2``, ``-3`` ..."""
    paths: dict[str, Path] = {}
    used: set[str] = set()
    for name in (BASE, *(s.name for s in (*extra, *term.scenarios))):
        stem, n = short_name(f"{term.label}-{slug(name)}"), 2
        candidate = stem
        while candidate.casefold() in used:
            candidate, n = f"{stem}-{n}", n + 1
        used.add(candidate.casefold())
        paths[name] = out_dir / f"{candidate}-timetable.xlsx"
    return paths


CONTROL = "base-again"
CONTROL_CHANGES = (
    N_(
        "nothing: the base solved again from its own timetable, for as long as each scenario; "
        "its difference to base is what the extra search alone gives"
    ),
)


def control_scenario(term: Term) -> Scenario:
    """The control of ``term``: its base, unchanged, under a name no scenario has."""
    names = {s.name for s in term.scenarios}
    name, n = CONTROL, 2
    while name in names:
        name, n = f"{CONTROL}-{n}", n + 1
    return Scenario(name, term.base, CONTROL_CHANGES)


@dataclass
class _Pending:
    """What a submitted future stands for."""

    term: Term
    scenario: Scenario


class _Sweep:
    """The state of one sweep: what runs, what is done, and each term's base outcome."""

    def __init__(self, executor: Executor, out_dir: Path, job: dict, progress):
        self.executor, self.out_dir, self.job, self.progress = executor, out_dir, job, progress
        self.running: dict[Future, _Pending] = {}
        self.done: dict[tuple[str, str], Outcome] = {}
        self.bases: dict[str, Outcome] = {}
        self.paths: dict[str, dict[str, Path]] = {}
        self.controlled: set[str] = set()  # labels of the terms that may get a control
        self.total = 0

    def start(self, term: Term, control: bool) -> None:
        """Submit the base of ``term``; its scenarios follow when it is done."""
        extra = (control_scenario(term),) if control else ()
        if control:
            self.controlled.add(term.label)
        self.paths[term.label] = timetable_paths(term, self.out_dir, extra)
        self.total += 1 + len(term.scenarios)
        self._submit(_Pending(term, Scenario(BASE, term.base, ())), None)

    def _submit(self, pending: _Pending, hint: Solution | None) -> None:
        job = Job(pending.scenario.data, hint=hint, **self.job)
        self.running[self.executor.submit(run_job, job)] = pending

    def run(self) -> None:
        """Wait for every solve, finishing each as it comes in."""
        try:
            while self.running:
                finished, _running = wait(list(self.running), return_when=FIRST_COMPLETED)
                for future in finished:
                    self._finished(self.running.pop(future), future)
        except BaseException:
            for future in self.running:
                future.cancel()  # an interrupted sweep starts nothing more
            raise

    def _finished(self, pending: _Pending, future: Future) -> None:
        label, name = pending.term.label, pending.scenario.name
        outcome = _finish(pending, future, self.bases.get(label), self.paths[label][name])
        self.done[(label, name)] = outcome
        if name == BASE:
            self.bases[label] = outcome
            self._follow(pending.term, outcome)
        if self.progress is not None:
            self.progress(len(self.done), self.total, outcome)

    def _follow(self, term: Term, base: Outcome) -> None:
        """Submit the scenarios of ``term``, warm-started from its base timetable, and the
        control when the base is not proven optimal (a scenario's gain could then come from
        the extra search alone)."""
        hint = base.result.solution if base.result else None
        follow = list(term.scenarios)
        if term.label in self.controlled and hint is not None and base.status != "optimal":
            follow.insert(0, control_scenario(term))
            self.total += 1
        for scenario in follow:
            self._submit(_Pending(term, scenario), hint)

    def outcomes(self, terms: Sequence[Term]) -> list[Outcome]:
        """Every outcome in the order of ``terms``: base, control, scenarios."""
        order = []
        for t in terms:
            names = (BASE, control_scenario(t).name, *(s.name for s in t.scenarios))
            order += [self.done[(t.label, n)] for n in names if (t.label, n) in self.done]
        return order


def sweep(
    terms: Sequence[Term],
    executor: Executor,
    out_dir: Path,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    workers: int = 1,
    reproducible: bool = False,
    control: bool = True,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Solve every term's base, then its scenarios warm-started from the base timetable.

    With ``control``, a term whose base is not proven optimal also gets its base solved again
    from its own timetable (``base-again``): the difference any scenario gets from the extra
    search alone; ``reproducible`` as in ``Job``. Timetables go to ``out_dir`` (see
    ``timetable_paths``). Returns one Outcome per solve, base first, in the order of
    ``terms`` and their scenarios; ``progress(done, total, outcome)`` is called after each
    solve (``total`` grows by one when a control is added).
    """
    job = {"time_limit": time_limit, "seed": seed, "workers": workers}
    state = _Sweep(executor, out_dir, {**job, "reproducible": reproducible}, progress)
    for term in terms:
        state.start(term, control)
    state.run()
    return state.outcomes(terms)


def _finish(pending: _Pending, future: Future, base: Outcome | None, path: Path) -> Outcome:
    """Verify a finished solve, write its timetable when every hard rule holds, and take its
    key figures."""
    data = pending.scenario.data
    outcome = Outcome(pending.term.label, pending.scenario.name, pending.scenario.changes)
    try:
        outcome.result = future.result()
    except Exception as exc:  # a crashed solve is one column, not the end of the sweep
        error = f"{type(exc).__name__}: {exc}"
        outcome.note = _("the solve failed ({error}); please report it", error=error)
        outcome.bug = True
        return outcome
    verified = pipeline.verify_result(data, outcome.result)
    if verified is None:
        outcome.note = _why_none(outcome.result)
        return outcome
    try:
        outcome.timetable = pipeline.write(verified, path)
    except pipeline.RuleBroken as exc:
        outcome.note = _("{problem}; please report it", problem=exc)
        outcome.bug = True
        return outcome
    solution = verified.solution
    outcome.figures = _figures(verified)
    outcome.blocks = {
        label: title for title, pairs in verified.figures.blocks() for label, _v in pairs
    }
    if outcome.result.stats.get("stopped_by_wall_clock"):
        outcome.note = _(
            "stopped by the wall-clock cap (a busy machine?): the same run may not repeat "
            "exactly; fewer --jobs give each solve more of the machine"
        )
    base_solution = base.result.solution if base and base.result else None
    if base_solution is not None:
        outcome.moved = moved_sessions(base_solution, solution)
    return outcome


def _why_none(result: Result) -> str:
    """Why a solve gave no timetable, in one sentence."""
    if result.status == "infeasible":
        reasons = "; ".join(result.conflicts)
        text = _("no timetable exists: the hard rules cannot all hold")
        return text + (f" ({reasons})" if reasons else "")
    return _("no timetable found in the time limit (solver status: {status})", status=result.status)


def _figures(verified: pipeline.Verified) -> list[tuple[str, float | int]]:
    """The rows compared: headline figures first, then every key figure of Overview."""
    data, result, solution = verified.data, verified.result, verified.solution
    hours = round(sum(verified.figures.course_hours.values()), 2)
    headline: list[tuple[str, float | int]] = [
        (LEARNERS_PLACED, len(placed_kinds(data, solution))),
        (COURSES_PLACED, len(solution.placed())),
        (HOURS_DELIVERED, hours),
        (STAFF_DAYS, len({(s.staff, s.day) for s in solution.sessions})),
        (INTAKE_DAYS, len({(i.staff, i.week, i.day) for i in solution.intakes})),
        ("groups formed", len(solution.groups)),
        ("weekly sessions", len(solution.sessions)),
        ("objective", result.objective if result.objective is not None else 0.0),
    ]
    return headline + verified.figures.rows()


# ---------------------------------------------------------------------------------------------
# The comparison workbook
# ---------------------------------------------------------------------------------------------

TITLE_FONT = Font(bold=True, size=13)
BLOCK_FONT = Font(bold=True, size=12)
LINK_FONT = Font(color="0563C1", underline="single")
NOISE_FONT = Font(italic=True, color="7F7F7F")  # a difference the search alone may give
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
PAGE_WIDTH = 150  # width units of an A4 landscape page at 100 %
CHART_ROWS = 16  # rows the Summary's chart covers
SCENARIO_RULE = Border(top=Side(style="thin", color="A6A6A6"))  # between two scenarios
DELTA = " vs base"  # the key of a difference column: "<figure> vs base"

# Both tables of the Summary share its columns, so each column's width suits both:
# (header of the table of key changes, header of the table of all scenarios, width).
SUMMARY_COLUMNS: tuple[tuple[str | None, str, float], ...] = (
    (N_("term"), N_("term"), 10),
    (N_("scenario"), N_("scenario"), 20),
    (N_("what changed"), N_("changes"), 62),
    (N_("base"), N_("status"), 12),
    (N_("scenario value"), LEARNERS_PLACED, 11),
    (N_("difference"), LEARNERS_PLACED + DELTA, 11),
    (N_("noise (base vs base-again)"), COURSES_PLACED, 12),
    (N_("within noise?"), COURSES_PLACED + DELTA, 12),
    (None, N_("sessions moved"), 10),
    (None, N_("objective"), 10),
    (None, N_("gap"), 8),
    (None, N_("solve time (s)"), 8),
    (None, N_("timetable"), 30),
    (None, N_("note"), 40),
)
SUMMARY_HEADER = tuple(name for _k, name, _w in SUMMARY_COLUMNS)  # stable keys, in English
SUMMARY_WIDTHS = tuple(width for _k, _n, width in SUMMARY_COLUMNS)
CHANGES_HEADER = tuple(name for name, _n, _w in SUMMARY_COLUMNS if name is not None)
STATUS_TEXT = {
    "optimal": N_("optimal (proven best)"),
    "feasible": N_("feasible (not proven best)"),
    "infeasible": N_("impossible"),
    "unknown": N_("none found in time"),
    "invalid": N_("refused by the solver"),
    "failed": N_("the solve failed"),
}


def _heading(key: str) -> str:
    """A column heading in the coordinator's language; ``<figure> vs base`` keys included."""
    if key.endswith(DELTA):
        return _("{figure} vs base", figure=figure_label(key[: -len(DELTA)]))
    return figure_label(key) if key in OWN_LABELS else _(key)


def _status(status: str) -> str:
    return _(STATUS_TEXT[status]) if status in STATUS_TEXT else status


def _changes_text(o: Outcome) -> str:
    """What a scenario changes; the control's own sentence in the coordinator's language."""
    return "\n".join(_(c) if c in CONTROL_CHANGES else c for c in o.changes) or "-"


def write_comparison(
    outcomes: Sequence[Outcome], path: Path, title: str, prisons: dict[str, str] | None = None
) -> Path:
    """Write the comparison workbook of ``outcomes`` (from ``sweep``) to ``path`` atomically.

    ``title`` heads the Summary; ``prisons`` maps a term label to the prison's name for the
    title of its sheet. Headings and texts are in the language of ``scheduler.i18n``; sheet
    names, scenario names and figure values stay as they are.
    """
    wb = Workbook()
    summary = first_sheet(wb)
    summary.title = "Summary"
    taken = {"Summary"}
    effects = _effects(outcomes)
    _summary(summary, outcomes, effects, title, path.parent)
    for label in dict.fromkeys(o.term for o in outcomes):
        ws = wb.create_sheet(sheet_title(label, taken))
        heading = (prisons or {}).get(label, label)
        ours = [o for o in outcomes if o.term == label]
        _term_sheet(ws, ours, heading, path.parent, effects.noise.get(label))
    return save_atomic(mark(wb, "comparison"), path)


# --- what changed, per scenario ----------------------------------------------------------------


@dataclass(frozen=True)
class _Effects:
    """Per term, the search noise (None: not measured); per scenario, its key changes."""

    noise: dict[str, dict[str, float | int] | None]
    changes: dict[tuple[str, str], list[Change]]


def _effects(outcomes: Sequence[Outcome]) -> _Effects:
    """The key changes of every scenario with a timetable (and a base with one), and each
    term's noise."""
    bases = {o.term: o for o in outcomes if o.scenario == BASE}
    noise = {label: _noise(base, outcomes) for label, base in bases.items()}
    changes: dict[tuple[str, str], list[Change]] = {}
    for o in outcomes:
        ref = bases.get(o.term)
        if o.scenario == BASE or _is_control(o) or ref is None or not (o.figures and ref.figures):
            continue
        found = key_changes(dict(o.figures), dict(ref.figures), noise.get(o.term))
        changes[(o.term, o.scenario)] = found
    return _Effects(noise, changes)


def _noise(base: Outcome, outcomes: Sequence[Outcome]) -> dict[str, float | int] | None:
    """Figure -> |base-again - base| of ``base``'s term; None when there is no control with a
    timetable (the base was proven best, or the control found none)."""
    control = next((o for o in outcomes if o.term == base.term and _is_control(o)), None)
    if control is None or not control.figures or not base.figures:
        return None
    return noise_of(dict(base.figures), dict(control.figures))


def within_noise(outcomes: Sequence[Outcome], label: str) -> set[tuple[str, str]]:
    """(term, scenario) of every scenario whose difference to base in figure ``label`` is
    within its term's search noise (what the CLI's end-of-compare lines mark)."""
    noise = _effects(outcomes).noise
    bases = {o.term: o for o in outcomes if o.scenario == BASE}
    out = set()
    for o in outcomes:
        measured, base = noise.get(o.term), bases.get(o.term)
        if measured is None or base is None or _is_control(o):
            continue
        if _within(_delta(o.figure(label), base.figure(label)), measured, label):
            out.add((o.term, o.scenario))
    return out


def _is_control(o: Outcome) -> bool:
    return o.changes == CONTROL_CHANGES


def _scenarios_by_effect(outcomes: Sequence[Outcome], effects: _Effects) -> list[Outcome]:
    """The scenarios (not base, not the control) of each term, largest effect beyond the noise
    first; those without a timetable last (the sort is stable: ties keep the input order)."""
    shown = [o for o in outcomes if o.scenario != BASE and not _is_control(o)]
    terms = list(dict.fromkeys(o.term for o in outcomes))

    def key(o: Outcome) -> tuple[int, int, float]:
        found = effects.changes.get((o.term, o.scenario))
        return (terms.index(o.term), found is None, -effect_size(found or []))

    return sorted(shown, key=key)


def _noise_note(effects: _Effects) -> str:
    """The sentence under the title: what "within noise" means here, or why it is not shown."""
    measured = [n for n in effects.noise.values() if n is not None]
    if measured:
        return _(
            "Per scenario, the key figures that changed most against base, largest first. "
            "A difference no larger than between base and base-again (the base searched again, "
            "unchanged) is within the noise of the search: the search alone may give it."
        )
    return _(
        "Per scenario, the key figures that changed most against base, largest first. The base "
        "was proven best (or not solved again), so no search noise was measured."
    )


def _changes_block(ws: Worksheet, row: int, outcomes: Sequence[Outcome], effects: _Effects) -> int:
    """The table of key changes from ``row`` (heading, header, one row per change); returns
    the first row after it."""
    set_cell(ws, row, 1, _("What changed most")).font = BLOCK_FONT
    _header(ws, row + 1, [_(h) for h in CHANGES_HEADER], SUMMARY_WIDTHS[: len(CHANGES_HEADER)])
    row += 2
    for k, o in enumerate(_scenarios_by_effect(outcomes, effects)):
        top = row
        for text, change in _change_lines(o, effects.changes.get((o.term, o.scenario))):
            _change_row(ws, row, o, text, change)
            row += 1
        if k > 0:
            for c in range(1, len(CHANGES_HEADER) + 1):
                ws.cell(row=top, column=c).border = SCENARIO_RULE
    return row


def _change_lines(o: Outcome, found: list[Change] | None) -> list[tuple[str, Change | None]]:
    """The sentences of one scenario in the table of key changes, each with its change."""
    if found:
        return [(sentence(o.scenario, change), change) for change in found]
    if found is not None:
        return [(_("{scenario}: no key figure changed", scenario=o.scenario), None)]
    if o.figures:
        return [(_("{scenario}: base has no timetable to compare with", scenario=o.scenario), None)]
    return [(_("{scenario}: no timetable ({why})", scenario=o.scenario, why=o.note), None)]


def _change_row(ws: Worksheet, row: int, o: Outcome, text: str, change: Change | None) -> None:
    """One row of the table of key changes: the sentence, then its numbers and the flag."""
    values: list = [o.term, o.scenario, text]
    if change is not None:
        flag = _("within noise") if change.within_noise else None
        values += [change.base, change.value, change.difference, change.noise, flag]
    for c, value in enumerate(values, start=1):
        _value_cell(ws, row, c, value, signed=c == 6)
        ws.cell(row=row, column=c).alignment = WRAP if c == 3 else TOP
        if change is not None and change.within_noise:
            ws.cell(row=row, column=c).font = NOISE_FONT
    _fit_height(ws, row, [v if isinstance(v, str) else "" for v in values], SUMMARY_WIDTHS)


# --- the Summary sheet --------------------------------------------------------------------------


def _link(
    ws: Worksheet, row: int, col: int, target: Path | None, here: Path, text: str | None = None
) -> None:
    """A hyperlink to ``target`` relative to the comparison's folder, showing ``text`` (default
    the file name), or a dash."""
    if target is None:
        set_cell(ws, row, col, "-")
        return
    relative = os.path.relpath(target, here)
    cell = set_cell(ws, row, col, text or target.name)
    cell.hyperlink = relative.replace(os.sep, "/")
    cell.font, cell.alignment = LINK_FONT, WRAP  # a long file name wraps rather than being cut


def _header(ws: Worksheet, row: int, names: Sequence[str], widths: Sequence[float]) -> None:
    """A bold header row whose names wrap inside the given column widths."""
    for c, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        cell = set_cell(ws, row, c, name)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
        ws.column_dimensions[get_column_letter(c)].width = width
    _fit_height(ws, row, names, widths)


def _fit_height(ws: Worksheet, row: int, texts: Sequence, widths: Sequence[float]) -> None:
    """Room for every line of wrapped text in ``row`` (Excel does not grow rows it did not
    lay out itself)."""
    lines = max(
        (
            sum(math.ceil(max(len(part), 1) / max(w - 1, 1)) for part in str(t).split("\n"))
            for t, w in zip(texts, widths, strict=False)
            if t
        ),
        default=1,
    )
    if lines > 1:
        ws.row_dimensions[row].height = 15 * lines


def _delta(value: float | int | None, base: float | int | None) -> float | int | None:
    """``value - base`` when both are numbers (floats to two decimals), else None."""
    numbers = (int, float)
    if isinstance(value, bool) or not isinstance(value, numbers) or not isinstance(base, numbers):
        return None
    diff = value - base
    return round(diff, 2) if isinstance(diff, float) else diff


def _value_cell(ws: Worksheet, row: int, col: int, value, signed: bool = False):
    """A value, floats to two decimals; ``signed`` shows a difference with its sign."""
    if isinstance(value, float):
        value = round(value, 2)
    cell = set_cell(ws, row, col, value)
    if signed and isinstance(value, int | float):
        cell.number_format = "+0;-0;0" if isinstance(value, int) else "+0.00;-0.00;0"
    return cell


def _summary_numbers(o: Outcome, base: Outcome | None) -> list:
    """The values of one row of the table of all scenarios, from ``status`` to ``solve time``."""
    res = o.result

    def vs(label: str) -> float | int | None:
        if o.scenario == BASE or base is None:
            return None
        return _delta(o.figure(label), base.figure(label))

    return [
        _status(o.status),
        o.figure(LEARNERS_PLACED),
        vs(LEARNERS_PLACED),
        o.figure(COURSES_PLACED),
        vs(COURSES_PLACED),
        o.moved if o.scenario != BASE and base is not None else None,
        res.objective if res is not None and res.solution is not None else None,
        res.gap if res is not None and res.solution is not None else None,
        res.wall_time if res else None,
    ]


def _summary(
    ws: Worksheet, outcomes: Sequence[Outcome], effects: _Effects, title: str, here: Path
) -> None:
    """The key changes per scenario first, then one row per solve (status, placements and
    their difference to base, moves, quality, the link to its timetable, what it changes and
    why it has no timetable), then a chart of learners placed."""
    set_cell(ws, 1, 1, title).font = TITLE_FONT
    note = set_cell(ws, 2, 1, _noise_note(effects))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(CHANGES_HEADER))
    note.alignment = WRAP
    _fit_height(ws, 2, [note.value], [sum(SUMMARY_WIDTHS[: len(CHANGES_HEADER)])])
    after = _changes_block(ws, 4, outcomes, effects)
    set_cell(ws, after + 1, 1, _("All scenarios")).font = BLOCK_FONT
    header_row = after + 2
    _header(ws, header_row, [_heading(h) for h in SUMMARY_HEADER], SUMMARY_WIDTHS)
    first = header_row + 1
    for r, o in enumerate(outcomes, start=first):
        bases = {b.term: b for b in outcomes if b.scenario == BASE}
        noise = None if _is_control(o) else effects.noise.get(o.term)
        _scenario_row(ws, r, o, bases.get(o.term), noise, here)
    _placed_chart(ws, outcomes, header_row)
    print_setup(ws)
    # Paper gets what a coordinator reads: the first columns (changes in words, status,
    # placements) and the chart; objective, gap, solve time and links are for the screen.
    chart_end = header_row + len(outcomes) + 3 + CHART_ROWS
    ws.print_area = f"A1:{get_column_letter(len(CHANGES_HEADER))}{chart_end}"


def _scenario_row(
    ws: Worksheet,
    r: int,
    o: Outcome,
    base: Outcome | None,
    noise: dict[str, float | int] | None,
    here: Path,
) -> None:
    """One row of the table of all scenarios; a difference within ``noise`` is greyed."""
    col = {name: c for c, name in enumerate(SUMMARY_HEADER, start=1)}
    set_cell(ws, r, col["term"], o.term)
    set_cell(ws, r, col["scenario"], o.scenario)
    set_cell(ws, r, col["changes"], _changes_text(o)).alignment = WRAP
    for c, value in enumerate(_summary_numbers(o, base), start=col["status"]):
        key = SUMMARY_HEADER[c - 1]
        cell = _value_cell(ws, r, c, value, signed=key.endswith(DELTA))
        if isinstance(value, str):
            cell.alignment = WRAP
        if key.endswith(DELTA) and _within(value, noise, key[: -len(DELTA)]):
            cell.font = NOISE_FONT
    ws.cell(row=r, column=col["gap"]).number_format = "0.00%"
    _link(ws, r, col["timetable"], o.timetable, here)
    set_cell(ws, r, col["note"], o.note or None).alignment = WRAP
    texts = [ws.cell(row=r, column=c).value for c in range(1, len(SUMMARY_HEADER) + 1)]
    _fit_height(ws, r, [t if isinstance(t, str) else "" for t in texts], SUMMARY_WIDTHS)
    for c in range(1, len(SUMMARY_HEADER) + 1):  # a tall row reads from its top
        cell = ws.cell(row=r, column=c)
        if not cell.alignment.wrap_text:
            cell.alignment = TOP


def _within(diff: object, noise: dict[str, float | int] | None, label: str) -> bool:
    """A non-zero difference no larger than the measured noise of ``label``."""
    if noise is None or isinstance(diff, bool) or not isinstance(diff, int | float) or not diff:
        return False
    return abs(diff) <= noise.get(label, 0) + 1e-9


def _pages_wide(ws: Worksheet, width: float) -> None:
    """A sheet wider than an A4 landscape page prints on several pages across (its title
    columns repeated) rather than shrunk until nobody can read it."""
    if width > PAGE_WIDTH:
        ws.page_setup.fitToWidth = math.ceil(width / PAGE_WIDTH)


def _placed_chart(ws: Worksheet, outcomes: Sequence[Outcome], header_row: int) -> None:
    """A native bar chart of learners (and learner-courses) placed per scenario, under the
    table; with several terms the axis shows each scenario under its term (two-level
    categories from columns A:B)."""
    several = len({o.term for o in outcomes}) > 1
    first, last = header_row + 1, header_row + len(outcomes)
    chart = BarChart()
    chart.type = "col"
    chart.title = _("Learners placed per scenario")
    chart.y_axis.title = _("learners")
    for name in (LEARNERS_PLACED, COURSES_PLACED):
        col = SUMMARY_HEADER.index(name) + 1
        chart.add_data(
            Reference(ws, min_col=col, min_row=header_row, max_row=last), titles_from_data=True
        )
    chart.legend.position = "b"
    chart.set_categories(
        Reference(ws, min_col=1 if several else 2, max_col=2, min_row=first, max_row=last)
    )
    chart.height = CHART_ROWS / 2  # cm: a 15-point row is about half a centimetre
    chart.width = max(12, round(2.5 * len(outcomes)))
    ws.add_chart(chart, f"A{last + 3}")


# --- one sheet per term -------------------------------------------------------------------------

TERM_HEADER_ROW = 3  # title, legend, then the header


def _term_sheet(
    ws: Worksheet,
    outcomes: Sequence[Outcome],
    heading: str,
    here: Path,
    noise: dict[str, float | int] | None,
) -> None:
    """Key figures in rows, one column per scenario, each followed by its difference to base;
    a difference within the search noise is grey and italic."""
    set_cell(ws, 1, 1, _("{prison}: key figures per scenario", prison=heading)).font = TITLE_FONT
    if noise is not None:
        legend = _(
            "Grey italic: a difference within the search noise (no larger than base-again's)."
        )
        set_cell(ws, 2, 1, legend).font = NOISE_FONT
    base = next(o for o in outcomes if o.scenario == BASE)
    others = [o for o in outcomes if o.scenario != BASE]
    header = [_("figure"), _("base")]
    for o in others:
        header += [o.scenario, _("{scenario} vs base", scenario=o.scenario)]
    widths = [40, 12] + [min(max(len(o.scenario) + 2, 12), 24) for o in others for _k in "ab"]
    _header(ws, TERM_HEADER_ROW, header, widths)
    rows = _term_rows(outcomes)
    first = TERM_HEADER_ROW + 1
    for r, label in enumerate(rows, start=first):
        if isinstance(label, _Block):
            own = label.title == HEADLINE_BLOCK
            set_cell(ws, r, 1, _(HEADLINE_BLOCK) if own else figure_words(label.title))
            ws.cell(row=r, column=1).font = HEADER_FONT
            for c in range(1, len(widths) + 1):
                ws.cell(row=r, column=c).border = SCENARIO_RULE
        else:
            set_cell(ws, r, 1, _row_label(label)).alignment = WRAP
    _term_column(ws, 2, base, None, rows, here, None)
    for k, o in enumerate(others):
        _term_column(ws, 3 + 2 * k, o, base, rows, here, None if _is_control(o) else noise)
    for r in range(first, first + len(rows)):  # labels, timetable, changes and note wrap
        texts = [ws.cell(row=r, column=c).value for c in range(1, len(widths) + 1)]
        _fit_height(ws, r, [t if isinstance(t, str) else "" for t in texts], widths)
    ws.freeze_panes = ws.cell(row=first, column=3).coordinate
    print_setup(ws, f"{TERM_HEADER_ROW}:{TERM_HEADER_ROW}", "A:A")
    _pages_wide(ws, sum(widths))


@dataclass(frozen=True)
class _Block:
    """A heading row of the term sheet: the title of a block of Overview's figures."""

    title: str


HEADLINE_BLOCK = N_("Key figures")  # the compare's own figures, before Overview's blocks


def _term_rows(outcomes: Sequence[Outcome]) -> list[str | _Block]:
    """The rows of a term sheet: status, timetable and moves, then every figure under the
    heading of its block, then changes and note."""
    labels = list(dict.fromkeys(label for o in outcomes for label, _v in o.figures))
    blocks: dict[str, str] = {}
    for o in outcomes:
        blocks.update(o.blocks)
    rows: list[str | _Block] = ["status", "timetable", "sessions moved"]
    current = None
    for label in labels:
        title = blocks.get(label, HEADLINE_BLOCK)
        if title != current:
            rows.append(_Block(title))
            current = title
        rows.append(label)
    return [*rows, "changes", "note"]


_ROW_LABELS = {
    "status": N_("status"),
    "timetable": N_("timetable"),
    "sessions moved": N_("sessions moved"),
    "changes": N_("changes"),
    "note": N_("note"),
}


def _row_label(label: str) -> str:
    return _(_ROW_LABELS[label]) if label in _ROW_LABELS else figure_label(label)


def _term_column(
    ws: Worksheet,
    col: int,
    o: Outcome,
    base: Outcome | None,
    rows: list[str | _Block],
    here: Path,
    noise: dict[str, float | int] | None,
) -> None:
    """One scenario's values down column ``col`` and, beside a scenario, its differences."""
    figures = dict(o.figures)
    base_figures = dict(base.figures) if base else {}
    for r, label in enumerate(rows, start=TERM_HEADER_ROW + 1):
        if isinstance(label, _Block):
            continue
        if label == "status":
            set_cell(ws, r, col, _status(o.status)).alignment = WRAP
        elif label == "timetable":
            # a file name has no space to wrap at, and these columns are narrow
            _link(ws, r, col, o.timetable, here, _("open"))
        elif label == "sessions moved":
            _value_cell(ws, r, col, o.moved)
        elif label in ("changes", "note"):
            text = _changes_text(o) if label == "changes" else o.note
            set_cell(ws, r, col, text or None).alignment = WRAP
        else:
            _value_cell(ws, r, col, figures.get(label))
            if base is not None:
                diff = _delta(figures.get(label), base_figures.get(label))
                cell = _value_cell(ws, r, col + 1, diff, signed=True)
                if _within(diff, noise, label):
                    cell.font = NOISE_FONT


__all__ = [
    "COURSES_PLACED",
    "LEARNERS_PLACED",
    "Job",
    "Outcome",
    "Term",
    "machine_cores",
    "moved_sessions",
    "open_executor",
    "plan_parallel",
    "run_job",
    "sweep",
    "timetable_paths",
    "within_noise",
    "write_comparison",
]
