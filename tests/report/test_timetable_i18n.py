"""The timetable workbook's human-facing sheets in Dutch: no English words of a message left.

Sheet and column names of the machine-readable sheets (Groups, Sessions, Intakes, Internet,
Memberships, Term) and the codes in machine columns (reason_code, unblock_check) stay as the
contract spells them; everything a person reads is in the coordinator's language.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from scheduler import i18n
from scheduler.cli import main
from scheduler.report.figures import figure_words
from scheduler.report.timetable import write_timetable
from tests.helpers.english import cell_texts, english_in, english_pieces
from tests.helpers.timetable_fixture import tiny_data, tiny_result

GRIDS = ("Overview", "Week", "Rooms", "Staff", "Sections")
# Human columns of the tables: the rest are ids, codes and numbers.
PROSE = {"Waiting": ("reason", "unblock"), "Learners": ("waiting_reason",)}


def _column(ws, name: str) -> list[str]:
    rows = list(ws.iter_rows(values_only=True))
    i = list(rows[0]).index(name)
    return [str(r[i]) for r in rows[1:] if r[i] is not None]


def human_texts(wb) -> list[str]:
    """Every text a person reads in a timetable workbook."""
    texts = [t for sheet in GRIDS for t in cell_texts(wb[sheet])]
    for sheet, columns in PROSE.items():
        texts += [t for c in columns for t in _column(wb[sheet], c)]
    texts += _column(wb["Diagnostics"], "description")
    if "Changes" in wb.sheetnames:
        texts += _column(wb["Changes"], "why")
    return texts


@pytest.fixture(scope="module")
def dutch(tmp_path_factory):
    path = tmp_path_factory.mktemp("nl") / "tiny-timetable.xlsx"
    i18n.set_language("nl")
    try:
        write_timetable(tiny_data(), tiny_result(), path)  # checks from scheduler.verify
    finally:
        i18n.set_language(None)
    return load_workbook(path)


def test_the_pieces_finder_finds_english():
    assert len(english_pieces()) > 200
    assert english_in(["L0006: no counsellor speaks ti"]) == [
        ("no counsellor speaks", "L0006: no counsellor speaks ti")
    ]


def test_no_english_message_text_on_the_human_sheets(dutch):
    texts = human_texts(dutch)
    assert len(texts) > 50
    assert english_in(texts) == []


def test_the_dutch_sheets_read_dutch(dutch):
    overview = cell_texts(dutch["Overview"])
    assert "Per afdeling" in overview and "intakes gevraagd" in overview
    sentences = _column(dutch["Diagnostics"], "description")
    assert any(t.startswith("Elke groep hoort bij") for t in sentences)
    assert "geen consulent spreekt ti" in _column(dutch["Waiting"], "reason")
    assert "Lokaal C1 — Class 1 (klaslokaal, 4 plaatsen)" in cell_texts(dutch["Rooms"])
    assert any("(leerkracht NT2" in t for t in cell_texts(dutch["Staff"]))
    assert {"maandag", "dinsdag", "woensdag"} <= set(cell_texts(dutch["Week"]))
    # codes stay the contract's
    assert set(_column(dutch["Waiting"], "reason_code")) <= {
        "no_group_at_level", "no_common_time", "capacity", "released_before_completion",
        "separation", "needs_intake", "other",
    }  # fmt: skip
    assert _column(dutch["Diagnostics"], "rule")[0] == "group_course"


def test_a_notice_board_has_no_catalogue_header(dutch):
    """An empty free cell of a board once showed gettext's header (``_("")``)."""
    assert not [t for t in cell_texts(dutch["Sections"]) if "Project-Id-Version" in t]


def test_figure_labels_are_shown_in_the_language_and_stay_keys():
    i18n.set_language("nl")
    assert figure_words("section A placed") == "afdeling A geplaatst"
    assert figure_words("NT2 asked") == "NT2 gevraagd"
    assert figure_words("waiting capacity") == "wachtend capacity"
    assert figure_words("a label nobody knows") == "a label nobody knows"
    i18n.set_language("en")
    assert figure_words("section A placed") == "section A placed"


@pytest.mark.slow
def test_the_medium_timetable_written_in_dutch_has_no_english_message_text(tmp_path):
    out = tmp_path / "medium.xlsx"
    result = CliRunner().invoke(
        main,
        ["--lang", "nl", "solve", "instances/medium.xlsx", "-o", str(out), "--time-limit", "3",
         "--workers", "1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    texts = human_texts(load_workbook(out))
    assert len(texts) > 500
    assert english_in(texts) == []


def test_calendar_texts_are_dutch(tmp_path):
    from icalendar import Calendar

    from scheduler.report.ics import export_ics

    i18n.set_language("nl")
    book = write_timetable(tiny_data(), tiny_result(), tmp_path / "t.xlsx", [])
    paths = export_ics(book, tmp_path / "cal")
    events = [e for p in paths for e in Calendar.from_ical(p.read_bytes()).walk("VEVENT")]
    texts = [str(e[k]) for e in events for k in ("summary", "description")]
    assert "groep MO-ar-1, 2 leerlingen; afdelingen B" in texts
    assert any(t.startswith("intakegesprek van L0002, week 1") for t in texts)
    assert english_in(texts) == []


def test_the_french_timetable_fits_where_it_is_printed(tmp_path):
    """tests/render/test_fit.py checks Dutch and English; French words run longer."""
    from tests.render.fit import cut_cells

    i18n.set_language("fr")
    path = write_timetable(tiny_data(), tiny_result(), tmp_path / "tt.xlsx", [])
    assert [str(c) for ws in load_workbook(path).worksheets for c in cut_cells(ws)] == []
