"""No text is cut where it is printed: every printed sheet of the template, a timetable, its
papers and a comparison, checked on the workbook's own geometry (tests/render/fit.py)."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment

from scheduler import i18n
from scheduler.report.papers import write_papers
from scheduler.report.timetable import write_timetable
from scheduler.workbook.template import write_template
from tests.helpers.timetable_fixture import tiny_data, tiny_result
from tests.render.fit import cut_cells, lines_needed


def _cuts(path) -> list[str]:
    wb = load_workbook(path)
    return [str(cut) for ws in wb.worksheets for cut in cut_cells(ws)]


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_template_fits_in_every_language(tmp_path, lang):
    i18n.set_language(lang)
    assert _cuts(write_template(tmp_path / "t.xlsx")) == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_timetable_and_papers_fit(tmp_path, lang):
    i18n.set_language(lang)
    timetable = write_timetable(tiny_data(), tiny_result(), tmp_path / "tt.xlsx", [])
    assert _cuts(timetable) == []
    assert _cuts(write_papers(timetable, tmp_path / "papers.xlsx")) == []


def test_the_checker_finds_a_cut(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.column_dimensions["A"].width = 10
    ws["A1"] = "a text far longer than its column"
    ws["B1"] = "neighbour"
    ws["A2"] = "wraps over three or more lines here"
    ws["A2"].alignment = Alignment(wrap_text=True)
    ws["A3"] = "long but nothing to its right"
    assert [c.cell for c in cut_cells(ws)] == ["A1", "A2"]
    ws.row_dimensions[2].height = 15 * lines_needed(ws["A2"].value, 10, 11)
    assert [c.cell for c in cut_cells(ws)] == ["A1"]
