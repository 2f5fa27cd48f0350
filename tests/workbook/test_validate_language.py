"""``scheduler --lang nl validate`` of workbooks with every kind of problem prints Dutch only
(issue 16), and ``--lang fr`` French only.

The workbooks (``tests/helpers/problem_workbooks.py``) are validated through the command line
while every message looked up in the catalogue is recorded. The test then asks three things:

- every message of ``validate.py``, the reader (``read.py``, ``xlsxread.py``) and the range
  and date rules they report (``rules.py``) was produced by some case, so a message added
  without a case here fails the test;
- every message produced has a Dutch translation that differs from the English (a short list
  of words that are the same in both is named below);
- no English text of a produced message appears in the Dutch output, and each problem line
  still names its sheet, row and column as the contract spells them, with exit code 2.
"""

from __future__ import annotations

import io
import pathlib
import re
import string
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler import i18n
from scheduler.cli import main
from scheduler.workbook import read, xlsxread
from scheduler.workbook.contract import SHEETS
from scheduler.workbook.validate import read_workbook, validate
from tests.helpers.problem_workbooks import WORKBOOKS, built_in_code, with_uncalculated_header
from tests.helpers.wbfactory import base_sheets, write
from tools import messages

pytestmark = pytest.mark.slow  # about 60 command-line runs per language

# The sources whose every message a coordinator may meet while a workbook is checked.
SOURCES = (
    "scheduler/workbook/validate.py",
    "scheduler/workbook/read.py",
    "scheduler/workbook/xlsxread.py",
    "scheduler/workbook/cells.py",
    "scheduler/rules.py",
)
# Messages of those sources that are not problems of a workbook (the wording of other reports).
NOT_PROBLEMS = {
    "a whole number",  # Range.describe: covered, but also used by the template's notes
}
SAME_IN_FRENCH = {"section"}
# Workbooks with warnings only: valid, exit 0, the summary printed as well.
WARNINGS_ONLY = {"no-windows"}
# The same words in English and Dutch (the summary's labels are looked up to pad them all).
SAME_IN_DUTCH = {"regime", "{n} week", "Intakes:", "Internet:", "Status:"}


class Recording:
    """A catalogue that notes every msgid looked up through it."""

    def __init__(self, real, seen: set[str]):
        self.real, self.seen = real, seen

    def gettext(self, msgid: str) -> str:
        self.seen.add(msgid)
        return self.real.gettext(msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        self.seen.add(singular)
        return self.real.ngettext(singular, plural, n)


def _files(folder: Path) -> Iterator[Path]:
    """Files that are not usable workbooks, each refused with one sentence."""
    ole = read._OLE_MAGIC
    contents = {
        "empty.xlsx": b"",
        "text.xlsx": b"learner;section\nL0001;A\n",
        "binary.xlsx": b"\x00\x01\x02\x03" * 64,
        "encrypted.xlsx": ole + "EncryptedPackage".encode("utf-16-le"),
        "legacy.xls": ole + "Workbook".encode("utf-16-le"),
        "ole.xlsx": ole + b"\x00" * 512,
        "badzip.xlsx": b"PK\x03\x04" + b"\x00" * 200,
    }
    for name, data in contents.items():
        (folder / name).write_bytes(data)
        yield folder / name
    for name, parts in {
        "sheet.ods": {"mimetype": "application/vnd.oasis.opendocument.spreadsheet"},
        "notes.xlsx": {"notes.txt": "hello"},
        "damaged.xlsx": {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<not xml"},
    }.items():
        with zipfile.ZipFile(folder / name, "w") as archive:
            for part, text in parts.items():
                archive.writestr(part, text)
        yield folder / name
    yield folder / "missing.xlsx"
    yield folder  # a folder, not a file


# (module, {constant: value}): each set of limits lowered in turn refuses a valid workbook.
LIMITS = (
    (read, {"MAX_FILE_BYTES": 100}),
    (read, {"MAX_ROWS": 2}),
    (xlsxread, {"MAX_PARTS": 2}),
    (xlsxread, {"MAX_PART_BYTES": 100}),
    (xlsxread, {"RATIO_FLOOR": 10, "MAX_RATIO": 1}),
    (xlsxread, {"MAX_TOTAL_BYTES": 1000}),
    (xlsxread, {"MAX_SHARED_STRINGS": 1}),
)
SHARED_STRINGS = (
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<si><t>one</t></si><si><t>two</t></si></sst>"
)
STRINGS_REL = (
    '<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
)


def _with_shared_strings(base: Path, path: Path) -> Path:
    """``base`` with a shared-strings part, as Excel writes (openpyxl writes none)."""
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", STRINGS_REL.encode())
            out.writestr(item, data)
        out.writestr("xl/sharedStrings.xml", SHARED_STRINGS)
    return path


def _run(path: Path, lang: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--lang", lang, "validate", str(path)])
    return result.exit_code, result.output


def _everything(folder: Path, lang: str, seen: set[str]) -> list[tuple[str, int, str]]:
    """(case, exit code, output) of every case, in ``lang``; looked-up msgids go to ``seen``."""
    runs = []
    with pytest.MonkeyPatch.context() as mp:
        real = i18n.catalogue
        mp.setattr(i18n, "catalogue", lambda code: Recording(real(code), seen))
        for name, build in WORKBOOKS.items():
            path = write(build(), folder / f"{name}.xlsx")
            if name == "layout":
                with_uncalculated_header(path)
            runs.append((name, *_run(path, lang)))
        base = write(base_sheets(), folder / "base.xlsx")
        strings = _with_shared_strings(base, folder / "strings.xlsx")
        for module, limits in LIMITS:
            with pytest.MonkeyPatch.context() as limit:
                for constant, value in limits.items():
                    limit.setattr(module, constant, value)
                runs.append((str(limits), *_run(strings, lang)))
        for path in _files(folder):
            runs.append((path.name, *_run(path, lang)))
        runs.append(("unopenable", *_unopenable(base, lang, mp)))
        runs.append(("lying-archive", 2, _lying_archive(lang)))
        runs.append(("built-in-code", 2, _built_in_code(base, lang)))
    return runs


def _unopenable(path: Path, lang: str, mp: pytest.MonkeyPatch) -> tuple[int, str]:
    """A file that exists but cannot be opened (a lock held by another program)."""
    real_open = pathlib.Path.open

    def refuse(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Toegang geweigerd")  # as a Dutch Windows says it
        return real_open(self, *args, **kwargs)

    mp.setattr(pathlib.Path, "open", refuse)
    try:
        return _run(path, lang)
    finally:
        mp.setattr(pathlib.Path, "open", real_open)


def _lying_archive(lang: str) -> str:
    """A part that inflates beyond what its archive entry states (read through the counter)."""
    i18n.set_language(lang)
    try:
        part = io.BytesIO(b"x" * (2**20 + 1))
        capped = xlsxread._Capped(part, "xl/sharedStrings.xml", limit=2**20)
        with pytest.raises(xlsxread.ArchiveError) as refused:
            while capped.read():
                pass
        return f"{refused.value}\n"
    finally:
        i18n.set_language(None)


def _built_in_code(base: Path, lang: str) -> str:
    """Problems only a term built in code can have, as the command line would print them."""
    data = read_workbook(base)
    i18n.set_language(lang)
    try:
        return "".join(
            f"{p.where()}: {p.message}\n" for term in built_in_code(data) for p in validate(term)
        )
    finally:
        i18n.set_language(None)


def _msgids() -> dict[str, set[str]]:
    """Source file -> the msgids it holds (singular of a plural)."""
    out: dict[str, set[str]] = {}
    for message in messages.extract():
        msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
        for filename, _line in message.locations:
            out.setdefault(filename, set()).add(msgid)
    return out


@pytest.fixture(scope="module")
def dutch(tmp_path_factory) -> tuple[list[tuple[str, int, str]], set[str]]:
    seen: set[str] = set()
    runs = _everything(tmp_path_factory.mktemp("nl"), "nl", seen)
    return runs, seen


def _fragments(msgid: str) -> list[str]:
    """The English words of ``msgid`` around its fields, long enough to be telling."""
    parts = [text for text, *_ in string.Formatter().parse(msgid)]
    return [p.strip() for p in parts if len(p.strip()) >= 12 and re.search(r"[a-z] [a-z]", p)]


def test_every_message_of_the_validate_path_is_produced(dutch):
    _runs, seen = dutch
    by_file = _msgids()
    wanted = set().union(*(by_file.get(source, set()) for source in SOURCES)) - NOT_PROBLEMS
    missing = sorted(wanted - seen)
    assert not missing, f"no case in tests/helpers/problem_workbooks.py produces {missing}"


def test_every_message_produced_is_translated_into_dutch(dutch):
    _runs, seen = dutch
    nl = i18n.catalogue("nl")
    same = sorted(m for m in seen if nl.gettext(m) == m and m not in SAME_IN_DUTCH)
    assert not same, f"no Dutch translation for {same}"


def test_the_dutch_output_holds_no_english(dutch):
    runs, seen = dutch
    nl = i18n.catalogue("nl")
    english = {
        fragment: msgid
        for msgid in seen
        for fragment in _fragments(msgid)
        if fragment not in nl.gettext(msgid)
    }
    for case, code, output in runs:
        assert code == (0 if case in WARNINGS_ONLY else 2), (case, output)
        for fragment, msgid in english.items():
            assert fragment not in output, f"{case}: English {fragment!r} (of {msgid!r})"
        for word in (" row ", " column ", "Error:", "errors to correct", "did you mean"):
            assert word not in output, (case, word, output)


def test_dutch_problem_lines_keep_sheet_row_and_column(dutch):
    runs, _seen = dutch
    lines = [line for _case, _code, output in runs for line in output.splitlines()]
    place = re.compile(rf"^({'|'.join(SHEETS)})(, rij \d+)?(, kolom [a-z_0-9]+)?: \S")
    problems = [line for line in lines if line.split(",")[0].split(":")[0] in SHEETS]
    assert len(problems) >= 100
    assert all(place.match(line) for line in problems), [
        line for line in problems if not place.match(line)
    ][:5]
    assert "Courses, rij 5, kolom level: niveau '3.3' is niet alfa, 1.1, 1.2, 2.1 of 2.2" in (
        "\n".join(lines)
    )


def test_french_output_holds_no_english(tmp_path):
    seen: set[str] = set()
    runs = _everything(tmp_path, "fr", seen)
    fr = i18n.catalogue("fr")
    same = sorted(m for m in seen if fr.gettext(m) == m and m not in SAME_IN_FRENCH)
    assert not same, f"no French translation for {same}"
    english = {
        fragment: msgid
        for msgid in seen
        for fragment in _fragments(msgid)
        if fragment not in fr.gettext(msgid)
    }
    for case, code, output in runs:
        assert code == (0 if case in WARNINGS_ONLY else 2), (case, output)
        for fragment, msgid in english.items():
            assert fragment not in output, f"{case}: English {fragment!r} (of {msgid!r})"
        assert " row " not in output and "did you mean" not in output, (case, output)
    assert any("ligne" in output for _case, _code, output in runs)


def test_english_is_what_the_code_says(tmp_path):
    """The recording sees English msgids come back unchanged (the tests' own language)."""
    seen: set[str] = set()
    path = write(WORKBOOKS["term-order"](), tmp_path / "term.xlsx")
    with pytest.MonkeyPatch.context() as mp:
        real = i18n.catalogue
        mp.setattr(i18n, "catalogue", lambda code: Recording(real(code), seen))
        code, output = _run(path, "en")
    assert code == 2
    assert "term_end (2027-01-11) is before term_start (2027-04-30); correct one of them" in output
    assert "{key} is required; give {what} as the value of key {key}" in seen


# (option, value) of compare's shortcuts, each refused with a sentence saying what to type.
SHORTCUTS = (
    ("add_room", "gym"),
    ("add_room", "classroom:0"),
    ("close", "2027-03-15.."),
    ("close", "2027-03-19..2027-03-15"),
    ("close", "2030-01-07"),
    ("staff_day", "T1"),
    ("staff_day", "TX:Fri"),
    ("staff_day", "T1:Sat"),
    ("staff_day", "T1:Mon"),
    ("internet", "Tuesday"),
    ("internet", "Tue:14:00-13:00"),
    ("internet", "Sat:13:00-14:00"),
    ("internet", "Tue:13:00-15:40"),
)


def _scenario_problems(data) -> Iterator[str]:
    """Every sentence the scenarios of compare can refuse a patch or a shortcut with."""
    from scheduler.data import ScenarioRow
    from scheduler.errors import SchedulerError, WorkbookError
    from scheduler.whatif.scenarios import (
        ShortcutError,
        apply_rows,
        build_scenarios,
        describe,
        with_shortcuts,
    )

    rows = (
        ("Roms", "LAB", "seats", "14", "set"),
        ("Rooms", "LAB", "seats", "14", "move"),
        ("Rooms", "", "seats", "14", "set"),
        ("Rooms", "room=LAB; LAB", "seats", "14", "set"),
        ("Rooms", "colour=red", "seats", "14", "set"),
        ("Rooms", "LBA", "seats", "14", "set"),
        ("Rooms", "LAB", "colour", "red", "set"),
        ("Rooms", "", "", "room LAB2", "add"),
        ("Rooms", "", "", "room=LAB2; colour=red", "add"),
    )
    for row in rows:
        _patched, problems = apply_rows(data, [ScenarioRow("s", *row)])
        yield from (p.message for p in problems)
    # How the comparison names each kind of patch row (its Summary and change lines).
    for row in (rows[0], rows[-1], ("Rooms", "LAB", "", "", "remove")):
        yield describe(ScenarioRow("s", *row))
    for names, term in (([], data.replace(scenarios=())), (["nope"], data)):
        with pytest.raises(SchedulerError) as refused:
            build_scenarios(term, names or ["nope"])
        yield str(refused.value)
    broken = (
        ScenarioRow("small-lab", "Rooms", "LAB", "seats", "2", "set", row=2),
        ScenarioRow(
            "new-room", "Rooms", "", "", "room=X1; name=x; kind=classroom; seats=0", "add", row=3
        ),
    )
    with pytest.raises(WorkbookError) as refused:
        build_scenarios(data.replace(scenarios=broken))
    yield from (p.message for p in refused.value.problems)
    for option, value in SHORTCUTS:
        with pytest.raises(ShortcutError) as refused:
            with_shortcuts(data, **{option: [value]})
        yield str(refused.value)


def test_scenario_problems_speak_dutch(tmp_path):
    """compare's scenario rows and shortcuts refuse bad patches in Dutch too."""
    data = read_workbook(write(base_sheets(), tmp_path / "term.xlsx"))
    seen: set[str] = set()
    with pytest.MonkeyPatch.context() as mp:
        real = i18n.catalogue
        mp.setattr(i18n, "catalogue", lambda code: Recording(real(code), seen))
        i18n.set_language("nl")
        try:
            said = list(_scenario_problems(data))
        finally:
            i18n.set_language(None)
    wanted = _msgids()["scheduler/whatif/scenarios.py"]
    assert not sorted(wanted - seen), "no case produces these scenario messages"
    nl = i18n.catalogue("nl")
    english = {f: m for m in seen for f in _fragments(m) if f not in nl.gettext(m)}
    for sentence in said:
        assert not [f for f in english if f in sentence], sentence
    assert "geen rij van Rooms past bij 'LBA'; vergelijk de sleutel met het blad" in said
