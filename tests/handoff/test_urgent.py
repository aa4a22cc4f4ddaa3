"""Urgent words, in each of the 15 languages: the safe-referral numbers at once, in the
person's language, and the handoff opened urgent with what they wrote, before any question."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.engine.events import MsgCreated, MsgRelayed, StatusChanged
from bot.engine.inputs import LanguageDecision, LanguageSource, MsgResume, NluResult
from bot.engine.session import SessionStatus
from bot.handoff.events import HandoffMarkedUrgent, HandoffRouted
from tests.support import builders

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

# What a person in danger may write, in their own words (reviewed with the word lists of
# flows/urgent.yml; several do not repeat a listed word exactly: stems and phrases match).
URGENT = {
    "fr": "Mon mari me frappe, je ne sais pas quoi faire",
    "nl": "Mijn baas bedreigt mij en betaalt me niet",
    "en": "I have nowhere to sleep tonight",
    "ar": "زوجي يضربني كل يوم",
    "es": "Mi pareja me pega y tengo miedo",
    "fa": "شوهرم منو میزنه و می ترسم",
    "pl": "Mój partner mnie bije",
    "ps": "زما مېړه ما وهي",
    "pt": "O meu marido bateu-me ontem",
    "ro": "Soțul meu mă bate",
    "ru": "Муж меня бьёт каждый день",
    "so": "Ninkayga ayaa i garaacay",
    "ti": "ሰብኣየይ ሃሪሙኒ",
    "tr": "Kocam beni dövüyor",
    "uk": "Він б'є мене щодня",
}
# Everyday talk about a business that shares words with the lists.
NOT_URGENT = [
    "Je veux reprendre une exploitation agricole",
    "Comment faire mon compte d'exploitation ?",
    "Il me faut une police d'assurance pour mon commerce",
    "I want to sell cakes from home, how do I start?",
    "Ik wil een eigen zaak beginnen in Gent",
    "Quiero abrir una tienda de ropa",
]


def step(lang: str, text: str) -> MsgResume:
    return MsgResume(
        now=NOW,
        language=LanguageDecision(lang, LanguageSource.EXPLICIT),
        text=text,
        nlu=NluResult(intent=None, confidence=0.0),
    )


@pytest.mark.parametrize("lang", sorted(URGENT))
def test_urgent_words_get_the_numbers_and_an_urgent_handoff_at_once(lang: str) -> None:
    bot = builders.engine()
    sprint = bot.resume(
        bot.new_session(LanguageDecision(lang, LanguageSource.EXPLICIT)), step(lang, URGENT[lang])
    )
    said = [e.message.text for e in sprint.events if isinstance(e, MsgCreated)]
    assert said[0] == builders.catalog().text(lang, "handoff.urgent")
    assert "112" in said[0]
    assert StatusChanged(SessionStatus.HANDED_OVER, "urgent") in sprint.events
    routed = [e for e in sprint.events if isinstance(e, HandoffRouted)]
    assert [(r.urgent, r.summary) for r in routed] == [(True, None)], "nothing shared unasked"
    assert MsgRelayed(URGENT[lang]) in sprint.events, "staff read what they wrote"


@pytest.mark.parametrize("text", NOT_URGENT)
def test_business_talk_is_not_urgent(text: str) -> None:
    bot = builders.engine()
    sprint = bot.resume(
        bot.new_session(LanguageDecision("fr", LanguageSource.EXPLICIT)), step("fr", text)
    )
    assert sprint.session.status == SessionStatus.ACTIVE
    assert not any(isinstance(e, HandoffRouted) for e in sprint.events)


def test_an_urgent_message_while_handed_over_marks_the_handoff_urgent_once() -> None:
    bot = builders.engine()
    fr = LanguageDecision("fr", LanguageSource.EXPLICIT)
    session = bot.resume(bot.new_session(fr), step("fr", "/human")).session
    pressed = MsgResume(now=NOW, language=fr, payload="ho:d:microstart")
    session = bot.resume(session, pressed).session
    first = bot.resume(session, step("fr", "il me menace de mort"))
    second = bot.resume(first.session, step("fr", "il me frappe encore"))
    assert HandoffMarkedUrgent() in first.events
    assert HandoffMarkedUrgent() not in second.events
    for sprint in (first, second):
        said = [e.message.text for e in sprint.events if isinstance(e, MsgCreated)]
        assert said == [builders.catalog().text("fr", "handoff.urgent")]
