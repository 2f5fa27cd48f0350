"""The scenario sweep: solve base, then every scenario from it, and compare them in one workbook.

For each term (one workbook, one prison) the base is solved first; as soon as a base is done,
its scenarios are submitted, each warm-started from the base timetable (``hint``), so a small
change gives a nearby timetable quickly. Every solve is a ``Job`` run by any
``concurrent.futures`` executor: a local ``ProcessPoolExecutor`` by default, or an existing
Dask cluster (``dask://HOST:PORT``, through ``distributed.Client(...).get_executor()``).
A job carries everything it needs and returns a plain ``Result``, so it can run on another
machine; verifying and writing happen here, where the files are to be written.

A timetable workbook is written for each solve whose timetable the verifier finds without
violations. ``write_comparison`` then writes one workbook: a Summary sheet (one row per
scenario, learners placed, sessions moved, a link to each timetable and a chart of learners
placed) and one sheet per term with every key figure in one column per scenario, each followed
by its difference to base. A scenario without a timetable is a column that says why.
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
from openpyxl.styles import Alignment, Font
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
from scheduler.outputs import mark, short_name
from scheduler.report.figures import placed_kinds
from scheduler.search.params import SolveParams, write_reserve
from scheduler.solution import Result, Solution
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
    "nothing: the base solved again from its own timetable, for as long as each scenario; "
    "its difference to base is what the extra search alone gives",
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
                finished, _ = wait(list(self.running), return_when=FIRST_COMPLETED)
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
        outcome.note = f"the solve failed ({type(exc).__name__}: {exc}); please report it"
        outcome.bug = True
        return outcome
    verified = pipeline.verify_result(data, outcome.result)
    if verified is None:
        outcome.note = _why_none(outcome.result)
        return outcome
    try:
        outcome.timetable = pipeline.write(verified, path)
    except pipeline.RuleBroken as exc:
        outcome.note = f"{exc}; please report it"
        outcome.bug = True
        return outcome
    solution = verified.solution
    outcome.figures = _figures(verified)
    if outcome.result.stats.get("stopped_by_wall_clock"):
        outcome.note = (
            "stopped by the wall-clock cap (a busy machine?): the same run may not repeat "
            "exactly; fewer --jobs give each solve more of the machine"
        )
    base_solution = base.result.solution if base and base.result else None
    if base_solution is not None:
        outcome.moved = moved_sessions(base_solution, solution)
    return outcome


def _why_none(result: Result) -> str:
    if result.status == "infeasible":
        reasons = "; ".join(result.conflicts)
        return "no timetable exists: the hard rules cannot all hold" + (
            f" ({reasons})" if reasons else ""
        )
    return f"no timetable found in the time limit (solver status: {result.status})"


LEARNERS_PLACED = "learners placed"  # learners with at least one group place
COURSES_PLACED = "learner-courses placed"  # group places: what the solver rewards


def _figures(verified: pipeline.Verified) -> list[tuple[str, float | int]]:
    """The rows compared: headline figures first, then every key figure of Overview."""
    data, result, solution = verified.data, verified.result, verified.solution
    headline: list[tuple[str, float | int]] = [
        (LEARNERS_PLACED, len(placed_kinds(data, solution))),
        (COURSES_PLACED, len(solution.placed())),
        ("groups formed", len(solution.groups)),
        ("weekly sessions", len(solution.sessions)),
        ("objective", result.objective if result.objective is not None else 0.0),
    ]
    return headline + verified.figures.rows()


# ---------------------------------------------------------------------------------------------
# The comparison workbook
# ---------------------------------------------------------------------------------------------

TITLE_FONT = Font(bold=True, size=13)
LINK_FONT = Font(color="0563C1", underline="single")
WRAP = Alignment(wrap_text=True, vertical="top")
DELTA = " vs base"
# Summary columns: (header, width); the timetable link, changes and note come last.
SUMMARY_COLUMNS: tuple[tuple[str, float], ...] = (
    ("term", 12),
    ("scenario", 24),
    ("status", 10),
    (LEARNERS_PLACED, 10),
    (LEARNERS_PLACED + DELTA, 10),
    (COURSES_PLACED, 10),
    (COURSES_PLACED + DELTA, 10),
    ("sessions moved", 10),
    ("objective", 10),
    ("gap", 8),
    ("solve time (s)", 8),
    ("timetable", 34),
    ("changes", 50),
    ("note", 40),
)
SUMMARY_HEADER = tuple(name for name, _ in SUMMARY_COLUMNS)
SUMMARY_WIDTHS = tuple(width for _, width in SUMMARY_COLUMNS)


def write_comparison(
    outcomes: Sequence[Outcome], path: Path, title: str, prisons: dict[str, str] | None = None
) -> Path:
    """Write the comparison workbook of ``outcomes`` (from ``sweep``) to ``path`` atomically.

    ``title`` heads the Summary; ``prisons`` maps a term label to the prison's name for the
    title of its sheet.
    """
    wb = Workbook()
    summary = first_sheet(wb)
    summary.title = "Summary"
    taken = {"Summary"}
    _summary(summary, outcomes, title, path.parent)
    for label in dict.fromkeys(o.term for o in outcomes):
        ws = wb.create_sheet(sheet_title(label, taken))
        heading = (prisons or {}).get(label, label)
        _term_sheet(ws, [o for o in outcomes if o.term == label], heading, path.parent)
    return save_atomic(mark(wb, "comparison"), path)


def _link(ws: Worksheet, row: int, col: int, target: Path | None, here: Path) -> None:
    """A hyperlink to ``target`` relative to the comparison's folder, or a dash."""
    if target is None:
        set_cell(ws, row, col, "-")
        return
    relative = os.path.relpath(target, here)
    cell = set_cell(ws, row, col, target.name)
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
            for t, w in zip(texts, widths, strict=True)
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


def _value_cell(ws: Worksheet, row: int, col: int, value, signed: bool = False) -> None:
    """A value, floats to two decimals; ``signed`` shows a difference with its sign."""
    if isinstance(value, float):
        value = round(value, 2)
    cell = set_cell(ws, row, col, value)
    if signed and value is not None:
        cell.number_format = "+0;-0;0" if isinstance(value, int) else "+0.00;-0.00;0"


def _summary_numbers(o: Outcome, base: Outcome | None) -> list:
    """The values of one Summary row from ``status`` to ``solve time``."""
    res = o.result

    def vs(label: str) -> float | int | None:
        if o.scenario == BASE or base is None:
            return None
        return _delta(o.figure(label), base.figure(label))

    return [
        o.status,
        o.figure(LEARNERS_PLACED),
        vs(LEARNERS_PLACED),
        o.figure(COURSES_PLACED),
        vs(COURSES_PLACED),
        o.moved if o.scenario != BASE and base is not None else None,
        res.objective if res is not None and res.solution is not None else None,
        res.gap if res is not None and res.solution is not None else None,
        res.wall_time if res else None,
    ]


def _summary(ws: Worksheet, outcomes: Sequence[Outcome], title: str, here: Path) -> None:
    """One row per solve: status, placements and their difference to base, moves, quality,
    the link to its timetable, what it changes and why it has no timetable."""
    set_cell(ws, 1, 1, title).font = TITLE_FONT
    _header(ws, 3, SUMMARY_HEADER, SUMMARY_WIDTHS)
    bases = {o.term: o for o in outcomes if o.scenario == BASE}
    signed = {SUMMARY_HEADER.index(name) + 1 for name in SUMMARY_HEADER if name.endswith(DELTA)}
    gap = SUMMARY_HEADER.index("gap") + 1
    link = SUMMARY_HEADER.index("timetable") + 1
    for r, o in enumerate(outcomes, start=4):
        set_cell(ws, r, 1, o.term)
        set_cell(ws, r, 2, o.scenario)
        for c, value in enumerate(_summary_numbers(o, bases.get(o.term)), start=3):
            _value_cell(ws, r, c, value, signed=c in signed)
        ws.cell(row=r, column=gap).number_format = "0.00%"
        _link(ws, r, link, o.timetable, here)
        set_cell(ws, r, link + 1, "\n".join(o.changes) or "-").alignment = WRAP
        set_cell(ws, r, link + 2, o.note or None).alignment = WRAP
        texts = [ws.cell(row=r, column=c).value for c in range(1, len(SUMMARY_HEADER) + 1)]
        _fit_height(ws, r, texts, SUMMARY_WIDTHS)
    ws.freeze_panes = "C4"
    _placed_chart(ws, outcomes)
    print_setup(ws, "3:3")


def _placed_chart(ws: Worksheet, outcomes: Sequence[Outcome]) -> None:
    """A native bar chart of learners (and learner-courses) placed per scenario, under the
    table; with several terms the axis shows each scenario under its term (two-level
    categories from columns A:B)."""
    several = len({o.term for o in outcomes}) > 1
    first, last = 4, 3 + len(outcomes)
    chart = BarChart()
    chart.type = "col"
    chart.title = "Learners placed per scenario"
    chart.y_axis.title = "learners"
    for name in (LEARNERS_PLACED, COURSES_PLACED):
        col = SUMMARY_HEADER.index(name) + 1
        chart.add_data(Reference(ws, min_col=col, min_row=3, max_row=last), titles_from_data=True)
    chart.legend.position = "b"
    chart.set_categories(
        Reference(ws, min_col=1 if several else 2, max_col=2, min_row=first, max_row=last)
    )
    chart.height = 8
    chart.width = max(12, round(2.5 * len(outcomes)))
    ws.add_chart(chart, f"A{last + 3}")


def _term_sheet(ws: Worksheet, outcomes: Sequence[Outcome], heading: str, here: Path) -> None:
    """Key figures in rows, one column per scenario, each followed by its difference to base."""
    set_cell(ws, 1, 1, f"{heading}: key figures per scenario").font = TITLE_FONT
    base = next(o for o in outcomes if o.scenario == BASE)
    others = [o for o in outcomes if o.scenario != BASE]
    header = ["figure", BASE]
    for o in others:
        header += [o.scenario, o.scenario + DELTA]
    widths = [56, 14] + [min(max(len(o.scenario) + 2, 14), 30) for o in others for _ in "ab"]
    _header(ws, 2, header, widths)
    labels = list(dict.fromkeys(label for o in outcomes for label, _ in o.figures))
    rows = ["status", "timetable", "sessions moved", *labels, "changes", "note"]
    for r, label in enumerate(rows, start=3):
        set_cell(ws, r, 1, label)
    _term_column(ws, 2, base, None, rows, here)
    for k, o in enumerate(others):
        _term_column(ws, 3 + 2 * k, o, base, rows, here)
    for r in range(3, 3 + len(rows)):  # the timetable, changes and note rows wrap
        texts = [ws.cell(row=r, column=c).value for c in range(1, len(widths) + 1)]
        _fit_height(ws, r, [t if isinstance(t, str) else "" for t in texts], widths)
    ws.freeze_panes = "C3"
    print_setup(ws, "2:2", "A:A")


def _term_column(
    ws: Worksheet, col: int, o: Outcome, base: Outcome | None, rows: list[str], here: Path
) -> None:
    """One scenario's values down column ``col`` and, beside a scenario, its differences."""
    figures = dict(o.figures)
    base_figures = dict(base.figures) if base else {}
    for r, label in enumerate(rows, start=3):
        if label == "status":
            set_cell(ws, r, col, o.status)
        elif label == "timetable":
            _link(ws, r, col, o.timetable, here)
        elif label == "sessions moved":
            _value_cell(ws, r, col, o.moved)
        elif label in ("changes", "note"):
            text = "\n".join(o.changes) if label == "changes" else o.note
            set_cell(ws, r, col, text or None).alignment = WRAP
        else:
            _value_cell(ws, r, col, figures.get(label))
            if base is not None:
                diff = _delta(figures.get(label), base_figures.get(label))
                _value_cell(ws, r, col + 1, diff, signed=True)


__all__ = [
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
    "write_comparison",
]
