"""Where outputs may go: never over a file the program did not write, always somewhere it can.

Every timetable and comparison workbook carries a custom document property
(``scheduler-output``, value ``timetable`` or ``comparison``) that Excel keeps when a
coordinator edits and saves the file. A command may replace a file that carries it; any other
existing file (a term workbook, a spreadsheet of the coordinator's own) is replaced only with
``--force``, and an input of the same command never. The checks run before the solve, so a
refusal costs seconds, not the whole time limit: the folder must be writable, the name short
enough for the file system.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty

from scheduler.errors import SchedulerError
from scheduler.workbook.xlsxread import inspect_archive, iter_rows, open_book

MARKER = "scheduler-output"
OUTPUT_KINDS = ("timetable", "comparison", "reach")
# Most file systems allow 255 bytes per name; leave room for a ``-2`` and a temporary prefix.
MAX_NAME_BYTES = 200
_CUSTOM_PART = "docProps/custom.xml"
_CUSTOM_MAX_BYTES = 1 << 20


class OutputError(SchedulerError):
    """An output cannot or must not be written there; the message says what to do."""


def mark(wb: Workbook, kind: str) -> Workbook:
    """Give ``wb`` the property that says this program wrote it (``kind`` is one of
    ``OUTPUT_KINDS``), so that a later run may replace it."""
    props = wb.custom_doc_props  # type: ignore[attr-defined]  # openpyxl >= 3.1, not in its stubs
    for name in [p.name for p in props.props if p.name == MARKER]:
        del props[name]
    props.append(StringProperty(name=MARKER, value=kind))
    return wb


def written_by_us(path: str | os.PathLike) -> str | None:
    """The kind of output the file at ``path`` is (``timetable``, ``comparison``), or None
    when it is not one this program wrote (or not a workbook at all). Reads only the zip's
    small custom-properties part, never the sheets."""
    try:
        with zipfile.ZipFile(path) as archive:
            if _CUSTOM_PART not in archive.namelist():
                return "timetable" if _term_generator(path) else None
            info = archive.getinfo(_CUSTOM_PART)
            if info.file_size > _CUSTOM_MAX_BYTES:
                return None
            text = archive.read(info).decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, EOFError):
        return None
    found = re.search(rf'name="{re.escape(MARKER)}"[^>]*>\s*<vt:lpwstr>([a-z]+)</vt:lpwstr>', text)
    kind = found.group(1) if found else None
    return kind if kind in OUTPUT_KINDS else None


def _term_generator(path: str | os.PathLike) -> bool:
    """Whether the workbook's Term sheet names this program as its ``generator`` (timetables
    written before the document property existed carry only that)."""
    try:
        with zipfile.ZipFile(path) as archive:
            inspect_archive(archive)
            book = open_book(archive)
            term = next((sheet for sheet in book.sheets if sheet.title == "Term"), None)
            if term is None:
                return False
            for number, values in iter_rows(archive, term, book, max_columns=2):
                if number > 100:
                    return False
                if len(values) == 2 and values[0] == "generator":
                    return str(values[1]).startswith("scheduler")
    except Exception:  # any damage means: not a timetable we can vouch for
        return False
    return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def check_output(path: Path, force: bool = False, inputs: Iterable[Path] = ()) -> None:
    """Raise OutputError unless ``path`` may be written: not an input of this command (not
    even with ``force``), not a folder, a name the file system can hold, and either absent,
    written by this program, or ``force`` given."""
    if len(path.name.encode("utf-8")) > 255:
        raise OutputError(
            f"the output name {path.name[:40]}... is {len(path.name)} characters, longer than a "
            "file name may be; choose a shorter one"
        )
    for source in inputs:
        if _same_file(path, source):
            raise OutputError(
                f"{path} is an input of this command and is never written to; choose another "
                "output name"
            )
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name ending in .xlsx")
    if path.exists() and not force and written_by_us(path) is None:
        raise OutputError(
            f"{path} already exists and was not written by scheduler; choose another name, "
            "or add --force to replace it"
        )


def check_folder(folder: Path) -> None:
    """Raise OutputError unless files can be created in ``folder`` (or, when it does not
    exist yet, in its nearest existing parent, where it will be created). Tries for real with
    a probe file, removed at once: permissions alone do not tell (a read-only network drive,
    a read-only mount, a full quota)."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"{existing} is a file, so the folder {folder} cannot be made there")
    probe = existing / f".scheduler-probe-{os.getpid()}"
    try:
        with open(probe, "wb") as fh:
            fh.write(b"x")
    except OSError as exc:
        raise OutputError(f"cannot write in the folder {existing}: {_why(exc)}") from None
    finally:
        try:
            probe.unlink()
        except OSError:
            pass


def _why(exc: OSError) -> str:
    """One clause a coordinator understands for the usual reasons a write fails."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "the disk is full; free some space and run again"
    if exc.errno == errno.EROFS:
        return "the drive is read-only; choose another folder with -o"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied; choose another folder with -o"
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long; choose a shorter one"
    return exc.strerror or str(exc)


def write_failed(path: Path, exc: OSError) -> OutputError:
    """The error to raise when writing ``path`` failed (nothing of it was left behind)."""
    return OutputError(f"could not write {path}: {_why(exc)}; nothing was written there")


def short_name(stem: str, limit: int = MAX_NAME_BYTES) -> str:
    """``stem`` if it fits in ``limit`` bytes, else its start and a short hash of the whole, so
    that two long names that share a start still give two files."""
    if len(stem.encode("utf-8")) <= limit:
        return stem
    digest = hashlib.sha1(stem.encode("utf-8")).hexdigest()[:10]
    cut = stem.encode("utf-8")[: limit - len(digest) - 1].decode("utf-8", "ignore")
    return f"{cut}-{digest}"
