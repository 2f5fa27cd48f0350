"""Turn benchmark rows into text: the results table, the growth table, the target lines, the
machine header, and the marked blocks of BENCHMARKS.md.

Everything here is pure formatting of ``Row`` values, so the tests can check it without solving.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.ladder import BENCHMARK_SEED, NO_INTERNET, TIME_LIMITS
from benchmarks.measure import WORKERS, Row

DASH = "–"
MEMORY_LIMIT_MB = 2048.0  # 2 GB, with MB = 2**20 bytes as peak_mb counts them

# ---------------------------------------------------------------------------------------------
# Cells


def number(value: float | int | None, digits: int = 1) -> str:
    """A number with ``digits`` decimals (integers as they are); a dash for None."""
    if value is None:
        return DASH
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def fraction(part: int | None, whole: int, percent: bool = False) -> str:
    """``part/whole``, with the percentage when asked; a dash when ``part`` is None."""
    if part is None:
        return DASH
    text = f"{part}/{whole}"
    if percent:
        share = 100.0 * part / whole if whole else 0.0
        text += f" ({share:.0f} %)"
    return text


def violations_cell(row: Row) -> str:
    """``solver / hand`` verifier violations; anything but 0 / 0 is loud."""
    text = f"{number(row.violations)} / {number(row.hand_violations)}"
    return f"**{text} BROKEN**" if row.violations or row.hand_violations else text


def status_cell(row: Row) -> str:
    if row.error:
        return "**ERROR**"
    # The wall-clock guard stopped the search: this run is not reproducible (solve.py).
    return row.status + (" †" if row.stopped_by_wall_clock else "")


# ---------------------------------------------------------------------------------------------
# Tables

COLUMNS: tuple[tuple[str, Callable[[Row], str]], ...] = (
    ("instance", lambda r: r.name),
    ("limit s", lambda r: number(r.time_limit, 0 if r.time_limit >= 10 else 2)),
    ("status", status_cell),
    ("learners", lambda r: number(r.learners)),
    ("requests", lambda r: number(r.requests)),
    ("groups", lambda r: number(r.groups)),
    ("placed/asked", lambda r: fraction(r.placed, r.requests, percent=True)),
    ("intakes", lambda r: fraction(r.intakes_held, r.intakes_asked)),
    ("internet", lambda r: fraction(r.internet_booked, r.internet_asked)),
    ("objective", lambda r: number(r.objective)),
    ("bound", lambda r: number(r.bound)),
    ("gap %", lambda r: number(None if r.gap is None else 100 * r.gap, 2)),
    ("first s", lambda r: number(r.first_solution_s, 2)),
    ("1 % s", lambda r: number(r.within_1pct_s, 2)),
    ("wall s", lambda r: number(r.wall_s)),
    ("peak MB", lambda r: number(r.peak_mb, 0)),
    ("hand placed/asked", lambda r: fraction(r.hand_placed, r.requests, percent=True)),
    ("solver/hand", lambda r: number(r.ratio, 2)),
    ("violations solver/hand", violations_cell),
)


def markdown_table(header: Iterable[str], body: Iterable[Iterable[str]]) -> str:
    """A GitHub markdown table; numeric-looking columns are not aligned specially."""
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    return "\n".join(lines)


def results_table(rows: list[Row]) -> str:
    """The main table, one row per instance."""
    return markdown_table(
        (title for title, _ in COLUMNS), ([cell(r) for _, cell in COLUMNS] for r in rows)
    )


def alerts(rows: list[Row]) -> list[str]:
    """One loud line per failed run or timetable that breaks a hard rule."""
    out = []
    for r in rows:
        if r.error:
            out.append(f"**ERROR on {r.name}: {r.error}**")
        if r.violations:
            out.append(f"**{r.name}: the solver's timetable breaks {r.violations} hard rule(s)**")
        if r.hand_violations:
            out.append(f"**{r.name}: the hand baseline breaks {r.hand_violations} hard rule(s)**")
        if r.status in ("unknown", "infeasible", "invalid"):
            out.append(f"**{r.name}: no timetable (status {r.status})**")
    return out


def _variants(rows: list[Row]) -> list[list[Row]]:
    """Rows split by internet line, each sorted by learners."""
    groups = [[r for r in rows if r.internet == flag] for flag in (True, False)]
    return [sorted(g, key=lambda r: (r.learners, r.name)) for g in groups if g]


def _times(last: float | int | None, first: float | int | None) -> str:
    if last is None or first is None or not first:
        return DASH
    return f"×{last / first:.1f}"


def growth_sentence(rows: list[Row]) -> str | None:
    """How cost grows from the smallest to the largest row of one variant (None for < 2 rows)."""
    if len(rows) < 2:
        return None
    a, b = rows[0], rows[-1]
    return (
        f"From {a.name} to {b.name}: learners {_times(b.learners, a.learners)}, "
        f"variables {_times(b.variables, a.variables)}, "
        f"time to the first timetable {_times(b.first_solution_s, a.first_solution_s)}, "
        f"peak memory {_times(b.peak_mb, a.peak_mb)}."
    )


def growth(rows: list[Row]) -> str:
    """Learners against time to the first timetable, model size and peak memory."""
    body = []
    for variant in _variants(rows):
        body += [
            [
                r.name,
                number(r.learners),
                number(r.candidate_groups),
                number(r.variables),
                number(r.constraints),
                number(r.first_solution_s, 2),
                number(r.peak_mb, 0),
            ]
            for r in variant
        ]
    header = (
        "instance",
        "learners",
        "candidate groups",
        "variables",
        "constraints",
        "first timetable s",
        "peak MB",
    )
    sentences = [s for v in _variants(rows) if (s := growth_sentence(v))]
    return "\n\n".join([markdown_table(header, body), *sentences])


# ---------------------------------------------------------------------------------------------
# Targets

Check = Callable[[Row], tuple[bool | None, str]]  # (met, measured text); None: cannot tell


@dataclass(frozen=True)
class Target:
    """One of issue 6's targets: which ladder rungs it is about and how a row is judged."""

    text: str
    ladders: tuple[str, ...]
    check: Check
    at_default_limit: bool = True  # only a run at the default time limit can tell


@dataclass(frozen=True)
class Verdict:
    text: str
    state: str  # "met", "not met" or "not measured"
    measured: str

    def line(self) -> str:
        state = f"**{self.state}**" if self.state != "not measured" else self.state
        return f"- {self.text}: {state} — {self.measured}"

    def to_dict(self) -> dict:
        return {"target": self.text, "state": self.state, "measured": self.measured}


def _first_timetable(r: Row) -> tuple[bool | None, str]:
    if r.first_solution_s is not None:
        return r.first_solution_s <= 5.0, f"{r.first_solution_s:.2f} s"
    # No timetable at all: only a limit of 5 s or more shows that none came within 5 s.
    return (False if r.time_limit >= 5.0 else None), "no timetable"


def _gap_at_most(limit: float) -> Check:
    def check(r: Row) -> tuple[bool | None, str]:
        if r.gap is None:
            return False, "no timetable"
        return r.gap <= limit, f"{100 * r.gap:.2f} % (wall {number(r.wall_s)} s)"

    return check


def _placed_ratio(r: Row) -> tuple[bool | None, str]:
    if r.placed is None:
        return False, "no timetable"
    if not r.hand_placed:
        return r.placed > 0, f"{r.placed} placed, baseline 0"
    return r.ratio >= 1.3, f"×{r.ratio:.2f} ({r.placed} vs {r.hand_placed})"


def _memory(r: Row) -> tuple[bool | None, str]:
    if r.peak_mb is None:
        return False, "not measured: the run failed"
    return r.peak_mb <= MEMORY_LIMIT_MB, f"{r.peak_mb:.0f} MB"


TARGETS: tuple[Target, ...] = (
    Target(
        "the first valid timetable within 5 s on every instance up to haren",
        ("small", "medium", "large", "haren"),
        _first_timetable,
        at_default_limit=False,  # the search path to the first timetable is the same
    ),
    Target("on large, a gap ≤ 5 % at 60 s", ("large",), _gap_at_most(0.05)),
    Target("on haren, a gap ≤ 10 % at 120 s", ("haren",), _gap_at_most(0.10)),
    Target(
        "placed ≥ 1.3 × the baseline on medium, large and haren",
        ("medium", "large", "haren"),
        _placed_ratio,
    ),  # fmt: skip
    Target("peak memory ≤ 2 GB on the stress instance", ("stress",), _memory),
)


def _judge_row(target: Target, r: Row) -> tuple[bool | None, str]:
    if r.error:
        return False, f"{r.name}: run failed"
    if r.violations or r.hand_violations:
        return False, f"{r.name}: breaks hard rules"
    if target.at_default_limit and r.time_limit != TIME_LIMITS[r.ladder]:
        return (
            None,
            f"{r.name}: run at {number(r.time_limit, 2)} s, not {TIME_LIMITS[r.ladder]:.0f} s",
        )
    met, measured = target.check(r)
    return met, f"{r.name} {measured}"


def judge(target: Target, rows: list[Row]) -> Verdict:
    """Met only when every instance it names (with and without internet) was run and meets it;
    not met as soon as one fails; otherwise not measured."""
    names = [n + suffix for suffix in ("", NO_INTERNET) for n in target.ladders]
    by_name = {r.name: r for r in rows}
    outcomes = [_judge_row(target, by_name[n]) for n in names if n in by_name]
    missing = [n for n in names if n not in by_name]
    parts = [text for _, text in outcomes]
    if missing:
        parts.append("not run: " + ", ".join(missing))
    verdicts = [met for met, _ in outcomes]
    if False in verdicts:
        state = "not met"
    elif missing or None in verdicts:
        state = "not measured"
    else:
        state = "met"
    return Verdict(target.text, state, "; ".join(parts))


def verdicts(rows: list[Row]) -> list[Verdict]:
    return [judge(t, rows) for t in TARGETS]


def target_lines(found: list[Verdict]) -> str:
    return "\n".join(v.line() for v in found)


# ---------------------------------------------------------------------------------------------
# Header and the whole results text


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else what platform knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def machine() -> dict[str, str | int]:
    """Cores, CPU model, OS, Python and OR-Tools versions of this machine."""
    import ortools

    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    return {
        "cores": cores,
        "usable_cores": usable,
        "cpu": cpu_model(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "ortools": ortools.__version__,
    }


def code_version(root: Path) -> str:
    """The git commit of ``root``, with a note when scheduler/ has uncommitted changes, so that
    two runs can be told apart; "unknown" outside a git checkout."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=30, check=True
        )
        return done.stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", "scheduler")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + (" with uncommitted changes in scheduler/" if dirty else "")


@dataclass(frozen=True)
class RunInfo:
    """How the run was made: shown in every header and stored in results.json."""

    command: str
    date: str
    code: str  # see code_version
    machine: dict[str, str | int]
    seed: int
    time_scale: float
    only: tuple[str, ...]
    complete: bool  # every instance at its default limit and seed

    def machine_line(self) -> str:
        m = self.machine
        return (
            f"{m['cores']} cores ({m['usable_cores']} usable), {m['cpu']}, {m['os']}; "
            f"Python {m['python']}, OR-Tools {m['ortools']}"
        )

    def trial_note(self) -> str | None:
        """A warning when the run is not the full benchmark."""
        if self.complete:
            return None
        seed = "" if self.seed == BENCHMARK_SEED else f", seed {self.seed} instead of 1"
        return (
            f"**Trial run, not the benchmark**: instances {', '.join(self.only)}, "
            f"time limits × {self.time_scale:g} of the defaults{seed}."
        )


def run_summary(info: RunInfo) -> str:
    """The lines that open the results block: command, date, machine, settings."""
    lines = [
        f"- command: `{info.command}`",
        f"- date: {info.date}",
        f"- code: {info.code}",
        f"- machine: {info.machine_line()}",
        f"- solver: {WORKERS} workers, seed {info.seed}, deterministic time limits × "
        f"{info.time_scale:g}",
    ]
    note = info.trial_note()
    return "\n".join(([note, ""] if note else []) + lines)


def results_block(info: RunInfo, rows: list[Row]) -> str:
    """Run summary, the table and any loud alerts (what BENCHMARKS.md shows)."""
    parts = [run_summary(info), results_table(rows)]
    loud = alerts(rows)
    if loud:
        parts.append("\n".join(f"- {a}" for a in loud))
    return "\n\n".join(parts)


def results_markdown(info: RunInfo, rows: list[Row]) -> str:
    """The whole of benchmarks/results.md."""
    return (
        "\n\n".join(
            [
                "# Benchmark results",
                "Written by `benchmarks/run.py`; never edit by hand, rerun the command. "
                "BENCHMARKS.md explains each column.",
                results_block(info, rows),
                "## Growth",
                growth(rows),
                "## Targets (issue 6)",
                target_lines(verdicts(rows)),
            ]
        )
        + "\n"
    )


def results_json(info: RunInfo, rows: list[Row]) -> dict:
    """Everything measured, for comparing runs."""
    return {
        "command": info.command,
        "date": info.date,
        "code": info.code,
        "machine": info.machine,
        "seed": info.seed,
        "time_scale": info.time_scale,
        "only": list(info.only),
        "complete": info.complete,
        "workers": WORKERS,
        "rows": [r.to_dict() for r in rows],
        "targets": [v.to_dict() for v in verdicts(rows)],
    }


# ---------------------------------------------------------------------------------------------
# Marked blocks


def _marker(name: str, end: str) -> str:
    return f"<!-- {name}:{end} -->"


def replace_block(text: str, name: str, body: str, title: str | None = None) -> str:
    """``text`` with the lines between ``<!-- name:start -->`` and ``<!-- name:end -->``
    replaced by ``body``. Without the markers the block is appended (under ``## title`` when
    given). Raises ValueError when the markers are repeated or out of order."""
    start, end = _marker(name, "start"), _marker(name, "end")
    pattern = re.compile(rf"^{re.escape(start)}[ \t]*$.*?^{re.escape(end)}[ \t]*$", re.M | re.S)
    block = f"{start}\n\n{body.strip()}\n\n{end}"
    starts, ends = text.count(start), text.count(end)
    if starts == ends == 0:
        heading = f"## {title}\n\n" if title else ""
        return text.rstrip("\n") + f"\n\n{heading}{block}\n"
    matches = list(pattern.finditer(text))
    if starts != 1 or ends != 1 or len(matches) != 1:
        raise ValueError(f"the markers {start} and {end} must each appear once, in that order")
    # A function as replacement: the body's backslashes stay literal.
    return pattern.sub(lambda _: block, text, count=1)
