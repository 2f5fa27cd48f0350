"""The streaming upload: the file lands at the server's path, too much is refused early."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.web.upload import (
    MAX_NAME,
    UploadMalformed,
    UploadTooLarge,
    display_name,
    receive_workbook,
)

TYPE = "multipart/form-data; boundary=XyZ"


def body(content: bytes, filename: str = "term.xlsx", field: str = "workbook") -> bytes:
    return (
        b'--XyZ\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n%s\r\n--XyZ--\r\n"
    ) % (field.encode(), filename.encode(), content)


def receive(chunks: list[bytes], target: Path, limit: int, pulled: list[int] | None = None):
    async def stream():
        for chunk in chunks:
            if pulled is not None:
                pulled.append(len(chunk))
            yield chunk

    return asyncio.run(receive_workbook(stream(), TYPE, target, limit))


def test_the_file_is_written_to_the_given_path(tmp_path):
    data = bytes(range(256)) * 100
    raw = body(data, "Mijn term.xlsx")
    chunks = [raw[i : i + 1000] for i in range(0, len(raw), 1000)]
    name, size = receive(chunks, tmp_path / "term.xlsx", 10**6)
    assert (name, size) == ("Mijn term.xlsx", len(data))
    assert (tmp_path / "term.xlsx").read_bytes() == data


def test_reading_stops_once_past_the_limit(tmp_path):
    raw = body(b"\0" * 5_000_000)
    chunks = [raw[i : i + 65536] for i in range(0, len(raw), 65536)]
    pulled: list[int] = []
    with pytest.raises(UploadTooLarge):
        receive(chunks, tmp_path / "term.xlsx", 1_000_000, pulled)
    assert sum(pulled) < 1_200_000  # not the whole 5 MB
    assert (tmp_path / "term.xlsx").stat().st_size <= 1_100_000


@pytest.mark.parametrize(
    "raw",
    [
        body(b"abc", field="other"),  # no workbook field
        b'--XyZ\r\nContent-Disposition: form-data; name="workbook"\r\n\r\nabc\r\n--XyZ--\r\n',
        body(b"", filename=""),  # the form sent without choosing a file
    ],
)
def test_a_form_without_the_workbook_file_is_malformed(tmp_path, raw):
    with pytest.raises(UploadMalformed):
        receive([raw], tmp_path / "term.xlsx", 10**6)


def test_a_body_that_is_not_multipart_is_malformed(tmp_path):
    async def stream():
        yield b"x"

    with pytest.raises(UploadMalformed):
        asyncio.run(receive_workbook(stream(), "application/json", tmp_path / "t", 10))


@given(st.text(max_size=300))
def test_a_displayed_name_is_a_short_printable_last_component(raw):
    name = display_name(raw)
    assert name and len(name) <= MAX_NAME
    assert "/" not in name and "\\" not in name
    assert all(c.isprintable() for c in name)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("C:\\Users\\coord\\term 2027.xlsx", "term 2027.xlsx"),
        ("../../etc/passwd", "passwd"),
        ("", "workbook.xlsx"),
        (None, "workbook.xlsx"),
        ("a\x00b\nc.xlsx", "abc.xlsx"),
    ],
)
def test_display_names(raw, shown):
    assert display_name(raw) == shown
