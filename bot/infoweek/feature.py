"""Events and sign-ups, announced in the menu and understood when asked about, but not open
yet: the person is told so honestly and offered a person, never a guess."""

from __future__ import annotations

from bot.engine.registry import Feature, Intent, MenuItem
from bot.engine.services import Services
from bot.engine.turn import Turn


def infoweek(services: Services) -> Feature:
    def not_ready(turn: Turn, _intent: str = "") -> None:
        services.not_ready(turn)
        if services.in_flow(turn):
            services.offer_resume(turn)

    return Feature(
        name="infoweek",
        menu=(MenuItem("events", services.not_ready, position=40),),
        intents=(
            Intent(
                "ask_events",
                not_ready,
                digression=True,
                label=lambda turn: turn.text("menu.events"),
            ),
            Intent("signup_event", not_ready, digression=True),
        ),
    )
