"""The rule sentences of workbook.md, extracted by one documented rule.

The rule (also printed at the top of RULES.md):

1. The contract is read from the first ``shared/design/workbook.md`` found beside the repository
   or above it (CI lays ``shared/`` beside the clone).
2. Everything after the first ``## `` heading is read; the title and its introduction are the
   conventions, which are read too. Headings themselves are not sentences.
3. A *block* is a bullet item (``- ...`` with its continuation lines), a table row (``| ... |``,
   the header and ``|---|`` rows skipped; its cells are joined with `` | ``), or a paragraph of
   plain lines.
4. A block is cut into sentences at ``.``, ``;`` never, only at ``. `` followed by a capital
   letter, a backtick or a quote, or at the end of the block; ``e.g.``, ``i.e.`` and ``etc.``
   never end a sentence. Markdown emphasis (``**``) is dropped and spaces are squeezed.
5. Every sentence counts: RULES.md must list each one, either with the tests that cover it or
   in its "Descriptive" section with the reason it states no rule the program could break.
   (A keyword filter such as must/may/never would let a rule phrased as a plain statement,
   "A session of length k occupies k consecutive periods of one day", slip through.)
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.")
_BOUNDARY = re.compile(r"(?<=\.)\s+(?=[A-Z`\"'(])")
_PLACEHOLDER = "\u0000"


def contract_path() -> Path | None:
    """The workbook contract beside the repository or in a folder above it (None if absent)."""
    for folder in (ROOT, *ROOT.parents):
        candidate = folder / "shared" / "design" / "workbook.md"
        if candidate.is_file():
            return candidate
    return None


def blocks(text: str) -> list[tuple[str, bool]]:
    """(block text, from a table row) for every block of the contract (rule 3)."""
    out: list[tuple[str, bool]] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            out.append((" ".join(current), False))
            current.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            flush()
        elif line.startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):
                out.append((" | ".join(cells), True))
        elif line.startswith("- "):
            flush()
            current.append(line[2:])
        else:
            current.append(line)
    flush()
    return [(b, table) for b, table in out if not _is_table_header(b, table)]


def _is_table_header(block: str, table: bool) -> bool:
    return table and block.split(" | ")[0] in ("key", "file")


def split_sentences(block: str) -> list[str]:
    """Cut one block into sentences (rule 4)."""
    text = re.sub(r"\s+", " ", block.replace("**", "")).strip()
    for abbreviation in _ABBREVIATIONS:
        text = text.replace(abbreviation, abbreviation.replace(".", _PLACEHOLDER))
    parts = _BOUNDARY.split(text)
    return [p.replace(_PLACEHOLDER, ".").strip() for p in parts if p.strip()]


def normalise(sentence: str) -> str:
    """The form sentences are compared in: emphasis dropped, spaces squeezed."""
    return re.sub(r"\s+", " ", sentence.replace("**", "")).strip()


def contract_sentences(text: str) -> list[str]:
    """Every sentence of the contract text (rules 2-5), in order, without repeats."""
    out: dict[str, None] = {}
    for block, _table in blocks(text):
        for sentence in split_sentences(block):
            out[normalise(sentence)] = None
    return list(out)
