"""The timetable reader's messages and ``scheduler check`` in the coordinator's language.

The verifier (scheduler/verify.py) stays English and independent; its rules' sentences are
translated through scheduler/report/rule_words.py, which must list each of them.
"""

from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from scheduler import i18n
from scheduler.cli import main
from scheduler.errors import SchedulerError, WorkbookError
from scheduler.report.read import read_timetable, same_term
from scheduler.report.rule_words import SENTENCES, rule_sentence
from scheduler.verify import RULES
from tests.helpers.english import english_in
from tests.helpers.timetable_fixture import tiny_data
from tests.report.test_read import edit, files, session_row  # noqa: F401 (a fixture)


def test_every_rule_sentence_of_the_verifier_is_in_the_catalogues():
    assert list(SENTENCES) == [description for _rule, description in RULES]
    dutch = i18n.catalogue("nl")
    for _rule, description in RULES:
        assert dutch.gettext(description) != description, description


def test_rule_sentences_in_each_language():
    sentence = RULES[0][1]
    assert rule_sentence(sentence) == sentence  # English: as the verifier words it
    i18n.set_language("nl")
    assert rule_sentence(sentence).startswith("Elke groep hoort bij een bekende cursus")
    i18n.set_language("fr")
    assert rule_sentence(sentence).startswith("Chaque groupe appartient")


def _check(*args: str, lang: str = "nl"):
    return CliRunner().invoke(main, ["--lang", lang, "check", *args])


def test_check_speaks_dutch(files):  # noqa: F811
    assert "elke regel klopt" in _check(str(files[0]), str(files[1])).output
    row = session_row(files[1], "NT2-1.1-1", "Wed")
    edit(files[1], "Sessions", row, "day", "ma")
    result = _check(str(files[0]), str(files[1]))
    assert result.exit_code == 3, result.output
    lines = result.output.splitlines()
    # after the reader's warnings (the edit changed the digest): the broken rules
    first = next(i for i, line in enumerate(lines) if "overtreding" in line)
    found = lines[first:]
    assert found[0] == "tt.xlsx: 3 overtredingen van 1 regel:"
    assert "Regimes, rij 2 (R1 Mon 08:30-10:30 work) blokkeert NT2-1.1-1 op Mon P1" in (
        result.output
    )
    assert "(learner_regime: " in result.output  # the rule's id stays
    assert english_in([line for line in found if not line.startswith("     ")]) == []


def _problems(path) -> list[str]:
    with pytest.raises(WorkbookError) as err:
        read_timetable(path)
    return [p.message for p in err.value.problems]


def test_the_readers_messages_are_dutch(files, tmp_path):  # noqa: F811
    i18n.set_language("nl")
    messages: list[str] = []
    edit(files[1], "Intakes", 2, "week", 99)
    messages += _problems(files[1])
    assert messages[0] == "week 99 valt buiten de periode, die 4 weken telt"
    edit(files[1], "Intakes", 2, "week", 1)
    row = session_row(files[1], "MO-ar-1", "Tue")
    edit(files[1], "Sessions", row, "end", "11:00")
    edit(files[1], "Sessions", row, "size", 7)
    tt = read_timetable(files[1])
    messages += [p.message for p in tt.warnings]
    assert len(tt.warnings) == 3  # end, size, edited by hand
    wb = load_workbook(files[1])
    wb["Groups"].cell(row=3, column=1).value = wb["Groups"].cell(row=2, column=1).value
    wb["Term"].delete_cols(12, 4)
    wb.save(files[1])
    messages += _problems(files[1])
    with pytest.raises(SchedulerError) as err:
        read_timetable(files[0])  # a term workbook
    messages.append(str(err.value))
    other = tiny_data()
    other = other.replace(settings=dataclasses.replace(other.settings, prison="Other prison"))
    with pytest.raises(SchedulerError) as err:
        same_term(read_timetable(_fresh(tmp_path)), other)
    messages.append(str(err.value))
    assert len(messages) >= 9
    assert english_in(messages) == []
    assert any("is geen roosterwerkmap" in m for m in messages)
    assert any("niet van deze periode" in m for m in messages)


def _fresh(tmp_path):
    from scheduler.report.timetable import write_timetable
    from tests.helpers.timetable_fixture import tiny_result

    return write_timetable(tiny_data(), tiny_result(), tmp_path / "fresh.xlsx", [])
