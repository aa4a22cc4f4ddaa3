"""What the engine offers every feature: the main menu, the flows, answering a side question
and offering to go on where the person was.

Features receive this object when they are built, so they never import the engine's runner
nor each other: leaving a dialogue means ``services.main_menu(turn)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.engine.buttons import CommandButton, MenuButton, ResumeButton
from bot.engine.flow_runner import FlowRunner
from bot.engine.messages import Button
from bot.i18n.catalog import Catalog

if TYPE_CHECKING:
    from bot.engine.registry import Registry
    from bot.engine.turn import Turn

# The engine's fallbacks (two missed answers, a voice note, a feature not ready) offer a
# person through these; the handoff feature provides them, and the engine checks at start.
PERSON_MENU_ITEM = "human"
PERSON_COMMAND = "human"


class Services:
    def __init__(self, catalog: Catalog, flows: FlowRunner) -> None:
        self.catalog = catalog
        self.flows = flows
        self._registry: Registry | None = None

    def attach(self, registry: Registry) -> None:
        """Called once, when every feature is registered (the main menu lists their items)."""
        self._registry = registry

    @property
    def registry(self) -> Registry:
        assert self._registry is not None, "the engine attaches its registry at start"
        return self._registry

    def in_flow(self, turn: Turn) -> bool:
        return self.flows.current(turn) is not None

    def start_flow(self, turn: Turn, flow_id: str, only: tuple[str, ...] | None = None) -> None:
        self.flows.start(turn, flow_id, only)

    def main_menu(self, turn: Turn) -> None:
        buttons = [
            turn.button(f"menu.{item}", MenuButton(item)) for item in self.registry.menu_items
        ]
        if self.in_flow(turn):
            buttons.insert(0, turn.button("flow.resume", ResumeButton()))
        turn.say("menu.prompt", tuple(buttons))
        turn.wait_for("main_menu")

    def reask_or_menu(self, turn: Turn) -> None:
        """Back to the question the person was at, or to the main menu."""
        if not self.flows.reask(turn):
            self.main_menu(turn)

    def inform(self, turn: Turn, key: str, **params: object) -> None:
        """Answer a side question, then offer to go on with the questions."""
        turn.say(key, (), **params)
        if self.in_flow(turn):
            self.offer_resume(turn)

    def offer_resume(self, turn: Turn) -> None:
        buttons = (
            turn.button("flow.resume", ResumeButton()),
            turn.button("flow.menu", CommandButton("menu")),
        )
        turn.say("flow.resume_offer", buttons)
        turn.wait_for("resume_offer")

    def person_button(self, turn: Turn, reason: str) -> Button:
        """A button handing the conversation to a person, with the reason staff will see."""
        offer = self.registry.person_offer
        if offer is None:
            return turn.button("menu.human", MenuButton(PERSON_MENU_ITEM))
        return offer(turn, reason)

    def not_ready(self, turn: Turn) -> None:
        """A feature announced but not there yet: said honestly, with a person offered."""
        buttons = (
            self.person_button(turn, "not_ready"),
            turn.button("menu.back", CommandButton("menu")),
        )
        turn.say("not_ready", buttons)
