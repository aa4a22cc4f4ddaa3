"""Language detection across the fifteen languages: short and long, mixed, ambiguous."""

from __future__ import annotations

import pytest

from bot.engine.inputs import LanguageDecision, LanguageSource
from bot.understanding.language import Detection, choose_language
from tests.support.builders import catalog, detector

TABLE = [
    ("fr", "bonjour"),
    ("fr", "je voudrais créer mon entreprise à Bruxelles"),
    ("nl", "hallo"),
    ("nl", "ik wil mijn eigen zaak starten in Antwerpen"),
    ("en", "hello"),
    ("en", "I would like to start my own business in Belgium"),
    ("ar", "مرحبا"),
    ("ar", "أريد أن أبدأ مشروعي الخاص في بلجيكا"),
    ("ar", "salam bghit nfta7 projet dyali"),  # Arabizi
    ("tr", "merhaba"),
    ("tr", "Belçika'da kendi işimi kurmak istiyorum"),
    ("es", "hola"),
    ("es", "quiero crear mi propia empresa en Bélgica"),
    ("ro", "bună ziua"),
    ("ro", "vreau să îmi deschid propria afacere în Belgia"),
    ("uk", "привіт"),
    ("uk", "я хочу відкрити власну справу в Бельгії"),
    ("ru", "здравствуйте"),
    ("ru", "я хочу открыть свой бизнес в Бельгии"),
    ("pt", "olá"),
    ("pt", "quero abrir o meu próprio negócio na Bélgica"),
    ("fa", "می‌خواهم کسب و کار خودم را در بلژیک شروع کنم"),
    ("ps", "ښه راغلاست"),
    ("ps", "زه غواړم په بلجیم کې خپل کار پیل کړم"),
    ("ps", "د وام معلومات"),  # Pashto's "د" ("of"): one letter, and a word Persian lacks
    ("ps", "د ثبت نام"),
    ("ti", "ሰላም"),
    ("ti", "ኣብ ቤልጅየም ናይ ባዕለይ ስራሕ ክጅምር እደሊ"),
    ("so", "iska warran"),
    ("so", "waxaan rabaa inaan ganacsi ka bilaabo Beljim"),
    ("pl", "dzień dobry"),
    ("pl", "chcę założyć własną firmę w Belgii"),
    ("ti", "microcredit ደልየ"),  # mixed: a Latin loanword in a Tigrinya message
    ("ar", "cpas مساعدة من فضلك"),
]


def decide(current: LanguageDecision | None, detected: Detection | None) -> LanguageDecision:
    """What a conversation's language becomes after a message, with no hint or choice."""
    return choose_language(
        current,
        explicit=None,
        hint=None,
        detected=detected,
        supported=catalog().codes,
        default="fr",
    )


@pytest.mark.parametrize(("lang", "text"), TABLE)
def test_a_first_message_is_read_in_its_language(lang: str, text: str) -> None:
    decision = decide(None, detector().detect(text))
    assert decision.lang == lang


# Letters alone ("ondernemming", an odd word, a place name) never move one either.
@pytest.mark.parametrize(
    "text", ["ok", "123", "👍", "?!", "merci", "ondernemming", "hmmmm", "Charleroi"]
)
def test_an_ambiguous_message_never_moves_a_conversation(text: str) -> None:
    current = LanguageDecision("uk", LanguageSource.DETECTED)
    decision = decide(current, detector().detect(text))
    assert decision == current


def test_an_explicit_choice_sticks_whatever_is_written_after() -> None:
    chosen = LanguageDecision("ti", LanguageSource.EXPLICIT)
    decision = decide(chosen, detector().detect("hello, I would like an appointment please"))
    assert decision == chosen


# Words no training example holds, read by their letters: a typo, an inflected form.
UNSEEN_WORDS = [
    ("nl", "ondernemming"),
    ("so", "caawinaad"),
    ("pl", "dzienkuje"),
    ("pt", "obrigadoo"),
]


@pytest.mark.parametrize(("lang", "text"), UNSEEN_WORDS)
def test_an_unseen_word_gives_a_guess_to_check_with_the_person(lang: str, text: str) -> None:
    detection = detector().detect(text)
    assert detection is not None
    assert detection.lang == lang
    assert not detection.sure  # letters alone are checked with the person, never trusted
    decision = decide(None, detection)
    assert decision.lang == lang
    assert decision.unsure


@pytest.mark.parametrize("text", ["cpas tremplin rdv", "microstart rdv afspraak"])
def test_words_every_language_borrows_name_no_language(text: str) -> None:
    assert detector().detect(text) is None


@pytest.mark.parametrize(("lang", "text"), [("tr", "cpas lütfen"), ("pl", "rdv proszę")])
def test_a_borrowed_word_leaves_the_decision_to_the_others(lang: str, text: str) -> None:
    detection = detector().detect(text)
    assert detection is not None
    assert detection.lang == lang
