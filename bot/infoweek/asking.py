"""Typed questions about the sessions of a city ("quels sont les événements à Liège ?",
"infosessies in Gent?"): a word for events and the name of a city of the coming sessions,
in any of the bot's languages. Read before the NLU's intent, because the intent
``ask_events`` says nothing of the city and the model may read a city's name as something
else; a question without a city still goes to the intent."""

from __future__ import annotations

import unicodedata

# Words for events, sessions and workshops, as people write them (accents dropped).
EVENT_WORDS = frozenset(
    (
        "evenement",
        "evenements",
        "seance",
        "seances",
        "atelier",
        "ateliers",
        "rencontre",
        "rencontres",
        "infosession",
        "evenementen",
        "activiteit",
        "activiteiten",
        "sessie",
        "sessies",
        "infosessie",
        "infosessies",
        "workshop",
        "workshops",
        "event",
        "events",
        "session",
        "sessions",
        "evento",
        "eventos",
        "sesion",
        "sesiones",
        "taller",
        "talleres",
        "sessao",
        "sessoes",
        "eveniment",
        "evenimente",
        "sesiune",
        "sesiuni",
        "wydarzenie",
        "wydarzenia",
        "sesja",
        "sesje",
        "etkinlik",
        "etkinlikler",
        "oturum",
        "oturumlar",
        "подія",
        "події",
        "захід",
        "заходи",
        "сесія",
        "сесії",
        "мероприятие",
        "мероприятия",
        "событие",
        "события",
        "сессия",
        "сессии",
        "فعالية",
        "فعاليات",
        "الفعاليات",
        "جلسة",
        "جلسات",
        "الجلسات",
        "رویداد",
        "رویدادها",
        "جلسه",
        "جلسه‌ها",
        "غونډه",
        "غونډې",
        "ኣኼባ",
        "ኣኼባታት",
        "kulan",
        "kulamada",
        "kulamo",
        "dhacdo",
        "dhacdooyin",
    )
)


def words_of(text: str) -> set[str]:
    """The words of ``text``, lower case, without accents, in any script."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(
        ch if (ch.isalnum() or ch in "\u200c") else " "
        for ch in plain
        if not unicodedata.combining(ch)
    )
    return set(kept.split())


def asks_for_events(text: str) -> bool:
    return not EVENT_WORDS.isdisjoint(words_of(text))
