"""Commands that read a timetable back: ``scheduler check`` and ``scheduler explain``.

Registered in ``scheduler.cli``; heavy modules are imported inside the commands so that
``scheduler --help`` stays fast. Exit codes: 0 the answer, 2 bad input (nothing written), 3 a
rule is broken (``check``) or no answer in the time limit (``explain``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from scheduler.errors import WorkbookError

if TYPE_CHECKING:
    from scheduler.data import ProblemData
    from scheduler.report.read import Timetable

EXIT_BAD_INPUT = 2
EXIT_BROKEN = 3


def load_timetable(path: Path, data: ProblemData | None = None) -> Timetable:
    """The timetable at ``path`` (of the term ``data`` when given); its warnings printed.
    Unreadable cells are printed one per line and exit 2."""
    from scheduler.cli import bad_input, print_problems
    from scheduler.report.read import read_timetable, same_term

    if not path.exists():
        bad_input(f"{path} does not exist; give a timetable written by scheduler solve")
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
    from scheduler.cli import load_or_exit
    from scheduler.report.check import check_timetable

    data = load_or_exit(term)
    tt = load_timetable(timetable, data)
    findings = check_timetable(data, tt)
    if not findings:
        click.echo(f"{timetable.name}: every rule holds.")
        return
    total = sum(f.violations for f in findings)
    click.echo(f"{timetable.name}: {total} broken rule{'s' if total != 1 else ''}:")
    for f in findings:
        click.echo(f"- {f.description} ({f.rule}: {f.violations})")
        for detail in f.details:
            click.echo(f"    {detail}")
    raise click.exceptions.Exit(EXIT_BROKEN)


def run_export(timetable: Path, ics_dir: Path) -> None:
    """``scheduler export``: one calendar per staff member; no calendar at all is exit 3."""
    from scheduler.cli import _plural
    from scheduler.report.ics import export_ics

    tt = load_timetable(timetable)  # unreadable cells named, warnings shown
    written = export_ics(timetable, ics_dir, tt)
    if not written:
        click.echo(
            f"No calendar written: {timetable.name} has no session or intake to export.", err=True
        )
        raise click.exceptions.Exit(EXIT_BROKEN)
    click.echo(f"Wrote {_plural(len(written), 'calendar')} to {ics_dir}")
    for path in written:
        click.echo(f"  {path.name}")
