"""Find English left in a text meant to be Dutch: the literal words of the catalogue's msgids.

A msgid's literal pieces (the text between its ``{fields}``) that its Dutch translation does not
contain are English only; a Dutch text holding one of them shows a message that was not
translated (or a sentence still written in the code).
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable

from babel.messages.pofile import read_po

from tools import messages

MIN_LENGTH = 12  # shorter pieces ("room", " of ") also occur in names and ids


def _strings(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else (value,)


@functools.cache
def english_pieces() -> tuple[str, ...]:
    """Pieces of English msgids, each at least MIN_LENGTH characters with a word of four
    letters and a space (a single token is a code such as ``computer_lab``, which messages
    quote), that no Dutch translation of the same message contains."""
    with messages.po_path("nl").open("rb") as fh:
        dutch = read_po(fh, locale="nl")
    found = set()
    for message in dutch:
        if not message.id:
            continue
        translated = " ".join(s for s in _strings(message.string) if s)
        for msgid in _strings(message.id):
            for literal, _field, _spec, _conv in string.Formatter().parse(msgid):
                piece = literal.strip(" ;:,.()")
                if len(piece) >= MIN_LENGTH and " " in piece and re.search(r"[a-z]{4}", piece):
                    if piece not in translated:
                        found.add(piece)
    return tuple(sorted(found, key=len, reverse=True))


def english_in(texts: Iterable[str]) -> list[tuple[str, str]]:
    """(piece, text) for every English piece found in ``texts``."""
    pieces = english_pieces()
    return [(piece, text) for text in texts for piece in pieces if piece in text]


def cell_texts(ws) -> list[str]:
    """Every text cell of an openpyxl worksheet (rich text as its plain text)."""
    return [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
