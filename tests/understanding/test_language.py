"""Language detection on first messages, and which language the conversation keeps."""

from __future__ import annotations

import pytest

from bot.engine.inputs import LanguageDecision, LanguageSource
from bot.understanding.language import Detection, LanguageDetector, choose_language
from bot.understanding.lexicon import calendar_words
from bot.understanding.normalize import spelt_words
from tests.support.builders import detector

SUPPORTED = ("fr", "nl", "en")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("bonjour", "fr"),
        ("Bonjour !", "fr"),
        ("salut ca va bien", "fr"),
        ("je veux un rdv", "fr"),
        ("hallo", "nl"),
        ("goeiemorgen", "nl"),
        ("ik wil een afspraak", "nl"),
        ("hello", "en"),
        ("i want to talk to someone", "en"),
        ("Je voudrais créer mon entreprise de nettoyage à Bruxelles", "fr"),
        ("Ik zou graag mijn eigen zaak beginnen in Antwerpen", "nl"),
        ("I would like to start my own cleaning business in Brussels", "en"),
    ],
)
def test_detects_short_and_long_messages(text: str, lang: str) -> None:
    detection = detector().detect(text)
    assert detection is not None
    assert detection.lang == lang


@pytest.mark.parametrize("text", ["ok", "123", "👍", "?!", "", "   "])
def test_says_nothing_when_there_is_nothing_to_go_on(text: str) -> None:
    assert detector().detect(text) is None


def test_words_shared_by_two_languages_give_no_sure_answer() -> None:
    """ "salut ca va" is French and, nearly, Romanian: no switch on it."""
    detection = detector().detect("salut ca va")
    assert detection is None or not detection.sure


def _choose(
    current: LanguageDecision | None,
    *,
    explicit: str | None = None,
    hint: str | None = None,
    detected: str | None = None,
) -> LanguageDecision:
    return choose_language(
        current,
        explicit=explicit,
        hint=hint,
        detected=Detection(detected, 0.9) if detected else None,
        supported=SUPPORTED,
        default="fr",
    )


def test_an_explicit_choice_wins_and_sticks() -> None:
    chosen = _choose(None, explicit="nl", detected="en")
    assert chosen == LanguageDecision("nl", LanguageSource.EXPLICIT)
    assert _choose(chosen, detected="en") == chosen


def test_detection_switches_a_detected_language() -> None:
    current = LanguageDecision("fr", LanguageSource.DETECTED)
    assert _choose(current, detected="nl") == LanguageDecision("nl", LanguageSource.DETECTED)


def test_nothing_detected_keeps_the_current_language() -> None:
    current = LanguageDecision("nl", LanguageSource.DETECTED)
    assert _choose(current) == current


def test_a_platform_hint_serves_a_new_contact_only() -> None:
    assert _choose(None, hint="en-GB") == LanguageDecision("en", LanguageSource.HINT)
    assert _choose(None, hint="pt-br") == LanguageDecision("fr", LanguageSource.DEFAULT)


def test_an_unsupported_explicit_language_is_ignored() -> None:
    assert _choose(None, explicit="xx") == LanguageDecision("fr", LanguageSource.DEFAULT)


def test_a_weak_detection_is_adopted_for_a_new_contact_but_marked_unsure() -> None:
    weak = Detection("nl", 0.55, sure=False)
    decision = choose_language(
        None, explicit=None, hint=None, detected=weak, supported=SUPPORTED, default="fr"
    )
    assert (decision.lang, decision.unsure) == ("nl", True)


def test_a_weak_detection_never_moves_a_conversation_already_detected() -> None:
    current = LanguageDecision("fr", LanguageSource.DETECTED)
    weak = Detection("nl", 0.55, sure=False)
    decision = choose_language(
        current, explicit=None, hint=None, detected=weak, supported=SUPPORTED, default="fr"
    )
    assert decision == current


def test_arabizi_digits_stay_inside_words_and_numbers_are_no_words() -> None:
    assert spelt_words("Kan9elleb 3la dar, 123 n7ebb l'école!") == [
        "kan9elleb",
        "3la",
        "dar",
        "n7ebb",
        "l",
        "ecole",
    ]


@pytest.mark.parametrize(
    ("text", "lang"),
    [("woensdag", "nl"), ("miercuri", "ro"), ("środa", "pl"), ("çarşamba", "tr"),
     ("середа", "uk"), ("среда", "ru"), ("quarta-feira", "pt")],
)  # fmt: skip
def test_a_day_name_is_read_from_the_languages_calendar(text: str, lang: str) -> None:
    """People answer "which day?" with a day name no training example may hold."""
    detection = detector().detect(text)
    assert detection is not None
    assert (detection.lang, detection.sure) == (lang, True)


def test_calendar_words_are_day_and_month_names_wide_and_short() -> None:
    assert {"jeudi", "janvier", "janv"} <= calendar_words("fr_BE")
    assert {"donderdag", "januari", "juli"} <= calendar_words("nl_BE")
    assert "jan" not in calendar_words("nl_BE")


@pytest.mark.parametrize("text", ["sat", "dom", "mer", "zo", "wo", "sob", "dim"])
def test_a_short_day_abbreviation_alone_moves_no_conversation(text: str) -> None:
    """Three-letter abbreviations are other words elsewhere ("dom" is "house" in Polish)."""
    detection = detector().detect(text)
    assert detection is None or not detection.sure


def test_langdetect_is_asked_only_from_five_words() -> None:
    """langdetect guesses wildly on short text ("inscription atelier mercredi" was English):
    with no training words to go on, four words get no answer, five get langdetect's."""
    no_examples = LanguageDetector(("fr", "en", "nl"), {})
    assert no_examples.detect("the weather is lovely") is None
    found = no_examples.detect("the weather is lovely today")
    assert found is not None
    assert found.lang == "en"
