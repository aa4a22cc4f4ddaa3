"""Typed questions about a city's sessions are recognised in the bot's languages, and only
with a word for events: "un rendez-vous à Liège" is not one."""

from __future__ import annotations

import pytest

from bot.infoweek.asking import asks_for_events


@pytest.mark.parametrize(
    "text",
    [
        "quels sont les événements à Liège ?",
        "Y a-t-il des séances à Namur",
        "infosessies in Gent?",
        "any events in Brussels?",
        "¿Hay eventos en Bruselas?",
        "Какие мероприятия в Генте?",
        "ما هي الفعاليات في Liège؟",
        "جلسه‌ها در Bruxelles",
        "Etkinlikler Antwerpen'de mi?",
    ],
)
def test_a_question_about_events_is_recognised(text: str) -> None:
    assert asks_for_events(text)


@pytest.mark.parametrize("text", ["je veux un rendez-vous à Liège", "bonjour", "Gent"])
def test_other_messages_are_left_to_the_nlu(text: str) -> None:
    assert not asks_for_events(text)
