"""Handing a conversation over to staff: ``/human``, the menu's "talk to a person", the
``human_handoff`` intent and the flow action ``handoff.start``.

While handed over, the engine stays silent: the person's messages are relayed to staff (the
first one acknowledged once), a staff member's reply reaches the person through the same
turn handler, and ``/start``, ``/menu`` or ``/cancel`` (or staff closing it) give the
conversation back to the bot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Self

from bot.engine.actions import ActionOutcome
from bot.engine.events import MsgRelayed
from bot.engine.inputs import StaffResume
from bot.engine.registry import Command, Feature, Intent, MenuItem, Status
from bot.engine.services import PERSON_COMMAND, PERSON_MENU_ITEM, Services
from bot.engine.session import SessionStatus
from bot.engine.turn import Turn


@dataclass(frozen=True, slots=True)
class HandoffState:
    KEY: ClassVar[str] = "handoff"
    acknowledged: bool = False  # the person was told their messages reach a person

    def to_dict(self) -> dict[str, Any]:
        return {"acknowledged": self.acknowledged}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Self:
        return cls(acknowledged=bool(raw.get("acknowledged")))


class Handoff:
    def __init__(self, services: Services) -> None:
        self._services = services

    def feature(self) -> Feature:
        return Feature(
            name="handoff",
            commands=(Command(PERSON_COMMAND, lambda turn: self.hand_over(turn, "asked")),),
            menu=(MenuItem(PERSON_MENU_ITEM, lambda turn: self.hand_over(turn, "menu"), 50),),
            intents=(
                Intent(
                    "human_handoff",
                    lambda turn, _intent: self.hand_over(turn, "asked"),
                    digression=True,
                    label=lambda turn: turn.text("menu.human"),
                ),
            ),
            actions={"handoff.start": self._action},
            statuses=(Status(SessionStatus.HANDED_OVER, self._relay, self._taken_back),),
            staff_actions={"reply": self._staff_reply, "close": self._staff_close},
            states=(HandoffState,),
        )

    def hand_over(self, turn: Turn, reason: str) -> None:
        turn.set_status(SessionStatus.HANDED_OVER, reason)
        turn.wait_for(None)
        turn.say("handoff.started")

    def _action(self, turn: Turn) -> ActionOutcome:
        self.hand_over(turn, "prequalification")
        return ActionOutcome.STOP

    def _relay(self, turn: Turn) -> None:
        message = turn.message
        if message is not None and message.text is not None:
            turn.emit(MsgRelayed(message.text))
        if not turn.state(HandoffState).acknowledged:
            turn.say("handoff.relayed")
            turn.set_state(HandoffState(acknowledged=True))

    def _taken_back(self, turn: Turn) -> None:
        turn.set_state(HandoffState())
        turn.say("handoff.ended")

    def _staff_reply(self, turn: Turn) -> None:
        """A staff member's answer reaches the person as it was written."""
        resume = turn.resume
        assert isinstance(resume, StaffResume)
        if turn.session.status != SessionStatus.HANDED_OVER or not resume.text:
            return  # the person took the conversation back meanwhile: nothing to relay
        turn.emit(MsgRelayed(resume.text, from_staff=True))
        turn.say_text(resume.text)

    def _staff_close(self, turn: Turn) -> None:
        if turn.session.status != SessionStatus.HANDED_OVER:
            return
        turn.set_status(SessionStatus.ACTIVE)
        self._taken_back(turn)
        self._services.main_menu(turn)


def handoff(services: Services) -> Feature:
    return Handoff(services).feature()
