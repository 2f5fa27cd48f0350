"""Render docs/week.png, docs/sections.png and docs/waiting.png from a real solve of
instances/medium.xlsx, in the language of SCHEDULER_LANG (default: the term's Settings
language, Dutch).

Run from the repository root:  .venv/bin/python docs/render.py

Steps: solve the bundled medium term (10 s of deterministic time, one worker, the seed of its
Settings: a given version of the program gives the same timetable), keep one
sheet of the timetable per image, let LibreOffice print it to PDF exactly as a coordinator
would, find the printed area of the first page with Ghostscript's bbox device and rasterise
only that area with pdftoppm. Needs LibreOffice (soffice), Ghostscript (gs) and poppler-utils
(pdftoppm); on Debian: apt-get install -y libreoffice-calc ghostscript poppler-utils.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
TERM = ROOT / "instances" / "medium.xlsx"
IMAGES = {
    "Week": ROOT / "docs" / "week.png",
    "Sections": ROOT / "docs" / "sections.png",
    "Waiting": ROOT / "docs" / "waiting.png",
}
DPI = 130
MARGIN = 12  # points of white kept around the printed area


def run(*cmd: str | Path) -> subprocess.CompletedProcess:
    """Run a command; stop with its output when it fails."""
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{cmd[0]} failed:\n{done.stdout}{done.stderr}")
    return done


def one_sheet(timetable: Path, sheet: str, out: Path) -> Path:
    """A copy of the timetable with only ``sheet`` (its print setup and rich text kept)."""
    wb = load_workbook(timetable, rich_text=True)
    for ws in list(wb.worksheets):
        if ws.title != sheet:
            wb.remove(ws)
    wb.save(out)
    return out


def printed_area(pdf: Path) -> tuple[float, float, float, float]:
    """(x0, top, width, height) in points of what is drawn on page 1, measured from the top."""
    height = float(re.search(r"Page size:\s+[\d.]+ x ([\d.]+)", run("pdfinfo", pdf).stdout)[1])
    bbox = run("gs", "-q", "-dNOPAUSE", "-dBATCH", "-dFirstPage=1", "-dLastPage=1",
               "-sDEVICE=bbox", pdf).stderr  # fmt: skip
    x0, y0, x1, y1 = map(
        float, re.search(r"%%HiResBoundingBox: (\S+) (\S+) (\S+) (\S+)", bbox).groups()
    )
    x0, y0 = max(0.0, x0 - MARGIN), max(0.0, y0 - MARGIN)
    return x0, max(0.0, height - y1 - MARGIN), x1 - x0 + MARGIN, y1 - y0 + MARGIN


def render(xlsx: Path, png: Path, work: Path) -> None:
    """Print ``xlsx`` to PDF and rasterise the printed area of its first page to ``png``."""
    run("soffice", "--headless", "--convert-to", "pdf", "--outdir", work, xlsx)
    pdf = work / f"{xlsx.stem}.pdf"
    x, y, w, h = (round(v * DPI / 72) for v in printed_area(pdf))
    stem = work / png.stem
    run("pdftoppm", "-png", "-r", DPI, "-f", 1, "-l", 1, "-singlefile",
        "-x", x, "-y", y, "-W", w, "-H", h, pdf, stem)  # fmt: skip
    png.write_bytes(stem.with_suffix(".png").read_bytes())
    print(f"wrote {png.relative_to(ROOT)} ({w} x {h} px)")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        timetable = work / f"{TERM.stem}-timetable.xlsx"
        scheduler = Path(sys.executable).with_name("scheduler")
        run(scheduler, "solve", TERM, "-o", timetable, "--time-limit", "10", "--reproducible",
            "--workers", "1", "-q")  # fmt: skip
        for sheet, png in IMAGES.items():
            render(one_sheet(timetable, sheet, work / f"{sheet}.xlsx"), png, work)


if __name__ == "__main__":
    main()
