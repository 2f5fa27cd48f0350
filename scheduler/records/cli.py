"""The ``registers``, ``record`` and ``report`` commands (registered in ``scheduler.cli``).

Exit codes as everywhere: 0 done, 2 bad input (nothing written, nothing stored).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from scheduler.console import EXIT_BAD_INPUT, out_option
from scheduler.errors import SchedulerError

if TYPE_CHECKING:  # for annotations only: the commands load what they need when they run
    from openpyxl.worksheet.worksheet import Worksheet

    from scheduler.data import ProblemData

# The attendance block on the Overview starts here, right of the key figures and their chart.
OVERVIEW_COLUMN = 12
DATE = click.DateTime(formats=["%Y-%m-%d"])
DB_HELP = (
    "Database URL: sqlite:///PATH or postgresql://USER@HOST/DB (default: $SCHEDULER_DB, "
    "else sqlite:///records/records.sqlite)."
)


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


@click.command()
@click.argument("timetable", type=click.Path(dir_okay=False, path_type=Path))
@out_option("Where to write the registers (default: exports/<name>-registers.xlsx).")
@click.option(
    "--from",
    "first",
    type=DATE,
    default=None,
    help="First date (YYYY-MM-DD; default: the term start).",
)
@click.option(
    "--to", "last", type=DATE, default=None, help="Last date (default: four weeks from --from)."
)
@click.option("--force", is_flag=True,
              help="Replace OUT if it exists (it may be a register already filled "
                   "in).")  # fmt: skip
def registers(
    timetable: Path,
    out: Path | None,
    first: dt.datetime | None,
    last: dt.datetime | None,
    force: bool,
) -> None:
    """Print attendance registers: one sheet per group, its session dates as columns.

    Reads only the timetable workbook. Each sheet is A4 landscape with at most 20 dates a
    page; only the attendance cells and the held row can be edited.

    \b
    Example:
      scheduler registers exports/medium-timetable.xlsx --from 2027-01-11
    """
    from scheduler.records.registers import default_output, write_registers
    from scheduler.records.timetable import read_plan

    if not timetable.is_file():
        raise SchedulerError(
            f"{timetable} does not exist; give a timetable written by scheduler solve"
        )
    out = out or default_output(timetable)
    _check_output(out, [timetable], force, "it may be a register already filled in")
    start = _day(first)
    plan = read_plan(
        timetable, start, _day(last) or (start + dt.timedelta(days=27) if start else None)
    )
    write_registers(plan, out)
    shown = [g for g in plan.groups if plan.sessions_of(g.group) and plan.learner_ids_of(g.group)]
    dates = {s.date for s in plan.sessions if not s.cause}
    click.echo(
        f"Registers of {len(shown)} group(s), {len(dates)} teaching date(s) from {plan.first} "
        f"to {plan.last}, {len(plan.intakes)} intake(s)"
    )
    click.echo(f"Wrote the registers to {out}")


@click.command()
@click.argument(
    "registers", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option("--db", default=None, help=DB_HELP)
@click.option("--pseudonymise", "key_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Store learner ids as HMAC-SHA256 with the key in this "
                                 "file.")  # fmt: skip
def record(registers: tuple[Path, ...], db: str | None, key_file: Path | None) -> None:
    """Store filled registers in the records database (all or nothing).

    Every cell is checked first; any problem is reported with its sheet and cell and nothing
    is stored. Recording a register again replaces what it stored before.

    \b
    Example:
      scheduler record exports/medium-registers.xlsx
      scheduler record week*.xlsx --db postgresql://agency@db.example/records
    """
    from scheduler.records.db import connect, shown
    from scheduler.records.read import RecordError, read_registers
    from scheduler.records.store import read_key
    from scheduler.records.store import record as store

    key = read_key(key_file) if key_file else None
    try:
        filled = read_registers(registers)
        engine = connect(db)
        try:
            done = store(engine, filled, key)
        finally:
            engine.dispose()
    except RecordError as exc:
        _print_problems(exc.problems)
        raise click.exceptions.Exit(EXIT_BAD_INPUT) from exc
    for r in done:
        click.echo(
            f"Recorded {r.path.name}: {r.groups} group(s), {r.sessions} session(s), "
            f"{r.marks} attendance code(s), {r.intakes} intake(s)"
        )
    click.echo(f"Database: {shown(str(engine.url))}")


def _check_output(out: Path, inputs: list[Path], force: bool, why: str) -> None:
    """``out`` may be written: never an input, a folder that takes files, and an existing file
    only with --force unless it is a report this program wrote (``scheduler.outputs``)."""
    from scheduler.outputs import OutputError, check_folder, check_output, written_by_us

    try:
        check_output(out, True, inputs)
        check_folder(out.parent)
    except OutputError as exc:
        raise SchedulerError(str(exc)) from exc
    if out.exists() and not force and written_by_us(out) != "reach":
        raise SchedulerError(
            f"{out} already exists ({why}); choose another name, or add --force to replace it"
        )


def _print_problems(problems: dict[str, list[str]]) -> None:
    for path, lines in problems.items():
        click.echo(f"{path}: {len(lines)} problem(s) to correct; nothing was recorded:", err=True)
        for line in lines:
            click.echo(line, err=True)


@click.command()
@click.option("--db", default=None, help=DB_HELP)
@click.option("--year", type=click.IntRange(1900, 2999), default=None, help="A calendar year.")
@click.option("--from", "first", type=DATE, default=None, help="First date (with --to).")
@click.option("--to", "last", type=DATE, default=None, help="Last date (with --from).")
@click.option("--prison", default=None, help="Only this prison (default: every prison).")
@out_option("Where to write the report (default: exports/reach-<period>.xlsx).")
@click.option(
    "--suppress-below",
    type=click.IntRange(min=1),
    default=None,
    help="Leave every count under N blank (for publication).",
)
@click.option("--force", is_flag=True, help="Replace OUT even when scheduler did not write "
                                            "it.")  # fmt: skip
def report(
    db: str | None,
    year: int | None,
    first: dt.datetime | None,
    last: dt.datetime | None,
    prison: str | None,
    out: Path | None,
    suppress_below: int | None,
    force: bool,
) -> None:
    """Report reach: learners reached, started, completed, per prison, kind and level.

    Sheets Reach, Months, Delivery (sessions planned vs held, causes, absences) and Queries
    (one SQL query per figure), computed from the records database.

    \b
    Example:
      scheduler report --year 2027
      scheduler report --from 2027-01-01 --to 2027-06-30 --suppress-below 5
    """
    from scheduler.records.db import connect
    from scheduler.records.report import default_output, period_of, write_report

    if (year is None) == (first is None and last is None) or (
        year is None and None in (first, last)
    ):
        raise click.UsageError("give --year YYYY, or both --from DATE and --to DATE")
    start, end = period_of(year, _day(first), _day(last))
    if start > end:
        raise SchedulerError(f"--from {start} is after --to {end}")
    out = out or default_output(start, end)
    _check_output(out, [], force, "it was not written by scheduler report")
    engine = connect(db)
    try:
        path, reach = write_report(engine, start, end, out, prison, suppress_below)
    finally:
        engine.dispose()
    figures = reach[reach["kind"] != "intake"]
    click.echo(
        f"{start} – {end}: {int(figures['started'].sum())} learner-course(s) started, "
        f"{int(figures['sessions_attended'].sum())} sessions attended, "
        f"{figures['hours_attended'].sum():g} hours, {int(figures['completed'].sum())} completed"
    )
    click.echo(f"Wrote the report to {path}")


COMMANDS = (registers, record, report)


def records_overview(db: str, data: ProblemData) -> Callable[[Worksheet], None]:
    """For ``scheduler solve --db``: read the attendance recorded for the term of ``data``
    (before solving, so a bad database stops the command early) and return what adds it to
    the timetable's Overview, beside the key figures."""
    from scheduler.records.db import connect
    from scheduler.records.progress import progress, write_block

    engine = connect(db)
    try:
        prog = progress(engine, data)
    finally:
        engine.dispose()
    return lambda ws: write_block(ws, prog, col=OVERVIEW_COLUMN)
