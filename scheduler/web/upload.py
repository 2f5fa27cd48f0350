"""Receive one uploaded workbook as it streams in, refusing it as soon as it is too large.

The body of ``POST /upload`` (``multipart/form-data`` with one file field, ``workbook``) is
parsed part by part as it arrives; the file's bytes go straight to a fixed path chosen by the
server. The name the browser gives the file is kept for display only and never touches the
file system. A body larger than the limit is refused while it streams: nothing more is read
or kept once the limit is passed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header

FIELD = "workbook"
MAX_NAME = 120  # characters of the displayed file name
# A multipart body carries the boundary lines and part headers on top of the file itself.
ENVELOPE_BYTES = 16 * 1024


class UploadTooLarge(Exception):
    """The body passed the size limit; ``seen`` bytes were read before it stopped."""

    def __init__(self, seen: int):
        super().__init__(f"upload larger than the limit ({seen} bytes read)")
        self.seen = seen


class UploadMalformed(Exception):
    """The body is not a multipart form with a file in the ``workbook`` field."""


@dataclass
class _Part:
    headers: dict[str, str] = field(default_factory=dict)
    name: str = ""
    filename: str | None = None


@dataclass
class _State:
    """What the parser has seen so far; ``out`` receives the bytes of the workbook field."""

    out: BinaryIO
    part: _Part | None = None
    header_field: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    filename: str | None = None
    file_bytes: int = 0
    found: bool = False
    field: str = FIELD
    fields: dict[str, str] | None = None  # small text fields, when the caller wants them


def display_name(raw: str | None) -> str:
    """The browser's file name reduced to something safe to show: the last path component,
    printable characters only, at most MAX_NAME long (``workbook.xlsx`` when nothing is left)."""
    name = re.split(r"[\\/]", raw or "")[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if c.isprintable()).strip()
    return name[:MAX_NAME] or "workbook.xlsx"


def _callbacks(state: _State) -> Any:  # python-multipart's MultipartCallbacks (a TypedDict)
    """The parser's callbacks, writing the workbook field to ``state.out``."""

    def on_part_begin() -> None:
        state.part = _Part()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state.header_field += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state.header_value += data[start:end]

    def on_header_end() -> None:
        assert state.part is not None
        key = state.header_field.decode("latin-1").strip().lower()
        state.part.headers[key] = state.header_value.decode("utf-8", "replace")
        state.header_field.clear()
        state.header_value.clear()

    def on_headers_finished() -> None:
        assert state.part is not None
        _, options = parse_options_header(state.part.headers.get("content-disposition", ""))
        state.part.name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        state.part.filename = None if filename is None else filename.decode("utf-8", "replace")
        if state.part.name == state.field and state.part.filename is not None:
            state.found = True
            state.filename = state.part.filename

    def on_part_data(data: bytes, start: int, end: int) -> None:
        part = state.part
        if part is not None and part.name == state.field and part.filename is not None:
            state.out.write(data[start:end])
            state.file_bytes += end - start
        elif part is not None and part.filename is None and state.fields is not None:
            text = state.fields.get(part.name, "") + data[start:end].decode("utf-8", "replace")
            state.fields[part.name] = text[:MAX_NAME]

    return {
        "on_part_begin": on_part_begin,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished,
        "on_part_data": on_part_data,
    }


def boundary_of(content_type: str | None) -> bytes:
    """The multipart boundary of a Content-Type header; UploadMalformed when there is none."""
    kind, options = parse_options_header(content_type or "")
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadMalformed("not a multipart form")
    return boundary


async def receive_workbook(
    chunks: AsyncIterator[bytes],
    content_type: str | None,
    target: Path,
    limit: int,
    field: str = FIELD,
    fields: dict[str, str] | None = None,
) -> tuple[str, int]:
    """Write the ``workbook`` field of a streaming multipart body to ``target``.

    Returns (display name, file size). Raises UploadTooLarge as soon as the body passes
    ``limit`` plus a small envelope for the form itself (the rest is never read), and
    UploadMalformed when the body has no file in the ``workbook`` field or no file was chosen.
    ``field`` names another file field; ``fields``, when given, receives the form's short text
    fields (at most MAX_NAME characters each), which never touch the file system.
    """
    parser_boundary = boundary_of(content_type)
    seen = 0
    with target.open("wb") as out:
        state = _State(out, field=field, fields=fields)
        parser = MultipartParser(parser_boundary, _callbacks(state))
        async for chunk in chunks:
            seen += len(chunk)
            if seen > limit + ENVELOPE_BYTES or state.file_bytes > limit:
                raise UploadTooLarge(seen)
            try:
                parser.write(chunk)
            except Exception as exc:  # the parser raises several kinds on a broken body
                raise UploadMalformed(str(exc)) from exc
        if state.file_bytes > limit:
            raise UploadTooLarge(seen)
        try:
            parser.finalize()
        except Exception as exc:
            raise UploadMalformed(str(exc)) from exc
    if not state.found or (state.file_bytes == 0 and not state.filename):
        raise UploadMalformed("no file in the form")
    return display_name(state.filename), state.file_bytes
