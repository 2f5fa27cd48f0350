"""Does every cell's text fit where it is printed? A check on the workbook's own geometry.

A cell's text fits when each of its lines, wrapped at the cell's width (the column, or the
merged columns), takes no more lines than the row height holds. Widths are in Excel's unit
(the width of one ``0`` of the default font); a character of a proportional font is taken as
one unit (a safe over-estimate for the lower-case text the sheets hold), scaled by its font
size. A row without an explicit height is sized by the program that opens it, which Excel does
not do for wrapped text written by a program: such a row holds one line. Text that does not
wrap may run into empty cells to its right (as Excel and LibreOffice print it), never into a
filled one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

DEFAULT_WIDTH = 8.43  # Excel's default column width
DEFAULT_HEIGHT = 15.0  # points, for 11-point text
PADDING = 1.0  # width units lost to the cell's margins


@dataclass(frozen=True)
class Cut:
    sheet: str
    cell: str
    text: str
    needs: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}: {self.needs}: {self.text[:60]!r}"


def _width(ws: Worksheet, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col))
    return dim.width if dim is not None and dim.width else DEFAULT_WIDTH


def _merged_spans(ws: Worksheet) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, col) of each merged range's top-left cell -> (last row, last col)."""
    return {(m.min_row, m.min_col): (m.max_row, m.max_col) for m in ws.merged_cells.ranges}


def _covered(ws: Worksheet) -> set[tuple[int, int]]:
    """Cells hidden under a merged range (not its top-left cell)."""
    out = set()
    for m in ws.merged_cells.ranges:
        for r in range(m.min_row, m.max_row + 1):
            for c in range(m.min_col, m.max_col + 1):
                if (r, c) != (m.min_row, m.min_col):
                    out.add((r, c))
    return out


def lines_needed(text: str, width: float, size: float) -> int:
    """Lines ``text`` takes when wrapped at ``width`` units in a font of ``size`` points."""
    scale = size / 11
    usable = max(1.0, width - PADDING)
    total = 0
    for line in text.split("\n"):
        total += max(1, math.ceil(len(line) * scale / usable))
    return total


def cut_cells(ws: Worksheet) -> list[Cut]:
    """Every cell of ``ws`` whose text does not fit its printed box."""
    spans = _merged_spans(ws)
    covered = _covered(ws)
    out = []
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or (cell.row, cell.column) in covered:
                continue
            text = (
                cell.value.strftime("%Y-%m-%d")
                if hasattr(cell.value, "strftime")
                else str(cell.value)
            )
            if not text.strip():
                continue
            last_row, last_col = spans.get((cell.row, cell.column), (cell.row, cell.column))
            width = sum(_width(ws, c) for c in range(cell.column, last_col + 1))
            size = float(cell.font.sz or 11) if cell.font is not None else 11.0
            heights = [
                ws.row_dimensions[r].height if ws.row_dimensions[r].height else None
                for r in range(cell.row, last_row + 1)
            ]
            height = sum(h or DEFAULT_HEIGHT * max(1.0, size / 11) for h in heights)
            line = 1.3 * size
            wrap = bool(cell.alignment is not None and cell.alignment.wrap_text)
            if wrap:
                need = lines_needed(text, width, size)
                if need * line > height + 1:
                    out.append(
                        Cut(ws.title, cell.coordinate, text, f"{need} lines in {height:.0f} pt")
                    )
                continue
            if "\n" in text and len(text.split("\n")) * line > height + 1:
                out.append(Cut(ws.title, cell.coordinate, text, "several lines, no wrap"))
                continue
            longest = max(len(t) for t in text.split("\n")) * size / 11
            if longest <= width - PADDING:
                continue
            nxt = ws.cell(row=cell.row, column=last_col + 1).value
            if nxt is not None and str(nxt).strip():
                out.append(
                    Cut(ws.title, cell.coordinate, text, f"{longest:.0f} units in {width:.0f}")
                )
    return out


def printed(ws: Worksheet) -> bool:
    """Whether a sheet is meant for paper: it has a print set-up of its own."""
    return bool(ws.page_setup.paperSize) or bool(ws.print_title_rows)
