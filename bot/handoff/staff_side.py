"""What staff do reaches the conversation: a reply (signed with the organisation's name), a
close (the bot takes over and says so), a transfer (asked to the person, moved only on yes)."""

from __future__ import annotations

from dataclasses import replace

from bot.engine.events import MsgCreated
from bot.engine.inputs import StaffResume
from bot.engine.messages import Outbound
from bot.engine.services import Services
from bot.engine.session import SessionStatus
from bot.engine.turn import Turn
from bot.handoff.buttons import AnswerTransfer
from bot.handoff.desks import Desks
from bot.handoff.events import StaffActionApplied, TransferAnswered
from bot.handoff.next_steps import back_button, say_what_happens
from bot.handoff.state import HandoffState

STAFF_REPLY_PURPOSE = "staff_reply"  # a WhatsApp template carries it outside the window


class StaffSide:
    def __init__(self, services: Services, desks: Desks) -> None:
        self._services = services
        self._desks = desks

    @staticmethod
    def _applied(turn: Turn) -> StaffResume:
        resume = turn.resume
        assert isinstance(resume, StaffResume)
        if resume.ref is not None:
            turn.emit(StaffActionApplied(resume.ref))
        return resume

    def reply(self, turn: Turn) -> None:
        """A staff member's answer reaches the person as it was written, signed with the
        organisation's name (the console stored it already)."""
        resume = self._applied(turn)
        if turn.session.status != SessionStatus.HANDED_OVER or not resume.text:
            return  # the person took the conversation back meanwhile: nothing to relay
        desk = self._desks.desk_or_default(turn.state(HandoffState).desk)
        text = turn.text("handoff.from_staff", organisation=desk.name, text=resume.text)
        params = (("organisation", desk.name), ("text", resume.text))
        message = Outbound(text, turn.lang, purpose=STAFF_REPLY_PURPOSE, params=params)
        turn.emit(MsgCreated(message))

    def close(self, turn: Turn) -> None:
        self._applied(turn)
        if turn.session.status != SessionStatus.HANDED_OVER:
            return
        desk = self._desks.desk_or_default(turn.state(HandoffState).desk)
        turn.set_status(SessionStatus.ACTIVE)
        turn.set_state(HandoffState())
        turn.say("handoff.closed_by_staff", organisation=desk.name)
        self._services.main_menu(turn)

    def transfer(self, turn: Turn) -> None:
        """Staff suggest another organisation: only the person's yes moves the conversation."""
        resume = self._applied(turn)
        target = self._desks.desks.get(resume.text or "")
        state = turn.state(HandoffState)
        if turn.session.status != SessionStatus.HANDED_OVER or target is None:
            return
        if target.code == state.desk:
            return
        turn.set_state(replace(state, transfer_to=target.code))
        buttons = (
            turn.button("handoff.transfer_yes", AnswerTransfer("yes")),
            turn.button("handoff.transfer_no", AnswerTransfer("no")),
        )
        turn.say(
            "handoff.transfer_question",
            buttons,
            organisation=self._desks.desk_or_default(state.desk).name,
            other=target.name,
            about=turn.text(f"handoff.desks.{target.code}"),
        )

    def transfer_answered(self, turn: Turn, answer: AnswerTransfer) -> None:
        state = turn.state(HandoffState)
        target = self._desks.desks.get(state.transfer_to or "")
        if target is None:
            turn.say("flow.expired", (back_button(turn),))
            return
        accepted = answer.accept == "yes"
        turn.emit(TransferAnswered(target.code, target.name, target.reference_prefix, accepted))
        if not accepted:
            turn.set_state(replace(state, transfer_to=None))
            turn.say(
                "handoff.transfer_declined",
                organisation=self._desks.desk_or_default(state.desk).name,
            )
            return
        turn.set_state(replace(state, desk=target.code, transfer_to=None))
        say_what_happens(turn, target)
