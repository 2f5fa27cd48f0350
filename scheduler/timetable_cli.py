"""Commands that read a timetable back: ``scheduler check`` and ``scheduler explain``.

Registered in ``scheduler.cli``; heavy modules are imported inside the commands so that
``scheduler --help`` stays fast. Exit codes: 0 the answer, 2 bad input (nothing written), 3 a
rule is broken (``check``) or no answer in the time limit (``explain``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from scheduler.console import EXIT_BAD_INPUT, EXIT_NO_TIMETABLE, out_option, workers_option
from scheduler.errors import WorkbookError
from scheduler.i18n import _, _n

if TYPE_CHECKING:
    from scheduler.data import ProblemData
    from scheduler.report.read import Timetable

EXIT_BROKEN = EXIT_NO_TIMETABLE  # check: some rule is broken; explain/export: no answer


def load_timetable(path: Path, data: ProblemData | None = None) -> Timetable:
    """The timetable at ``path`` (of the term ``data`` when given); its warnings printed.
    Unreadable cells are printed one per line and exit 2."""
    from scheduler.console import bad_input, print_problems
    from scheduler.report.read import read_timetable, same_term

    if not path.exists():
        bad_input(
            _("{path} does not exist; give a timetable written by scheduler solve", path=path)
        )
    try:
        timetable = read_timetable(path)
    except WorkbookError as exc:
        print_problems(path.name, exc.problems)
        raise click.exceptions.Exit(EXIT_BAD_INPUT) from None
    if data is not None:
        same_term(timetable, data)
    print_problems(path.name, list(timetable.warnings))
    return timetable


@click.command()
@click.argument("term", type=click.Path(path_type=Path))
@click.argument("timetable", type=click.Path(path_type=Path))
def check(term: Path, timetable: Path) -> None:
    """Check a timetable (edited by hand or not) against every rule of the term.

    Prints every broken rule in plain words: which session, learners, room, staff member or
    regime row. Exit 0 when every rule holds, 3 when some rule is broken, 2 for bad input.

    \b
    Example:
      scheduler check instances/small.xlsx exports/small-timetable.xlsx
    """
    from scheduler.console import load_or_exit
    from scheduler.report.check import check_timetable

    data = load_or_exit(term)
    tt = load_timetable(timetable, data)
    findings = check_timetable(data, tt)
    if not findings:
        click.echo(_("{name}: every rule holds.", name=timetable.name))
        return
    total = sum(f.violations for f in findings)
    rules = _n("{n} rule", "{n} rules", len(findings))
    click.echo(
        _n(
            "{name}: {n} violation of {rules}:",
            "{name}: {n} violations of {rules}:",
            total,
            name=timetable.name,
            rules=rules,
        )
    )
    for f in findings:
        click.echo(f"- {f.description} ({f.rule}: {f.violations})")
        for detail in f.details:
            click.echo(f"    {detail}")
    raise click.exceptions.Exit(EXIT_BROKEN)


def run_export(timetable: Path, ics_dir: Path) -> None:
    """``scheduler export``: one calendar per staff member; no calendar at all is exit 3."""
    from scheduler.report.ics import export_ics

    tt = load_timetable(timetable)  # unreadable cells named, warnings shown
    written = export_ics(timetable, ics_dir, tt)
    if not written:
        click.echo(
            _(
                "No calendar written: {name} has no session or intake to export.",
                name=timetable.name,
            ),
            err=True,
        )
        raise click.exceptions.Exit(EXIT_BROKEN)
    click.echo(
        _n(
            "Wrote {n} calendar to {path}",
            "Wrote {n} calendars to {path}",
            len(written),
            path=ics_dir,
        )
    )
    for path in written:
        click.echo(f"  {path.name}")


@click.command()
@click.argument("term", type=click.Path(path_type=Path))
@click.argument("timetable", type=click.Path(path_type=Path))
@click.argument("learner")
@click.option(
    "--wants",
    type=click.Choice(["NT2", "MO", "intake", "internet"]),
    default=None,
    help="The request to explain (default: every request the learner waits for).",
)
@out_option("Write the closest timetable that gives the request (verified) to this file.")
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.5, max=86_400),
    default=30.0,
    show_default=True,
    help="Seconds for the whole answer.",
)
@workers_option(1, "Parallel search workers for the closest timetable.")
def explain(
    term: Path,
    timetable: Path,
    learner: str,
    wants: str | None,
    out: Path | None,
    time_limit: float,
    workers: int,
) -> None:
    """Why does LEARNER wait, and what would it take?

    If some valid timetable gives the learner what they asked, prints the one closest to
    TIMETABLE (fewest others losing a place, then fewest sessions moved) and what changes;
    with -o it is written, verified like any solve. If none does, prints a minimal set of
    input rows that together make it impossible (without any one of them, those rows no
    longer forbid it), as `Sheet, row N: ...`, or what the input lacks.

    Exit 0 with the answer either way, 2 for bad input, 3 when no answer was found in time.

    \b
    Example:
      scheduler explain instances/medium.xlsx exports/medium-timetable.xlsx L0042 --wants NT2
    """
    import time

    from scheduler.console import bad_input, load_or_exit
    from scheduler.explain.answer import answer, waiting_requests

    start = time.perf_counter()
    data = load_or_exit(term)
    tt = load_timetable(timetable, data)
    if learner not in data.learner_by_id:
        bad_input(
            _(
                "{name} has no learner {learner} on its Learners sheet",
                name=term.name,
                learner=learner,
            )
        )
    if out is not None:
        _refuse_output(out, (term, timetable))
    requests = [wants] if wants else waiting_requests(data, tt.solution, learner)
    if not requests:
        click.echo(
            _(
                "{learner} waits for nothing: the timetable gives them all they asked.",
                learner=learner,
            )
        )
        return
    if out is not None and len(requests) > 1:
        bad_input(
            _(
                "{learner} waits for {requests}; say which one to write with --wants",
                learner=learner,
                requests=", ".join(requests),
            )
        )
    unknown = False
    for i, kind in enumerate(requests):
        share = (time_limit - (time.perf_counter() - start)) / (len(requests) - i)
        found = answer(data, tt.solution, learner, kind, time.perf_counter() + share, workers)
        unknown |= found.verdict == "unknown"
        _print_answer(found)
        if out is not None and found.solution is not None:
            _write_repair(data, found, out)
    if unknown:
        raise click.exceptions.Exit(EXIT_BROKEN)


def _refuse_output(out: Path, inputs: tuple[Path, ...]) -> None:
    """Never write over an input or a file this program did not write (``scheduler.outputs``),
    nor into a name that is not a workbook's; checked before any solve."""
    from scheduler.outputs import check_folder, check_output

    if out.suffix.lower() != ".xlsx":
        raise click.UsageError(
            _("{path}: the timetable is an Excel workbook; end the name in .xlsx", path=out)
        )
    check_output(out, inputs=inputs)
    check_folder(out.parent)


def _print_answer(found) -> None:
    """The answer in the coordinator's language (request kinds are the contract's codes)."""
    who, kind = found.learner, found.kind
    if found.verdict == "has it":
        click.echo(_("{who} already has {kind} in this timetable.", who=who, kind=kind))
    elif found.verdict == "possible":
        click.echo(
            _(
                "{who} can get {kind}. The closest valid timetable ({summary}) changes this:",
                who=who,
                kind=kind,
                summary=found.summary,
            )
        )
        for line in found.changes or [_("nothing else")]:
            click.echo(f"  {line}")
    elif found.verdict == "impossible":
        if found.keys:
            click.echo(
                _(
                    "{who} cannot get {kind} in any valid timetable. These input rows together"
                    " make it impossible, and each of them is needed for that:",
                    who=who,
                    kind=kind,
                )
            )
        else:
            click.echo(_("{who} cannot get {kind} in any valid timetable:", who=who, kind=kind))
        for line in found.rows:
            click.echo(f"  {line}")
    else:
        click.echo(
            _(
                "{who}, {kind}: no answer within the time limit; try a longer --time-limit.",
                who=who,
                kind=kind,
            )
        )
    if found.note:
        click.echo(f"  ({found.note})")


def _write_repair(data: ProblemData, found, out: Path) -> None:
    """Write the repaired timetable through the pipeline: verified first, like any solve."""
    from scheduler.pipeline import verify_result, write
    from scheduler.solution import Result, SolveStatus

    verified = verify_result(data, Result(status=SolveStatus.FEASIBLE, solution=found.solution))
    assert verified is not None
    write(verified, out)
    click.echo(_("Wrote the timetable to {path}", path=out))
