"""Matching what a person typed to the options of a question.

People type the option's number ("2"), its label or part of it, a word of its synonyms
("liege" for the province of Liège), often misspelt and without accents. Matching is done
on folded text (lower case, no accents); a close misspelling is accepted when it is close to
exactly one option.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from bot.understanding.normalize import fold, words

FUZZY_MIN_RATIO = 0.8
MIN_WORD_CHARS = 3  # shorter words ("a", "de", "la") say nothing about the option
_NUMBERS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Choice:
    code: str
    label: str
    synonyms: tuple[str, ...] = ()


def match_one(text: str, choices: Sequence[Choice]) -> str | None:
    """The code of the single option ``text`` designates, or None when unclear."""
    matches = match_many(text, choices)
    return matches[0] if len(matches) == 1 else None


def match_many(text: str, choices: Sequence[Choice]) -> list[str]:
    """Codes ``text`` designates, in option order: "1, 3", "chomage et cpas"."""
    folded = fold(text).strip()
    if not folded:
        return []
    numbers = _NUMBERS.findall(folded)
    leftover = _NUMBERS.sub(" ", folded).replace(",", " ").split()
    if numbers and all(word in {"et", "and", "en", "y", "e", "+", "&"} for word in leftover):
        picked = {int(number) for number in numbers}
        if all(1 <= number <= len(choices) for number in picked):
            return [choice.code for index, choice in enumerate(choices, 1) if index in picked]
        return []
    exact = [c.code for c in choices if fold(c.label) == folded]
    if exact:
        return exact
    hits = [c.code for c in choices if _mentions(folded, c)]
    if hits:
        return hits
    return _by_shared_words(folded, choices) or _fuzzy(folded, choices)


def _mentions(folded: str, choice: Choice) -> bool:
    label = fold(choice.label)
    if len(label) >= 4 and (label in folded or (len(folded) >= 4 and folded in label)):
        return True
    typed = set(words(folded))
    return any(
        synonym in typed or (" " in synonym and synonym in folded)
        for synonym in (fold(s).strip() for s in choice.synonyms)
        if synonym
    )


def _close(a: str, b: str) -> bool:
    return a == b or SequenceMatcher(None, a, b).ratio() >= FUZZY_MIN_RATIO


def _by_shared_words(folded: str, choices: Sequence[Choice]) -> list[str]:
    """ "la banque a refuse" -> "Refus de la banque": most of the label's words were typed."""
    typed = [word for word in words(folded) if len(word) >= MIN_WORD_CHARS]
    if not typed:
        return []
    scored = []
    for choice in choices:
        label = [word for word in words(choice.label) if len(word) >= MIN_WORD_CHARS]
        if label:
            shared = sum(any(_close(word, seen) for seen in typed) for word in label)
            scored.append((shared / len(label), choice.code))
    scored.sort(reverse=True)
    if not scored or scored[0][0] <= 0.5:
        return []
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return []
    return [scored[0][1]]


def _fuzzy(folded: str, choices: Sequence[Choice]) -> list[str]:
    scored = []
    typed_words = words(folded)
    for choice in choices:
        candidates = [fold(choice.label), *(fold(s).strip() for s in choice.synonyms)]
        best = max(
            (
                SequenceMatcher(None, typed, candidate).ratio()
                for candidate in candidates
                for typed in [folded, *typed_words]
                if candidate
            ),
            default=0.0,
        )
        if best >= FUZZY_MIN_RATIO:
            scored.append((best, choice.code))
    if not scored:
        return []
    scored.sort(reverse=True)
    # Accept only a clear winner: a misspelling close to two options is not guessed.
    if len(scored) > 1 and scored[0][0] - scored[1][0] < 0.05:
        return []
    return [scored[0][1]]
