"""What the person can ask about their data: ``/privacy`` (what is kept and for how long),
``/mydata`` and ``/forget`` (erase everything and start afresh)."""

from __future__ import annotations

from bot.engine.events import ContactForgotten
from bot.engine.registry import Command, Feature, Intent
from bot.engine.services import Services
from bot.engine.session import Session
from bot.engine.turn import Turn


def privacy(services: Services) -> Feature:
    def inform_privacy(turn: Turn) -> None:
        services.inform(turn, "privacy")

    def my_data(turn: Turn) -> None:
        language = turn.catalog.language(turn.lang).native_name
        services.inform(turn, "mydata", language=language)

    def forget(turn: Turn) -> None:
        turn.emit(ContactForgotten())
        turn.say("forget.done")
        turn.session = Session(language=turn.lang)

    return Feature(
        name="privacy",
        commands=(
            Command("privacy", inform_privacy),
            Command("mydata", my_data),
            Command("forget", forget),
        ),
        intents=(
            Intent(
                "privacy",
                lambda turn, _intent: inform_privacy(turn),
                digression=True,
                label=lambda turn: turn.text("commands.privacy"),
            ),
        ),
    )
