"""Text normalisation shared by language detection and option matching."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Arabizi writes letters Latin lacks with digits ("3la", "n7ebb"): for language detection a
# digit inside a word belongs to it; a number alone is no word.
_SPELT_WORD = re.compile(r"[^\W_]*[^\W\d_][^\W_]*", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case and strip accents, as people often type on a phone without them."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def spelt_words(text: str) -> list[str]:
    """Words as language detection reads them: digits inside a word kept, numbers dropped."""
    return _SPELT_WORD.findall(fold(text))
