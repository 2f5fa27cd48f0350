"""A git merge driver for the message catalogues: the union of both sides' translations.

Two branches that each translate new messages both change ``scheduler.po`` next to each other
(the catalogue is sorted by message), so git's line merge often conflicts where nothing really
does. This driver parses the common ancestor, ours and theirs with Babel and writes to ours:
every message of either side; where both sides translate a message differently, the side that
changed it from the ancestor (ours when both did). Run ``python -m tools.messages`` after the
merge: it drops messages gone from the code and compiles the ``.mo`` again (the tests fail on a
stale ``.mo`` until then).

Set up once per clone (``.gitattributes`` names the drivers)::

    git config merge.po.name "union of message catalogues"
    git config merge.po.driver ".venv/bin/python -m tools.merge_po %O %A %B"
    git config merge.mo.name "compiled catalogue: rebuilt by tools.messages"
    git config merge.mo.driver "true"
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from tools.messages import po_bytes


def _load(path: str) -> Catalog:
    with Path(path).open("rb") as fh:
        return read_po(fh)


def _key(message) -> tuple:
    return (message.id if not isinstance(message.id, list) else tuple(message.id), message.context)


def union(base: Catalog, ours: Catalog, theirs: Catalog) -> Catalog:
    """``ours`` with every message and translation ``theirs`` adds or changes."""
    before = {_key(m): m.string for m in base if m.id}
    mine = {_key(m): m for m in ours if m.id}
    for message in theirs:
        if not message.id:
            continue
        key = _key(message)
        own = mine.get(key)
        if own is None:
            ours[message.id] = message
            continue
        they_changed = message.string != before.get(key)
        we_changed = own.string != before.get(key)
        if (they_changed and not we_changed) or (message.string and not own.string):
            own.string = message.string
            # Message.fuzzy is read-only: it is the "fuzzy" flag
            own.flags.discard("fuzzy")
            own.flags |= {"fuzzy"} & set(message.flags)
    return ours


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: merge_po.py BASE OURS THEIRS (git passes %O %A %B)", file=sys.stderr)
        return 2
    base_path, ours_path, theirs_path = argv
    merged = union(_load(base_path), _load(ours_path), _load(theirs_path))
    Path(ours_path).write_bytes(po_bytes(merged))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
