"""Appointments in the chat, as the engine sees them: the menu's "an appointment", the
intents to book, cancel or move one, the flow action ``booking.start``, the ``bk`` buttons,
and the calendar context the dialogue reads only when it needs it."""

from __future__ import annotations

from bot.booking.buttons import BOOKING_BUTTONS
from bot.booking.confirming import BookingLinks
from bot.booking.dialogue import BookingDialogue
from bot.booking.offer import CALENDAR
from bot.booking.state import BookingDraft
from bot.engine.actions import ActionOutcome
from bot.engine.registry import Feature, FeatureFactory, Intent, Label, MenuItem, PayloadKind
from bot.engine.services import Services
from bot.engine.turn import Turn


def _label(key: str) -> Label:
    return lambda turn: turn.text(key)


def booking(links: BookingLinks) -> FeatureFactory:
    """The feature factory; ``links`` come from the host, which serves the ``.ics`` files."""

    def build(services: Services) -> Feature:
        return _feature(BookingDialogue(services, links))

    return build


def _feature(dialogue: BookingDialogue) -> Feature:
    def start_action(turn: Turn) -> ActionOutcome:
        dialogue.start(turn)
        return ActionOutcome.STOP

    def cancel_or_move(turn: Turn, _intent: str) -> None:
        dialogue.cancel_or_move(turn)

    return Feature(
        name="booking",
        payloads=(PayloadKind("bk", BOOKING_BUTTONS, dialogue.on_button),),
        menu=(MenuItem("appointment", dialogue.start, position=30),),
        intents=(
            Intent(
                "book_appointment",
                lambda turn, _intent: dialogue.start(turn),
                digression=True,
                label=_label("menu.appointment"),
            ),
            Intent(
                "cancel_appointment",
                cancel_or_move,
                digression=True,
                label=_label("booking.cancel"),
            ),
            Intent(
                "reschedule_appointment",
                cancel_or_move,
                digression=True,
                label=_label("booking.move"),
            ),
        ),
        actions={"booking.start": start_action},
        states=(BookingDraft,),
        contexts=(CALENDAR.name,),
    )
