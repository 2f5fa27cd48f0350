"""Names of the languages learners and staff speak, so that a coordinator may type
``Arabisch``, ``Arabic`` or ``Arabisch (ar)`` where the contract stores the code ``ar``.

The template's dropdowns show ``Arabisch (ar)`` (the name in the workbook's language, then the
code); the reader accepts the code, any of the three names, or that dropdown form.
"""

from __future__ import annotations

import re

# code -> (Dutch, French, English): the languages of prisons in Belgium first.
NAMES: dict[str, tuple[str, str, str]] = {
    "nl": ("Nederlands", "néerlandais", "Dutch"),
    "fr": ("Frans", "français", "French"),
    "en": ("Engels", "anglais", "English"),
    "de": ("Duits", "allemand", "German"),
    "ar": ("Arabisch", "arabe", "Arabic"),
    "ber": ("Berbers", "berbère", "Berber"),
    "tr": ("Turks", "turc", "Turkish"),
    "ru": ("Russisch", "russe", "Russian"),
    "ro": ("Roemeens", "roumain", "Romanian"),
    "bg": ("Bulgaars", "bulgare", "Bulgarian"),
    "pl": ("Pools", "polonais", "Polish"),
    "sq": ("Albanees", "albanais", "Albanian"),
    "sr": ("Servisch", "serbe", "Serbian"),
    "es": ("Spaans", "espagnol", "Spanish"),
    "pt": ("Portugees", "portugais", "Portuguese"),
    "it": ("Italiaans", "italien", "Italian"),
    "ti": ("Tigrinya", "tigrigna", "Tigrinya"),
    "am": ("Amhaars", "amharique", "Amharic"),
    "so": ("Somalisch", "somali", "Somali"),
    "ps": ("Pasjtoe", "pachto", "Pashto"),
    "fa": ("Perzisch", "persan", "Persian"),
    "ku": ("Koerdisch", "kurde", "Kurdish"),
    "ur": ("Urdu", "ourdou", "Urdu"),
    "hi": ("Hindi", "hindi", "Hindi"),
    "ln": ("Lingala", "lingala", "Lingala"),
    "sw": ("Swahili", "swahili", "Swahili"),
    "ce": ("Tsjetsjeens", "tchétchène", "Chechen"),
    "ka": ("Georgisch", "géorgien", "Georgian"),
    "uk": ("Oekraïens", "ukrainien", "Ukrainian"),
    "zh": ("Chinees", "chinois", "Chinese"),
}
_COLUMN = {"nl": 0, "fr": 1, "en": 2}
_CODE_IN_BRACKETS = re.compile(r"\(\s*([A-Za-z]{2,3})\s*\)\s*$")
_BY_NAME: dict[str, str] = {
    name.casefold(): code for code, names in NAMES.items() for name in names
}


def name(code: str, lang: str = "nl") -> str:
    """The name of language ``code`` in ``lang`` (the code itself when it is not in the table)."""
    names = NAMES.get(code)
    return names[_COLUMN.get(lang, 0)] if names else code


def labelled(code: str, lang: str = "nl") -> str:
    """``Arabisch (ar)``: what a dropdown shows."""
    return f"{name(code, lang)} ({code})"


def code_for(text: str) -> str | None:
    """The code ``text`` names (``Arabisch (ar)``, ``Arabic``, ``arabe``), else None."""
    if m := _CODE_IN_BRACKETS.search(text):
        return m.group(1).casefold()
    return _BY_NAME.get(text.strip().casefold())
