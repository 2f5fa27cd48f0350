"""Messages in the coordinator's language: Dutch first, French and English too.

Every human-facing text is written in English in the code, wrapped in ``_()`` (or ``_n()``
for a count), and translated at run time by the standard library's ``gettext`` from the
catalogues in ``scheduler/locale/<lang>/LC_MESSAGES/scheduler.mo``. The ``.po`` files next to
them are the source; ``python -m tools.messages`` (Babel) extracts new messages, merges them
into the three catalogues and compiles them, and ``tests/test_i18n.py`` fails when a message
lacks a translation or a compiled catalogue is older than its source.

Fields in a message are named (``_("Wrote {path}", path=out)``) so that a translation may put them
in another order. Tables of texts defined at import time mark theirs with ``N_()`` and
translate them where they are shown.

The language, first found wins: ``scheduler --lang`` (or ``set_language``), the environment
variable ``SCHEDULER_LANG``, the workbook's Settings ``language`` (``use_workbook_language``),
then Dutch. Codes in machine-readable columns (``reason_code``, kinds, days) are never
translated: they are the contract.
"""

from __future__ import annotations

import functools
import gettext
import os
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("nl", "fr", "en")
DEFAULT_LANGUAGE = "nl"
DOMAIN = "scheduler"
LOCALE_DIR = Path(__file__).parent / "locale"
ENVIRONMENT = "SCHEDULER_LANG"

_chosen: str | None = None  # set by --lang: beats everything
_workbook: str | None = None  # the workbook's Settings language: used when nothing else is set


def normalise(code: str | None) -> str | None:
    """``NL``, ``nl_BE``, ``nl-BE`` -> ``nl``; a language without a catalogue -> None."""
    if not code:
        return None
    short = str(code).strip().lower().replace("-", "_").split("_")[0]
    return short if short in LANGUAGES else None


def set_language(code: str | None) -> None:
    """Use ``code`` for every message from now on (None: forget the choice)."""
    global _chosen
    _chosen = normalise(code)


def use_workbook_language(code: str | None) -> None:
    """The workbook's Settings ``language``: used unless --lang or SCHEDULER_LANG says otherwise."""
    global _workbook
    _workbook = normalise(code)


def explicit_language() -> str | None:
    """The language chosen on the command line or in the environment, if any."""
    return _chosen or normalise(os.environ.get(ENVIRONMENT))


def language() -> str:
    """The language messages are shown in now."""
    return explicit_language() or _workbook or DEFAULT_LANGUAGE


@functools.cache
def catalogue(code: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``code``; English falls back to the msgids themselves."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=code == "en")


def _format(text: str, params: dict[str, object]) -> str:
    return text.format(**params) if params else text


def _(msgid: str, /, **params: object) -> str:
    """``msgid`` in the current language, its ``{name}`` fields filled from ``params``."""
    return _format(catalogue(language()).gettext(msgid), params)


def _n(singular: str, plural: str, n: int, /, **params: object) -> str:
    """The singular or plural form for ``n`` in the current language; ``{n}`` is ``n``."""
    return _format(catalogue(language()).ngettext(singular, plural, n), {"n": n, **params})


def N_(msgid: str, /) -> str:
    """Mark ``msgid`` for the catalogues without translating it yet (tables built at import)."""
    return msgid


def in_language(code: str, msgid: str, /, **params: object) -> str:
    """``msgid`` in the language ``code`` whatever the current one (call-up slips, which also
    have an Arabic catalogue); a language without a catalogue gets Dutch."""
    try:
        translations = catalogue(str(code).strip().lower())
    except OSError:
        translations = catalogue(DEFAULT_LANGUAGE)
    return _format(translations.gettext(msgid), params)
