"""Issue 12, item 4: hostile archives are refused in seconds, stray cells cost nothing.

The files come from tests/fuzz/make_corpus.py (made in a temporary folder, not committed).
Measured on the crafted files (validate, 2 cores shared): a stray cell at XFD1048576 took
5½ min without a ``<dimension>`` and 14 s with one; the 3,000 × 16,384-cell zip bomb 5½ min;
a workbook inflating to 600 MB over a minute. Each now takes well under a second.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli import main
from scheduler.errors import UnreadableFileError
from scheduler.workbook.read import load_sheets
from scheduler.workbook.validate import check_workbook
from scheduler.workbook.xlsxread import MAX_PART_BYTES, ArchiveError, _Capped
from tests.fuzz.make_corpus import (
    ARCHIVES,
    BASE,
    LEARNERS_PART,
    _replace_part,
    _rewrite,
    archive_cases,
)

FAST = 5.0  # seconds: "refuse in seconds"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("archives")
    return {case.name: case.path for case in archive_cases(folder, small=True)}


def _validate(path: Path):
    began = time.perf_counter()
    result = CliRunner().invoke(main, ["validate", str(path)])
    return result, time.perf_counter() - began


@pytest.mark.parametrize(
    "name",
    [
        "stray-cell-XFD1048576-with-dimension",
        "stray-cell-XFD1048576-without-dimension",
    ],
)
def test_item4_stray_cell_at_the_last_row_and_column_costs_nothing(corpus, name):
    result, seconds = _validate(corpus[name])
    assert result.exit_code == 0, result.output
    assert seconds < FAST


def test_item4_a_stray_value_in_a_contract_column_is_named_by_its_row(corpus):
    result, seconds = _validate(corpus["stray-cell-A1048576-without-dimension"])
    assert result.exit_code == 2
    assert "Learners, row 1048576" in result.output
    assert seconds < FAST


@pytest.mark.parametrize(
    "name, words",
    [
        ("unreferenced-part-of-80-MB", "inflates to 80 MB"),
        ("sheet-of-60-MB", "inflates to 57 MB"),
        ("5000-parts", "5,023 parts"),
        ("sizes-that-lie", "damaged"),
        ("entity-bomb", "damaged"),
        ("external-entity", "damaged"),
        ("truncated-sheet-xml", "damaged"),
    ],
)
def test_item4_hostile_archives_are_refused_in_seconds_with_one_sentence(corpus, name, words):
    result, seconds = _validate(corpus[name])
    assert result.exit_code == 2
    assert words in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output and "bug" not in result.output
    assert seconds < FAST


@pytest.mark.slow
@pytest.mark.parametrize("name", ["zip-bomb-3000x16384-cells", "inflates-to-600-MB"])
def test_item4_the_big_bombs_are_refused_before_inflating(tmp_path, name):
    make, _exits, _slow = ARCHIVES[name]
    path = make(BASE, tmp_path / f"{name}.xlsx")
    with pytest.raises(UnreadableFileError, match="is refused: its part"):
        began = time.perf_counter()
        load_sheets(path)
    assert time.perf_counter() - began < FAST


def test_item4_a_part_that_inflates_more_than_it_says_is_stopped_by_the_counter():
    """The archive's sizes are only a first check: every part is read through a counter."""

    class Endless:
        def read(self, n: int) -> bytes:
            return b"x" * n

    capped = _Capped(Endless(), "xl/worksheets/sheet1.xml", limit=1 << 20)  # type: ignore[arg-type]
    with pytest.raises(ArchiveError, match="more than the archive says"):
        while capped.read(1 << 16):
            pass
    assert MAX_PART_BYTES >= 16 << 20  # far above a real 1,200-learner Learners sheet


def test_item4_only_the_contract_columns_are_read(tmp_path):
    """A cell in column 5,000 is not read at all (not even as an unknown column)."""

    def far_cell(xml: bytes) -> bytes:
        cell = '<c r="GJH2" t="inlineStr"><is><t>far away</t></is></c>'
        return xml.replace(b"</row>", cell.encode() + b"</row>", 1)

    path = _rewrite(BASE, tmp_path / "far.xlsx", {LEARNERS_PART: far_cell})
    learners = next(s for s in load_sheets(path) if s.title == "Learners")
    assert all(len(values) <= 200 for _row, values in learners.rows)
    data, problems = check_workbook(path)
    assert data is not None


def test_item4_rows_between_the_data_and_a_stray_row_are_not_materialised(tmp_path):
    """5,000 rows with one cell each, far apart: reading costs what the file holds."""

    def spread(_xml: bytes):
        yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        yield b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>learner</t></is></c></row>'
        for i in range(5_000):
            r = 2 + i * 200
            yield b'<row r="%d"><c r="B%d" t="inlineStr"><is><t>A</t></is></c></row>' % (r, r)
        yield b"</sheetData></worksheet>"

    path = _replace_part(BASE, tmp_path / "spread.xlsx", LEARNERS_PART, spread(b""))
    began = time.perf_counter()
    learners = next(s for s in load_sheets(path) if s.title == "Learners")
    assert len(learners.rows) == 5_000 and learners.rows[-1][0] == 2 + 4_999 * 200
    assert time.perf_counter() - began < FAST
