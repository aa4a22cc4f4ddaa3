"""Handing a conversation over to a person of a partner organisation.

It starts from ``/human``, the menu, the ``human_handoff`` intent, the flow action
``handoff.start``, the person buttons the engine's fallbacks offer (two misunderstandings, a
voice note: they carry the reason), or an urgent message. Before anything goes to staff the
person chooses which organisation answers when more than one fits (the pre-qualification's
route suggests one) and whether their answers are shared; nothing is shared without that
yes. They are then told honestly what happens next: the usual wait within opening hours, or
when the team is back (Belgian public holidays included), with an appointment offered.

While handed over the bot is silent except for commands: the person's messages go to staff
(the first one acknowledged once), staff replies arrive through the turn handler
(``StaffResume``), and ``/bot`` (a button, or ``/menu``, ``/start``, ``/cancel``) or staff
closing it gives the conversation back to the bot. Urgent words, whatever the conversation
is doing, are answered at once with the safe-referral numbers and put the handoff first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bot.engine.actions import ActionOutcome
from bot.engine.buttons import MenuButton
from bot.engine.events import MsgRelayed
from bot.engine.messages import Button
from bot.engine.payloads import NotUnderstood, PayloadType, encode
from bot.engine.registry import (
    Command,
    Feature,
    FeatureFactory,
    Intent,
    MenuItem,
    PayloadKind,
    Status,
    Wait,
)
from bot.engine.services import PERSON_COMMAND, PERSON_MENU_ITEM, Services
from bot.engine.session import SessionStatus
from bot.engine.turn import Turn
from bot.handoff.buttons import (
    HANDOFF_PAYLOADS,
    AnswerTransfer,
    ChooseDesk,
    ShareAnswers,
    StartHandoff,
)
from bot.handoff.desks import Desk, Desks
from bot.handoff.events import (
    HandoffMarkedUrgent,
    HandoffRouted,
)
from bot.handoff.next_steps import (
    APPOINTMENT_MENU_ITEM,
    BACK_COMMAND,
    back_button,
    say_what_happens,
)
from bot.handoff.staff_side import StaffSide
from bot.handoff.state import HandoffState
from bot.handoff.summary import staff_summary
from bot.handoff.urgent import UrgentWords

# Read by name: the schemes feature concludes it after the pre-qualification.
ROUTE_FACT = "appointment_route"
REASONS = frozenset({"asked", "misunderstood", "media", "flow", "urgent", "no_slots", "not_ready"})
CHOOSING_DESK, CHOOSING_SHARE = "handoff_desk", "handoff_share"


@dataclass(frozen=True, slots=True)
class HandoffContent:
    desks: Desks
    urgent: UrgentWords


class Handoff:
    def __init__(self, services: Services, content: HandoffContent) -> None:
        self._services = services
        self._desks = content.desks
        self._urgent = content.urgent
        self._staff = StaffSide(services, content.desks)

    def feature(self) -> Feature:
        asked = "asked"
        return Feature(
            name="handoff",
            payloads=(PayloadKind("ho", HANDOFF_PAYLOADS, self._on_button),),
            commands=(
                Command(PERSON_COMMAND, lambda turn: self.hand_over(turn, asked)),
                Command(BACK_COMMAND, self._services.main_menu, takes_back=True),
            ),
            menu=(MenuItem(PERSON_MENU_ITEM, lambda turn: self.hand_over(turn, asked), 50),),
            intents=(
                Intent(
                    "human_handoff",
                    lambda turn, _intent: self.hand_over(turn, asked),
                    digression=True,
                    label=lambda turn: turn.text("menu.human"),
                ),
            ),
            actions={"handoff.start": self._action},
            waits=(Wait(CHOOSING_DESK), Wait(CHOOSING_SHARE)),
            statuses=(Status(SessionStatus.HANDED_OVER, self._relay, self._taken_back),),
            staff_actions={
                "reply": self._staff.reply,
                "close": self._staff.close,
                "transfer": self._staff.transfer,
            },
            text_matchers=(self._typed_while_choosing,),
            screens=(self._urgent_screen,),
            person_offer=self._person_button,
            states=(HandoffState,),
        )

    # Starting -----------------------------------------------------------------------------

    def _person_button(self, turn: Turn, reason: str) -> Button:
        return turn.button("menu.human", StartHandoff(reason))

    def _action(self, turn: Turn) -> ActionOutcome:
        self.hand_over(turn, "flow")
        return ActionOutcome.STOP

    def hand_over(self, turn: Turn, reason: str, *, urgent: bool = False) -> None:
        if turn.session.status == SessionStatus.HANDED_OVER:
            turn.say("handoff.already", (back_button(turn),))
            return
        route = turn.fact(ROUTE_FACT)
        if urgent:
            # No question first: the numbers are said, the team is told at once. Nothing is
            # shared, since the person was not asked.
            suggested = self._desks.suggested.get(route or "", self._desks.urgent)
            self._open(turn, HandoffState(reason=reason, urgent=True, desk=suggested), None)
            return
        fitting = self._desks.fitting(route)
        state = HandoffState(reason=reason, desk=fitting[0].code)
        turn.set_state(state)
        if len(fitting) > 1:
            self._ask_desk(turn, fitting, suggested=route is not None)
        else:
            self._ask_share_or_open(turn, state)

    def _ask_desk(self, turn: Turn, fitting: list[Desk], *, suggested: bool) -> None:
        lines = [turn.text("handoff.choose_desk")]
        lines += [
            turn.text(
                "handoff.desk_line",
                organisation=desk.name,
                about=turn.text(f"handoff.desks.{desk.code}"),
            )
            for desk in fitting
        ]
        if suggested:
            lines.append(turn.text("handoff.suggested", organisation=fitting[0].name))
        buttons = [Button(desk.name, encode(ChooseDesk(desk.code))) for desk in fitting]
        buttons.append(turn.button("handoff.desk_unsure", ChooseDesk("")))
        turn.say_text("\n".join(lines), tuple(buttons))
        turn.wait_for(CHOOSING_DESK)

    def _ask_share_or_open(self, turn: Turn, state: HandoffState) -> None:
        if self._summary(turn) is None:
            self._open(turn, state, None)
            return
        desk = self._desks.desk_or_default(state.desk)
        buttons = (
            turn.button("handoff.share_yes", ShareAnswers("yes")),
            turn.button("handoff.share_no", ShareAnswers("no")),
        )
        turn.say("handoff.share_question", buttons, organisation=desk.name)
        turn.wait_for(CHOOSING_SHARE)

    def _open(self, turn: Turn, state: HandoffState, summary: dict[str, Any] | None) -> None:
        desk = self._desks.desk_or_default(state.desk)
        reason = state.reason if state.reason in REASONS else "asked"
        turn.set_status(SessionStatus.HANDED_OVER, reason)
        turn.wait_for(None)
        turn.set_state(replace(state, reason=None, acknowledged=False))
        turn.emit(
            HandoffRouted(
                organisation=desk.code,
                organisation_name=desk.name,
                reference_prefix=desk.reference_prefix,
                reason=reason,
                urgent=state.urgent,
                summary=summary,
            )
        )
        say_what_happens(turn, desk)

    # The choices before it goes to staff ----------------------------------------------------

    def _on_button(self, turn: Turn, payload: PayloadType | NotUnderstood) -> bool:
        if isinstance(payload, StartHandoff):
            self.hand_over(turn, payload.reason)
            return True
        state = turn.state(HandoffState)
        if isinstance(payload, ChooseDesk) and turn.session.wait == CHOOSING_DESK:
            route = turn.fact(ROUTE_FACT)
            code = payload.desk or self._desks.suggested_for(route)
            if code not in {desk.code for desk in self._desks.fitting(route)}:
                return False
            state = replace(state, desk=code)
            turn.set_state(state)
            self._ask_share_or_open(turn, state)
            return True
        if isinstance(payload, ShareAnswers) and turn.session.wait == CHOOSING_SHARE:
            summary = self._summary(turn) if payload.share == "yes" else None
            self._open(turn, state, summary)
            return True
        return False  # stale or forged: the engine says the button is no longer valid

    def _typed_while_choosing(self, turn: Turn, text: str) -> bool:
        wait = turn.session.wait
        if wait not in (CHOOSING_DESK, CHOOSING_SHARE):
            return False
        state = turn.state(HandoffState)
        if wait == CHOOSING_DESK:
            typed = text.strip().casefold()
            route = turn.fact(ROUTE_FACT)
            fitting = self._desks.fitting(route)
            chosen = next((d for d in fitting if d.name.casefold() == typed), None)
            if chosen is None:
                self._ask_desk(turn, fitting, suggested=route is not None)
                return True
            state = replace(state, desk=chosen.code)
            turn.set_state(state)
            self._ask_share_or_open(turn, state)
            return True
        intent = turn.message.nlu.intent if turn.message and turn.message.nlu else None
        if intent in ("affirm", "deny"):
            self._open(turn, state, self._summary(turn) if intent == "affirm" else None)
        else:
            self._ask_share_or_open(turn, state)
        return True

    def _summary(self, turn: Turn) -> dict[str, Any] | None:
        return staff_summary(self._services.catalog, self._services.flows.flows, turn.answers)

    # Handed over ------------------------------------------------------------------------------

    def _relay(self, turn: Turn) -> None:
        message = turn.message
        if message is None:
            return
        if message.payload is not None:
            payload = self._services.registry.codec.decode(message.payload)
            if isinstance(payload, AnswerTransfer):
                self._staff.transfer_answered(turn, payload)
                return
            if payload == MenuButton(APPOINTMENT_MENU_ITEM):
                self._book_instead(turn)
                return
            # A button of the bot's while a person leads: say who is there and how to leave.
            turn.say("handoff.with_person", (back_button(turn),))
            return
        if message.text is not None:
            turn.emit(MsgRelayed(message.text))
        if not turn.state(HandoffState).acknowledged:
            turn.say("handoff.relayed", (back_button(turn),))
            turn.set_state(replace(turn.state(HandoffState), acknowledged=True))

    def _book_instead(self, turn: Turn) -> None:
        """The team is away and the person prefers an appointment: the bot takes over."""
        item = self._services.registry.menu_item(APPOINTMENT_MENU_ITEM)
        turn.set_status(SessionStatus.ACTIVE)
        turn.set_state(HandoffState())
        if item is None:
            self._services.main_menu(turn)
            return
        item.handle(turn)

    def _taken_back(self, turn: Turn) -> None:
        turn.set_state(HandoffState())
        turn.say("handoff.ended")

    # Urgent words ----------------------------------------------------------------------------

    def _urgent_screen(self, turn: Turn, text: str) -> bool:
        if not self._urgent.in_text(text):
            return False
        turn.say("handoff.urgent")
        if turn.session.status == SessionStatus.HANDED_OVER:
            turn.emit(MsgRelayed(text))
            state = turn.state(HandoffState)
            if not state.urgent:
                turn.emit(HandoffMarkedUrgent())
                turn.set_state(replace(state, urgent=True, acknowledged=True))
            return True
        self.hand_over(turn, "urgent", urgent=True)
        turn.emit(MsgRelayed(text))  # what they wrote is the first thing staff read
        return True


def handoff(content: HandoffContent) -> FeatureFactory:
    """The feature factory: ``handoff(content.handoff)`` for the engine."""

    def build(services: Services) -> Feature:
        return Handoff(services, content).feature()

    return build
