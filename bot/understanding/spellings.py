"""How the words of each language are spelt: letter trigrams, for words no example contains.

People type "afsprak" for "afspraak", "caawimo" in Somali or "kan9elleb" in Arabizi: the word
lists of the training examples do not hold them, but their letters still look like one
language ("aa" and "w" in Somali, a digit inside a word in Arabizi). Each word is read as
``^word$`` so that beginnings and endings count.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

SIZE = 3
SMOOTHING = 0.5


def trigrams(word: str) -> list[str]:
    padded = f"^{word}$"
    return [padded[i : i + SIZE] for i in range(len(padded) - SIZE + 1)]


class SpellingModel:
    """Per language, how likely a word's letter trigrams are; one score per word."""

    def __init__(self, words_by_lang: Mapping[str, Iterable[str]]) -> None:
        self._counts = {
            lang: Counter(gram for word in vocabulary for gram in trigrams(word))
            for lang, vocabulary in words_by_lang.items()
        }
        self._totals = {lang: sum(counts.values()) for lang, counts in self._counts.items()}
        self._grams = len(set().union(*self._counts.values())) or 1

    def word_score(self, word: str, lang: str) -> float:
        """Log-probability of the word's trigrams in the language (naive Bayes)."""
        counts, total = self._counts.get(lang, Counter()), self._totals.get(lang, 0)
        denominator = total + SMOOTHING * self._grams
        return sum(math.log((counts.get(g, 0) + SMOOTHING) / denominator) for g in trigrams(word))

    def scores(self, words: Sequence[str], languages: Sequence[str]) -> dict[str, float]:
        return {lang: sum(self.word_score(w, lang) for w in words) for lang in languages}
