"""Read the input workbook into a ProblemData, tolerating what coordinators really type.

Three layers, in the order the data flows:

1. **File.** ``load_sheets`` opens the file with openpyxl (read-only, cached values) and
   returns every sheet as plain Python values. Anything that is not a usable workbook (missing,
   a folder, empty, a text file, a corrupt zip, an encrypted or legacy ``.xls`` file, far too
   large) raises ``UnreadableFileError`` with one sentence.
2. **Cells.** A ``Kind`` turns one cell value into a typed value or raises ``CellError`` with a
   message that says what to type instead: Excel dates and times or text, English, Dutch or
   French days, lists split on commas or semicolons, numbers stored as text, yes/no in several
   spellings.
3. **Sheets.** ``SHEETS`` describes every sheet of the contract (columns, which are required,
   what each holds); one generic table reader turns rows into records, and ``Settings`` and
   ``Weights`` (key/value sheets) have a reader each.

``check_workbook`` then runs the cross-sheet checks of ``scheduler.workbook.validate``. Every
problem is
collected before anything is reported; a row with a problem is left out of the data, and the ids
of such rows are passed to ``validate`` so that references to them are not reported twice.
"""

from __future__ import annotations

import difflib
import os
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scheduler.data import (
    DEFAULT_WEIGHTS,
    ProblemData,
    Settings,
)
from scheduler.errors import Problem, UnreadableFileError
from scheduler.i18n import N_, _, explicit_language, use_workbook_language
from scheduler.rules import RANGES, WEIGHT_RANGE
from scheduler.workbook.cells import (
    EXCEL_ERRORS,
    FLOAT,
    INT,
    CellError,
    GroupedNumber,
    Kind,
    as_text,
    is_blank,
    norm,
    show,
)
from scheduler.workbook.contract import (
    _NO_DEFAULT,
    SETTINGS_KINDS,
    SHEETS,
    TABLE_FIELDS,
    SheetSpec,
    column_names,
    is_example,
    sheet_for,
)
from scheduler.workbook.xlsxread import (
    ArchiveError,
    Book,
    SheetPart,
    inspect_archive,
    iter_rows,
    open_book,
)

MAX_FILE_BYTES = 50 * 1024 * 1024  # a real term workbook is well under 5 MB
MAX_ROWS = 100_000  # data rows per sheet; the largest prison has about 1,200 detainees
MAX_COLUMNS = 200  # columns read per sheet; the widest contract sheet has 12


# ---------------------------------------------------------------------------------------------
# The file: open it, or say in one sentence why it cannot be opened.
# ---------------------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_SAVE_AS = N_("open it in Excel and save it as an Excel Workbook (.xlsx)")


@dataclass(frozen=True)
class RawSheet:
    """One worksheet as plain values: the header row and the data rows with their Excel row."""

    title: str
    header: tuple[Any, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]


def _check_ole(path: Path) -> None:
    """An OLE2 compound file is either an encrypted .xlsx or a legacy .xls workbook."""
    with path.open("rb") as fh:
        content = fh.read(4 * 1024 * 1024)
    if _ENCRYPTED_STREAM in content:
        raise UnreadableFileError(
            _(
                "{name} is password-protected; remove the password in Excel (File > Info > "
                "Protect Workbook) and save it again",
                name=path.name,
            )
        )
    if "Workbook".encode("utf-16-le") in content or path.suffix.lower() == ".xls":
        raise UnreadableFileError(
            _(
                "{name} is an old-style Excel 97-2003 (.xls) workbook; {fix}",
                name=path.name,
                fix=_(_SAVE_AS),
            )
        )
    raise UnreadableFileError(
        _(
            "{name} is password-protected or an old-style .xls file; remove any password, then "
            "{fix}",
            name=path.name,
            fix=_(_SAVE_AS),
        )
    )


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def _check_zip(path: Path) -> None:
    """A zip archive that is not an .xlsx (an OpenDocument file, a .docx, a damaged file)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise UnreadableFileError(
            _(
                "{name} is damaged (not a valid zip archive); {fix}",
                name=path.name,
                fix=_(_SAVE_AS),
            )
        ) from exc
    if b"opendocument" in mimetype:
        raise UnreadableFileError(
            _("{name} is an OpenDocument spreadsheet; {fix}", name=path.name, fix=_(_SAVE_AS))
        )
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise UnreadableFileError(
            _(
                "{name} is a zip archive but not an Excel workbook; {fix}",
                name=path.name,
                fix=_(_SAVE_AS),
            )
        )


def check_file(path: Path) -> None:
    """Raise UnreadableFileError unless ``path`` looks like an .xlsx workbook of sane size."""
    if not path.exists():
        raise UnreadableFileError(
            _("{path} does not exist; check the name and the folder", path=path)
        )
    if path.is_dir():
        raise UnreadableFileError(_("{path} is a folder, not a workbook file", path=path))
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFileError(
            _("{name} is empty (0 bytes); {fix}", name=path.name, fix=_(_SAVE_AS))
        )
    if size > MAX_FILE_BYTES:
        raise UnreadableFileError(
            _(
                "{name} is far too large for a term workbook ({size} MB; the limit is {limit} "
                "MB); remove pictures and unused sheets",
                name=path.name,
                size=format(size / 2**20, ".0f"),
                limit=MAX_FILE_BYTES // 2**20,
            )
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError as exc:
        raise UnreadableFileError(
            _(
                "{path} cannot be opened ({problem}); close it in Excel or any other program "
                "that holds it, then try again",
                path=path,
                problem=exc.strerror or exc,
            )
        ) from exc
    if head.startswith(_OLE_MAGIC):
        _check_ole(path)
    if not head.startswith(b"PK"):
        if _looks_like_text(head):
            raise UnreadableFileError(
                _(
                    "{name} is a text file (CSV or similar), not an Excel workbook; {fix}",
                    name=path.name,
                    fix=_(_SAVE_AS),
                )
            )
        raise UnreadableFileError(
            _("{name} is not an Excel workbook; {fix}", name=path.name, fix=_(_SAVE_AS))
        )
    _check_zip(path)


def _read_sheet(archive: zipfile.ZipFile, sheet: SheetPart, book: Book, name: str) -> RawSheet:
    """Row 1 and every non-empty data row of one worksheet, with their Excel row numbers.
    Only the rows present in the file are parsed and only the first MAX_COLUMNS columns kept,
    so a stray cell at row 1,048,576 or column XFD costs nothing."""
    header: tuple[Any, ...] = ()
    rows: list[tuple[int, tuple[Any, ...]]] = []
    for number, values in iter_rows(archive, sheet, book, MAX_COLUMNS):
        if number == 1:
            header = values
        elif number > 1 and not all(is_blank(v) for v in values):
            rows.append((number, values))
            if len(rows) > MAX_ROWS:
                raise UnreadableFileError(
                    _(
                        "{name}: sheet {sheet} has more than {rows} rows of data, far more than "
                        "a term needs",
                        name=name,
                        sheet=sheet.title,
                        rows=MAX_ROWS,
                    )
                )
    return RawSheet(sheet.title, header, tuple(rows))


def load_sheets(path: str | os.PathLike) -> list[RawSheet]:
    """Every worksheet of the workbook at ``path`` as plain values.

    Raises UnreadableFileError (one sentence) when the file is not a usable .xlsx workbook,
    or when its archive would inflate far beyond what a term needs (checked before parsing).
    """
    path = Path(path)
    check_file(path)
    try:
        # A file object, not the name: the extension does not matter (".XLSX.bak" is fine).
        with path.open("rb") as fh, zipfile.ZipFile(fh) as archive:
            inspect_archive(archive)
            book = open_book(archive)
            return [_read_sheet(archive, sheet, book, path.name) for sheet in book.sheets]
    except UnreadableFileError:
        raise
    except ArchiveError as exc:
        raise UnreadableFileError(
            _(
                "{name} is refused: {problem}; {fix} again from a copy that holds only the term",
                name=path.name,
                problem=exc,
                fix=_(_SAVE_AS),
            )
        ) from None
    except Exception as exc:  # a damaged archive or XML raises many kinds of exception
        raise UnreadableFileError(
            # The kind of failure only: the library's own words are English and technical.
            _(
                "{name} is damaged and cannot be read as a workbook ({kind}); {fix}",
                name=path.name,
                kind=type(exc).__name__,
                fix=_(_SAVE_AS),
            )
        ) from exc


# ---------------------------------------------------------------------------------------------
# Rows: a table of raw values -> records, collecting every problem on the way.
# ---------------------------------------------------------------------------------------------


@dataclass
class _Collected:
    """Problems found while reading, and the ids of rows left out because of them."""

    problems: list[Problem] = field(default_factory=list)
    unread: dict[str, set[str]] = field(default_factory=dict)
    layout_ok: bool = True
    key_rows: dict[str, dict[str, int]] = field(default_factory=dict)  # Settings/Weights

    def add(
        self, sheet: str, row: int | None, column: str | None, message: str, severity: str = "error"
    ) -> None:
        self.problems.append(Problem(sheet, row, column, message, severity))

    def layout(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.layout_ok = False
        self.add(sheet, row, column, message)

    def left_out(self, sheet: str, key: str) -> None:
        self.unread.setdefault(sheet, set()).add(key)


def suggest(word: str, options: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the option closest to a misspelt ``word``, else ``""``."""
    close = difflib.get_close_matches(str(word), sorted(options), n=1, cutoff=0.6)
    return " " + _("(did you mean {value}?)", value=close[0]) if close else ""


def _columns(spec: SheetSpec, raw: RawSheet, out: _Collected) -> dict[str, int] | None:
    """The position of each contract column in ``raw``, or None when a required one is missing."""
    found: dict[str, int] = {}
    known = column_names(spec)  # English or Dutch
    for index, cell in enumerate(raw.header):
        if is_blank(cell):
            continue
        try:
            text = cell.strip() if isinstance(cell, str) else as_text(cell)
        except CellError as exc:
            out.layout(
                spec.name,
                1,
                None,
                _(
                    "column {n} of row 1: {value} {problem}",
                    n=index + 1,
                    value=show(cell),
                    problem=exc,
                ),
            )
            continue
        name = known.get(norm(text))
        if name is None:
            out.add(
                spec.name,
                1,
                text,
                _(
                    "column {column} is not a column of {sheet} and is ignored{hint}",
                    column=repr(text),
                    sheet=spec.name,
                    hint=suggest(text, spec.names),
                ),
                "warning",
            )
        elif name in found:
            out.layout(
                spec.name,
                1,
                name,
                _("column {column} appears twice in row 1; keep one of them", column=name),
            )
        else:
            found[name] = index
    missing = [c.name for c in spec.columns if c.must_exist and c.name not in found]
    if missing and not found:
        out.layout(
            spec.name,
            1,
            None,
            _("row 1 must hold the column names: {columns}", columns=", ".join(spec.names)),
        )
        return None
    for name in missing:
        out.layout(
            spec.name,
            1,
            name,
            _(
                "column {column} is missing; add it to row 1 (columns of {sheet}: {columns})",
                column=name,
                sheet=spec.name,
                columns=", ".join(spec.names),
            ),
        )
    return None if missing else found


def _cell(values: tuple[Any, ...], index: int | None) -> Any:
    return values[index] if index is not None and index < len(values) else None


def _row_values(
    spec: SheetSpec, number: int, values: tuple[Any, ...], cols: dict[str, int], out: _Collected
) -> dict[str, Any] | None:
    """The typed values of one row, or None after reporting its problems."""
    parsed: dict[str, Any] = {}
    ok = True
    for column in spec.columns:
        value = _cell(values, cols.get(column.name))
        if is_blank(value):
            if column.required:
                out.add(
                    spec.name,
                    number,
                    column.name,
                    _(
                        "{column} is empty; type {what}",
                        column=column.name,
                        what=_(column.kind.what),
                    ),
                )
                ok = False
            elif column.default is not _NO_DEFAULT:
                parsed[column.name] = column.default
            continue
        try:
            parsed[column.name] = column.kind.read(value)
        except CellError as exc:
            out.add(
                spec.name, number, column.name, f"{show(value)} {_ranged(spec, column, exc, value)}"
            )
            ok = False
    return parsed if ok else None


def _example_row(values: tuple[Any, ...], id_index: int | None) -> bool:
    """A template example row: its first column's cell starts with VOORBEELD or EXAMPLE."""
    first = _cell(values, id_index)
    return isinstance(first, str) and is_example(first)


def _typed_word(value: Any) -> bool:
    """Text typed where a number belongs (not an Excel error value, not a formula without
    its value: those keep their own message)."""
    return isinstance(value, str) and value.strip().upper() not in EXCEL_ERRORS


def _ranged(spec: SheetSpec, column: Any, exc: CellError, value: Any) -> str:
    """A number column's message says the column's own range and an example that passes it
    (``'hoog' is not a whole number from 1 to 5; for example 3``), not a generic one."""
    bounds = RANGES.get((spec.name, column.name))
    if bounds is None or isinstance(exc, GroupedNumber) or column.kind not in (INT, FLOAT):
        return str(exc)
    if not _typed_word(value):
        return str(exc)
    return _(
        "is not {range}; for example {example}", range=bounds.describe(), example=bounds.example
    )


def _key_range(sheet: str, key: str, kind: Kind, exc: CellError, value: Any) -> str:
    """A Settings or Weights number's message with its own range and a passing example."""
    bounds = WEIGHT_RANGE if sheet == "Weights" else RANGES.get((sheet, key))
    if bounds is None or isinstance(exc, GroupedNumber) or kind not in (INT, FLOAT):
        return str(exc)
    if not _typed_word(value):
        return str(exc)
    return _(
        "is not {range}; for example {example}", range=bounds.describe(), example=bounds.example
    )


def read_table(
    spec: SheetSpec, raw: RawSheet | None, out: _Collected
) -> list[tuple[int, dict[str, Any]]]:
    """The rows of one sheet as (Excel row, typed values), problems collected in ``out``."""
    if raw is None:
        if not spec.optional:
            out.layout(
                spec.name,
                None,
                None,
                _(
                    "the sheet {sheet} is missing; add a sheet with the columns {columns}",
                    sheet=spec.name,
                    columns=", ".join(spec.names),
                ),
            )
        return []
    if not raw.header and not raw.rows and spec.optional:
        return []
    cols = _columns(spec, raw, out)
    if cols is None:
        return []
    rows = []
    id_index = cols.get(spec.columns[0].name)
    for number, values in raw.rows:
        if _example_row(values, id_index):
            continue
        parsed = _row_values(spec, number, values, cols, out)
        if parsed is not None:
            rows.append((number, parsed))
            continue
        key = _cell(values, id_index)
        if not is_blank(key):
            try:
                out.left_out(spec.name, as_text(key))
            except CellError:
                pass  # the id cell itself shows an Excel error; nothing can refer to it
    return rows


def _records(spec: SheetSpec, rows: list[tuple[int, dict[str, Any]]]) -> tuple:
    """Records of ``spec.record`` from parsed rows; a blank optional cell keeps the default."""
    make = spec.record
    assert make is not None, f"{spec.name} is read by its own reader, not as a table"
    fix = spec.fix or (lambda record: record)
    return tuple(fix(make(**values, row=number)) for number, values in rows)


def _key_values(
    spec: SheetSpec, raw: RawSheet | None, out: _Collected, kinds: dict[str, Kind]
) -> dict[str, Any]:
    """A key/value sheet (Settings, Weights): key -> typed value; blank values dropped."""
    found: dict[str, Any] = {}
    seen: dict[str, int] = {}
    by_norm = {norm(k): k for k in kinds}
    for number, values in read_table(spec, raw, out):
        typed = str(values["key"])
        key = by_norm.get(norm(typed))
        if key is None:
            out.add(
                spec.name,
                number,
                "key",
                _(
                    "unknown key {key}{hint}; the keys of {sheet} are {keys}",
                    key=repr(typed),
                    hint=suggest(typed, kinds),
                    sheet=spec.name,
                    keys=", ".join(kinds),
                ),
            )
            continue
        if key in seen:
            out.add(
                spec.name,
                number,
                "key",
                _(
                    "{key} is given twice (first on row {row}); keep one row",
                    key=key,
                    row=seen[key],
                ),
            )
            continue
        seen[key] = number
        out.key_rows.setdefault(spec.name, {})[key] = number
        value = values.get("value")
        if is_blank(value):
            continue
        try:
            found[key] = kinds[key].read(value)
        except CellError as exc:
            hint = _key_range(spec.name, key, kinds[key], exc, value)
            out.add(spec.name, number, "value", f"{key}: {show(value)} {hint}")
            out.left_out(spec.name, key)
    return found


def read_settings(raw: RawSheet | None, out: _Collected) -> Settings:
    """Settings from the key/value sheet; a missing required key becomes a blank value that
    ``validate`` reports, an optional one keeps its default."""
    found = _key_values(SHEETS["Settings"], raw, out, SETTINGS_KINDS)
    values: dict[str, Any] = {"prison": "", "term_start": None, "term_end": None}
    values.update(found)
    if "time_limit_s" in values:
        values["time_limit_s"] = float(values["time_limit_s"])
    return Settings(**values)


def read_weights(raw: RawSheet | None, out: _Collected) -> dict[str, float]:
    """The documented default weights, overridden by the Weights sheet."""
    kinds = {key: FLOAT for key in DEFAULT_WEIGHTS}
    found = _key_values(SHEETS["Weights"], raw, out, kinds)
    return dict(DEFAULT_WEIGHTS) | found


def _find_sheets(raw_sheets: list[RawSheet], out: _Collected) -> dict[str, RawSheet]:
    """Contract sheet name -> its worksheet, matched by name ignoring case and spaces."""
    by_norm: dict[str, RawSheet] = {}
    for raw in raw_sheets:
        spec = sheet_for(raw.title)  # English or Dutch
        if spec is None:
            continue
        key = norm(spec.name)
        if key in by_norm:
            out.layout(
                spec.name,
                None,
                None,
                _(
                    "two sheets are named {sheet} ({first} and {second}); keep one",
                    sheet=spec.name,
                    first=repr(by_norm[key].title),
                    second=repr(raw.title),
                ),
            )
        by_norm.setdefault(key, raw)
    return {name: by_norm[norm(name)] for name in SHEETS if norm(name) in by_norm}


def build(raw_sheets: list[RawSheet]) -> tuple[ProblemData, _Collected]:
    """ProblemData from raw sheets, with every reading problem collected (not yet validated)."""
    out = _Collected()
    sheets = _find_sheets(raw_sheets, out)
    settings = read_settings(sheets.get("Settings"), out)
    if explicit_language() is None:  # the rest of the messages in the workbook's language
        use_workbook_language(settings.language)
    tables = {
        fld: _records(SHEETS[sheet], read_table(SHEETS[sheet], sheets.get(sheet), out))
        for sheet, fld in TABLE_FIELDS.items()
    }
    weights = read_weights(sheets.get("Weights"), out)
    return ProblemData(settings=settings, weights=weights, **tables), out
