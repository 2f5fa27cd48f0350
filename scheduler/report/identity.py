"""A timetable's identity: which program wrote it, and a digest of what it wrote.

The digest is the SHA-256 of the machine-readable sheets (``DIGEST_SHEETS``) exactly as written,
each cell in a canonical text form, so the reader can tell a timetable edited by hand after it
was written (replan.md, Clarifications). The same ``canonical`` form is used when writing and
when reading back, so a value that openpyxl returns in another type (a date read back as a
datetime at midnight, ``2.0`` read back as ``2``) gives the same digest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from scheduler import __version__

# The sheets another program reads back; Term holds the digest itself, so it is not among them.
DIGEST_SHEETS: tuple[str, ...] = ("Sessions", "Groups", "Memberships", "Intakes", "Internet")
GENERATOR = f"scheduler {__version__}"


def canonical(value: Any) -> str:
    """One cell as the text the digest is computed over."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(" ", "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _row_text(values: Sequence[Any]) -> str:
    cells = [canonical(v) for v in values]
    while cells and cells[-1] == "":
        cells.pop()
    return "\t".join(cells)


def digest(sheets: Iterable[tuple[str, Iterable[Sequence[Any]]]]) -> str:
    """SHA-256 (hex) of ``(sheet name, rows)`` pairs, header row included, blank rows skipped.

    Only the sheets of ``DIGEST_SHEETS`` count, in that order, whatever order they are given in.
    """
    by_name = {name: rows for name, rows in sheets}
    h = hashlib.sha256()
    for name in DIGEST_SHEETS:
        h.update(f"[{name}]\n".encode())
        for values in by_name.get(name, ()):
            text = _row_text(values)
            if text:
                h.update(text.encode("utf-8") + b"\n")
    return h.hexdigest()
