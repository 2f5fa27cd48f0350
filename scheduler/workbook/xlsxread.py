"""Read the cells of an .xlsx file safely: the archive is inspected before anything is parsed,
and each sheet is streamed, row by row, keeping only the rows that hold something.

Why not openpyxl's reader: a file is a zip archive that a program or a person may have made
hostile by accident. A stray cell at row 1,048,576 made openpyxl's read-only reader produce
every empty row above it (5½ minutes without a ``<dimension>`` element); a 2.5 MB archive of
3,000 × 16,384 cells inflated to gigabytes; and a formula without a cached value read as a
blank cell, so a default was used silently. Here:

- ``inspect_archive`` refuses, in well under a second, an archive with too many parts, a part
  or a total that inflates beyond what any term needs, or a suspicious compression ratio;
  every part is also read through a counter, so sizes the archive lies about do not help;
- ``iter_rows`` parses only the ``<row>`` elements present in the file (gaps cost nothing),
  keeps only the first ``max_columns`` columns, and drops rows with nothing in them;
- a formula cell without a cached value becomes ``Uncalculated``, which the reader reports.

Values follow openpyxl's conventions (str, int, float, bool, datetime, time, timedelta), so
the cell parsers above this layer see what they always saw.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, cast
from xml.etree.ElementTree import XMLPullParser

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from scheduler.i18n import _

# Limits far above any real term (1,200 learners make a Learners sheet of about 1.5 MB of XML)
# and far below what makes reading slow or the machine swap.
MAX_PARTS = 2_000
MAX_PART_BYTES = 48 * 1024 * 1024
MAX_TOTAL_BYTES = 160 * 1024 * 1024
MAX_RATIO = 200  # inflated / compressed, checked on parts above RATIO_FLOOR
RATIO_FLOOR = 4 * 1024 * 1024
MAX_SHARED_STRINGS = 1_000_000
_CHUNK = 1 << 16

_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


class ArchiveError(ValueError):
    """The archive is refused; the message is one sentence about the file (no name)."""


@dataclass(frozen=True)
class Uncalculated:
    """A formula cell saved without its value (a file written by a program, never opened and
    saved in Excel): reading it as blank would silently use a default."""

    formula: str

    def __str__(self) -> str:
        return f"={self.formula}"


@dataclass(frozen=True)
class SheetPart:
    title: str
    part: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def inspect_archive(archive: zipfile.ZipFile) -> None:
    """Raise ArchiveError when the archive cannot be a term workbook of sane size, before any
    part of it is decompressed."""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise ArchiveError(
            _(
                "it holds {parts} parts, far more than a workbook has (at most {most})",
                parts=format(len(infos), ","),
                most=format(MAX_PARTS, ","),
            )
        )
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > MAX_PART_BYTES:
            raise ArchiveError(
                _(
                    "its part {part} inflates to {size} MB, far more than a term needs (at most "
                    "{most} MB); delete unused rows, columns and sheets",
                    part=info.filename,
                    size=format(size / 2**20, ",.0f"),
                    most=MAX_PART_BYTES // 2**20,
                )
            )
        if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
            raise ArchiveError(
                _(
                    "its part {part} inflates {ratio} times (a zip bomb, or a sheet with millions "
                    "of repeated cells)",
                    part=info.filename,
                    ratio=format(size // max(info.compress_size, 1), ","),
                )
            )
    if total > MAX_TOTAL_BYTES:
        raise ArchiveError(
            _(
                "it inflates to {size} MB in all, far more than a term needs (at most {most} MB)",
                size=format(total / 2**20, ",.0f"),
                most=MAX_TOTAL_BYTES // 2**20,
            )
        )


class _Capped:
    """A part read through a counter: the archive's stated sizes may lie."""

    def __init__(self, stream: IO[bytes], name: str, limit: int = MAX_PART_BYTES):
        self.stream, self.name, self.limit, self.count = stream, name, limit, 0

    def read(self, n: int = _CHUNK) -> bytes:
        data = self.stream.read(n)
        self.count += len(data)
        if self.count > self.limit:
            raise ArchiveError(
                _(
                    "its part {part} inflates to more than {most} MB (more than the archive "
                    "says); delete unused rows, columns, sheets and pictures",
                    part=self.name,
                    most=self.limit // 2**20,
                )
            )
        return data


def _events(
    archive: zipfile.ZipFile, part: str, tags: tuple[str, ...], container: str | None = None
) -> Iterator[Any]:
    """Elements whose local name is in ``tags``, each when it ends, streamed from ``part``.
    After each one the ``container`` element (``sheetData``, ``sst``) is emptied, so that
    memory stays flat however many rows or strings the part holds."""
    parser: XMLPullParser = XMLPullParser(events=("start", "end"))
    holder: list[Any] = []
    with archive.open(part) as raw:
        stream = _Capped(raw, part)
        while chunk := stream.read(_CHUNK):
            parser.feed(chunk)
            yield from _drain(parser, tags, container, holder)
    parser.close()
    yield from _drain(parser, tags, container, holder)


def _read_events(parser: XMLPullParser) -> Iterator[tuple[str, Any]]:
    """The parser's (event, element) pairs (only start and end events are asked for)."""
    yield from cast(Iterator[tuple[str, Any]], parser.read_events())


def _drain(parser: XMLPullParser, tags: tuple[str, ...], container, holder) -> Iterator[Any]:
    for event, element in _read_events(parser):
        name = _local(element.tag)
        if event == "start":
            if name == container:
                holder.append(element)
            continue
        if name in tags:
            yield element
            if holder:
                holder[-1].clear()


def _text(element: Any) -> str:
    """The text of a string item (``<si>``, ``<is>``): its ``<t>`` and the ``<t>`` of its
    rich-text runs; phonetic runs (``<rPh>``) left out."""
    parts: list[str] = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts += [t.text or "" for t in child if _local(t.tag) == "t"]
    return "".join(parts)


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part) of ``part``."""
    folder, _, name = part.rpartition("/")
    rels_part = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
    if rels_part not in archive.namelist():
        return {}
    out = {}
    for rel in _events(archive, rels_part, ("Relationship",)):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = _join(folder, target)
        out[rel.get("Id", "")] = (rel.get("Type", ""), path)
    return out


def _join(folder: str, target: str) -> str:
    parts = [p for p in folder.split("/") if p]
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _workbook_part(archive: zipfile.ZipFile) -> str:
    for _rid, (kind, target) in _rels(archive, "").items():
        if kind.endswith("/officeDocument"):
            return target
    return "xl/workbook.xml"


@dataclass(frozen=True)
class Book:
    """What the sheets need to be read: their parts, shared strings, styles, calendar."""

    sheets: tuple[SheetPart, ...]
    strings: tuple[str, ...]
    styles: tuple[str | None, ...]  # per cell format: "date", "timedelta" or None
    epoch: dt.datetime


def open_book(archive: zipfile.ZipFile) -> Book:
    """The workbook's sheets (worksheets only, in workbook order), strings and styles."""
    part = _workbook_part(archive)
    rels = _rels(archive, part)
    sheets, epoch, strings_part, styles_part = [], CALENDAR_WINDOWS_1900, None, None
    for element in _events(archive, part, ("sheet", "workbookPr")):
        if _local(element.tag) == "workbookPr":
            if element.get("date1904", "0").lower() in ("1", "true"):
                epoch = CALENDAR_MAC_1904
            continue
        # r:id, whatever the namespace (transitional or strict OOXML)
        rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), "")
        kind, target = rels.get(rid, ("", ""))
        if kind.endswith("/worksheet") and target in archive.namelist():
            sheets.append(SheetPart(element.get("name", ""), target))
    for kind, target in rels.values():
        if kind.endswith("/sharedStrings"):
            strings_part = target
        elif kind.endswith("/styles"):
            styles_part = target
    strings = _shared_strings(archive, strings_part)
    styles = _styles(archive, styles_part)
    return Book(tuple(sheets), strings, styles, epoch)


def _shared_strings(archive: zipfile.ZipFile, part: str | None) -> tuple[str, ...]:
    if part is None or part not in archive.namelist():
        return ()
    out = []
    for item in _events(archive, part, ("si",), container="sst"):
        out.append(_text(item))
        if len(out) > MAX_SHARED_STRINGS:
            raise ArchiveError(
                _("it holds more than {most} different texts", most=format(MAX_SHARED_STRINGS, ","))
            )
    return tuple(out)


def _styles(archive: zipfile.ZipFile, part: str | None) -> tuple[str | None, ...]:
    """For each cell format (``cellXfs``): whether its number format shows a date or a
    duration, which turns the cell's number into a date or time."""
    if part is None or part not in archive.namelist():
        return ()
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    kinds: list[str | None] = []
    in_cell_xfs = False
    parser: XMLPullParser = XMLPullParser(events=("start", "end"))
    with archive.open(part) as raw:
        stream = _Capped(raw, part)
        while chunk := stream.read(_CHUNK):
            parser.feed(chunk)
            for event, element in _read_events(parser):
                name = _local(element.tag)
                if name == "numFmt" and event == "end":
                    formats[_int(element.get("numFmtId"))] = element.get("formatCode", "")
                elif name == "cellXfs":
                    in_cell_xfs = event == "start"
                elif name == "xf" and event == "end" and in_cell_xfs:
                    code = formats.get(_int(element.get("numFmtId")), "General")
                    kinds.append(_format_kind(code))
    return tuple(kinds)


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


def _format_kind(code: str) -> str | None:
    if is_timedelta_format(code):
        return "timedelta"
    if is_date_format(code):
        return "date"
    return None


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


def _number(text: str) -> int | float:
    if "." in text or "e" in text or "E" in text:
        return float(text)
    return int(text)


def _cell_value(cell: Any, book: Book) -> Any:
    """One ``<c>`` element as openpyxl's read-only, cached-values reader would give it."""
    kind = cell.get("t", "n")
    value = formula = None
    for child in cell:
        name = _local(child.tag)
        if name == "v":
            value = child.text
        elif name == "f":
            formula = child.text or ""
        elif name == "is":
            return _text(child)
    if value is None:
        return Uncalculated(formula) if formula is not None and kind != "str" else None
    if kind == "s":
        index = _int(value)
        return book.strings[index] if 0 <= index < len(book.strings) else None
    if kind in ("str", "e", "inlineStr"):
        return value
    if kind == "b":
        return value.strip() in ("1", "true")
    if kind == "d":
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return value
    try:
        number = _number(value.strip())
    except ValueError:
        return value
    style = _int(cell.get("s"))
    shown = book.styles[style] if 0 <= style < len(book.styles) else None
    if shown is not None:
        try:
            return from_excel(number, book.epoch, timedelta=shown == "timedelta")
        except (OverflowError, ValueError):
            return number
    return number


def iter_rows(
    archive: zipfile.ZipFile, sheet: SheetPart, book: Book, max_columns: int
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(Excel row number, values of its first ``max_columns`` columns) for every row of the
    sheet with at least one cell that holds something, in file order. Cells beyond
    ``max_columns`` and rows the file does not contain cost nothing."""
    expected_row = 0
    for row in _events(archive, sheet.part, ("row",), container="sheetData"):
        number = _int(row.get("r")) or expected_row + 1
        expected_row = number
        values: dict[int, Any] = {}
        column = 0
        for cell in row:
            if _local(cell.tag) != "c":
                continue
            ref = _CELL_REF.match(cell.get("r", ""))
            column = _column_index(ref.group(1)) if ref else column + 1
            if column > max_columns:
                continue
            value = _cell_value(cell, book)
            if value is not None and value != "":
                values[column] = value
        if values:
            width = max(values)
            yield number, tuple(values.get(c) for c in range(1, width + 1))
