"""The message catalogues: every message in Dutch, French and English, compiled catalogues in
step with their source, placeholders kept, and the language chosen in the documented order."""

from __future__ import annotations

import re
import string

import pytest
from click.testing import CliRunner

from scheduler import i18n
from scheduler.cli import main
from tests.helpers.wbfactory import append_row, base_sheets, write
from tools import messages

PLACEHOLDER = re.compile(r"\{(\w*)")


@pytest.fixture(scope="module")
def catalogues():
    template = messages.extract()
    return template, {lang: messages.merged(lang, template) for lang in messages.LANGUAGES}


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_every_message_is_translated(catalogues, lang):
    missing = messages.missing(catalogues[1][lang], catalogues[0])
    assert not missing, f"{lang}: no translation for {missing[:10]} (run python -m tools.messages)"


def test_catalogues_are_in_step_with_the_code_and_compiled(capsys):
    """A .po that lacks a message of the code, or a .mo older than its .po, fails here."""
    assert messages.main(["--check"]) == 0, capsys.readouterr().out


def _names(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("lang", ("nl", "fr", "ar"))
def test_translations_keep_the_placeholders(catalogues, lang):
    for message in catalogues[1][lang]:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        wanted = set().union(*(_names(i) for i in ids))
        for text in strings:
            if not text:
                continue  # untranslated (the partial Arabic catalogue)
            assert _names(text) <= wanted, (lang, message.id, text)
            assert _names(text) >= _names(ids[0]) - {"n"}, (lang, message.id, text)


def test_language_order(monkeypatch):
    """--lang, then SCHEDULER_LANG, then the workbook's Settings language, then Dutch."""
    monkeypatch.delenv(i18n.ENVIRONMENT)
    assert i18n.language() == "nl"
    i18n.use_workbook_language("fr")
    assert i18n.language() == "fr"
    monkeypatch.setenv(i18n.ENVIRONMENT, "en_GB")
    assert i18n.language() == "en"
    i18n.set_language("nl")
    assert i18n.language() == "nl"
    assert i18n._("Prison:") == "Gevangenis:"
    assert i18n._n("{n} learner", "{n} learners", 2) == "2 leerlingen"
    assert i18n.in_language("fr", "Prison:") == "Prison :"


def _validate(path, *options: str) -> str:
    result = CliRunner().invoke(main, [*options, "validate", str(path)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_validate_speaks_the_chosen_language(tmp_path, monkeypatch):
    path = write(base_sheets(), tmp_path / "term.xlsx")
    assert "Gevangenis:" in _validate(path, "--lang", "nl")
    assert "Période :" in _validate(path, "--lang", "fr")
    monkeypatch.delenv(i18n.ENVIRONMENT)
    assert _validate(path).startswith("term.xlsx is geldig"), "Dutch by default"


def test_the_workbook_language_is_used_without_lang(tmp_path, monkeypatch):
    sheets = base_sheets()
    append_row(sheets, "Settings", ["language", "fr"])
    path = write(sheets, tmp_path / "term.xlsx")
    monkeypatch.delenv(i18n.ENVIRONMENT)
    assert _validate(path).startswith("term.xlsx est valide")
    assert _validate(path, "--lang", "en").startswith("term.xlsx is valid")


def test_cell_problems_are_reported_in_dutch(tmp_path):
    from tests.helpers.wbfactory import delete_column, set_cell

    sheets = base_sheets()
    for sheet, row, column, value in (
        ("Learners", 2, "priority", "hoog"),
        ("Learners", 3, "wants", "NT2 en MO"),
        ("Learners", 5, "arrival", "morgen"),
        ("Rooms", 2, "seats", "twaalf"),
        ("Periods", 2, "start", "acht uur"),
    ):
        sheets = set_cell(sheets, sheet, row, column, value)
    path = write(delete_column(sheets, "Staff", "role"), tmp_path / "term.xlsx")
    result = CliRunner().invoke(main, ["--lang", "nl", "validate", str(path)])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0] == "term.xlsx: 6 fouten te verbeteren:"
    assert (
        "Learners, rij 2, kolom priority: 'hoog' moet een geheel getal van 1 tot 5 zijn"
        in result.output
    )
    assert "bedoelde u NT2,MO?" in result.output
    for english in ("is not", "type a", "row ", "column ", "for example", "did you mean"):
        assert english not in result.output, english
