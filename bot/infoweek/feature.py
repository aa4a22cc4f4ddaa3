"""The info week in the chat, as the engine sees it: the menu's "events", ``/events``, the
intents ``ask_events`` and ``signup_event``, the ``iw`` buttons, the deep link
``/start event_<id>`` and the text code ``event_<id>`` (a WhatsApp link's prefilled text),
and the context of events and sign-ups, read only in turns that need it."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.engine.registry import Command, Feature, FeatureFactory, Intent, MenuItem, PayloadKind
from bot.engine.services import Services
from bot.engine.turn import Turn
from bot.infoweek import asking
from bot.infoweek.buttons import INFOWEEK_BUTTONS
from bot.infoweek.context import INFOWEEK
from bot.infoweek.dialogue import InfoWeekDialogue, event_file_path
from bot.infoweek.model import START_PREFIX
from bot.infoweek.state import InfoWeekState

TEXT_CODE = re.compile(r"\s*event[_ ]([a-z0-9][a-z0-9-]{0,39})\s*", re.IGNORECASE)


def infoweek(ics_domain: str, file_path: Callable[[str], str] = event_file_path) -> FeatureFactory:
    """The feature factory; the host serves the ``.ics`` files at ``file_path(code)``."""

    def build(services: Services) -> Feature:
        return _feature(InfoWeekDialogue(services, ics_domain, file_path))

    return build


def _feature(dialogue: InfoWeekDialogue) -> Feature:
    def asked(turn: Turn, _intent: str) -> None:
        message = turn.message
        dialogue.start(turn, message.text if message else None)

    def city_question(turn: Turn, text: str) -> bool:
        if not asking.asks_for_events(text):
            return False
        return dialogue.start_for_city(turn, text)

    def text_code(turn: Turn, text: str) -> bool:
        found = TEXT_CODE.fullmatch(text)
        if found is None:
            return False
        dialogue.open_event(turn, found.group(1).lower())
        return True

    return Feature(
        name="infoweek",
        payloads=(PayloadKind("iw", INFOWEEK_BUTTONS, dialogue.on_button),),
        commands=(Command("events", dialogue.start),),
        menu=(MenuItem("events", dialogue.start, position=40),),
        intents=(
            Intent(
                "ask_events",
                asked,
                digression=True,
                label=lambda turn: turn.text("menu.events"),
            ),
            Intent("signup_event", asked, digression=True),
        ),
        text_matchers=(text_code, city_question),
        start_links={START_PREFIX: dialogue.open_event},
        states=(InfoWeekState,),
        contexts=(INFOWEEK.name,),
    )
