"""Issue 12, items 1, 2 and 9: outputs never replace what the program did not write, and a
folder that cannot take them is found before the solve, not after.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from scheduler import excel as xlsx
from scheduler.cli import main
from scheduler.data import ProblemData, RegimeBlock, ScenarioRow
from scheduler.excel import save_all_atomic
from scheduler.outputs import OutputError, check_output, short_name, written_by_us
from scheduler.workbook.write import write_workbook
from tests.helpers.terms import tiny_term

EVENING = tuple(RegimeBlock(regime, "all", 1260, 1290, "count") for regime in ("RA", "RB"))


def term(**fields) -> ProblemData:
    return tiny_term(regimes=EVENING, **fields)


def cli(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def solve(src: Path, out: Path, *extra: str):
    return cli("solve", src, "-o", out, "--time-limit", "2", "--workers", "1", "-q", *extra)


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- item 1: compare never overwrites an input -------------------------------------------------


def test_item1_compare_never_overwrites_an_input_workbook(tmp_path):
    """``compare a.xlsx a-base-timetable.xlsx``: the second input is where the first one's
    base timetable would go. Refused before anything is solved; both inputs unchanged."""
    a = write_workbook(term(), tmp_path / "a.xlsx")
    b = write_workbook(term(), tmp_path / "a-base-timetable.xlsx")
    before = b.read_bytes()
    result = cli("compare", a, b, "--add-room", "classroom:12", "--time-limit", "2", "-o",
                 tmp_path / "cmp.xlsx")  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "a-base-timetable.xlsx is an input of this command" in result.stderr
    assert b.read_bytes() == before
    assert files(tmp_path) == ["a-base-timetable.xlsx", "a.xlsx"]


def test_item1_compare_refuses_a_scenario_output_that_is_not_its_own(tmp_path):
    """A term workbook that happens to carry a scenario timetable's name is kept (no
    --force), and nothing is solved."""
    src = write_workbook(term(), tmp_path / "t.xlsx")
    other = write_workbook(term(), tmp_path / "t-add-classroom-12-timetable.xlsx")
    before = other.read_bytes()
    result = cli("compare", src, "--add-room", "classroom:12", "--time-limit", "2", "-o",
                 tmp_path / "cmp.xlsx")  # fmt: skip
    assert result.exit_code == 2
    assert "was not written by scheduler" in result.stderr and "--force" in result.stderr
    assert other.read_bytes() == before
    assert not (tmp_path / "cmp.xlsx").exists()


# --- item 2: solve -o never replaces a file it did not write ----------------------------------


def test_item2_solve_refuses_to_replace_a_file_it_did_not_write(tmp_path):
    src = write_workbook(term(), tmp_path / "term.xlsx")
    other = write_workbook(term(), tmp_path / "other-term.xlsx")
    before = other.read_bytes()
    result = solve(src, other)
    assert result.exit_code == 2
    assert "other-term.xlsx already exists and was not written by scheduler" in result.stderr
    assert other.read_bytes() == before


def test_item2_solve_replaces_its_own_timetable_and_anything_with_force(tmp_path):
    src = write_workbook(term(), tmp_path / "term.xlsx")
    out = tmp_path / "out.xlsx"
    assert solve(src, out).exit_code == 0
    assert written_by_us(out) == "timetable"
    assert solve(src, out).exit_code == 0  # its own timetable: no --force needed
    notes = tmp_path / "notes.xlsx"
    notes.write_bytes(b"the coordinator's own notes")
    assert solve(src, notes).exit_code == 2
    assert solve(src, notes, "--force").exit_code == 0
    assert written_by_us(notes) == "timetable"


def test_item2_the_marker_survives_an_edit_in_a_spreadsheet_program(tmp_path):
    """Excel keeps custom document properties; openpyxl (re-saving) does too."""
    src = write_workbook(term(), tmp_path / "term.xlsx")
    out = tmp_path / "out.xlsx"
    assert solve(src, out).exit_code == 0
    wb = load_workbook(out)
    wb["Sessions"]["A1"] = "edited by hand"
    wb.save(out)
    assert written_by_us(out) == "timetable"
    assert written_by_us(src) is None  # a term workbook is never taken for an output


def test_item2_the_input_is_never_the_output_even_with_force(tmp_path):
    src = write_workbook(term(), tmp_path / "term.xlsx")
    with pytest.raises(OutputError, match="input of this command"):
        check_output(src, force=True, inputs=[tmp_path / "." / "term.xlsx"])


# --- item 9: long names, read-only folders, a full disk ----------------------------------------

LONG = "scenario-" + "x" * 291  # 300 characters


def test_item9_scenario_name_of_300_characters_is_shortened_with_a_hash(tmp_path):
    """The scenario's timetable name is cut and given a hash; the solve is not lost."""
    data = term(scenarios=(ScenarioRow(LONG, "Rooms", "C1", "seats", "12", "set"),))
    src = write_workbook(data, tmp_path / "term.xlsx")
    out = tmp_path / "out"
    result = cli("compare", src, "--time-limit", "2", "-o", out / "cmp.xlsx")
    assert result.exit_code == 0, result.output
    names = files(out)
    long = [n for n in names if "xxxx" in n]
    assert len(long) == 1 and len(long[0].encode()) <= 255
    assert written_by_us(out / long[0]) == "timetable"
    result = cli("solve", src, "--scenario", LONG, "--time-limit", "2", "-q")
    assert result.exit_code == 0, result.output


def test_item9_short_name_keeps_distinct_long_names_distinct():
    a, b = "x" * 300 + "a", "x" * 300 + "b"
    assert short_name(a) != short_name(b)
    assert len(short_name(a).encode()) <= 200 and short_name("short") == "short"
    assert len(short_name("é" * 300).encode()) <= 200


def test_item9_an_output_name_too_long_is_refused_before_solving(tmp_path):
    src = write_workbook(term(), tmp_path / "term.xlsx")
    result = solve(src, tmp_path / ("t" * 300 + ".xlsx"))
    assert result.exit_code == 2 and "longer than a file name may be" in result.stderr
    assert "Solving" not in result.stderr


@contextmanager
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder nothing can be written into: a read-only tmpfs when running as root (root
    ignores permission bits), else a folder without write permission."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("running as root without permission to mount a read-only tmpfs")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.skipif(os.name != "posix", reason="read-only folders are made the POSIX way")
def test_item9_read_only_output_folder_exits_2_before_the_solve(tmp_path):
    src = write_workbook(term(), tmp_path / "term.xlsx")
    with read_only_folder(tmp_path) as folder:
        result = solve(src, folder / "out.xlsx")
        assert result.exit_code == 2, result.output
        assert "cannot write in the folder" in result.stderr
        assert "Solving" not in result.stderr  # refused before, not after, the search
        assert files(folder) == []


@contextmanager
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=12k", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tiny tmpfs here (not root); the ENOSPC test covers it")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.skipif(os.name != "posix", reason="needs mount (Linux)")
def test_item9_disk_full_on_a_real_tiny_disk_gives_a_clean_message(tmp_path):
    src = write_workbook(term(), tmp_path / "term.xlsx")
    with tiny_disk(tmp_path) as disk:
        result = subprocess.run(
            [sys.executable, "-m", "scheduler.cli", "solve", str(src), "-o",
             str(disk / "out.xlsx"), "--time-limit", "2", "-q"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 2, result.stderr
        assert "the disk is full" in result.stderr and "nothing was written" in result.stderr
        assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
        assert files(disk) == []


_ENOSPC_SOLVE = """
import errno, os, sys
real_fdopen = os.fdopen

class Full:
    def __init__(self, fh): self.fh = fh
    def __enter__(self): return self
    def __exit__(self, *exc): self.fh.close()
    def write(self, data):
        self.fh.write(bytes(data)[:100])
        raise OSError(errno.ENOSPC, "No space left on device")
    def flush(self): pass
    def fileno(self): return self.fh.fileno()

os.fdopen = lambda fd, mode: Full(real_fdopen(fd, mode))
sys.argv = ["scheduler", *sys.argv[1:]]
from scheduler.cli import run
run()
"""


def test_item9_disk_full_in_a_subprocess_leaves_nothing_and_no_traceback(tmp_path):
    """The write itself fails with ENOSPC (simulated): one sentence, exit 2, no partial
    file, no "Exception ignored" noise from a half-closed zip archive."""
    src = write_workbook(term(), tmp_path / "term.xlsx")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-c", _ENOSPC_SOLVE, "solve", str(src), "-o", str(out / "t.xlsx"),
         "--time-limit", "2", "-q"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "the disk is full" in result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert not out.exists() or files(out) == []


class _Bytes:
    def __init__(self, content: bytes):
        self.content = content

    def save(self, target) -> None:
        target.write(self.content)


def test_item9_a_set_of_files_is_saved_all_or_nothing(tmp_path, monkeypatch):
    """Calendars are a set: a full disk at the third leaves the old set, not a mix."""
    for name in ("a.ics", "b.ics", "c.ics"):
        (tmp_path / name).write_bytes(b"old " + name.encode())
    real = xlsx._stage
    calls = []

    def stage(item, target):
        calls.append(target.name)
        if len(calls) == 3:
            raise xlsx.write_failed(target, OSError(errno.ENOSPC, "full"))
        return real(item, target)

    monkeypatch.setattr(xlsx, "_stage", stage)
    items = [(_Bytes(b"new"), tmp_path / n) for n in ("a.ics", "b.ics", "c.ics")]
    with pytest.raises(OutputError, match="the disk is full"):
        save_all_atomic(items)
    assert files(tmp_path) == ["a.ics", "b.ics", "c.ics"]
    assert (tmp_path / "a.ics").read_bytes() == b"old a.ics"


def test_item2_a_timetable_without_the_property_is_known_by_its_term_generator(tmp_path):
    """Timetables written before the document property carry the Term sheet's ``generator``
    key; they may be replaced too. Any other workbook with a Term sheet may not."""
    from openpyxl import Workbook

    for generator, ours in (("scheduler 0.1.0", "timetable"), ("someone else", None)):
        wb = Workbook()
        ws = wb.active
        ws.title = "Term"
        for row in (["key", "value"], ["prison", "P"], ["generator", generator]):
            ws.append(row)
        path = tmp_path / f"{ours}.xlsx"
        wb.save(path)
        assert written_by_us(path) == ours
