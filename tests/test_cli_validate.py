"""The command line: validate's summary, warnings and exit codes, the shared error handling,
help and version, and the wiring of template and example."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from types import SimpleNamespace

import click
import pytest
from click.testing import CliRunner

from scheduler import __version__
from scheduler.cli import Main, load_or_exit, main
from scheduler.errors import Problem, SchedulerError, WorkbookError
from tests.helpers.wbfactory import append_row, base_sheets, set_cell, write


def invoke(*args: str, **kw):
    return CliRunner().invoke(main, list(args), **kw)


@pytest.fixture
def base_path(tmp_path) -> Path:
    return write(base_sheets(), tmp_path / "term.xlsx")


def test_validate_prints_the_summary(base_path):
    result = invoke("validate", str(base_path))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "term.xlsx is valid."
    for expected in [
        "Prison:    Gevangenis Teststad",
        "Term:      2027-01-11 to 2027-04-30 (16 weeks; Mon,Tue,Wed,Thu,Fri; 6 periods a day; 2 "
        "closed days)",
        "Sections:  2",
        "Rooms:     3 (1 classroom, 1 interview, 1 computer_lab)",
        "Staff:     3 (1 nt2_teacher, 1 mo_trainer, 1 counsellor)",
        "Courses:   3",
        "Learners:  10 (8 want NT2, 4 want MO)",
        "Intakes needed: 2 learners",
        "Internet periods asked: 4 a week by 3 learners",
    ]:
        assert expected in lines
    # demand: NT2 learners at the course's level, MO learners who speak its language
    demand = {line.split()[0]: int(line.split()[-1]) for line in lines if line.startswith("  ")}
    assert demand == {"NT2-1.1": 4, "NT2-1.2": 3, "MO-ar": 4}


def test_warnings_are_shown_and_allowed(tmp_path):
    s = base_sheets()
    row = append_row(
        s, "Courses", ["NT2-2.1", "NT2", "NT2 2.1", "2.1", "nl", 2, 2, 40, 2, 10, 0, None]
    )
    result = invoke("validate", str(write(s, tmp_path / "warn.xlsx")))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("warn.xlsx is valid, with 1 warning (below).")
    assert (
        f"Courses, row {row}, column course: no learner asks for NT2 at level 2.1" in result.stdout
    )


def test_every_problem_is_listed_one_per_line(tmp_path):
    s = base_sheets()
    set_cell(s, "Rooms", 2, "seats", "twelve")
    set_cell(s, "Learners", 4, "section", "Q")
    set_cell(s, "Courses", 2, "min_size", 12)
    result = invoke("validate", str(write(s, tmp_path / "bad.xlsx")))
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert lines[0] == "bad.xlsx: 3 errors to correct:"
    assert [line.split(":")[0] for line in lines[1:4]] == [
        "Rooms, row 2, column seats",
        "Courses, row 2, column min_size",
        "Learners, row 4, column section",
    ]
    assert "is valid" not in result.output


def test_unexpected_failure_in_reading_is_one_sentence(base_path, monkeypatch):
    def broken(path):
        raise RuntimeError("boom")

    monkeypatch.setattr("scheduler.workbook.validate.check_workbook", broken)
    result = invoke("validate", str(base_path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "RuntimeError: boom" in result.output and "bug" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_debug_shows_the_real_exception(base_path, monkeypatch):
    monkeypatch.setattr("scheduler.workbook.validate.check_workbook", lambda path: 1 / 0)
    result = invoke("validate", str(base_path), env={"SCHEDULER_DEBUG": "1"})
    assert isinstance(result.exception, ZeroDivisionError)


def test_load_or_exit(base_path, tmp_path, capsys):
    assert load_or_exit(base_path).settings.prison == "Gevangenis Teststad"
    s = base_sheets()
    set_cell(s, "Periods", 2, "end", "07:00")
    with pytest.raises(click.exceptions.Exit) as stopped:
        load_or_exit(write(s, tmp_path / "bad.xlsx"))
    assert stopped.value.exit_code == 2
    assert (
        "Periods, row 2, column end: end 07:00 is not after start 08:30" in capsys.readouterr().err
    )


def _group_raising(exc: Exception) -> click.Group:
    """A command group like ``main`` whose one command raises ``exc``."""
    group = Main(name="t")

    @group.command()
    @click.argument("workbook", required=False)
    def go(workbook):
        raise exc

    return group


@pytest.mark.parametrize(
    ("exc", "code", "phrase"),
    [
        (
            WorkbookError([Problem("Rooms", 3, "seats", "must be at least 1")]),
            2,
            "Rooms, row 3, column seats: must be at least 1",
        ),
        (
            SchedulerError("the scenario 'x' does not exist"),
            2,
            "Error: the scenario 'x' does not exist",
        ),
        (KeyError("P9"), 1, "This is a bug in scheduler"),
    ],
)
def test_main_turns_errors_into_exit_codes(exc, code, phrase):
    result = CliRunner().invoke(_group_raising(exc), ["go", "term.xlsx"])
    assert result.exit_code == code
    assert phrase in result.output
    assert "Traceback" not in result.output


def test_help_and_version():
    assert invoke("--version").output.strip() == f"scheduler, version {__version__}"
    top = invoke("--help")
    assert top.exit_code == 0
    for name, command in main.commands.items():
        assert name in top.output
        assert command.get_short_help_str(80)
        result = invoke(name, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.output and f"scheduler {name} " in result.output
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", name)  # kebab-case


def test_template_writes_and_never_overwrites_by_accident(tmp_path, monkeypatch):
    written = []

    def write_template(path):
        written.append(Path(path))
        Path(path).write_bytes(b"template")

    monkeypatch.setitem(
        sys.modules, "scheduler.workbook.template", SimpleNamespace(write_template=write_template)
    )
    out = tmp_path / "term.xlsx"
    first = invoke("template", str(out))
    assert first.exit_code == 0 and str(out) in first.output
    assert written == [out]
    out.write_bytes(b"filled in by a coordinator")
    again = invoke("template", str(out))
    assert again.exit_code == 2 and "--force" in again.output
    assert out.read_bytes() == b"filled in by a coordinator"
    assert invoke("template", str(out), "--force").exit_code == 0
    assert written == [out, out]


def test_example_passes_its_options(tmp_path, monkeypatch):
    calls = []

    def generate(profile, seed, learners=None, internet=True):
        calls.append((profile, seed, learners, internet))
        return SimpleNamespace(learners=[object()] * (learners or 40))

    def write_workbook(data, path):
        Path(path).write_bytes(b"example")

    monkeypatch.setitem(
        sys.modules, "scheduler.workbook.example", SimpleNamespace(generate=generate)
    )
    monkeypatch.setitem(
        sys.modules, "scheduler.workbook.write", SimpleNamespace(write_workbook=write_workbook)
    )
    result = invoke(
        "example",
        str(tmp_path / "a.xlsx"),
        "--profile",
        "haren",
        "--seed",
        "7",
        "--learners",
        "90",
        "--no-internet",
    )
    assert result.exit_code == 0, result.output
    assert "haren example term (90 learners, seed 7)" in result.output
    assert invoke("example", str(tmp_path / "b.xlsx")).exit_code == 0
    assert calls == [("haren", 7, 90, False), ("small", 0, None, True)]
    assert invoke("example", str(tmp_path / "c.xlsx"), "--profile", "huge").exit_code == 2
    assert invoke("example", str(tmp_path / "c.xlsx"), "--learners", "0").exit_code == 2
    assert not (tmp_path / "c.xlsx").exists()


def test_example_then_validate(tmp_path):
    out = tmp_path / "small.xlsx"
    assert invoke("example", str(out), "--profile", "small", "--seed", "3").exit_code == 0
    result = invoke("validate", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("small.xlsx is valid")
