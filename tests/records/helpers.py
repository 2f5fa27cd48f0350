"""Filling registers as a teacher would (with openpyxl), and timetables with memberships."""

from __future__ import annotations

import random
from pathlib import Path

from openpyxl import load_workbook

from scheduler.records.registers import FIRST_LEARNER_ROW, HEADER_ROW, HELD_ROW


def group_sheets(wb) -> list:
    return [ws for ws in wb.worksheets if ws.title not in ("Intakes", "_register")]


def fill(src: Path, dst: Path, seed: int, not_held: float = 0.1, intakes: bool = True) -> Path:
    """A copy of the registers ``src`` filled with seeded random codes: some sessions not held
    (with a cause), codes P A E S R or blank on open cells, never P on a session not held."""
    rnd = random.Random(seed)
    wb = load_workbook(src)
    for ws in group_sheets(wb):
        for c in range(2, ws.max_column + 1):
            if ws.cell(HEADER_ROW, c).value is None:
                continue
            held = "yes" if rnd.random() >= not_held else rnd.choice(["no", "strike", "other"])
            ws.cell(HELD_ROW, c).value = held
            for r in range(FIRST_LEARNER_ROW, ws.max_row + 1):
                if ws.cell(r, 1).value is None:
                    break
                if ws.cell(r, c).protection.locked:
                    continue
                code = rnd.choice("PPPPPAESRp ")
                if code.upper() == "P" and held != "yes":
                    code = "A"
                ws.cell(r, c).value = None if code == " " else code
    if intakes and "Intakes" in wb.sheetnames:
        ws = wb["Intakes"]
        for r in range(HEADER_ROW + 1, ws.max_row + 1):
            if ws.cell(r, 1).value:
                ws.cell(r, 6).value = rnd.choice(["yes", "yes", "no", None])
    wb.save(dst)
    return dst


def with_memberships(timetable: Path, rows: list[tuple], out: Path) -> Path:
    """A copy of ``timetable`` whose Memberships sheet holds ``rows`` (group, learner, from,
    to), as a re-plan would write it."""
    wb = load_workbook(timetable)
    if "Memberships" in wb.sheetnames:
        del wb["Memberships"]
    ws = wb.create_sheet("Memberships")
    ws.append(["group", "learner", "from", "to"])
    for row in rows:
        ws.append(list(row))
    wb.save(out)
    return out
