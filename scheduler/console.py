"""What every command shares on the console: exit codes, problems printed one per line, a
workbook read or the command stopped with exit 2.

Command modules (``scheduler.cli`` and those it registers) import from here, never from each
other, so that no import cycle runs through the command line.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from scheduler.data import ProblemData
from scheduler.errors import Problem, UnreadableFileError
from scheduler.i18n import _, _n

F = TypeVar("F", bound=Callable[..., Any])

EXIT_BUG = 1
EXIT_BAD_INPUT = 2
EXIT_NO_TIMETABLE = 3


def debug_enabled() -> bool:
    """``SCHEDULER_DEBUG=1`` shows tracebacks instead of one sentence."""
    return os.environ.get("SCHEDULER_DEBUG", "") not in ("", "0")


def print_problems(name: str, problems: list[Problem], err: bool = True) -> None:
    """Errors, then warnings, one per line: ``sheet, row R, column C: message``. On stderr
    unless ``err`` is False (for ``validate`` the problems are the report itself)."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    for group, heading in (
        (
            errors,
            _n(
                "{name}: {n} error to correct:",
                "{name}: {n} errors to correct:",
                len(errors),
                name=name,
            ),
        ),
        (
            warnings,
            _n(
                "{name}: {n} warning (legal, but check):",
                "{name}: {n} warnings (legal, but check):",
                len(warnings),
                name=name,
            ),
        ),
    ):
        if group:
            click.echo(heading, err=err)
            for p in group:
                click.echo(f"{p.where()}: {p.message}", err=err)


def bad_input(message: str) -> NoReturn:
    """Print ``message`` and stop with the bad-input exit code."""
    click.echo(_("Error: {message}", message=message), err=True)
    raise click.exceptions.Exit(EXIT_BAD_INPUT)


def check_or_exit(path: Path, err: bool = True) -> tuple[ProblemData, list[Problem]]:
    """The valid data in ``path`` and its warnings; on any error print every problem and
    exit 2. An unexpected failure while reading is reported as one sentence, also exit 2."""
    from scheduler.workbook.validate import check_workbook

    try:
        data, problems = check_workbook(path)
    except UnreadableFileError as exc:
        bad_input(str(exc))
    except Exception as exc:
        if debug_enabled():
            raise
        bad_input(
            _(
                "{path} could not be read ({kind}: {message}); this is a bug in scheduler, "
                "please report it with the workbook",
                path=path,
                kind=type(exc).__name__,
                message=exc,
            )
        )
    if data is None:
        print_problems(path.name, problems, err)
        raise click.exceptions.Exit(EXIT_BAD_INPUT)
    return data, problems


def load_or_exit(path: str | os.PathLike) -> ProblemData:
    """The valid term in ``path``; warnings are printed, errors printed and exit 2."""
    path = Path(path)
    data, problems = check_or_exit(path)
    print_problems(path.name, problems)
    return data


def workers_option(default: int, help: str) -> Callable[[F], F]:
    """``--workers``: parallel search workers, 1 to 64 (a solve caps them at the cores)."""
    return click.option(
        "--workers",
        type=click.IntRange(min=1, max=64),
        default=default,
        show_default=True,
        help=help,
    )


def out_option(help: str) -> Callable[[F], F]:
    """``-o/--out``: the file a command writes (a file, never a folder)."""
    return click.option(
        "-o",
        "--out",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=help,
    )


def mode_text(reproducible: bool) -> str:
    """Which mode a solve runs in, in words (after ``Mode:``); the solve summary, compare and
    the web page's comparison title say it the same way."""
    if reproducible:
        return _(
            "reproducible (deterministic time limit: the same workbook, seed and workers give "
            "this timetable again; it may take longer than the limit)"
        )
    return _("wall-clock (the limit is the time to the written timetable)")
