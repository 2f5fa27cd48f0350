"""What a job's child process does: check a workbook, solve it, or compare its scenarios.

Each entry point runs in a fresh (spawned) process started by ``scheduler.web.jobs``, so that a
cancel is a plain terminate and the server never waits on the solver. It reads and writes only
fixed file names inside the job's folder and reports over a queue: any number of
``("progress", dict)``, then one ``("done", dict)`` or ``("failed", str)``. Everything sent is
plain data (str, numbers, lists, dicts), so the server needs none of the solver's types.

A solve goes through ``scheduler.pipeline`` like ``scheduler solve``: check, solve, verify, and
only a timetable in which every hard rule holds is written (atomically, like every output).
"""

from __future__ import annotations

import os
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from scheduler.errors import Problem, SchedulerError, UnreadableFileError, WorkbookError

WORKBOOK = "term.xlsx"
TIMETABLE = "timetable.xlsx"
CALENDARS = "calendars.zip"
REGISTERS = "registers.xlsx"
COMPARISON_DIR = "compare"
COMPARISON = "comparison.xlsx"
COMPARISON_ZIP = "comparison.zip"
CURRENT = "current.xlsx"  # the timetable in use, uploaded for a re-plan
REPLANNED = "replan.xlsx"  # the re-planned timetable
CHANGES_SHOWN = 200  # rows of the Changes sheet shown on the page
# The re-plan's counts (scheduler.replan.changes, English) -> the page's string keys; a label
# not listed here is shown as it is.
COUNT_KEYS = {
    "places kept in their group": "count_kept",
    "places moved to another group": "count_moved",
    "places joined": "count_joined",
    "places left": "count_left",
    "sessions kept": "count_sessions_kept",
    "sessions moved or changed": "count_sessions_moved",
    "new groups": "count_new_groups",
    "groups closed": "count_groups_closed",
}
TERM_LABEL = "term"  # the comparison's label for the one workbook (file names inside the zip)

Report = Callable[[dict[str, Any]], None]


CHECK_MEMORY_BYTES = 4 * 2**30  # address space of a check: a real term needs a few hundred MB


def run(kind: str, folder: str, params: dict[str, Any], queue: Any) -> None:
    """The child process's main: do ``kind`` in ``folder`` and put the outcome on ``queue``."""
    prepare(kind)
    try:
        payload = ENTRY_POINTS[kind](Path(folder), params, lambda d: queue.put(("progress", d)))
    except Exception as exc:  # reported as one sentence; the server stays up
        queue.put(("failed", f"{type(exc).__name__}: {exc}"))
    else:
        queue.put(("done", payload))


def prepare(kind: str) -> None:
    """Set up a fresh child: Ctrl-C in the server's terminal reaches the whole process group,
    but only the server decides when a child ends (it terminates them as it stops); a check
    gets its memory cap."""
    from scheduler.interrupt import ignore_in_child

    ignore_in_child()
    if kind == "check":
        limit_memory(CHECK_MEMORY_BYTES)


def limit_memory(limit: int) -> None:
    """Cap this process's address space (POSIX only), so that a workbook that unpacks to far
    more than it seems (a zip bomb) ends in a MemoryError here, not in a starved server."""
    try:
        import resource
    except ImportError:  # Windows: the check's time limit still applies
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def problem_rows(problems: list[Problem]) -> list[dict[str, Any]]:
    """Problems as table rows: severity, sheet, row, column, what to do."""
    return [
        {
            "severity": p.severity,
            "sheet": p.sheet,
            "row": p.row,
            "column": p.column,
            "message": p.message,
        }
        for p in problems
    ]


# ---------------------------------------------------------------------------------------------
# check
# ---------------------------------------------------------------------------------------------


def check(folder: Path, params: dict[str, Any], report: Report) -> dict[str, Any]:
    """Read and validate the uploaded workbook: every problem, and the term's facts when valid.

    An unreadable file (not a workbook, damaged, a zip bomb, too large) is one sentence; the
    fixed name the server gave the file is replaced by the name the coordinator knows.
    """
    from scheduler.workbook.validate import check_workbook

    shown = str(params.get("name") or WORKBOOK)
    try:
        data, problems = check_workbook(folder / WORKBOOK)
    except UnreadableFileError as exc:
        text = str(exc).replace(str(folder / WORKBOOK), shown).replace(WORKBOOK, shown)
        return {"unreadable": text}
    except MemoryError:
        return {
            "unreadable": f"{shown} unpacks to far more data than a term workbook holds; "
            "save it again in Excel as an .xlsx workbook without pictures"
        }
    out: dict[str, Any] = {"problems": problem_rows(problems), "valid": data is not None}
    if data is not None:
        out["facts"] = _facts(data)
    return out


def _facts(data) -> dict[str, Any]:
    """What the job page shows about a valid term, and what the forms need."""
    from scheduler.whatif.scenarios import scenario_names

    s = data.settings
    return {
        "prison": s.prison,
        "start": s.term_start.isoformat(),
        "end": s.term_end.isoformat(),
        "weeks": (s.term_end - s.term_start).days // 7 + 1,
        "learners": len(data.learners),
        "courses": len(data.courses),
        "staff": len(data.staff),
        "rooms": len(data.rooms),
        "time_limit_s": float(s.time_limit_s),
        "scenarios": scenario_names(data),
    }


# ---------------------------------------------------------------------------------------------
# solve
# ---------------------------------------------------------------------------------------------


def solve(folder: Path, params: dict[str, Any], report: Report) -> dict[str, Any]:
    """Check, solve, verify, and write the timetable and the staff calendars: the pipeline
    of ``scheduler solve``, so that nothing the verifier refuses is ever offered."""
    from scheduler import pipeline
    from scheduler.search.solve import Progress
    from scheduler.workbook.validate import read_workbook

    reading = time.perf_counter()
    data = read_workbook(folder / WORKBOOK)
    solve_params = _solve_params(data, params, time.perf_counter() - reading)

    def progress(event: Progress) -> None:
        report(
            {
                "objective": event.objective,
                "bound": event.bound,
                "gap": event.gap,
                "placed": event.placed,
            }
        )

    result, verified = pipeline.solve_and_verify(data, progress=progress, params=solve_params)
    if verified is None:
        return {
            "outcome": "infeasible" if result.status == "infeasible" else "none",
            "status": result.status,
            "conflicts": list(result.conflicts),
        }
    if verified.violations:
        details = [f"{c.rule}: {d}" for c in verified.checks for d in c.details]
        return {"outcome": "verify_failed", "details": details[:50]}
    pipeline.write(verified, folder / TIMETABLE)
    out: dict[str, Any] = {"outcome": "timetable", **_result_figures(verified)}
    try:
        out["calendars"] = _calendars(folder)
    except SchedulerError as exc:  # the timetable stands on its own; say why no calendars
        out["calendars"], out["calendars_error"] = 0, str(exc)
    try:
        out["registers"] = _registers(folder)
    except SchedulerError as exc:  # likewise for the attendance registers
        out["registers"], out["registers_error"] = 0, str(exc)
    return out


def _solve_params(data, params: dict[str, Any], read_seconds: float):
    """The SolveParams of a page's solve, as ``scheduler solve`` makes them: wall-clock mode
    unless ``params["reproducible"]``, the limit counted from this process's start (the job's
    start), a reserve for verifying and writing."""
    from scheduler.search.params import SolveParams, process_age, write_reserve

    limit = float(params.get("time_limit") or data.settings.time_limit_s)
    return SolveParams.for_term(
        data.settings, limit, None, params.get("workers"),
        reproducible=bool(params.get("reproducible", False)),
        started=time.perf_counter() - process_age(),
        reserve=write_reserve(len(data.learners), limit, read_seconds),
    )  # fmt: skip


def _result_figures(verified) -> dict[str, Any]:
    """The end-of-solve summary as numbers: quality, what was placed, per kind."""
    result, figures, solution = verified.result, verified.figures, verified.solution
    return {
        "status": result.status,
        "mode": "reproducible" if result.stats.get("reproducible") else "wall-clock",
        "objective": result.objective,
        "gap": result.gap,
        "wall_time": result.wall_time,
        "groups": len(solution.groups),
        "sessions": len(solution.sessions),
        "kinds": [[k, figures.placed[k], figures.asked[k]] for k in sorted(figures.asked)],
        "intakes": [figures.intakes_held, figures.intakes_asked],
        "internet": [figures.internet_booked, figures.internet_asked],
        "verifier_violations": verified.violations,
    }


def _calendars(folder: Path) -> int:
    """Export one .ics per staff member from the written timetable and zip them; the count."""
    from scheduler.report.ics import export_ics

    written = export_ics(folder / TIMETABLE, folder / "calendars")
    if written:
        zip_files(written, folder / CALENDARS, folder / "calendars")
    return len(written)


def _registers(folder: Path) -> int:
    """The attendance registers of the first four weeks of the term (``scheduler
    registers`` with its defaults), from the written timetable; the number of groups."""
    from scheduler.records.registers import write_registers
    from scheduler.records.timetable import read_plan

    plan = read_plan(folder / TIMETABLE)
    write_registers(plan, folder / REGISTERS)
    return len(plan.groups)


def zip_files(files: list[Path], target: Path, base: Path) -> Path:
    """Zip ``files`` (names relative to ``base``) into ``target`` through a temporary file
    renamed into place, so that a download never sees half an archive."""
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.relative_to(base).as_posix())
    os.replace(partial, target)
    return target


# ---------------------------------------------------------------------------------------------
# compare
# ---------------------------------------------------------------------------------------------


def compare(folder: Path, params: dict[str, Any], report: Report) -> dict[str, Any]:
    """Solve the workbook as it is and the chosen scenarios; write the comparison workbook
    and a zip of it with every timetable."""
    from scheduler.whatif.compare import Term, sweep, write_comparison
    from scheduler.whatif.scenarios import build_scenarios
    from scheduler.workbook.validate import read_workbook

    data = read_workbook(folder / WORKBOOK)
    try:
        scenarios = build_scenarios(data, params["scenarios"])
    except WorkbookError as exc:
        return {"outcome": "bad_scenarios", "problems": problem_rows(exc.problems)}
    term = Term(TERM_LABEL, data.replace(scenarios=()), tuple(scenarios))
    out_dir = folder / COMPARISON_DIR
    out_dir.mkdir(exist_ok=True)

    def progress(done: int, total: int, outcome) -> None:
        report({"done": done, "total": total, "scenario": outcome.scenario})

    reproducible = bool(params.get("reproducible", False))

    # One solve at a time inside this process: the server's queue already decides how many
    # jobs share the machine, and a thread is stopped with the process on cancel.
    with ThreadPoolExecutor(max_workers=1) as pool:
        outcomes = sweep(
            [term],
            pool,
            out_dir,
            time_limit=params["time_limit"],
            workers=params["workers"],
            reproducible=reproducible,
            progress=progress,
        )
    from scheduler.console import mode_text
    from scheduler.i18n import _

    # The title in the workbook's language, as ``scheduler compare`` writes it.
    what = _("What-if scenarios: {what}", what=data.settings.prison)
    title = f"{what}. {_('Mode:')} {mode_text(reproducible)}"
    comparison = write_comparison(
        outcomes, out_dir / COMPARISON, title, {TERM_LABEL: data.settings.prison}
    )
    files = [comparison] + [o.timetable for o in outcomes if o.timetable is not None]
    zip_files(files, folder / COMPARISON_ZIP, out_dir)
    mode = "reproducible" if reproducible else "wall-clock"
    return {"outcome": "comparison", "mode": mode, "rows": _summary_rows(outcomes)}


def _summary_rows(outcomes) -> list[dict[str, Any]]:
    """The Summary sheet's rows as plain data: placements, their difference to base, moves."""
    from scheduler.whatif.compare import COURSES_PLACED, LEARNERS_PLACED
    from scheduler.whatif.scenarios import BASE

    base = next((o for o in outcomes if o.scenario == BASE), None)

    def delta(o, label: str) -> int | None:
        value, ref = o.figure(label), base.figure(label) if base else None
        if o.scenario == BASE or value is None or ref is None:
            return None
        return int(value - ref)

    return [
        {
            "scenario": o.scenario,
            "status": o.status,
            "learners_placed": o.figure(LEARNERS_PLACED),
            "learners_delta": delta(o, LEARNERS_PLACED),
            "courses_placed": o.figure(COURSES_PLACED),
            "courses_delta": delta(o, COURSES_PLACED),
            "moved": o.moved if o.scenario != BASE else None,
            "gap": o.result.gap if o.result is not None and o.result.solution else None,
            "changes": list(o.changes),
            "note": o.note,
        }
        for o in outcomes
    ]


# ---------------------------------------------------------------------------------------------
# replan
# ---------------------------------------------------------------------------------------------


def replan(folder: Path, params: dict[str, Any], report: Report) -> dict[str, Any]:
    """Re-plan the uploaded timetable in use from ``params["date"]``, as ``scheduler replan``
    does (the same library call, verified, written with its Changes sheet). A timetable that
    cannot be read, one of another term or a date it cannot start on is one sentence.

    Progress, as the solve screen has it: the phase (reading, building, searching with the
    places of the best timetable so far, verifying, writing) goes to ``report``."""
    import datetime as dt

    from scheduler.pipeline import write
    from scheduler.replan.run import replan as run_replan
    from scheduler.report.read import read_timetable, same_term
    from scheduler.workbook.validate import read_workbook

    report({"phase": "reading"})
    data = read_workbook(folder / WORKBOOK)
    shown = str(params.get("current_name") or CURRENT)
    try:
        timetable = read_timetable(folder / CURRENT)
        same_term(timetable, data)
        done = run_replan(
            data,
            timetable,
            dt.date.fromisoformat(params["date"]),
            bool(params.get("allow_moves")),
            params["time_limit"],
            0,
            params["workers"],
            progress=report,
        )
    except WorkbookError as exc:
        first = exc.problems[0].message if exc.problems else str(exc)
        return {"outcome": "refused", "message": f"{shown}: {first}"}
    except (SchedulerError, MemoryError) as exc:
        text = str(exc).replace(str(folder / CURRENT), shown).replace(CURRENT, shown)
        return {"outcome": "refused", "message": text or type(exc).__name__}
    if done.verified is None or done.revision is None:
        return {
            "outcome": "infeasible" if done.status == "infeasible" else "none",
            "status": done.status,
            "conflicts": list(done.conflicts),
        }
    if done.verified.violations:
        details = [f"{c.rule}: {d}" for c in done.verified.checks for d in c.details]
        return {"outcome": "verify_failed", "details": details[:50]}
    report({"phase": "writing"})
    write(done.verified, folder / REPLANNED, revision=done.revision)
    changes = [list(row) for row in done.revision.changes]
    return {
        "outcome": "replanned",
        "changes": changes[:CHANGES_SHOWN],
        "changes_total": len(changes),
        "counts": [[label, COUNT_KEYS.get(label), n] for label, n in done.revision.counts],
    }


ENTRY_POINTS: dict[str, Callable[[Path, dict[str, Any], Report], dict[str, Any]]] = {
    "check": check,
    "solve": solve,
    "compare": compare,
    "replan": replan,
}

__all__ = ["ENTRY_POINTS", "run"]
