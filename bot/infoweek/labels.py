"""How an event reads in the chat: its title in the person's language (marked when it is in
another), day and time in their locale, place, languages, and the places left."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from bot.i18n.catalog import Catalog
from bot.infoweek.model import FEW_PLACES, InfoEvent, localized

BRUSSELS = ZoneInfo("Europe/Brussels")
# Other ways people write the cities of the info week, to the key of the city's own name.
CITY_ALIASES = {
    "luik": "liege",
    "anvers": "antwerpen",
    "antwerp": "antwerpen",
    "brussel": "bruxelles",
    "brussels": "bruxelles",
    "bruxelas": "bruxelles",
    "bruselas": "bruxelles",
    "gand": "gent",
    "ghent": "gent",
    "namen": "namur",
}


class Speaker(Protocol):
    """What writes a text in the person's language: a turn, or a Voice outside a turn."""

    @property
    def catalog(self) -> Catalog: ...

    @property
    def lang(self) -> str: ...

    @property
    def locale(self) -> str: ...

    def text(self, key: str, **params: object) -> str: ...


@dataclass(frozen=True, slots=True)
class Voice:
    """A Speaker for messages no turn writes (offers and reminders, sent by a sweeper)."""

    catalog: Catalog
    lang: str

    @property
    def locale(self) -> str:
        return self.catalog.language(self.lang).locale

    def text(self, key: str, **params: object) -> str:
        return self.catalog.text(self.lang, key, **params)


def key_of(name: str) -> str:
    """``Liège`` -> ``liege``: a city as a button can carry it and as people type it."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in plain if ch.isascii() and (ch.isalnum() or ch == "-"))


def title(turn: Speaker, event: InfoEvent) -> str:
    text, lang = localized(event.title, turn.lang)
    if lang != turn.lang:
        other = turn.catalog.language(lang).native_name if lang in turn.catalog.codes else lang
        return f"{text} {turn.text('infoweek.in_language', language=other)}"
    return text


def plain_title(turn: Speaker, event: InfoEvent) -> str:
    """The title without the mark of another language: for a button."""
    return localized(event.title, turn.lang)[0]


def description(turn: Speaker, event: InfoEvent) -> str:
    text, lang = localized(event.description, turn.lang)
    if text and lang != turn.lang:
        other = turn.catalog.language(lang).native_name if lang in turn.catalog.codes else lang
        return f"{text} {turn.text('infoweek.in_language', language=other)}"
    return text


def local(moment: datetime) -> datetime:
    return moment.astimezone(BRUSSELS)


def day_label(turn: Speaker, moment: datetime) -> str:
    return format_date(local(moment), format="EEEE d MMMM", locale=turn.locale)


def short_day(turn: Speaker, moment: datetime) -> str:
    return format_date(local(moment), format="EEE d MMM", locale=turn.locale)


def hour(turn: Speaker, moment: datetime) -> str:
    return format_time(local(moment), format="HH:mm", locale=turn.locale)


def when(turn: Speaker, event: InfoEvent) -> str:
    return turn.text(
        "infoweek.when",
        day=format_date(local(event.starts_at), format="full", locale=turn.locale),
        start=hour(turn, event.starts_at),
        end=hour(turn, event.ends_at),
    )


def where(turn: Speaker, event: InfoEvent) -> str:
    if event.online:
        return turn.text("infoweek.online")
    if event.place and event.city and event.city.casefold() in event.place.casefold():
        return event.place
    return ", ".join(part for part in (event.place, event.city) if part)


def place_short(turn: Speaker, event: InfoEvent) -> str:
    return turn.text("infoweek.online") if event.online else (event.city or "")


def languages(turn: Speaker, event: InfoEvent) -> str:
    names = [
        turn.catalog.language(code).native_name if code in turn.catalog.codes else code
        for code in event.languages
    ]
    return ", ".join(names)


def availability(turn: Speaker, event: InfoEvent) -> str:
    if event.full:
        return turn.text("infoweek.full")
    if event.places_left <= FEW_PLACES:
        return turn.text("infoweek.few_places")
    return turn.text("infoweek.places")
