"""Which language the person writes, and which language the conversation uses.

An explicit choice (a language button, ``/language``, the web chat's ``lang``, a deep link)
sticks. Otherwise: the letters first (``scripts``: Ethiopic is Tigrinya, Ukrainian and Russian
letters, Pashto and Persian letters), then the words of the message in a lexicon built from
the NLU training examples of each language (reliable on the 1-4 word messages people send
first; words every language borrows, like "cpas", are left out, and words no example holds
are read by their letter trigrams, ``spellings``), then langdetect, restricted to the
languages the letters allow, for longer messages.
A message without a confident answer ("ok", a number, an emoji) never switches the language;
a weak answer is marked unsure so the bot can ask.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.i18n.languages import Language
from bot.understanding.decision import LanguageDecision, LanguageSource
from bot.understanding.lexicon import load_lexicon
from bot.understanding.normalize import spelt_words
from bot.understanding.scripts import candidates
from bot.understanding.spellings import SpellingModel

LANGDETECT_MIN_CHARS = 20
LANGDETECT_MIN_WORDS = 5
LANGDETECT_MIN_PROBABILITY = 0.9
LANGDETECT_UNSURE_PROBABILITY = 0.6
SCRIPT_ALONE_MIN_CHARS = 3
SMOOTHING = 0.05
MIN_UNKNOWN_WORD_CHARS = 4  # shorter unknown words ("hmm", "xd") have too few letters to read
# Words people use whatever their language ("cpas", "rdv", "tremplin", "microstart"): found in
# the examples of this many languages, no one of them holding most of their uses, they say
# nothing about which language is written. "hello", common in English, still counts for it.
LOANWORD_LANGUAGES = 5
LOANWORD_TOP_SHARE = 0.5
SPELLING_WEIGHT = 0.5  # letters are weaker evidence than a known word
# Log-likelihood margins between the two likeliest languages: below UNSURE no guess, above
# SURE a guess that may switch the conversation.
UNSURE_MARGIN = math.log(3)
SURE_MARGIN = math.log(4)
BELGIAN_LANGUAGES = ("fr", "nl", "en")


@dataclass(frozen=True, slots=True)
class Detection:
    lang: str
    confidence: float
    sure: bool = True


class LanguageDetector:
    """Detects the language of a message among the supported ones, or says it cannot."""

    def __init__(self, supported: Sequence[str], lexicon: Mapping[str, Counter[str]]) -> None:
        self._supported = tuple(supported)
        self._lexicon = {lang: lexicon.get(lang, Counter()) for lang in self._supported}
        self._totals = {lang: sum(counts.values()) for lang, counts in self._lexicon.items()}
        self._vocabulary = len(set().union(*self._lexicon.values())) or 1
        self._spellings = SpellingModel(self._lexicon)
        self._loanwords = _loanwords(self._lexicon)
        self._langdetect_ready = False

    @classmethod
    def from_examples(cls, nlu_dir: Path, languages: Sequence[Language]) -> LanguageDetector:
        """The detector the bot uses: the training examples of ``nlu_dir`` and each language's
        calendar words."""
        codes = tuple(language.code for language in languages)
        locales = {language.code: language.locale for language in languages}
        return cls(codes, load_lexicon(nlu_dir, codes, locales))

    def detect(self, text: str) -> Detection | None:
        tokens = spelt_words(text)
        allowed, settled = candidates(text, self._supported)
        if not tokens or not allowed:
            return None
        if settled is not None:
            return Detection(settled, 0.95)
        by_lexicon = self._by_lexicon(tokens, allowed)
        if by_lexicon is not None:
            return by_lexicon
        if len(allowed) == 1 and len(text) >= SCRIPT_ALONE_MIN_CHARS:
            return Detection(allowed[0], 0.9)  # the only language written in these letters
        if len(text) >= LANGDETECT_MIN_CHARS and len(tokens) >= LANGDETECT_MIN_WORDS:
            found = self._by_langdetect(text, allowed)
            if found is not None:
                return found
        if not set(allowed) & set(BELGIAN_LANGUAGES):
            # Arabic or Cyrillic letters rule out the default language: the likeliest of the
            # languages they allow is a better guess, and it is checked with the person.
            return Detection(allowed[0], 0.5, sure=False)
        return None

    def _by_lexicon(self, tokens: list[str], allowed: Sequence[str]) -> Detection | None:
        """Naive Bayes over the words of the training examples: a word common in one language
        and rare in another ("hi") counts for the first. A word no example holds is read by
        its letters ("afsprak", "caawimo"); only known words make a guess sure enough to move
        a conversation, so an odd word ("hmmmm") never does."""
        allowed = [lang for lang in allowed if self._totals[lang]]  # languages with examples
        if not allowed:
            return None
        known, unknown = [], []
        for token in tokens:
            if token in self._loanwords:
                continue
            if any(token in self._lexicon[lang] for lang in allowed):
                # One Latin letter ("a", "b") says nothing; in Arabic script some letters are
                # words, and Pashto's "د" ("of") is one Persian never writes alone.
                if len(token) > 1 or not token.isascii():
                    known.append(token)
            elif len(token) >= MIN_UNKNOWN_WORD_CHARS:
                unknown.append(token)
        if not known and not unknown:
            return None
        by_words = {lang: self._word_score(known, lang) for lang in allowed}
        by_letters = self._spellings.scores(unknown, allowed)
        combined = {lang: by_words[lang] + SPELLING_WEIGHT * by_letters[lang] for lang in allowed}
        best_lang, margin = _leader(combined)
        if margin < UNSURE_MARGIN:
            return None
        words_lang, words_margin = _leader(by_words)
        sure = bool(known) and words_lang == best_lang and words_margin >= SURE_MARGIN
        return Detection(best_lang, 1.0 - math.exp(-margin), sure=sure)

    def _word_score(self, known: list[str], lang: str) -> float:
        counts, total = self._lexicon[lang], self._totals[lang]
        denominator = total + SMOOTHING * self._vocabulary
        return sum(math.log((counts.get(t, 0) + SMOOTHING) / denominator) for t in known)

    def _by_langdetect(self, text: str, allowed: Sequence[str]) -> Detection | None:
        from langdetect import DetectorFactory, detect_langs
        from langdetect.lang_detect_exception import LangDetectException

        if not self._langdetect_ready:
            DetectorFactory.seed = 0  # langdetect is random without a seed
            self._langdetect_ready = True
        try:
            found = detect_langs(text)
        except LangDetectException:
            return None
        for candidate in found:
            if candidate.lang in allowed and candidate.prob >= LANGDETECT_UNSURE_PROBABILITY:
                sure = candidate.prob >= LANGDETECT_MIN_PROBABILITY
                return Detection(candidate.lang, float(candidate.prob), sure=sure)
        return None


def _loanwords(lexicon: Mapping[str, Counter[str]]) -> set[str]:
    uses: dict[str, list[int]] = {}
    for counts in lexicon.values():
        for word, count in counts.items():
            uses.setdefault(word, []).append(count)
    return {
        word
        for word, counts in uses.items()
        if len(counts) >= LOANWORD_LANGUAGES and max(counts) < LOANWORD_TOP_SHARE * sum(counts)
    }


def _leader(scores: Mapping[str, float]) -> tuple[str, float]:
    """The best-scored language and its lead over the second (a lone language leads surely)."""
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    if len(ranked) == 1:
        return ranked[0][0], SURE_MARGIN
    return ranked[0][0], ranked[0][1] - ranked[1][1]


def choose_language(
    current: LanguageDecision | None,
    *,
    explicit: str | None,
    hint: str | None,
    detected: Detection | None,
    supported: Sequence[str],
    default: str,
) -> LanguageDecision:
    """Decide the conversation language for this turn; ``current`` is None for a new contact."""
    if explicit is not None and explicit in supported:
        return LanguageDecision(explicit, LanguageSource.EXPLICIT)
    if current is not None and current.source == LanguageSource.EXPLICIT:
        return current
    if detected is not None and detected.lang in supported and detected.sure:
        return LanguageDecision(detected.lang, LanguageSource.DETECTED)
    weakly_set = current is None or current.source in {LanguageSource.DEFAULT, LanguageSource.HINT}
    new_guess = detected is not None and (current is None or detected.lang != current.lang)
    if detected is not None and detected.lang in supported and weakly_set and new_guess:
        return LanguageDecision(detected.lang, LanguageSource.DETECTED, unsure=True)
    if current is not None:
        return current
    base_hint = hint.split("-")[0].lower() if hint else None
    if base_hint is not None and base_hint in supported:
        return LanguageDecision(base_hint, LanguageSource.HINT)
    return LanguageDecision(default, LanguageSource.DEFAULT)
