"""The command line end to end: ``scheduler solve`` and ``scheduler export`` on tiny terms
written as workbooks, their exit codes, what they write and what they never touch."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from openpyxl import Workbook, load_workbook

from scheduler.cli import main
from scheduler.data import Lock, ProblemData, RegimeBlock, Room
from scheduler.excel import save_atomic
from scheduler.verify import RULES
from scheduler.workbook.write import write_workbook
from tests.helpers.terms import learners, mo_course, nt2_course, tiny_term

# Regimes RA and RB need a row each to be valid; an evening count blocks no period.
EVENING = tuple(RegimeBlock(regime, "all", 1260, 1290, "count") for regime in ("RA", "RB"))


def term(**fields) -> ProblemData:
    """The tiny term of tests.helpers.terms, valid as a workbook: four NT2 learners of section A."""
    regimes = EVENING + fields.pop("extra_regimes", ())
    return tiny_term(regimes=regimes, **fields)


def busy_term() -> ProblemData:
    """Four NT2 learners, and two MO-ar learners who also need an intake: a group for T1 and
    M1 and intakes for the counsellor K1."""
    mo = learners(2, first=5, wants=("MO",), nt2_level=None, intake=True)
    return term(
        courses=(nt2_course(), mo_course("ar")),
        learners=learners(4) + mo,
        rooms=(Room("C1", "Class 1", "classroom", 10), Room("I1", "Interview", "interview", 2)),
    )


def workbook(tmp_path: Path, data: ProblemData, name: str = "term.xlsx") -> Path:
    return write_workbook(data, tmp_path / name)


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def solve(workbook_path: Path, out: Path, *extra: str):
    """``scheduler solve`` with a short limit and no progress line."""
    return cli("solve", str(workbook_path), "-o", str(out), "--time-limit", "5", "-q", *extra)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def records(path: Path, sheet: str) -> list[dict]:
    rows = list(load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


# --- solve ------------------------------------------------------------------------------------


def test_solve_writes_a_timetable_whose_diagnostics_show_no_violation(tmp_path):
    src = workbook(tmp_path, term())
    out = tmp_path / "out" / "timetable.xlsx"
    result = solve(src, out)
    assert result.exit_code == 0, result.output
    assert "Verifier:  every hard rule holds" in result.stdout
    assert result.stdout.splitlines()[-1] == f"Wrote the timetable to {out}"
    assert "Solving term.xlsx: 4 learners, 1 course" in result.stderr
    diagnostics = records(out, "Diagnostics")
    assert [r["rule"] for r in diagnostics] == [rule for rule, _ in RULES]
    assert {r["violations"] for r in diagnostics} == {0}
    sessions = records(out, "Sessions")
    assert len(sessions) == 1 and sessions[0]["size"] == 4


def test_the_default_output_is_in_exports(tmp_path, monkeypatch):
    src = workbook(tmp_path, term())
    monkeypatch.chdir(tmp_path)
    result = cli("solve", "term.xlsx", "--time-limit", "5", "-q")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "exports" / "term-timetable.xlsx").is_file()
    assert src.is_file()


def test_the_input_workbook_is_never_touched(tmp_path):
    src = workbook(tmp_path, busy_term())
    before, mtime = digest(src), src.stat().st_mtime_ns
    assert solve(src, tmp_path / "t.xlsx").exit_code == 0
    assert (digest(src), src.stat().st_mtime_ns) == (before, mtime)


def test_output_equal_to_the_input_is_refused(tmp_path):
    src = workbook(tmp_path, term())
    before = digest(src)
    result = solve(src, src)
    assert result.exit_code == 2
    assert "is an input of this command and is never written to" in result.stderr
    assert digest(src) == before


def test_a_broken_workbook_exits_2_and_writes_nothing(tmp_path):
    """Without Regimes rows the sections' regimes are unknown: the term is bad input. An
    earlier timetable at the output path stays as it was, and no temporary file is left."""
    src = write_workbook(tiny_term(), tmp_path / "broken.xlsx")
    out = tmp_path / "timetable.xlsx"
    out.write_bytes(b"an earlier timetable")
    result = solve(src, out)
    assert result.exit_code == 2
    assert "Sections, row 2, column regime: unknown regime 'RA'" in result.stderr
    assert out.read_bytes() == b"an earlier timetable"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.xlsx", "timetable.xlsx"]


@pytest.mark.parametrize(
    "data, lock",
    [
        # Section A's regime blocks Mon P1, where the lock puts the NT2 session.
        (
            term(
                extra_regimes=(RegimeBlock("RA", "Mon", 510, 570),),
                locks=(Lock(course="NT2-1.1", day="Mon", period="P1"),),
            ),
            "Locks row 2 (course=NT2-1.1, day=Mon, period=P1)",
        ),
        # A group needs five, only four learners exist: the lock makes the group compulsory.
        (
            term(
                courses=(nt2_course(min_size=5, max_size=6),),
                locks=(Lock(course="NT2-1.1", day="Tue", period="P1"),),
            ),
            "Locks row 2 (course=NT2-1.1, day=Tue, period=P1)",
        ),
        # A pin into the second group of a course that may run one group.
        (
            term(
                courses=(nt2_course(max_groups=1),),
                locks=(Lock(kind="member", group="NT2-1.1-2", learner="L0001"),),
            ),
            "Locks row 2 (group=NT2-1.1-2, learner=L0001)",
        ),
    ],
    ids=["regime", "min_size", "member"],
)
def test_an_impossible_term_exits_3_names_the_lock_and_writes_nothing(tmp_path, data, lock):
    src = workbook(tmp_path, data)
    out = tmp_path / "timetable.xlsx"
    result = solve(src, out)
    assert result.exit_code == 3, result.output
    assert "No timetable exists: the hard rules cannot all hold." in result.stderr
    assert f"  - {lock} cannot be honoured together with the other rules" in result.stderr
    assert not out.exists()
    assert result.stdout == ""


def test_the_same_seed_gives_the_same_sessions(tmp_path):
    src = workbook(tmp_path, busy_term())
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert solve(src, first, "--seed", "7").exit_code == 0
    assert solve(src, second, "--seed", "7").exit_code == 0
    assert records(first, "Sessions") == records(second, "Sessions")
    assert records(first, "Intakes") == records(second, "Intakes")


def test_ctrl_c_while_the_timetable_is_saved_leaves_no_file(tmp_path, monkeypatch):
    def interrupted(self, filename):
        filename.write(b"PK half a workbook")  # save_atomic saves to memory, then to disk
        raise KeyboardInterrupt

    src = workbook(tmp_path, term())
    monkeypatch.setattr(Workbook, "save", interrupted)
    result = solve(src, tmp_path / "timetable.xlsx")
    assert result.exit_code == 1 and "Aborted!" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["term.xlsx"]


def test_save_atomic_interrupted_keeps_the_previous_file(tmp_path):
    """Ctrl-C in the middle of a save: the old file stays whole, no temporary file stays."""

    class Interrupted:
        def save(self, path):
            path.write(b"half")
            raise KeyboardInterrupt

    target = tmp_path / "timetable.xlsx"
    target.write_bytes(b"the previous timetable")
    with pytest.raises(KeyboardInterrupt):
        save_atomic(Interrupted(), target)
    assert target.read_bytes() == b"the previous timetable"
    assert [p.name for p in tmp_path.iterdir()] == ["timetable.xlsx"]


# --- export -----------------------------------------------------------------------------------


def test_export_writes_one_calendar_per_staff_member(tmp_path):
    timetable = tmp_path / "timetable.xlsx"
    assert solve(workbook(tmp_path, busy_term()), timetable).exit_code == 0
    sessions, intakes = records(timetable, "Sessions"), records(timetable, "Intakes")
    staff = {r["staff"] for r in sessions} | {r["staff"] for r in intakes}
    assert staff == {"T1", "M1", "K1"}
    result = cli("export", str(timetable), "--ics", str(tmp_path / "ics"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"Wrote 3 calendars to {tmp_path / 'ics'}"
    files = {p.name: p for p in (tmp_path / "ics").iterdir()}
    assert set(files) == {"T1.ics", "M1.ics", "K1.ics"}
    events = {
        name: Calendar.from_ical(path.read_bytes()).walk("VEVENT") for name, path in files.items()
    }
    # Weekly sessions meet in both weeks of the term; each intake is one appointment.
    for who in ("T1", "M1"):
        assert len(events[f"{who}.ics"]) == 2 * sum(r["staff"] == who for r in sessions)
    assert len(events["K1.ics"]) == len(intakes) == 2


@pytest.mark.parametrize("kind", ["term workbook", "text file", "missing file"])
def test_export_of_something_else_exits_2_with_one_sentence(tmp_path, kind):
    if kind == "term workbook":
        path = workbook(tmp_path, term())
    elif kind == "text file":
        path = tmp_path / "notes.xlsx"
        path.write_text("not a workbook")
    else:
        path = tmp_path / "nothing.xlsx"
    result = cli("export", str(path), "--ics", str(tmp_path / "ics"))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ") and line.endswith(
        "give a timetable written by scheduler solve"
    )
    assert "Traceback" not in result.output
    assert not (tmp_path / "ics").exists() or not any((tmp_path / "ics").iterdir())
