"""Word lists per language, taken from the NLU training examples in ``nlu_data/<lang>/`` and
the day and month names of the language's locale (people name the day they can come)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import yaml
from babel import Locale

from bot.understanding.normalize import spelt_words

# Rasa entity annotations: "[Liège](city)" or "[Liège]{"entity": "city"}" -> "Liège".
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def training_examples(nlu_dir: Path, lang: str) -> list[tuple[str, str]]:
    """``(intent, example)`` pairs of one language, in file order."""
    pairs: list[tuple[str, str]] = []
    for path in sorted((nlu_dir / lang).glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in document.get("nlu") or []:
            intent = block.get("intent")
            if not intent:
                continue
            for line in str(block.get("examples", "")).splitlines():
                example = _ANNOTATION.sub(r"\1", line.strip().removeprefix("- ").strip())
                if example:
                    pairs.append((intent, example))
    return pairs


CALENDAR_WORD_MIN_CHARS = 4  # "sat", "dom", "mer", "zo" are other words in other languages


def calendar_words(locale: str) -> set[str]:
    """Day and month names, wide and abbreviated ("jeudi", "donderdag", "janv"), of four
    letters or more."""
    found: set[str] = set()
    names = Locale.parse(locale)
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for table in (names.days, names.months):
                for name in table[context][width].values():
                    found.update(spelt_words(name))
    return {word for word in found if len(word) >= CALENDAR_WORD_MIN_CHARS}


def load_lexicon(
    nlu_dir: Path, languages: tuple[str, ...], locales: Mapping[str, str] | None = None
) -> dict[str, Counter[str]]:
    """Word counts per language; each calendar word of its locale counts once more."""
    lexicon = {
        lang: Counter(
            word
            for _, example in training_examples(nlu_dir, lang)
            for word in spelt_words(example)
        )
        for lang in languages
    }
    for lang, locale in (locales or {}).items():
        if lang in lexicon:
            lexicon[lang].update(calendar_words(locale))
    return lexicon


def intents_in(nlu_dir: Path, languages: tuple[str, ...]) -> set[str]:
    """Every intent with at least one training example in one of the languages."""
    return {intent for lang in languages for intent, _ in training_examples(nlu_dir, lang)}
