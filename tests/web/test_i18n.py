"""The web page's strings: every key in every language, the same placeholders, all used."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from scheduler.web import i18n

WEB = Path(i18n.__file__).parent
# Keys the templates build from data: "status_" + status, "download_" + name.
BUILT = ("status_", "download_")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _plural_forms(found: set[str]) -> set[str]:
    """A key used with ``n`` stands for its ``_one`` and ``_many`` forms."""
    stems = {k for k in found if k not in i18n.EN and k not in BUILT}
    return {f for k in stems for f in (f"{k}_one", f"{k}_many")}


def _used_keys() -> set[str]:
    sources = [p.read_text() for p in (WEB / "templates").glob("*.html")]
    sources += [p.read_text() for p in WEB.glob("*.py") if p.name != "i18n.py"]
    found: set[str] = set()
    for text in sources:
        found |= set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']""", text))
        found |= set(re.findall(r"""["']([a-z_]+)["']""", text)) & set(i18n.EN)
    return found | _plural_forms(found)


@pytest.mark.parametrize("lang", sorted(i18n.STRINGS))
def test_every_string_exists_in_every_language(lang):
    keys = set(i18n.STRINGS[lang])
    for other, table in i18n.STRINGS.items():
        assert keys == set(table), (
            f"only in {lang}: {sorted(keys - set(table))}; only in {other}: "
            f"{sorted(set(table) - keys)}"
        )


@pytest.mark.parametrize("key", sorted(i18n.EN))
def test_the_same_placeholders_in_every_language(key):
    fields = {lang: _fields(table[key]) for lang, table in i18n.STRINGS.items()}
    assert len({frozenset(f) for f in fields.values()}) == 1, fields
    assert all(table[key].strip() for table in i18n.STRINGS.values())


def test_every_key_the_page_uses_exists_and_every_key_is_used():
    used = _used_keys()
    missing = {k for k in used if k not in i18n.EN and k not in BUILT and f"{k}_one" not in used}
    assert not missing
    unused = {k for k in i18n.EN if k not in used and not k.startswith(BUILT)}
    assert not unused, f"strings no page shows: {sorted(unused)}"


def test_plural_forms_come_in_pairs():
    for key in i18n.EN:
        if key.endswith("_one"):
            assert key[: -len("_one")] + "_many" in i18n.EN, key
    t = i18n.translator("en")
    assert t("problems_title", n=1) == "1 problem to correct"
    assert t("problems_title", n=3) == "3 problems to correct"


def test_dutch_is_the_default_and_unknown_codes_fall_back_to_it():
    assert i18n.DEFAULT_LANGUAGE == "nl"
    assert i18n.language(None) == "nl" and i18n.language("de") == "nl"
    assert i18n.language("fr") == "fr"
    assert i18n.translator("en")("max_size", mb=20) == "At most 20 MB."
    assert set(i18n.LANGUAGE_NAMES) == set(i18n.STRINGS)
