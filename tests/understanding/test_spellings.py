"""Letter trigrams: an unseen word looks like the language whose words share its letters."""

from __future__ import annotations

from bot.understanding.spellings import SpellingModel, trigrams


def test_a_word_is_read_with_its_beginning_and_end() -> None:
    assert trigrams("aan") == ["^aa", "aan", "an$"]


def test_an_unseen_word_scores_higher_in_the_language_it_is_spelt_like() -> None:
    model = SpellingModel(
        {"so": ["caawimo", "waan", "baahan", "ganacsi"], "pl": ["dziekuje", "prosze", "czesc"]}
    )
    scores = model.scores(["caawinaad"], ["so", "pl"])
    assert scores["so"] > scores["pl"]


def test_no_words_leave_every_language_even() -> None:
    model = SpellingModel({"so": ["waan"], "pl": ["czesc"]})
    assert model.scores([], ["so", "pl"]) == {"so": 0.0, "pl": 0.0}
