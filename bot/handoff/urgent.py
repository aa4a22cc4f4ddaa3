"""Recognising an urgent message (``flows/urgent.yml``): words of violence, exploitation,
detention, no shelter tonight or suicide, in any of the languages, whatever the language of
the conversation (people in distress mix languages)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_NOT_WORD = re.compile(r"[\W_]+")
# Arabic and Persian keyboards write the same letters with different code points.
_SAME_LETTER = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ۀ": "ه", "ة": "ه"})


class UrgentWordsError(ValueError):
    """``flows/urgent.yml`` is not valid."""


def normalised(text: str) -> str:
    """Lower case, no accents or diacritics, words separated by one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", bare.translate(_SAME_LETTER)).split())


@dataclass(frozen=True, slots=True)
class UrgentWords:
    by_language: Mapping[str, tuple[str, ...]]
    _pattern: re.Pattern[str]

    @classmethod
    def of(cls, by_language: Mapping[str, Iterable[str]]) -> UrgentWords:
        words = {lang: tuple(items) for lang, items in by_language.items()}
        alternatives = sorted({_regex(w) for items in words.values() for w in items}, key=len)
        joined = "|".join(reversed(alternatives)) or r"(?!x)x"
        return cls(words, re.compile(rf"(?:^| )(?:{joined})(?= |$)"))

    def in_text(self, text: str) -> bool:
        return self._pattern.search(normalised(text)) is not None


def _regex(word: str) -> str:
    stem = word.endswith("*")
    core = normalised(word.rstrip("*"))
    return re.escape(core) + (r"\w*" if stem else "")


def load_urgent_words(path: Path, languages: Iterable[str]) -> UrgentWords:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if raw.get("spec_version") != 1:
        raise UrgentWordsError(f"{path}: spec_version must be 1")
    words: dict[str, list[str]] = {
        str(k): [str(w) for w in v or ()] for k, v in raw["words"].items()
    }
    missing = [lang for lang in languages if not words.get(lang)]
    if missing:
        raise UrgentWordsError(f"{path}: no urgent words for {', '.join(missing)}")
    empty = [
        f"{lang}: {w!r}"
        for lang, items in words.items()
        for w in items
        if not normalised(w.rstrip("*"))
    ]
    if empty:
        raise UrgentWordsError(f"{path}: words with no letters: {', '.join(empty)}")
    return UrgentWords.of(words)
