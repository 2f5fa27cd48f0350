"""RULES.md covers every sentence of workbook.md, and every test it names exists."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conformance.sentences import (
    ROOT,
    blocks,
    contract_path,
    contract_sentences,
    split_sentences,
)

RULES_MD = Path(__file__).with_name("RULES.md")
SECTIONS = {"Rules": "test", "Pending: built by another open issue": "issue", "Descriptive": "why"}


@dataclass
class Entry:
    sentence: str
    section: str
    items: dict[str, list[str]] = field(default_factory=dict)


def parse_rules_md(text: str) -> list[Entry]:
    """Entries of RULES.md: a ``> sentence`` line, then ``- key: value`` lines."""
    entries: list[Entry] = []
    section = ""
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        elif line.startswith("> "):
            entries.append(Entry(line[2:].strip(), section))
        elif m := re.match(r"^- (\w+): (.+)$", line):
            if entries and entries[-1].section == section:
                entries[-1].items.setdefault(m[1], []).append(m[2].strip())
    return entries


@pytest.fixture(scope="module")
def contract() -> list[str]:
    path = contract_path()
    if path is None:
        pytest.skip("shared/design/workbook.md is not beside or above the repository")
    return contract_sentences(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_rules_md(RULES_MD.read_text(encoding="utf-8"))


def test_every_sentence_of_the_contract_is_listed_once(contract, entries):
    listed = [e.sentence for e in entries]
    missing = [s for s in contract if s not in listed]
    assert missing == [], "sentences of workbook.md missing from RULES.md:\n" + "\n".join(missing)
    repeated = sorted({s for s in listed if listed.count(s) > 1})
    assert repeated == []


def test_every_listed_sentence_is_still_in_the_contract(contract, entries):
    gone = [e.sentence for e in entries if e.sentence not in contract]
    assert gone == [], "sentences no longer in workbook.md:\n" + "\n".join(gone)


def test_every_entry_is_under_a_known_heading_with_what_that_heading_needs(entries):
    for e in entries:
        assert e.section in SECTIONS, (e.section, e.sentence)
        key = SECTIONS[e.section]
        assert e.items.get(key), f"{e.sentence!r} under {e.section} needs '- {key}: ...'"
        assert set(e.items) == {key}, (e.sentence, e.items)
        if key == "issue":
            assert all(re.match(r"^\d+\b", v) for v in e.items[key]), e.items


def _functions(path: Path) -> set[str]:
    """Names of the module-level test functions of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def resolve(reference: str) -> str | None:
    """Why ``path::function[param id]`` does not name an existing test (None when it does).

    A parameter id must be made of values written in the test file (pytest joins the
    values of one case with ``-``)."""
    m = re.match(r"^(?P<path>[\w/.]+\.py)::(?P<name>\w+)(\[(?P<id>[^\]]+)\])?$", reference)
    if not m:
        return "not path::function"
    path = ROOT / m["path"]
    if not path.is_file():
        return f"no file {m['path']}"
    if m["name"] not in _functions(path):
        return f"no function {m['name']} in {m['path']}"
    if m["id"]:
        source = path.read_text(encoding="utf-8")
        absent = [part for part in _id_parts(m["id"], source) if part not in source]
        if absent:
            return f"parameter id {m['id']!r}: {absent} not in {m['path']}"
    return None


def _id_parts(param_id: str, source: str) -> list[str]:
    """Split a parameter id on ``-`` except where the joined text itself is in the source
    (a value such as ``2027-13-40`` contains dashes)."""
    parts = param_id.split("-")
    out: list[str] = []
    while parts:
        for n in range(len(parts), 0, -1):
            candidate = "-".join(parts[:n])
            if candidate in source or n == 1:
                out.append(candidate)
                parts = parts[n:]
                break
    return out


def test_every_named_test_exists(entries):
    broken = [
        f"{ref}: {why}"
        for e in entries
        for ref in e.items.get("test", [])
        if (why := resolve(ref)) is not None
    ]
    assert broken == []


def test_every_conformance_test_is_named_in_rules_md(entries):
    named = {ref.split("[")[0] for e in entries for ref in e.items.get("test", [])}
    here = Path(__file__).parent
    for module in ("test_timetable_rules.py", "test_input_rules.py"):
        for name in _functions(here / module):
            if name.startswith("test_"):
                assert f"tests/conformance/{module}::{name}" in named, name


def test_the_resolver_refuses_what_does_not_exist():
    assert resolve("tests/conformance/test_rules_md.py::test_every_named_test_exists") is None
    assert resolve("tests/conformance/nothing.py::test_x") == "no file tests/conformance/nothing.py"
    assert "no function" in str(resolve("tests/conformance/test_rules_md.py::test_nope"))
    assert "parameter id" in str(
        resolve("tests/conformance/test_input_rules.py::test_settings_defaults[zq-yq]")
    )


def test_the_sentence_cutter_keeps_abbreviations_and_splits_at_capitals():
    text = "## S\n- One rule, e.g. `A1`. Two rules; not three. `x` is last.\n| k | v |\n"
    cut = [s for b, _t in blocks(text) for s in split_sentences(b)]
    assert cut == ["One rule, e.g. `A1`.", "Two rules; not three.", "`x` is last.", "k | v"]
