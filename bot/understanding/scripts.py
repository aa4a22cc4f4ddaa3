"""What the letters of a message say about its language, before any word is looked up.

A script settles much on its own: Ethiopic letters are Tigrinya here; Cyrillic is Ukrainian
or Russian, told apart by letters only one of them has; Arabic letters are Arabic, Persian or
Pashto, told apart the same way (Pashto's ټ ډ ړ ښ ږ ځ څ ۍ ې ګ ڼ, Persian's پ چ ژ گ ک ی).
Latin letters leave every Latin-script language possible, Arabizi included.
"""

from __future__ import annotations

from collections.abc import Sequence

MIN_OTHER_LETTERS = 2
ARABIC_SCRIPT = ("ar", "fa", "ps")
CYRILLIC = ("uk", "ru")
LATIN = (
    "fr",
    "nl",
    "en",
    "tr",
    "es",
    "ro",
    "pt",
    "pl",
    "so",
    "ar",
    "fa",
    "ru",
)  # Arabizi, Finglish, translit
PASHTO_ONLY = set("ټډړښږځڅۍېګڼ")
PERSIAN_OR_PASHTO = set("پچژگکی")
ARABIC_ONLY = set("ةىكيإأؤ")  # letters Persian and Pashto write differently or rarely
UKRAINIAN_ONLY = set("іїєґ")
RUSSIAN_ONLY = set("ыэъё")


def _script(ch: str) -> str | None:
    code = ord(ch)
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if 0x1200 <= code <= 0x139F or 0x2D80 <= code <= 0x2DDF:
        return "ethiopic"
    if 0x0400 <= code <= 0x04FF:
        return "cyrillic"
    if ch.isalpha() and code < 0x0250:
        return "latin"
    return None


def candidates(text: str, supported: Sequence[str]) -> tuple[tuple[str, ...], str | None]:
    """The languages the letters allow, and the one they settle on alone (or None)."""
    counts: dict[str, int] = {}
    for ch in text:
        script = _script(ch)
        if script is not None:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return (), None
    # Latin loanwords ("cpas", "microcredit") are common inside Arabic, Cyrillic or Ethiopic
    # messages: a couple of those letters outweigh them.
    others = {name: n for name, n in counts.items() if name != "latin" and n >= MIN_OTHER_LETTERS}
    script = max(others, key=lambda name: others[name]) if others else "latin"
    letters = set(text.lower())
    settled: str | None = None
    if script == "ethiopic":
        allowed: tuple[str, ...] = ("ti",)
        settled = "ti"
    elif script == "cyrillic":
        allowed = CYRILLIC
        if letters & UKRAINIAN_ONLY and not letters & RUSSIAN_ONLY:
            settled = "uk"
        elif letters & RUSSIAN_ONLY and not letters & UKRAINIAN_ONLY:
            settled = "ru"
    elif script == "arabic":
        allowed = ARABIC_SCRIPT
        if letters & PASHTO_ONLY:
            settled = "ps"
        elif letters & PERSIAN_OR_PASHTO:
            allowed = ("fa", "ps")
        elif letters & ARABIC_ONLY:
            settled = "ar"
    else:
        allowed = LATIN
    allowed = tuple(lang for lang in allowed if lang in supported)
    return allowed, settled if settled in allowed else None
