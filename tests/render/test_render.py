"""The bundled medium term printed by LibreOffice: the template, a timetable, its papers and a
comparison become PDF pages, no printed cell's text is cut, and the pages a coordinator reads
first stay few (About on two pages, the Week grid on one page wide).

Needs LibreOffice (``soffice``) and poppler-utils (``pdfinfo``): ``.ci/render`` installs them and
runs these tests. Without them the tests are skipped, except on CI (``CI`` set), where that is
a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.render.fit import cut_cells

ROOT = Path(__file__).resolve().parents[2]
MEDIUM = ROOT / "instances" / "medium.xlsx"
TOOLS = ("soffice", "pdfinfo", "pdftotext")

pytestmark = [pytest.mark.render, pytest.mark.slow]


def _tools_or_skip() -> None:
    absent = [t for t in TOOLS if shutil.which(t) is None]
    if absent and not os.environ.get("CI"):
        pytest.skip(f"{', '.join(absent)} not installed (run .ci/render to install them)")
    assert not absent, f"{', '.join(absent)} missing on CI; .ci/render installs them"


def _scheduler(*args: str | Path, cwd: Path) -> None:
    exe = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / "scheduler"
    command = [str(exe if exe.exists() else "scheduler"), *map(str, args)]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def _one_sheet(path: Path, sheet: str, out: Path) -> Path:
    wb = load_workbook(path, rich_text=True)
    for ws in list(wb.worksheets):
        if ws.title != sheet:
            wb.remove(ws)
    wb.save(out)
    return out


def _pages(xlsx: Path, work: Path) -> int:
    """Print ``xlsx`` with LibreOffice and count the PDF's pages."""
    done = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(xlsx)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    pdf = work / f"{xlsx.stem}.pdf"
    assert pdf.exists(), done.stdout + done.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info)[1])


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    _tools_or_skip()
    work = tmp_path_factory.mktemp("render")
    _scheduler("--lang", "nl", "template", work / "template.xlsx", cwd=work)
    _scheduler("solve", MEDIUM, "-o", work / "medium-timetable.xlsx", "--time-limit", "5",
               "--workers", "1", "-q", cwd=work)  # fmt: skip
    _scheduler("papers", work / "medium-timetable.xlsx", "-o", work / "papers.xlsx", cwd=work)
    # in Dutch, whose words are longer; the base is not proven best in 3 s, so base-again runs
    _scheduler("--lang", "nl", "compare", MEDIUM, "--add-room", "classroom:12", "--time-limit",
               "3", "--jobs", "1", "--workers", "1", "-q", "-o", work / "compare.xlsx",
               cwd=work)  # fmt: skip
    return {
        "template": work / "template.xlsx",
        "timetable": work / "medium-timetable.xlsx",
        "papers": work / "papers.xlsx",
        "compare": work / "compare.xlsx",
    }


@pytest.mark.parametrize("name", ["template", "timetable", "papers", "compare"])
def test_no_printed_text_is_cut(outputs, name):
    wb = load_workbook(outputs[name])
    assert [str(c) for ws in wb.worksheets for c in cut_cells(ws)] == []


@pytest.mark.parametrize("name", ["template", "timetable", "papers", "compare"])
def test_every_workbook_prints(outputs, name, tmp_path):
    assert _pages(outputs[name], tmp_path) >= 1


def test_about_prints_on_at_most_two_pages(outputs, tmp_path):
    about = _one_sheet(outputs["template"], "About", tmp_path / "About.xlsx")
    assert _pages(about, tmp_path) <= 2


def test_week_grid_is_one_page_wide(outputs, tmp_path):
    """Every printed page of the Week grid holds the whole week: its first and last day."""
    week = _one_sheet(outputs["timetable"], "Week", tmp_path / "Week.xlsx")
    pages = _pages(week, tmp_path)
    for page in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(tmp_path / "Week.pdf"), "-"],
            capture_output=True,
            text=True,
        ).stdout
        assert "Mon" in text and "Fri" in text, page


def _page_text(pdf: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
    ).stdout


def test_the_comparison_summary_prints_what_changed_first(outputs, tmp_path):
    """The Summary's first page holds the key changes in words, in Dutch, with no cut text; the
    per-term sheet repeats its figure names on every page across."""
    wb = load_workbook(outputs["compare"])
    assert [str(c) for c in cut_cells(wb["Summary"])] == []
    summary = _one_sheet(outputs["compare"], "Summary", tmp_path / "Summary.xlsx")
    assert _pages(summary, tmp_path) >= 1
    first = _page_text(tmp_path / "Summary.pdf", 1)
    assert "Wat veranderde het meest" in first
    assert re.search(r"\S+: .+? → .+? \([+\u2212]", first, re.S)  # "strike: ... 50 → 15 (−35)"
    term = _one_sheet(outputs["compare"], "medium", tmp_path / "medium.xlsx")
    pages = _pages(term, tmp_path)
    for page in range(1, pages + 1):
        assert "kengetal" in _page_text(tmp_path / "medium.pdf", page), page
