"""Keep the message catalogues in step with the code (Babel, a developer dependency).

``python -m tools.messages`` extracts every ``_()``, ``_n()``, ``N_()`` and ``in_language()``
message of ``scheduler/``, merges them into ``scheduler/locale/<lang>/LC_MESSAGES/scheduler.po``
(translations kept, messages gone from the code dropped), fills the English catalogue with the
msgids themselves (the code is written in English) and compiles every ``.po`` into the ``.mo``
that the standard library's gettext reads at run time. It then lists the messages still
missing a Dutch or French translation: translate them in the ``.po`` and run it again.

``--check`` changes nothing and exits 1 when a catalogue is out of step (what the tests do).
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "scheduler"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("nl", "fr", "en", "ar")
# Arabic is only for the learners' call-up slips: the messages marked ``# i18n: slip``.
PARTIAL = {"ar": "slip"}
# Fixed header dates, so that a run without changes rewrites nothing (the .mo holds the header).
STAMP = datetime(2026, 12, 1, tzinfo=UTC)
KEYWORDS = {"_": None, "N_": None, "_n": (1, 2), "in_language": (2,)}


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "scheduler.po"


def extract() -> Catalog:
    """Every message of the package's source, with where it is used."""
    template = Catalog(project="scheduler", fuzzy=False)
    found = extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("i18n:",)
    )
    for filename, lineno, message, comments, context in found:
        template.add(
            message,
            locations=[(f"scheduler/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def merged(lang: str, template: Catalog) -> Catalog:
    """The catalogue of ``lang`` brought up to date with ``template``."""
    path = po_path(lang)
    if path.exists():
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
    else:
        catalog = Catalog(locale=lang, project="scheduler", fuzzy=False)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.creation_date = catalog.revision_date = STAMP
    if lang == "en":
        for message in catalog:
            if message.id and not _translated(message):
                message.string = message.id
    return catalog


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings) and not message.fuzzy


def tagged(template: Catalog, tag: str) -> set[str]:
    """The msgids whose extracted comments carry ``tag`` (``# i18n: slip``)."""
    return {str(m.id) for m in template if m.id and any(tag in c for c in m.auto_comments)}


def missing(catalog: Catalog, template: Catalog) -> list[str]:
    """The msgids of ``catalog`` that need a (non-fuzzy) translation and lack one: every one,
    or for a partial catalogue those tagged for it."""
    tag = PARTIAL.get(str(catalog.locale))
    wanted = tagged(template, tag) if tag else None
    return [
        str(m.id)
        for m in catalog
        if m.id and (wanted is None or str(m.id) in wanted) and not _translated(m)
    ]


def po_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, sort_output=True, include_lineno=False)
    return buf.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def _normalised(data: bytes) -> bytes:
    """A .po without its creation-date header line, to compare content only."""
    return b"\n".join(
        line for line in data.splitlines() if not line.startswith(b'"POT-Creation-Date')
    )


def main(argv: list[str]) -> int:
    check = "--check" in argv
    template = extract()
    stale: list[str] = []
    for lang in LANGUAGES:
        catalog = merged(lang, template)
        po, mo = po_bytes(catalog), mo_bytes(catalog)
        po_file = po_path(lang)
        mo_file = po_file.with_suffix(".mo")
        old_po = po_file.read_bytes() if po_file.exists() else b""
        old_mo = mo_file.read_bytes() if mo_file.exists() else b""
        if _normalised(old_po) != _normalised(po) or old_mo != mo:
            stale.append(lang)
            if not check:
                po_file.parent.mkdir(parents=True, exist_ok=True)
                po_file.write_bytes(po)
                mo_file.write_bytes(mo)
        for msgid in missing(catalog, template):
            print(f"{lang}: no translation: {msgid!r}")
    if check and stale:
        print(f"out of step with the code: {', '.join(stale)}; run python -m tools.messages")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
