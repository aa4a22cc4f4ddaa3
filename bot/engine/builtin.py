"""The engine's own declarations, registered like any feature's (as "engine"): the main
menu, the language, greeting, help and cancel, small talk, and the payloads of flows.

Domain features (schemes, booking, handoff...) live in their own packages; what is here is
what every conversation has, whatever features are installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.engine.buttons import (
    ENGINE_PAYLOADS,
    AnswerButton,
    CommandButton,
    EditButton,
    IntentButton,
    LanguageButton,
    MediaSent,
    MenuButton,
    RestartButton,
    ResumeButton,
)
from bot.engine.inputs import LanguageDecision, LanguageSource
from bot.engine.messages import Button
from bot.engine.payloads import NotUnderstood, PayloadType, encode, kind_of
from bot.engine.registry import Command, Feature, Intent, Label, MenuItem, PayloadKind, Wait
from bot.engine.services import Services
from bot.engine.state import FlowState
from bot.engine.turn import Turn

if TYPE_CHECKING:
    from bot.engine.runner import Engine

ENGINE_FEATURE = "engine"
PAUSING_WAITS = ("main_menu", "language_menu", "resume_offer", "welcome_back")


def _kinds(*types: type[PayloadType]) -> dict[str, tuple[type[PayloadType], ...]]:
    grouped: dict[str, tuple[type[PayloadType], ...]] = {}
    for payload_type in types:
        grouped[kind_of(payload_type)] = (*grouped.get(kind_of(payload_type), ()), payload_type)
    return grouped


class EngineBasics:
    def __init__(self, engine: Engine, services: Services, home_flow: str | None) -> None:
        self._engine = engine
        self._services = services
        self._home_flow = home_flow

    def feature(self) -> Feature:
        handlers = {
            "cmd": self._on_command_button,
            "menu": self._on_menu_button,
            "int": self._on_intent_button,
            "lang": self._on_language_button,
            "media": self._on_media,
            "a": self._on_answer_button,
            "e": self._on_edit_button,
            "flow": self._on_flow_button,
        }
        kinds = _kinds(*ENGINE_PAYLOADS)
        label = _text_label
        return Feature(
            name=ENGINE_FEATURE,
            payloads=tuple(PayloadKind(k, kinds[k], handle) for k, handle in handlers.items()),
            commands=(
                Command("start", self.greet, takes_back=True),
                Command("menu", self._services.main_menu, takes_back=True),
                Command("language", self.language_menu),
                Command("help", self.help),
                Command("cancel", self.cancel, takes_back=True),
            ),
            intents=(
                Intent("greet", lambda turn, _intent: self.greet(turn)),
                Intent(
                    "change_language",
                    lambda turn, _intent: self.language_menu(turn),
                    digression=True,
                    label=label("menu.language"),
                ),
                Intent(
                    "help",
                    lambda turn, _intent: self.help(turn),
                    digression=True,
                    label=label("commands.help"),
                ),
                Intent("thanks", self._small_talk),
                Intent("goodbye", self._small_talk),
                Intent("out_of_scope", self._out_of_scope, digression=True),
            ),
            menu=(MenuItem("language", self.language_menu, position=60),),
            waits=tuple(Wait(name) for name in PAUSING_WAITS),
        )

    # Commands and intents -------------------------------------------------------------------

    def greet(self, turn: Turn) -> None:
        turn.say("greeting")
        message = turn.message
        argument = (message.text or "").partition(" ")[2].strip() if message else ""
        link = self._services.registry.start_link(argument) if argument else None
        if link is not None:  # a deep link: what it points to, after the greeting
            handler, value = link
            handler(turn, value)
            return
        self._services.main_menu(turn)

    def help(self, turn: Turn) -> None:
        self._services.inform(turn, "help")
        if not self._services.in_flow(turn):
            self._services.main_menu(turn)

    def language_menu(self, turn: Turn) -> None:
        buttons = tuple(
            Button(language.native_name, encode(LanguageButton(language.code)))
            for language in turn.catalog.languages
        )
        turn.say("language.prompt", buttons)
        turn.wait_for("language_menu")

    def cancel(self, turn: Turn) -> None:
        if self._services.in_flow(turn):
            self._services.flows.leave(turn)
            turn.say("flow.cancelled")
        else:
            turn.say("cancel.done")
        self._services.main_menu(turn)

    def _small_talk(self, turn: Turn, intent: str) -> None:
        turn.say(intent)

    def _out_of_scope(self, turn: Turn, _intent: str) -> None:
        self._services.inform(turn, "out_of_scope")
        if not self._services.in_flow(turn):
            self._services.main_menu(turn)

    # Buttons -------------------------------------------------------------------------------

    def _on_command_button(self, turn: Turn, payload: PayloadType | NotUnderstood) -> bool:
        name = payload.name if isinstance(payload, CommandButton) else ""
        self._engine.run_command(turn, name)
        return True

    def _on_menu_button(self, turn: Turn, payload: PayloadType | NotUnderstood) -> bool:
        if not isinstance(payload, MenuButton):
            return False
        item = self._services.registry.menu_item(payload.item)
        if item is None:
            return False
        item.handle(turn)
        return True

    def _on_intent_button(self, turn: Turn, payload: PayloadType | NotUnderstood) -> bool:
        if not isinstance(payload, IntentButton):
            return False
        intent = self._services.registry.intents.get(payload.intent)
        if intent is None or intent.label is None:
            return False  # only intents that can be offered may come back as a button
        intent.handle(turn, payload.intent)
        return True

    def _on_language_button(self, turn: Turn, payload: PayloadType | NotUnderstood) -> bool:
        if not isinstance(payload, LanguageButton) or payload.code not in turn.catalog.codes:
            return False
        turn.set_language(LanguageDecision(payload.code, LanguageSource.EXPLICIT))
        turn.say("language.changed")
        self._services.reask_or_menu(turn)
        return True

    def _on_media(self, turn: Turn, payload: PayloadType | NotUnderstood) -> bool:
        self._engine.unsupported_media(turn)
        return isinstance(payload, MediaSent | NotUnderstood)

    def _on_answer_button(self, turn: Turn, payload: PayloadType | NotUnderstood) -> bool:
        if not isinstance(payload, AnswerButton):
            return False
        return self._services.flows.questions.answer_payload(turn, payload.node, payload.code)

    def _on_edit_button(self, turn: Turn, payload: PayloadType | NotUnderstood) -> bool:
        return isinstance(payload, EditButton) and self._services.flows.summary.edit(
            turn, payload.node
        )

    def _on_flow_button(self, turn: Turn, payload: PayloadType | NotUnderstood) -> bool:
        if isinstance(payload, ResumeButton):
            self._services.reask_or_menu(turn)
            return True
        if isinstance(payload, RestartButton):
            self._restart(turn)
            return True
        return False

    def _restart(self, turn: Turn) -> None:
        """ "Start again" after a long silence: the outermost flow, from its first question,
        forgetting its answers."""
        state = turn.state(FlowState)
        flow_id = state.stack[0][0] if state.stack else self._home_flow
        if flow_id is None:
            turn.say("flow.expired")
            self._services.main_menu(turn)
            return
        turn.set_state(FlowState(misses=state.misses))
        self._services.start_flow(turn, flow_id)


def _text_label(key: str) -> Label:
    return lambda turn: turn.text(key)
