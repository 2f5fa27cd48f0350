"""Small Excel-writing helpers shared by every writer: safe text, headers, atomic save.

Text from the input is data, never a formula: openpyxl treats a string starting with ``=`` as a
formula, so such cells are written with the string data type. Saves go to a temporary file in
the target folder and are renamed into place, so an interrupted run (Ctrl-C included) leaves
either the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_INVALID_TITLE_CHARS = set("[]:*?/\\")


def set_cell(ws: Worksheet, row: int, col: int, value: Any):
    """Write ``value``; strings are always stored as text, never evaluated as formulas."""
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = TYPE_STRING
    return cell


def write_table(
    ws: Worksheet,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: dict[str, float] | None = None,
) -> None:
    """Write a header row (bold, filled, frozen) and data rows, and size the columns."""
    for c, name in enumerate(header, start=1):
        cell = set_cell(ws, 1, c, name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    longest = [len(str(h)) for h in header]
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            set_cell(ws, r, c, value)
            if c <= len(longest):
                longest[c - 1] = max(longest[c - 1], len(str(value)) if value is not None else 0)
    ws.freeze_panes = "A2"
    for c, name in enumerate(header, start=1):
        width = (widths or {}).get(name, min(max(longest[c - 1] + 2, 8), 60))
        ws.column_dimensions[get_column_letter(c)].width = width
    for cell in ws[1]:
        cell.alignment = Alignment(vertical="center")


def sheet_title(name: str, taken: set[str] | None = None) -> str:
    """A valid Excel sheet title (<= 31 characters, no ``[]:*?/\\``), unique within ``taken``
    (compared case-insensitively, as Excel does); the result is added to ``taken``."""
    clean = "".join("_" if ch in _INVALID_TITLE_CHARS else ch for ch in name).strip("'") or "Sheet"
    clean = clean[:31]
    if taken is None:
        return clean
    lower = {t.lower() for t in taken}
    title, n = clean, 2
    while title.lower() in lower:
        suffix = f" ({n})"
        title = clean[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(title)
    return title


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save_atomic(wb: Workbook, path: str | os.PathLike) -> Path:
    """Save ``wb`` to ``path`` through a temporary file in the same folder and a rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".xlsx.tmp", dir=target.parent)
    os.close(fd)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.chmod(tmp, 0o666 & ~_umask())
        wb.save(tmp)
        os.replace(tmp, target)
    except BaseException:
        # KeyboardInterrupt included: never leave a half-written file behind.
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def empty_workbook() -> Workbook:
    """A workbook without any sheet (openpyxl starts with one), for writers that add theirs."""
    wb = Workbook()
    for ws in list(wb.worksheets):
        wb.remove(ws)
    return wb


def first_sheet(wb: Workbook) -> Worksheet:
    """The sheet a new workbook starts with, as a worksheet."""
    ws = wb.worksheets[0]
    assert isinstance(ws, Worksheet)
    return ws


def print_setup(
    ws: Worksheet,
    title_rows: str | None = None,
    title_cols: str | None = None,
    landscape: bool = True,
) -> None:
    """How every sheet meant for paper prints: A4, landscape unless told otherwise, one page
    wide (as many pages down as needed), narrow side margins, no grid lines, and the given
    rows (``"1:3"``) and columns (``"A:A"``) repeated on every page."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
