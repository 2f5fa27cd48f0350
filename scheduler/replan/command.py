"""``scheduler replan``: the command line of a re-plan (registered in scheduler.cli)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import click

from scheduler.console import (
    EXIT_BAD_INPUT,
    EXIT_BUG,
    EXIT_NO_TIMETABLE,
    out_option,
    workers_option,
)


def default_output(term: Path, date: dt.date) -> Path:
    return Path("exports") / f"{term.stem}-replan-{date.isoformat()}-timetable.xlsx"


@click.command()
@click.argument("term", type=click.Path(path_type=Path))
@click.option(
    "--current",
    "current",
    required=True,
    type=click.Path(path_type=Path),
    help="The timetable in use (written by solve or an earlier replan).",
)
@click.option(
    "--from",
    "date",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="First date the new timetable applies (YYYY-MM-DD), inside the term.",
)
@out_option("Where to write (default exports/<term>-replan-<DATE>-timetable.xlsx).")
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.5),
    default=10.0,
    show_default=True,
    help="Seconds of search (deterministic, reproducible).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Random seed of the search.",
)
@workers_option(1, "Parallel search workers.")
@click.option("--allow-moves", is_flag=True,
              help="Continuing learners may change group of the same course, and sessions may "
              "move, when that places more learners (at the moved_* costs).")  # fmt: skip
@click.option("--db", default=None,
              help="Records database (URL): hours attended before DATE, from the recorded "
              "registers, replace the planned ones.")  # fmt: skip
def replan(
    term: Path,
    current: Path,
    date: dt.datetime,
    out: Path | None,
    time_limit: float,
    seed: int,
    workers: int,
    allow_moves: bool,
    db: str | None,
) -> None:
    """Re-plan the timetable in use from a date: keep it, fit the new arrivals, say what changed.

    Continuing learners keep their group, groups keep their staff and every still-valid
    session; arrivals and waiting learners take free seats, then new groups. Writes the same
    sheets as solve plus Changes. Exit 0 written, 2 bad input, 3 no valid timetable.
    With --db the hours attended before DATE (registers recorded by scheduler record)
    count toward completion instead of the planned ones.

    \b
    Example:
      scheduler replan instances/small.xlsx --current exports/small-timetable.xlsx \\
          --from 2027-02-15
    """
    from scheduler.console import bad_input, load_or_exit
    from scheduler.errors import SchedulerError
    from scheduler.i18n import _
    from scheduler.pipeline import RuleBroken, write
    from scheduler.replan.attended import read_attended
    from scheduler.replan.run import replan as run
    from scheduler.timetable_cli import load_timetable

    day = date.date()
    out = out or default_output(term, day)
    for path in (term, current):
        if out.exists() and path.exists() and out.resolve() == path.resolve():
            bad_input(_("{path} is an input; choose another output name", path=out))
    data = load_or_exit(term)
    try:
        timetable = load_timetable(current, data)
        attended = None if db is None else read_attended(db, data, day)
        history = None if attended is None else attended.credit
        done = run(data, timetable, day, allow_moves, time_limit, seed, workers, history)
    except SchedulerError as exc:
        bad_input(str(exc))
    if done.verified is None or done.revision is None:
        if done.status == "infeasible":
            click.echo(_("No re-plan keeps every continuing learner's place. These together "
                         "make it impossible (drop any one and it becomes "
                         "possible):"), err=True)  # fmt: skip
            for line in done.conflicts:
                click.echo(f"  - {line}", err=True)
        else:
            limit = f"{time_limit:g}"  # formatted outside the message (the extractor)
            click.echo(_("No re-plan found within {limit} s; try a longer --time-limit.",
                         limit=limit), err=True)  # fmt: skip
        raise click.exceptions.Exit(EXIT_NO_TIMETABLE)
    if attended is not None:  # the Overview says where the hours so far came from
        counts = done.revision.counts + attended.counts()
        done.revision = dataclasses.replace(done.revision, counts=counts)
    try:
        write(done.verified, out, revision=done.revision)
    except RuleBroken as exc:
        click.echo(_("{error}; this is a bug in scheduler, please report it:", error=exc),
                   err=True)  # fmt: skip
        for check in exc.checks:
            for detail in check.details:
                click.echo(f"  {check.rule}: {detail}", err=True)
        raise click.exceptions.Exit(EXIT_BUG) from None
    for label, n in done.revision.counts:
        click.echo(f"{_(label)}: {n}")  # the labels are catalogue keys (replan/changes.py)
    click.echo(_("Wrote the re-planned timetable to {path}", path=out))


__all__ = ["EXIT_BAD_INPUT", "replan"]
