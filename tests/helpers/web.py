"""Helpers of the web tests: read a downloaded timetable back and verify it, run a server.

``read_solution`` turns the Groups, Sessions, Intakes and Internet sheets of a timetable
workbook (as ``scheduler solve`` or the web page writes it) back into a Solution, so that the
independent verifier can check what the browser downloaded against the term workbook.
``running_server`` starts ``scheduler serve`` in a subprocess on a free loopback port;
``zip_bomb`` makes a workbook that unpacks to far more than it seems.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from openpyxl import load_workbook

from scheduler.solution import Group, Intake, InternetBooking, Session, Solution
from scheduler.verify import total_violations, verify
from scheduler.workbook.validate import read_workbook


def _rows(wb, sheet: str) -> list[dict]:
    rows = list(wb[sheet].iter_rows(values_only=True))
    header = [str(h) if h is not None else "" for h in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def _list(text) -> tuple[str, ...]:
    return tuple(p.strip() for p in str(text or "").split(",") if p.strip())


def read_solution(path: Path) -> Solution:
    """The Solution a timetable workbook shows."""
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        groups = tuple(
            Group(str(r["group"]), str(r["course"]), str(r["staff"]), _list(r["members"]))
            for r in _rows(wb, "Groups")
        )
        sessions = tuple(
            Session(
                str(r["group"]),
                str(r["course"]),
                str(r["day"]),
                str(r["period"]),
                int(r["periods"]),
                str(r["room"]),
                str(r["staff"]),
                r["internet"] == "yes",
            )  # fmt: skip
            for r in _rows(wb, "Sessions")
        )
        intakes = tuple(
            Intake(
                str(r["learner"]),
                int(r["week"]),
                str(r["day"]),
                str(r["period"]),
                int(r["periods"]),
                str(r["room"]),
                str(r["staff"]),
                str(r["language"]),
            )  # fmt: skip
            for r in _rows(wb, "Intakes")
        )
        internet = tuple(
            InternetBooking(str(r["learner"]), str(r["day"]), str(r["period"]), str(r["room"]))
            for r in _rows(wb, "Internet")
        )
    finally:
        wb.close()
    return Solution(groups, sessions, intakes, internet)


def violations(workbook: Path, timetable: Path) -> int:
    """Hard-rule violations the verifier finds in ``timetable`` for the term ``workbook``; a
    re-planned timetable judged from its valid_from on, as the re-plan was (held intakes are
    history)."""
    from scheduler.replan.update import seen_from_valid_from
    from scheduler.report.read import kept_groups, read_timetable

    read = read_timetable(timetable)
    assert read.solution.groups, "the timetable has no groups"
    data, solution = seen_from_valid_from(read_workbook(workbook), read)
    return total_violations(verify(data, solution, kept_groups(read)))


def browser_unavailable(reason: str) -> NoReturn:
    """Skip a browser test, saying how to install what is missing; in CI (``CI`` set) fail
    instead, because CI must run the browser tests."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests (run bash .ci/browser first)")
    pytest.skip(f"{reason} (install it with: bash .ci/browser)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server ended with exit code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers (403 without the token)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer at {url} within {seconds} s")


@contextlib.contextmanager
def running_server(*args: str) -> Iterator[str]:
    """``scheduler serve`` on a free loopback port; yields its base URL, stops it after.
    Its output goes to a file (a pipe nobody reads could fill up and stop the server)."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "scheduler", "serve", "--port", str(port), *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_until_up(url + "/", process)
            except RuntimeError as exc:
                log.seek(0)
                raise RuntimeError(f"{exc}; its output:\n{log.read()}") from None
            yield url
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def zip_bomb(source: Path, target: Path, rows: int = 2_000_000) -> Path:
    """A copy of the workbook ``source`` whose first sheet unpacks to ``rows`` rows of data
    (hundreds of MB from a file under 1 MB) while its declared size says two rows."""
    row = b'<row><c t="inlineStr"><is><t>L0001</t></is></c></row>'
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(item, data)
                continue
            head, rest = data.split(b"<sheetData>", 1)
            head = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', head)
            with bomb.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(head + b"<sheetData>")
                for _ in range(rows // 100_000):
                    sheet.write(row * 100_000)
                sheet.write(b"</sheetData>" + rest.split(b"</sheetData>", 1)[1])
    return target
