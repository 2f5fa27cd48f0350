"""Small Excel-writing helpers shared by every writer: safe text, headers, atomic save.

Text from the input is data, never a formula: openpyxl treats a string starting with ``=`` as a
formula, so such cells are written with the string data type. Saves go to a temporary file in
the target folder and are renamed into place, so an interrupted run (Ctrl-C included) leaves
either the old file or the new one, never half of one.
"""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.outputs import write_failed

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_INVALID_TITLE_CHARS = set("[]:*?/\\")


# Excel holds at most 32,767 characters in a cell and refuses a file with a longer one.
CELL_LIMIT = 32_767


def set_cell(ws: Worksheet, row: int, col: int, value: Any):
    """Write ``value``; strings are always stored as text, never evaluated as formulas, and
    cut to what a cell holds (saying how much was left out)."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str) and len(value) > CELL_LIMIT:
        value = _cut(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = TYPE_STRING
    return cell


def _cut(text: str) -> str:
    """``text`` cut to CELL_LIMIT characters, ending in ``…and N more characters``."""
    keep = CELL_LIMIT - len(f"…and {len(text):,} more characters")
    return text[:keep] + f"…and {len(text) - keep:,} more characters"


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


class Savable(Protocol):
    """What ``save_atomic`` writes: an openpyxl Workbook, or anything with ``save(file)``."""

    def save(self, filename: Any) -> None: ...


def _temp_name(target: Path) -> Path:
    """A fresh hidden name next to ``target``. Chosen before the file exists, so that a signal
    arriving at any moment after this leaves a name the cleanup knows."""
    return target.with_name(f".{target.name[:100]}-{secrets.token_hex(6)}.tmp")


def _stage(item: Savable, target: Path) -> Path:
    """``item`` written in full to a temporary file next to ``target``; returns its name.

    The content is made in memory first and written with one plain write: a full disk then
    fails in our own write, which the cleanup handles, not inside a half-closed zip archive
    (whose later clean-up printed an "Exception ignored" traceback)."""
    buffer = io.BytesIO()
    item.save(buffer)
    tmp = _temp_name(target)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(buffer.getbuffer())
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException as exc:
        # A signal (Interrupted, KeyboardInterrupt) included: never leave half a file behind.
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise write_failed(target, exc) from None
        raise
    return tmp


def save_atomic(wb: Savable, path: str | os.PathLike) -> Path:
    """Save ``wb`` to ``path`` through a temporary file in the same folder and a rename: the
    old file stays whole until the new one is complete. Raises OutputError (one sentence,
    nothing left behind) when the disk is full or the folder cannot be written."""
    return save_all_atomic([(wb, Path(path))])[0]


def save_all_atomic(items: Sequence[tuple[Savable, Path]]) -> list[Path]:
    """Save several files all or nothing: every one is written to a temporary file first, and
    only when all are complete are they renamed into place (a full disk half-way leaves the
    old set, not a mixed one)."""
    staged: list[tuple[Path, Path]] = []
    try:
        for item, path in items:
            target = Path(path)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise write_failed(target, exc) from None
            staged.append((_stage(item, target), target))
        for tmp, target in staged:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _target in staged:
            tmp.unlink(missing_ok=True)
        raise
    return [target for _tmp, target in staged]


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
