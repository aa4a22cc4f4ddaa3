"""Starting the pre-qualification from the menu or by asking for it; the questions
themselves are the flow ``prequalification``, run by the engine's flow runner."""

from __future__ import annotations

from bot.engine.registry import Feature, Intent, MenuItem
from bot.engine.services import Services
from bot.engine.turn import Turn

FLOW_ID = "prequalification"


def prequal(services: Services) -> Feature:
    def start(turn: Turn) -> None:
        current = services.flows.current(turn)
        if current is not None and current[0].id == FLOW_ID:
            services.flows.reask(turn)
        else:
            services.start_flow(turn, FLOW_ID)

    return Feature(
        name="prequal",
        menu=(MenuItem("prequalification", start, position=10),),
        intents=(
            Intent(
                "start_prequalification",
                lambda turn, _intent: start(turn),
                label=lambda turn: turn.text("menu.prequalification"),
            ),
        ),
    )
