"""``scheduler papers``: guards' movement lists and learners' call-up slips from a timetable.

Registered in ``scheduler.cli``. Exit 0 when the papers are written, 2 for bad input (nothing
written).
"""

from __future__ import annotations

from pathlib import Path

import click

from scheduler.i18n import _


def papers_output(timetable: Path) -> Path:
    """``exports/<stem>-papers.xlsx``, ``-timetable`` dropped from the stem."""
    stem = timetable.stem.removesuffix("-timetable")
    return Path("exports") / f"{stem}-papers.xlsx"


@click.command()
@click.argument("timetable", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the papers (default: exports/<name>-papers.xlsx).",
)
def papers(timetable: Path, out: Path | None) -> None:
    """Print-ready papers: movement lists per wing for the guards, call-up slips per learner.

    Movements: per wing and period, which learners leave for which room, for which session and
    how they are escorted. Slips: each learner's times and rooms in their own language (Dutch,
    French, English or Arabic; others get Dutch and English). Both print on A4.

    \b
    Example:
      scheduler papers exports/small-timetable.xlsx
    """
    from scheduler.console import bad_input
    from scheduler.excel import save_atomic
    from scheduler.report.papers import build_papers
    from scheduler.timetable_cli import load_timetable

    out = out or papers_output(timetable)
    if out.exists() and out.resolve() == timetable.resolve():
        bad_input(_("{path} is the timetable; choose another output name", path=out))
    if out.suffix.lower() != ".xlsx":
        bad_input(_("{path}: the papers are an Excel workbook; end the name in .xlsx", path=out))
    tt = load_timetable(timetable)
    save_atomic(build_papers(tt), out)
    click.echo(_("Wrote the movement lists and call-up slips to {path}", path=out))
