"""Crafted hostile workbooks for the fuzz suite (issue 12), written to a folder at test time.

Nothing here is committed as a file: ``make_corpus(folder)`` writes every case and returns
them, each with the exit codes a command may give on it. Run it by hand to look at the files:

    .venv/bin/python -m tests.fuzz.make_corpus /tmp/corpus          # every case
    .venv/bin/python -m tests.fuzz.make_corpus /tmp/corpus --small  # without the slow-to-make ones

Two families:

- **archives** (``ARCHIVES``): the zip container made hostile: a stray cell at XFD1048576
  with and without a ``<dimension>``, 3,000 × 16,384 cells (a zip bomb), a 2 MB file that
  inflates to 600 MB, thousands of parts, sizes the archive lies about, an XML entity bomb;
- **cells** (``CELLS``): a valid small term with one sheet edited the way a coordinator or a
  program might: numbers typed as ``1.000`` or ``1_2``, ``24:00``, ids with invisible
  characters, formulas without cached values, every date closed, values out of range, very
  long texts, line breaks, a 300-character scenario name.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import shutil
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "instances" / "small.xlsx"
LEARNERS_PART = "xl/worksheets/sheet13.xml"  # the Learners sheet of instances/small.xlsx


@dataclass(frozen=True)
class Case:
    """One crafted file: its name, where it is, and what ``validate`` may answer (other
    commands may also answer 3: no timetable)."""

    name: str
    path: Path
    validate_exits: frozenset[int] = field(default=frozenset({0, 2}))
    family: str = "cells"


# --- archives --------------------------------------------------------------------------------


def _rewrite(base: Path, out: Path, replace: dict[str, Callable[[bytes], bytes]]) -> Path:
    """A copy of ``base`` with some parts' bytes transformed."""
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename in replace:
                data = replace[info.filename](data)
            dst.writestr(info.filename, data)
    return out


def _stray_cell(dimension: bool, cell: str = "XFD1048576") -> Callable[[bytes], bytes]:
    """A single cell far below and right of the data; the ``<dimension>`` says so or is
    left out (then a reader must find the extent by itself)."""
    row = re.match(r"[A-Z]+(\d+)", cell).group(1)  # type: ignore[union-attr]

    def edit(xml: bytes) -> bytes:
        text = xml.decode()
        stray = f'<row r="{row}"><c r="{cell}" t="inlineStr"><is><t>x</t></is></c></row>'
        text = text.replace("</sheetData>", stray + "</sheetData>")
        if dimension:
            text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:{cell}"/>', text)
        else:
            text = re.sub(r'<dimension ref="[^"]*"\s*/>', "", text)
        return text.encode()

    return edit


def _bomb_rows(rows: int, columns: int) -> Iterator[bytes]:
    """A sheet of ``rows`` × ``columns`` cells, streamed (never whole in memory)."""
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    yield head + b"<sheetData>"
    row = b"<c><v>1</v></c>" * columns
    for r in range(1, rows + 1):
        yield b'<row r="%d">' % r + row + b"</row>"
    yield b"</sheetData></worksheet>"


def _replace_part(base: Path, out: Path, part: str, chunks: Iterator[bytes]) -> Path:
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == part:
                continue
            dst.writestr(info.filename, src.read(info))
        dst_info = zipfile.ZipInfo(part)
        dst_info.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(dst_info, "w", force_zip64=True) as fh:
            for chunk in chunks:
                fh.write(chunk)
    return out


def _long_texts(rows: int, text_bytes: int) -> Iterator[bytes]:
    """A sheet whose rows each hold one enormous text (``rows`` × ``text_bytes``)."""
    yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    yield b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>learner</t></is></c></row>'
    text = b"x" * text_bytes
    for r in range(2, rows + 2):
        yield (
            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>' % (r, r) + text + b"</t></is></c></row>"
        )
    yield b"</sheetData></worksheet>"


def _zeros(total: int) -> Iterator[bytes]:
    block = b"\0" * (1 << 20)
    for _ in range(total // len(block)):
        yield block


def _many_parts(base: Path, out: Path, n: int) -> Path:
    shutil.copy(base, out)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as dst:
        for i in range(n):
            dst.writestr(f"xl/media/extra{i}.bin", b"x")
    return out


def _lying_sizes(base: Path, out: Path) -> Path:
    """The Learners part claims to inflate to 100 bytes; it really inflates to 50 MB."""
    _replace_part(base, out, LEARNERS_PART, _bomb_rows(2_000, 1_700))
    data = bytearray(out.read_bytes())
    name = LEARNERS_PART.encode()
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        real = z.getinfo(LEARNERS_PART)
    for sig, size_at, name_len_at in ((b"PK\x01\x02", 24, 28), (b"PK\x03\x04", 22, 26)):
        start = 0
        while (at := data.find(sig, start)) >= 0:
            start = at + 4
            length = int.from_bytes(data[at + name_len_at : at + name_len_at + 2], "little")
            header = 46 if sig == b"PK\x01\x02" else 30
            if bytes(data[at + header : at + header + length]) == name:
                if int.from_bytes(data[at + size_at : at + size_at + 4], "little") in (
                    real.file_size,
                    0xFFFFFFFF,
                ):
                    data[at + size_at : at + size_at + 4] = (100).to_bytes(4, "little")
    out.write_bytes(bytes(data))
    return out


def _entity_bomb(xml: bytes) -> bytes:
    """A billion-laughs entity expansion in the Learners sheet."""
    entities = '<!ENTITY a0 "hahahahahahahahahaha">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    text = xml.decode()
    text = text.replace("<worksheet", f"<!DOCTYPE worksheet [{entities}]><worksheet", 1)
    return text.replace(
        "</sheetData>",
        '<row r="999"><c r="A999" t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData>',
    ).encode()


def _external_entity(xml: bytes) -> bytes:
    text = xml.decode()
    text = text.replace(
        "<worksheet", '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]><worksheet', 1
    )
    return text.replace(
        "</sheetData>",
        '<row r="999"><c r="A999" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData>',
    ).encode()


def _truncated_xml(xml: bytes) -> bytes:
    return xml[: len(xml) // 2]


REFUSED = frozenset({2})
# name -> (maker(base, out), validate exits, slow to make)
ARCHIVES: dict[str, tuple[Callable[[Path, Path], Path], frozenset[int], bool]] = {
    "stray-cell-XFD1048576-with-dimension": (
        lambda b, o: _rewrite(b, o, {LEARNERS_PART: _stray_cell(True)}),
        frozenset({0}),
        False,
    ),
    "stray-cell-XFD1048576-without-dimension": (
        lambda b, o: _rewrite(b, o, {LEARNERS_PART: _stray_cell(False)}),
        frozenset({0}),
        False,
    ),
    "stray-cell-A1048576-without-dimension": (
        lambda b, o: _rewrite(b, o, {LEARNERS_PART: _stray_cell(False, "A1048576")}),
        REFUSED,
        False,
    ),
    "zip-bomb-3000x16384-cells": (
        lambda b, o: _replace_part(b, o, LEARNERS_PART, _bomb_rows(3_000, 16_384)),
        REFUSED,
        True,
    ),
    "inflates-to-600-MB": (
        lambda b, o: _replace_part(b, o, LEARNERS_PART, _long_texts(600, 1 << 20)),
        REFUSED,
        True,
    ),
    "unreferenced-part-of-80-MB": (
        lambda b, o: _replace_part(b, o, "xl/media/image1.png", _zeros(80 << 20)),
        REFUSED,
        False,
    ),
    "sheet-of-60-MB": (
        lambda b, o: _replace_part(b, o, LEARNERS_PART, _bomb_rows(1_000, 4_000)),
        REFUSED,
        False,
    ),
    "5000-parts": (lambda b, o: _many_parts(b, o, 5_000), REFUSED, False),
    "sizes-that-lie": (_lying_sizes, REFUSED, False),
    "entity-bomb": (lambda b, o: _rewrite(b, o, {LEARNERS_PART: _entity_bomb}), REFUSED, False),
    "external-entity": (
        lambda b, o: _rewrite(b, o, {LEARNERS_PART: _external_entity}),
        REFUSED,
        False,
    ),
    "truncated-sheet-xml": (
        lambda b, o: _rewrite(b, o, {LEARNERS_PART: _truncated_xml}),
        REFUSED,
        False,
    ),
}


def archive_cases(folder: Path, small: bool = False) -> list[Case]:
    """Write the archive cases into ``folder`` (``small``: leave out the slow-to-make ones)."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = []
    for name, (make, exits, slow) in ARCHIVES.items():
        if small and slow:
            continue
        cases.append(Case(name, make(BASE, folder / f"{name}.xlsx"), exits, "archives"))
    return cases


# --- cells -----------------------------------------------------------------------------------

Edit = Callable[[object], None]


def _set(sheet: str, row: int, column: str, value: object) -> Edit:
    """Set one cell, the column found by its header in row 1."""

    def edit(wb) -> None:
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        ws.cell(row=row, column=header.index(column) + 1, value=value)

    return edit


def _setting(key: str, value: object) -> Edit:
    def edit(wb) -> None:
        ws = wb["Settings"]
        for row in ws.iter_rows(min_row=2):
            if row[0].value == key:
                row[1].value = value
                return
        ws.append([key, value])

    return edit


def _weight(key: str, value: object) -> Edit:
    def edit(wb) -> None:
        if "Weights" not in wb.sheetnames:
            wb.create_sheet("Weights").append(["key", "value"])
        ws = wb["Weights"]
        for row in ws.iter_rows(min_row=2):
            if row[0].value == key:
                row[1].value = value
                return
        ws.append([key, value])

    return edit


def _append(sheet: str, values: dict[str, object]) -> Edit:
    def edit(wb) -> None:
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        ws.append([values.get(h) for h in header])

    return edit


def _close_every_date(wb) -> None:
    ws = wb["ClosedDays"]
    start, end = dt.date(2027, 1, 1), dt.date(2027, 12, 31)
    day = start
    while day <= end:
        ws.append([day, "lockdown", None])
        day += dt.timedelta(days=1)


def _long_course_names(wb) -> None:
    ws = wb["Courses"]
    header = [c.value for c in ws[1]]
    col = header.index("name") + 1
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=col, value=f"Course {r} " + "with a very long name " * 60)


def _scenario(name: str, row: dict[str, object]) -> Edit:
    def edit(wb) -> None:
        header = ["scenario", "sheet", "key", "column", "value", "action"]
        if "Scenarios" not in wb.sheetnames:
            wb.create_sheet("Scenarios").append(header)
        wb["Scenarios"].append([name, *(row.get(h) for h in header[1:])])

    return edit


def _formula(sheet: str, row: int, column: str, formula: str) -> Edit:
    """A formula cell; openpyxl writes no cached value, as any program but Excel would."""
    return _set(sheet, row, column, formula)


CELLS: dict[str, tuple[list[Edit], frozenset[int]]] = {
    "seats-1.000": ([_set("Rooms", 2, "seats", "1.000")], REFUSED),
    "seats-1_2": ([_set("Rooms", 2, "seats", "1_2")], REFUSED),
    "seats-1-space-000": ([_set("Rooms", 2, "seats", "1 000")], REFUSED),
    "period-ends-24:00": ([_set("Periods", 2, "end", "24:00")], REFUSED),
    "id-with-zero-width-space": ([_set("Learners", 3, "learner", "L0001\u200b")], REFUSED),
    "id-with-soft-hyphen-and-bom": ([_set("Rooms", 2, "room", "\ufeffC\u00adL1")], {0, 2}),
    "id-fullwidth-duplicate": ([_set("Learners", 3, "learner", "Ｌ0001")], REFUSED),
    "formula-without-value-seats": ([_formula("Rooms", 2, "seats", "=2*6")], REFUSED),
    "formula-without-value-setting": ([_setting("seed", "=1+1")], REFUSED),
    "every-date-closed": ([_close_every_date], frozenset({0})),
    "seed-2147483648": ([_setting("seed", 2147483648)], REFUSED),
    "seed-1e12": ([_setting("seed", 1e12)], REFUSED),
    "max-size-1e30": ([_set("Courses", 2, "max_size", 1e30)], REFUSED),
    "max-periods-1e30": ([_set("Staff", 2, "max_periods_per_week", 1e30)], REFUSED),
    "seats-1e30": ([_set("Rooms", 2, "seats", 1e30)], REFUSED),
    "term-end-9999-12-31": ([_setting("term_end", "9999-12-31")], REFUSED),
    "term-start-year-1": ([_setting("term_start", "0001-01-01")], REFUSED),
    "weight-1e17": ([_weight("served", 1e17)], REFUSED),
    "weight-two-decimals": ([_weight("served", 1.25)], REFUSED),
    "weight-unknown-key": ([_weight("speed", 1)], REFUSED),
    "time-limit-nan": ([_setting("time_limit_s", "nan")], REFUSED),
    "time-limit-negative": ([_setting("time_limit_s", -5)], REFUSED),
    "long-course-names": ([_long_course_names], frozenset({0})),
    "text-of-40000-characters": ([_set("Sections", 2, "name", "x" * 40_000)], frozenset({0})),
    "line-break-in-prison-name": ([_setting("prison", "Prison\nof\r\nHaren")], frozenset({0})),
    "line-break-in-staff-id": ([_set("Staff", 2, "staff", "T\n01")], {0, 2}),
    "scenario-name-of-300-characters": (
        [
            _scenario(
                "s" * 300,
                {"sheet": "Rooms", "key": "CL1", "column": "seats", "value": "12", "action": "set"},
            )
        ],  # fmt: skip
        frozenset({0, 2}),
    ),
    "scenario-adds-a-bad-row": (
        [
            _scenario(
                "bad",
                {
                    "sheet": "Rooms",
                    "value": "room=X9; kind=classroom; seats=1.000",
                    "action": "add",
                },
            )
        ],  # fmt: skip
        REFUSED,
    ),
    "formula-text-in-name": ([_set("Sections", 2, "name", "=cmd|' /C calc'!A0")], REFUSED),
    "excel-error-value": ([_set("Rooms", 2, "seats", "#REF!")], REFUSED),
    "negative-seats": ([_set("Rooms", 2, "seats", -3)], REFUSED),
    "date-as-seats": ([_set("Rooms", 2, "seats", dt.datetime(2027, 1, 1))], REFUSED),
    "emoji-ids": ([_set("Learners", 2, "learner", "L🙂1")], {0, 2}),
    "empty-learners-sheet": ([lambda wb: wb.remove(wb["Learners"])], REFUSED),
}


def cell_cases(folder: Path) -> list[Case]:
    """Write the cell cases into ``folder``: the small term, each with its edits."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = []
    for name, (edits, exits) in CELLS.items():
        wb = load_workbook(BASE)
        for edit in edits:
            edit(wb)
        path = folder / f"{name}.xlsx"
        wb.save(path)
        cases.append(Case(name, path, frozenset(exits), "cells"))
    return cases


def make_corpus(folder: Path, small: bool = False) -> list[Case]:
    """Every crafted case written into ``folder``."""
    return archive_cases(folder / "archives", small) + cell_cases(folder / "cells")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--small", action="store_true", help="leave out the slow-to-make cases")
    args = parser.parse_args(argv)
    for case in make_corpus(args.folder, args.small):
        size = case.path.stat().st_size
        print(f"{case.family:9} {case.name:45} {size / 2**20:8.2f} MB  {case.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
