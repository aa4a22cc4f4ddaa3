"""Text typed to mean a button on screen: its title, in any case, without accents or
punctuation, with a small typo, or its number ("2" for the second button).

Stricter than matching a question's options (bot/understanding/options.py): a button stands
for any action (go back, confirm, cancel), so only text close to one title, and clearly closer
to it than to any other, counts; anything else goes on to the NLU.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from bot.understanding.normalize import fold

CLOSE_RATIO = 0.86  # "Retour au menuu", "prendre rendez vous"; not "Retour" for "Retour au menu"
CLEAR_MARGIN = 0.06
MIN_FUZZY_CHARS = 5  # below this one typo is a different word
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
# Letters with no accent to strip that phones without the layout type plainly (Turkish
# dotless ı, Polish ł); upper-case KADIN must read as Kadın.
_PLAIN = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d"})
_NUMBER = re.compile(r"\s*(\d{1,2})\s*[.)]?\s*")


def bare(text: str) -> str:
    """Folded, punctuation and symbols (emoji, arrows) gone, one space between words."""
    return " ".join(_NOT_WORD.sub(" ", fold(text).translate(_PLAIN)).split())


def typed_button(
    text: str,
    titles: Sequence[str],
    *,
    exact_only: bool = False,
    numbered: int | None = None,
) -> int | None:
    """The index of the button ``text`` designates among ``titles``, or None. A number
    designates one of the first ``numbered`` titles (all of them by default): the others
    are not on screen in that order."""
    number = _NUMBER.fullmatch(text)
    if number is not None:
        index = int(number.group(1)) - 1
        limit = len(titles) if numbered is None else numbered
        return index if not exact_only and 0 <= index < limit else None
    typed = bare(text)
    if not typed:
        return None
    same = [i for i, title in enumerate(titles) if bare(title) == typed]
    if len(same) == 1:
        return same[0]
    if same or exact_only or len(typed) < MIN_FUZZY_CHARS:
        return None
    scored = sorted(
        ((SequenceMatcher(None, typed, bare(title)).ratio(), i) for i, title in enumerate(titles)),
        reverse=True,
    )
    if not scored or scored[0][0] < CLOSE_RATIO:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < CLEAR_MARGIN:
        return None
    return scored[0][1]
