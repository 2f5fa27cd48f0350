"""The ``scheduler`` command: a thin click layer over the library.

Only this module turns errors into exit codes: 0 done, 2 bad input (nothing written), 3 no
timetable (used by ``solve``). ``Main`` catches whatever a command lets through, so the user
never sees a traceback: input errors become their message and exit 2, anything unexpected one
sentence asking for a bug report (``SCHEDULER_DEBUG=1`` shows the traceback instead).

To add a command: decorate a function with ``@main.command()``, give it a docstring whose
first line is the help and which shows an example, read the workbook with ``load_or_exit``
and import heavy modules inside the function so that ``scheduler --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from scheduler import __version__
from scheduler.console import (
    EXIT_BAD_INPUT,
    EXIT_BUG,
    EXIT_NO_TIMETABLE,
    bad_input,
    check_or_exit,
    debug_enabled,
    load_or_exit,
    mode_text,
    out_option,
    print_problems,
    workers_option,
)
from scheduler.data import ROOM_KINDS, STAFF_ROLES, ProblemData
from scheduler.errors import SchedulerError, WorkbookError
from scheduler.i18n import LANGUAGES, N_, _, _n, language, set_language
from scheduler.rules import needs_intake, plural

if TYPE_CHECKING:  # imported for annotations only: the commands load them when they run
    from scheduler.pipeline import Verified
    from scheduler.whatif.compare import Outcome, Term
    from scheduler.whatif.scenarios import Scenario

PROFILES = ("small", "medium", "large", "haren", "lab")


def _refuse_overwrite(path: Path, force: bool) -> None:
    """A filled-in term workbook must never be lost to a mistyped command."""
    if path.exists() and not force:
        raise click.UsageError(
            _("{path} already exists; choose another name or add --force", path=path)
        )


def _command_age() -> float:
    """Seconds since the ``scheduler`` process started, or 0 inside another program."""
    program = Path(sys.argv[0])
    if "scheduler" not in (program.stem, program.parent.name):  # scheduler, python -m scheduler
        return 0.0
    from scheduler.search.params import process_age

    return process_age()


class _Seconds(click.ParamType):
    """A time limit: a finite number of seconds inside the range of ``scheduler.rules``
    (``nan``, ``inf`` and negative numbers are refused here, not deep inside the solver)."""

    name = "seconds"

    def convert(self, value, param, ctx) -> float:
        from scheduler.rules import RANGES

        bounds = RANGES[("Settings", "time_limit_s")]
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds; for example {bounds.example}")
        if not bounds.holds(seconds):
            self.fail(bounds.message("the time limit", value).replace("got ", "got ", 1))
        return seconds


SECONDS = _Seconds()
SEED = click.IntRange(0, 2**31 - 1)  # CP-SAT's seed is an int32 (scheduler.rules.RANGES)


class Main(click.Group):
    """The command group; turns anything a command raises into a message and an exit code."""

    def invoke(self, ctx: click.Context):
        # A solve's wall-clock limit counts from the start of the command: of the process when
        # it is the ``scheduler`` command, else (a test's CliRunner) from here.
        ctx.meta.setdefault("started", time.perf_counter() - _command_age())
        from scheduler.interrupt import Interrupted, handling, raised, signal_name

        try:
            with handling():
                try:
                    return super().invoke(ctx)
                except Exception as exc:
                    # A signal that landed inside C code (an import, a solver) may come out
                    # as another exception: it is still the interruption, not a bug.
                    if (signum := raised()) is not None:
                        raise Interrupted(signum) from exc
                    raise
        except Interrupted as exc:
            click.echo(
                _(
                    "Stopped by {signal}: nothing more was written.",
                    signal=signal_name(exc.signum),
                ),
                err=True,
            )
            ctx.exit(exc.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (``| head``): click's main() quiets the streams and exits.
            raise
        except WorkbookError as exc:
            print_problems(_("The workbook"), exc.problems)
            ctx.exit(EXIT_BAD_INPUT)
        except SchedulerError as exc:
            click.echo(_("Error: {message}", message=exc), err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except Exception as exc:
            if debug_enabled():
                raise
            click.echo(
                _(
                    "Error: unexpected {kind}: {message}. This is a bug in scheduler; please "
                    "report it (run again with SCHEDULER_DEBUG=1 for the details).",
                    kind=type(exc).__name__,
                    message=exc,
                ),
                err=True,
            )
            ctx.exit(EXIT_BUG)


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="scheduler")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of messages and workbooks (default: SCHEDULER_LANG, else the workbook's "
    "Settings language, else nl).",
)
def main(lang: str | None) -> None:
    """Timetables for prison education: NT2 groups, civic orientation (MO), intakes and
    supervised internet, from one Excel workbook per term.

    \b
    Start with:
      scheduler template term.xlsx        # a blank workbook to fill in
      scheduler validate term.xlsx        # check it, see what is missing
    """
    set_language(lang)


# ---------------------------------------------------------------------------------------------
# validate
# ---------------------------------------------------------------------------------------------


def _counts(values: Iterable[str], order: Iterable[str]) -> str:
    """``2 classroom, 1 interview`` in vocabulary order, zero counts left out."""
    counted = Counter(values)
    return ", ".join(f"{counted[v]} {v}" for v in order if counted[v])


def _wanting(data: ProblemData, kind: str) -> int:
    return sum(kind in lrn.wants for lrn in data.learners)


# The labels of the summaries, padded to the longest in the language so that values line up.
LABELS = (
    N_("Prison:"),
    N_("Term:"),
    N_("Sections:"),
    N_("Rooms:"),
    N_("Staff:"),
    N_("Courses:"),
    N_("Learners:"),
    N_("Status:"),
    N_("Objective:"),
    N_("Time:"),
    N_("Mode:"),
    N_("Groups:"),
    N_("Intakes:"),
    N_("Internet:"),
    N_("Verifier:"),
    N_("Warning:"),
)


def _label(text: str) -> str:
    """A summary line's label (already translated), padded so that the values line up."""
    return text.ljust(max(10, *(len(_(label)) for label in LABELS)) + 1)


def summary_lines(data: ProblemData) -> list[str]:
    """What a coordinator checks at a glance: the term, what is there, and what is asked."""
    from scheduler.workbook.languages import name as language_name
    from scheduler.workbook.validate import demand

    s = data.settings
    weeks = (s.term_end - s.term_start).days // 7 + 1
    learners = data.learners
    internet = [lrn.internet_periods for lrn in learners if lrn.internet_periods > 0]
    term = _(
        "{start} to {end} ({weeks}; {days}; {periods} a day; {closed})",
        start=s.term_start,
        end=s.term_end,
        weeks=_n("{n} week", "{n} weeks", weeks),
        days=",".join(data.teaching_days),
        periods=_n("{n} period", "{n} periods", len(data.periods)),
        closed=_n("{n} closed day", "{n} closed days", len(data.closed_days)),
    )
    lines = [
        _label(_("Prison:")) + s.prison,
        _label(_("Term:")) + term,
        _label(_("Sections:")) + str(len(data.sections)),
        _label(_("Rooms:"))
        + f"{len(data.rooms)} ({_counts((r.kind for r in data.rooms), ROOM_KINDS)})",
        _label(_("Staff:"))
        + f"{len(data.staff)} ({_counts((m.role for m in data.staff), STAFF_ROLES)})",
        _label(_("Courses:")) + str(len(data.courses)),
        _label(_("Learners:"))
        + _(
            "{count} ({nt2} want NT2, {mo} want MO)",
            count=len(learners),
            nt2=_wanting(data, "NT2"),
            mo=_wanting(data, "MO"),
        ),
        _("Demand per course (learners who fit it):"),
    ]
    wanted = demand(data)
    width = max((len(c.course) for c in data.courses), default=0)
    for c in data.courses:
        what = (
            _("NT2 level {level}", level=c.level)
            if c.kind == "NT2"
            else _("MO in {language}", language=language_name(c.language, language()))
        )
        lines.append(f"  {c.course:<{width}}  {what:<16} {wanted[c.course]:>5}")
    intakes = sum(needs_intake(lrn) for lrn in learners)
    lines.append(_("Intakes needed: {learners}", learners=_learners(intakes)))
    lines.append(
        _(
            "Internet periods asked: {periods} a week by {learners}",
            periods=sum(internet),
            learners=_learners(len(internet)),
        )
    )
    return lines


def _learners(n: int) -> str:
    return _n("{n} learner", "{n} learners", n)


@main.command()
@click.argument("workbook", type=click.Path(path_type=Path))
def validate(workbook: Path) -> None:
    """Check a term workbook and print a summary, or every problem.

    Exit 0 when the workbook is valid (warnings are shown but allowed), 2 when it is not;
    each problem names its sheet, row and column and says what to do.

    \b
    Example:
      scheduler validate instances/small.xlsx
    """
    data, problems = check_or_exit(workbook, err=False)
    if problems:
        click.echo(
            _n(
                "{name} is valid, with {n} warning (below).",
                "{name} is valid, with {n} warnings (below).",
                len(problems),
                name=workbook.name,
            )
        )
    else:
        click.echo(_("{name} is valid.", name=workbook.name))
    for line in summary_lines(data):
        click.echo(line)
    print_problems(workbook.name, problems, err=False)


# ---------------------------------------------------------------------------------------------
# template and example
# ---------------------------------------------------------------------------------------------


@main.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
def template(out: Path, force: bool) -> None:
    """Write a blank term workbook to fill in.

    Every sheet and column of the contract, with dropdowns and an About sheet that explains
    each column.

    \b
    Example:
      scheduler template term.xlsx
    """
    from scheduler.workbook.template import write_template

    _refuse_overwrite(out, force)
    write_template(out)
    click.echo(
        _(
            "Wrote a blank term workbook to {path}; fill it in, then run: scheduler validate "
            "{path}",
            path=out,
        )
    )


@main.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--profile",
    type=click.Choice((*PROFILES, "odd", "xl")),  # odd and xl vary the shape and the size
    default="small",
    show_default=True,
    help="Size of the prison.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Random seed; same seed, same term.",
)
@click.option(
    "--learners",
    type=click.IntRange(min=1),
    default=None,
    help="Number of learners (default: the profile's).",
)
@click.option("--no-internet", is_flag=True, help="No internet windows, seats or sessions.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
def example(
    out: Path, profile: str, seed: int, learners: int | None, no_internet: bool, force: bool
) -> None:
    """Write a synthetic term for a prison of the chosen size.

    Realistic regimes, sections, contact bans, NT2 levels, MO languages, internet windows and
    closed days for a Flemish prison, to try the program or to test it.

    \b
    Example:
      scheduler example demo.xlsx --profile medium --seed 1
    """
    from scheduler.workbook.example import generate
    from scheduler.workbook.write import write_workbook

    _refuse_overwrite(out, force)
    data = generate(profile, seed, learners=learners, internet=not no_internet)
    write_workbook(data, out)
    click.echo(
        _(
            "Wrote a {profile} example term ({learners}, seed {seed}) to {path}",
            profile=profile,
            learners=_learners(len(data.learners)),
            seed=seed,
            path=out,
        )
    )


# ---------------------------------------------------------------------------------------------
# solve and export
# ---------------------------------------------------------------------------------------------

EXPORTS = Path("exports")


def default_output(workbook: Path, suffix: str = "timetable") -> Path:
    """``exports/<stem>-<suffix>.xlsx`` next to the current directory's exports folder."""
    from scheduler.outputs import short_name

    return EXPORTS / f"{short_name(f'{workbook.stem}-{suffix}')}.xlsx"


def _refuse_input_as_output(workbook: Path, out: Path) -> None:
    from scheduler.outputs import OutputError, check_output

    try:
        check_output(out, force=True, inputs=[workbook])
    except OutputError as exc:
        raise click.UsageError(str(exc)) from None
    if out.suffix.lower() != ".xlsx":
        raise click.UsageError(
            _("{path}: the timetable is an Excel workbook; end the name in .xlsx", path=out)
        )


def solve_params(
    data: ProblemData, time_limit: float | None, seed: int | None, workers: int,
    reproducible: bool, read_seconds: float,
):  # fmt: skip
    """The SolveParams of a ``solve`` command: the limit counted from the command's start,
    a reserve for the Waiting checks (their share of the limit, exports.md), verify and write
    (see ``write_reserve``; ``read_seconds`` is how long the workbook took to read), workers
    capped at the machine's cores (with a note)."""
    from scheduler.explain.unblock import SHARE
    from scheduler.search.params import SolveParams, machine_cores, write_reserve

    cores = machine_cores()
    if workers > cores:
        click.echo(f"--workers {workers}: this machine has {plural(cores, 'core')}; "
                   f"using {cores}.", err=True)  # fmt: skip
    limit = float(time_limit if time_limit is not None else data.settings.time_limit_s)
    return SolveParams.for_term(
        data.settings, limit, seed, workers, reproducible=reproducible,
        started=click.get_current_context().meta.get("started"),
        reserve=write_reserve(len(data.learners), limit, read_seconds) + SHARE * limit,
    )  # fmt: skip


def unblock_deadline(params) -> float | None:
    """When the Waiting checks must end: before the reserve for verify and write, in
    wall-clock mode (None in reproducible mode: their own deterministic budget decides)."""
    from scheduler.explain.unblock import SHARE

    if params.reproducible:
        return None
    return params.deadline() + SHARE * params.time_limit


def params_phrase(params) -> str:
    """How long a solve may take, in the mode it runs."""
    seconds = f"{params.time_limit:g}"
    if params.reproducible:
        return _(
            "{seconds} s of deterministic search (reproducible: may take longer on a busy machine)",
            seconds=seconds,
        )
    return _("up to {seconds} s in all", seconds=seconds)


def mode_line(result) -> str:
    """The summary line that says which mode ran."""
    stats = result.stats
    line = _label(_("Mode:")) + mode_text(bool(stats.get("reproducible")))
    if not stats.get("reproducible") and (
        stats.get("stopped_while_building") or stats.get("no_search_timetable")
    ):
        line += _(
            "; the limit ran out before the search found a timetable: this is the greedy start"
        )
    return line


def check_outputs(outputs: Iterable[Path], inputs: Iterable[Path], force: bool) -> None:
    """Before any solve: every output may be written (never an input, never a file the
    program did not write unless ``force``) and its folder takes files; else exit 2."""
    from scheduler.outputs import OutputError, check_folder, check_output

    outputs, inputs = list(outputs), list(inputs)
    try:
        for path in outputs:
            check_output(path, force, inputs)
        for folder in dict.fromkeys(path.parent for path in outputs):
            check_folder(folder)
    except OutputError as exc:
        bad_input(str(exc))


def result_lines(verified: Verified) -> list[str]:
    """The end-of-solve summary: status, quality, what was placed, what the verifier found."""
    result, figures = verified.result, verified.figures
    gap = result.gap
    proven = (
        _("(proven best)") if result.status == "optimal" else _("(best found in the time limit)")
    )
    time = _("{seconds} s", seconds=round(result.wall_time, 1))
    if result.first_solution_time is not None:
        first = round(result.first_solution_time, 1)
        time += " " + _("(first timetable after {seconds} s)", seconds=first)
    gap_text = f"{100 * gap:.2f}%" if gap is not None else "-"
    if result.status != "optimal" and not result.stats.get("bound_from_search", 1.0):
        # Only the trivial bound (every reward, no penalty): a gap against it says nothing.
        gap_text = _("not measured (the search stopped before it had a bound)")
    # "-" when the time ran out before the search found a timetable of its own.
    objective_text = "-" if result.objective is None else f"{result.objective:.1f}"
    bound_text = "-" if result.bound is None else f"{result.bound:.1f}"
    lines = [
        _label(_("Status:")) + f"{result.status} {proven}",
        _label(_("Objective:"))
        + _(
            "{objective}   bound {bound}   gap {gap}",
            objective=objective_text,
            bound=bound_text,
            gap=gap_text,
        ),
        _label(_("Time:")) + time,
    ]
    lines.append(mode_line(result))
    if result.stats.get("stopped_by_wall_clock"):
        lines.append(
            _label("") + _("stopped by the wall-clock cap: this run is not guaranteed to repeat")
        )
    groups = verified.solution.groups
    lines.append(
        _label(_("Groups:"))
        + _(
            "{groups} formed, {sessions} weekly sessions",
            groups=len(groups),
            sessions=len(verified.solution.sessions),
        )
    )
    for kind in sorted(figures.asked):
        asked, placed = figures.asked[kind], figures.placed[kind]
        share = f" ({100 * placed / asked:.0f}%)" if asked else ""
        lines.append(
            _label(kind + ":")
            + _("{placed} of {asked} learners placed", placed=placed, asked=asked)
            + share
        )
    lines.append(
        _label(_("Intakes:"))
        + _("{held} of {asked} held", held=figures.intakes_held, asked=figures.intakes_asked)
    )
    lines.append(
        _label(_("Internet:"))
        + _(
            "{booked} of {asked} weekly periods booked",
            booked=figures.internet_booked,
            asked=figures.internet_asked,
        )
    )
    lines.extend(warning_lines(verified))
    bad = verified.violations
    lines.append(
        _label(_("Verifier:"))
        + (
            _("every hard rule holds")
            if bad == 0
            else _n("{n} violation found", "{n} violations found", bad)
        )
    )
    return lines


def warning_lines(verified: Verified) -> list[str]:
    """The warnings that matter (a section left behind, idle staff, an unused room)."""
    from scheduler.report.warnings import coordinator_warnings

    found = coordinator_warnings(verified.data, verified.solution, verified.waiting)
    return [_label(_("Warning:")) + w.message for w in found]


def _scenario_suffix(scenario: str | None) -> str:
    """``timetable``, or ``<scenario>-timetable`` in a form a file name can hold."""
    from scheduler.whatif.compare import slug

    return "timetable" if scenario is None else f"{slug(scenario)}-timetable"


def scenarios_or_exit(
    workbook: Path, data: ProblemData, names: list[str] | None = None
) -> list[Scenario]:
    """The scenarios of ``data`` (all, or ``names``); on any problem print every one, naming
    the workbook, and exit 2. New warnings of a patched term are printed."""
    from scheduler.whatif.scenarios import build_scenarios

    try:
        built = build_scenarios(data, names)
    except WorkbookError as exc:
        print_problems(workbook.name, exc.problems)
        raise click.exceptions.Exit(EXIT_BAD_INPUT) from None
    except SchedulerError as exc:
        bad_input(f"{workbook.name}: {exc}")
    for scenario in built:
        print_problems(workbook.name, list(scenario.warnings))
    return built


def scenario_or_exit(workbook: Path, data: ProblemData, name: str) -> ProblemData:
    """The patched term of scenario ``name``; an unknown name exits 2 listing the known ones."""
    return scenarios_or_exit(workbook, data, [name])[0].data


@main.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@out_option("Where to write the timetable (default: exports/<name>-timetable.xlsx).")
@click.option(
    "--time-limit",
    type=SECONDS,
    default=None,
    help="Seconds from the start of the command to the written timetable (default: Settings "
    "time_limit_s).",
)
@click.option(
    "--seed",
    type=SEED,
    default=None,
    help="Random seed of the search (default: Settings seed).",
)
@workers_option(2, "Parallel search workers, at most the machine's cores.")
@click.option(
    "--reproducible",
    is_flag=True,
    help="Limit the search by CP-SAT's deterministic time: the same workbook, seed and "
    "workers give the same timetable, but a run may take longer than the limit.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress line.")
@click.option(
    "--scenario",
    default=None,
    metavar="NAME",
    help="Solve this scenario of the Scenarios sheet instead of the workbook itself "
    "(default output: exports/<name>-<scenario>-timetable.xlsx).",
)
@click.option(
    "--force", is_flag=True, help="Replace OUT even when it is not a timetable scheduler wrote."
)
@click.option(
    "--keep-best",
    is_flag=True,
    help="On Ctrl-C (or SIGTERM/SIGHUP) write the best timetable found so far instead of nothing.",
)
@click.option("--db", default=None, help="Records database: Overview adds the hours attended.")
def solve(
    workbook: Path,
    out: Path | None,
    time_limit: float | None,
    seed: int | None,
    workers: int,
    reproducible: bool,
    quiet: bool,
    scenario: str | None,
    force: bool,
    keep_best: bool,
    db: str | None,
) -> None:
    """Form the groups and place every session, intake and internet booking.

    Writes the timetable workbook (Overview, Week, Rooms, Staff, Sections, Groups, Learners,
    Sessions, Intakes, Internet, Waiting, Diagnostics). Every hard rule is checked again on
    the finished timetable; a timetable that fails that check is never written.

    Exit 0 with a timetable, 2 on bad input, 3 when no timetable exists (or none was found
    in the time limit).

    The Scenarios sheet is ignored unless --scenario names one of its scenarios.

    \b
    Example:
      scheduler solve instances/small.xlsx --time-limit 30
      scheduler solve instances/medium.xlsx --scenario extra-classroom
    """
    from scheduler import interrupt, pipeline
    from scheduler.records.cli import records_overview
    from scheduler.search.solve import stderr_progress

    out = out or default_output(workbook, _scenario_suffix(scenario))
    _refuse_input_as_output(workbook, out)
    reading = time.perf_counter()
    data = load_or_exit(workbook)
    read_seconds = time.perf_counter() - reading
    what = workbook.name
    if scenario is not None:
        data = scenario_or_exit(workbook, data, scenario)
        what = _("{name}, scenario {scenario}", name=workbook.name, scenario=scenario)
    check_outputs([out], [workbook], force)
    attended = None if db is None else records_overview(db, data)
    params = solve_params(data, time_limit, seed, workers, reproducible, read_seconds)
    limit = params.time_limit
    click.echo(
        _(
            "Solving {what}: {learners}, {courses}, {how} on {workers}...",
            what=what,
            learners=_learners(len(data.learners)),
            courses=_n("{n} course", "{n} courses", len(data.courses)),
            how=params_phrase(params),
            workers=_n("{n} worker", "{n} workers", params.workers),
        ),
        err=True,
    )
    with interrupt.searching():
        result, verified = interrupt.run_in_thread(
            pipeline.solve_and_verify,
            data,
            progress=None if quiet else stderr_progress,
            params=params,
        )
    if not quiet and sys.stderr.isatty():
        click.echo("", err=True)
    stopped = interrupt.stop_requested()
    if stopped is not None and not (keep_best and verified is not None):
        what = _("none was found yet") if verified is None else _("add --keep-best to keep it")
        click.echo(
            _(
                "Stopped by {signal}: no timetable written, {path} is unchanged ({what}).",
                signal=interrupt.signal_name(stopped),
                path=out,
                what=what,
            ),
            err=True,
        )
        raise click.exceptions.Exit(128 + stopped)
    if verified is None:
        if result.status == "infeasible":
            click.echo(_("No timetable exists: the hard rules cannot all hold."), err=True)
            for reason in result.conflicts:
                click.echo(f"  - {reason}", err=True)
        else:
            shown = f"{limit:g}"
            click.echo(
                _(
                    "No timetable found within {limit} s (solver status: {status}); try a "
                    "longer --time-limit.",
                    limit=shown,
                    status=result.status,
                ),
                err=True,
            )
        raise click.exceptions.Exit(EXIT_NO_TIMETABLE)
    if verified.violations:
        click.echo(
            _(
                "The solver's timetable breaks hard rules, so it was not written. This is a "
                "bug in scheduler; please report it with the workbook:"
            ),
            err=True,
        )
        for check in verified.checks:
            for detail in check.details:
                click.echo(f"  {check.rule}: {detail}", err=True)
        raise click.exceptions.Exit(EXIT_BUG)
    from scheduler.explain.unblock import checked_waiting

    verified = checked_waiting(verified, limit, unblock_deadline(params))
    pipeline.write(verified, out, attended)
    for line in result_lines(verified):
        click.echo(line)
    if stopped is not None:
        click.echo(
            _(
                "Stopped by {signal}: wrote the best timetable found so far to {path}",
                signal=interrupt.signal_name(stopped),
                path=out,
            ),
            err=True,
        )
        raise click.exceptions.Exit(128 + stopped)
    click.echo(_("Wrote the timetable to {path}", path=out))


# ---------------------------------------------------------------------------------------------
# compare
# ---------------------------------------------------------------------------------------------


def comparison_output(workbooks: tuple[Path, ...]) -> Path:
    """``exports/<stem>-scenarios.xlsx``; for several workbooks
    ``exports/comparison-scenarios.xlsx``."""
    from scheduler.outputs import short_name

    stem = workbooks[0].stem if len(workbooks) == 1 else "comparison"
    return EXPORTS / f"{short_name(f'{stem}-scenarios')}.xlsx"


def _load_terms(workbooks: tuple[Path, ...], shortcuts: dict[str, tuple[str, ...]]) -> list[Term]:
    """One Term per workbook: the base and its scenarios (sheet rows, then shortcuts).
    Any problem in any workbook exits 2 before anything is solved."""
    from scheduler.whatif.compare import Term
    from scheduler.whatif.scenarios import ShortcutError, with_shortcuts

    terms = []
    labels: set[str] = set()
    for workbook in workbooks:
        data = load_or_exit(workbook)
        try:
            data = with_shortcuts(data, **shortcuts)
        except ShortcutError as exc:
            bad_input(f"{workbook.name}: {exc}")
        scenarios = scenarios_or_exit(workbook, data)
        label, n = workbook.stem, 2
        while label in labels:  # the same file name in two folders
            label, n = f"{workbook.stem}-{n}", n + 1
        labels.add(label)
        terms.append(Term(label, data.replace(scenarios=()), tuple(scenarios)))
    return terms


def _progress_bar(done: int, total: int, outcome: Outcome) -> None:
    """One line per finished solve on stderr: a bar over all solves and what this one gave."""
    width = 24
    filled = width * done // total
    placed = outcome.figure("learners placed")
    detail = outcome.status
    if placed is not None:
        detail += ", " + _("{placed} learners placed", placed=placed)
    if outcome.moved is not None:
        detail += ", " + _moved(outcome.moved)
    click.echo(
        f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}  "
        f"{outcome.term}: {outcome.scenario}: {detail}",
        err=True,
    )


def _moved(n: int) -> str:
    return _n("{n} session moved", "{n} sessions moved", n)


def comparison_lines(outcomes: list[Outcome]) -> list[str]:
    """The end-of-compare summary: one line per scenario with its difference to base."""
    from scheduler.whatif.compare import within_noise

    bases = {o.term: o for o in outcomes if o.scenario == "base"}
    noisy = within_noise(outcomes, "learners placed")
    width = max(len(o.scenario) for o in outcomes)
    lines = []
    for o in outcomes:
        placed = o.figure("learners placed")
        text = f"{o.term}: {o.scenario:<{width}}  {o.status:<10}"
        if placed is None:
            text += f"  {o.note}"
        else:
            text += "  " + _("{placed} learners placed", placed=str(placed).rjust(4))
            base = bases[o.term].figure("learners placed")
            if o.scenario != "base" and base is not None:
                text += f" ({placed - base:+d})"
                if (o.term, o.scenario) in noisy:
                    text += ", " + _("within noise")
            if o.moved is not None:
                text += ", " + _moved(o.moved)
        lines.append(text)
    return lines


def _parallel(executor: str | None, jobs: int | None, workers: int | None, solves: int):
    """(jobs, workers) for the local process pool, or (None, workers) for a Dask cluster,
    whose workers' threads decide how many jobs run at once."""
    from scheduler.whatif.compare import machine_cores, plan_parallel

    if executor is None:
        return plan_parallel(jobs, workers, solves, machine_cores())
    if jobs is not None:
        raise click.UsageError(
            _(
                "--jobs is for local processes; with --executor the Dask workers' threads "
                "decide how many solves run at once"
            )
        )
    return None, workers or 1


@main.command()
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@out_option(
    "Where to write the comparison (default: exports/<name>-scenarios.xlsx, or "
    "exports/comparison-scenarios.xlsx for several workbooks); timetables go next to it."
)
@click.option(
    "--time-limit",
    type=SECONDS,
    default=None,
    help="Seconds per solve, from its start to its timetable, model building counted "
    "(default: each workbook's time_limit_s).",
)
@click.option(
    "--seed",
    type=SEED,
    default=None,
    help="Random seed of every search (default: each workbook's seed).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Solves at once (default: one per core, no more than there are scenarios).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=64),
    default=None,
    help="Search workers per solve (default: the cores left per job); jobs x workers never "
    "exceeds the cores.",
)
@click.option(
    "--executor",
    metavar="URL",
    default=None,
    help="Run the solves on an existing Dask cluster, dask://HOST:PORT (pip install "
    "'scheduler[dask]').",
)
@click.option(
    "--add-room",
    multiple=True,
    metavar="KIND:SEATS",
    help="Scenario: one more room, e.g. classroom:12 (a lab may add :INTERNET_SEATS).",
)
@click.option(
    "--close",
    multiple=True,
    metavar="DATE[..DATE]",
    help="Scenario: the prison closed on these dates, e.g. 2027-03-15..2027-03-19.",
)
@click.option(
    "--staff-day",
    multiple=True,
    metavar="STAFF:DAY",
    help="Scenario: a staff member can also come on DAY, e.g. T02:Fri.",
)
@click.option(
    "--internet",
    multiple=True,
    metavar="DAY:START-END",
    help="Scenario: internet on DAY from START to END, replacing the windows it overlaps "
    "or touches, e.g. Thu:08:30-11:30.",
)
@click.option(
    "--reproducible",
    is_flag=True,
    help="Limit each solve by CP-SAT's deterministic time: the same workbooks, seed and "
    "workers give the same comparison, but a solve may take longer than the limit.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option(
    "--force",
    is_flag=True,
    help="Replace outputs even when they are files scheduler did not write.",
)
def compare(
    workbooks: tuple[Path, ...],
    out: Path | None,
    time_limit: float | None,
    seed: int | None,
    reproducible: bool,
    jobs: int | None,
    workers: int | None,
    executor: str | None,
    add_room: tuple[str, ...],
    close: tuple[str, ...],
    staff_day: tuple[str, ...],
    internet: tuple[str, ...],
    quiet: bool,
    force: bool,
) -> None:
    """Solve every what-if scenario and compare them with the workbook as it is.

    Each workbook (one per prison) is solved as it is (base) and then for each scenario of its
    Scenarios sheet and each shortcut option, in parallel, every scenario warm-started from
    the base timetable. Writes one timetable workbook per scenario and a comparison workbook:
    key figures per scenario with their difference to base, sessions moved, a chart of
    learners placed and a link to each timetable. A base that is not proven optimal is also
    solved again from its own timetable (base-again): what the extra search alone gives.

    Exit 0 when the comparison is written, 2 on bad input, 3 when no solve found a timetable.

    \b
    Example:
      scheduler compare instances/medium.xlsx --time-limit 10
      scheduler compare instances/small.xlsx --add-room classroom:12 --close 2027-03-15..2027-03-19
      scheduler compare a.xlsx b.xlsx --executor dask://10.0.0.5:8786 --workers 4
    """
    from scheduler.whatif.compare import open_executor, planned_outputs, sweep, write_comparison

    out = out or comparison_output(workbooks)
    for workbook in workbooks:
        _refuse_input_as_output(workbook, out)
    shortcuts = {"add_room": add_room, "close": close, "staff_day": staff_day, "internet": internet}
    terms = _load_terms(workbooks, shortcuts)
    check_outputs([out, *planned_outputs(terms, out.parent)], workbooks, force)
    count = sum(len(t.scenarios) for t in terms)
    if count == 0:
        bad_input(
            _(
                "there is nothing to compare: add scenarios on the Scenarios sheet, or use "
                "--add-room, --close, --staff-day or --internet"
            )
        )
    n_jobs, n_workers = _parallel(executor, jobs, workers, max(count, len(terms)))
    where = executor or _n(
        "{n} process of {workers}",
        "{n} processes of {workers}",
        n_jobs or 1,
        workers=_n("{n} worker", "{n} workers", n_workers),
    )
    click.echo(
        _(
            "Comparing {scenarios} of {names} with base ({where}; base first)...",
            scenarios=_n("{n} scenario", "{n} scenarios", count),
            names=", ".join(w.name for w in workbooks),
            where=where,
        ),
        err=True,
    )
    with open_executor(executor, n_jobs or 1) as pool:
        outcomes = sweep(
            terms,
            pool,
            out.parent,
            time_limit=time_limit,
            seed=seed,
            workers=n_workers,
            reproducible=reproducible,
            progress=None if quiet else _progress_bar,
        )
    prisons = {t.label: t.base.settings.prison for t in terms}
    title = _(
        "What-if scenarios: {what}",
        what=terms[0].base.settings.prison
        if len(terms) == 1
        else _n("{n} prison", "{n} prisons", len(terms)),
    )
    write_comparison(outcomes, out, f"{title}. {_('Mode:')} {mode_text(reproducible)}", prisons)
    for line in [*comparison_lines(outcomes), _label(_("Mode:")) + mode_text(reproducible)]:
        click.echo(line)
    click.echo(_("Wrote the comparison to {path} (timetables next to it)", path=out))
    if any(o.bug for o in outcomes):
        raise click.exceptions.Exit(EXIT_BUG)
    if not any(o.timetable for o in outcomes):
        raise click.exceptions.Exit(EXIT_NO_TIMETABLE)


@main.command()
@click.argument("timetable", type=click.Path(path_type=Path))
@click.option(
    "--ics",
    "ics_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for one iCalendar (.ics) file per staff member.",
)
def export(timetable: Path, ics_dir: Path) -> None:
    """Write each staff member's sessions and intakes as an iCalendar file.

    Every session of the term on its real dates, closed days left out; import the file in
    Outlook, Google Calendar or any calendar program. Exit 0 when calendars are written, 2 for
    bad input, 3 when there is no event to write.

    \b
    Example:
      scheduler export exports/small-timetable.xlsx --ics exports/calendars
    """
    from scheduler.timetable_cli import run_export

    run_export(timetable, ics_dir)


def _register_timetable_commands() -> None:
    """check and explain live in their own module (scheduler.timetable_cli)."""
    from scheduler.papers_cli import papers
    from scheduler.timetable_cli import check, explain

    main.add_command(check)
    main.add_command(explain)
    main.add_command(papers)
    from scheduler.replan.command import replan

    main.add_command(replan)


_register_timetable_commands()


def _register_records_commands() -> None:
    """registers, record and report live in their own module (scheduler.records.cli)."""
    from scheduler.records.cli import COMMANDS

    for command in COMMANDS:
        main.add_command(command)


_register_records_commands()


def _register_web_commands() -> None:
    """serve (the web page) lives in scheduler.web.command, which imports only click."""
    from scheduler.web.command import serve

    main.add_command(serve)


_register_web_commands()


def run() -> NoReturn:
    """The console entry point: ``main`` with signals handled until the process ends.

    Python's own shutdown puts every signal back to its default action, so a Ctrl-C that
    arrived then killed the process (exit -2, not 130). Once the command is done there is
    nothing left to clean up (every file is closed, every write renamed into place), so the
    process leaves with ``os._exit`` right after flushing its output."""
    from scheduler.interrupt import Interrupted, install

    install()
    code: int | str | None = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    except Interrupted as exc:
        code = exc.exit_code
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a closed pipe (| head): nothing more can be said
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
