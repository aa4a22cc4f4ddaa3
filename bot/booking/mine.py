"""The person's own appointments: listed with "change" and "cancel"; cancelling asks first;
a move keeps the type and place and offers new times (the old booking is freed on confirm)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.booking.buttons import AskCancel, CancelYes, Keep, Move, NewBooking
from bot.booking.events import BookingCancelled
from bot.booking.labels import appointment_place, day_and_time
from bot.booking.model import Appointment, PlaceInfo
from bot.booking.offer import BookingCalendar
from bot.booking.state import BookingDraft
from bot.engine.buttons import CommandButton
from bot.engine.turn import Turn

if TYPE_CHECKING:
    from bot.booking.dialogue import BookingDialogue


class OwnBookings:
    def __init__(self, dialogue: BookingDialogue) -> None:
        self._dialogue = dialogue

    def show(self, turn: Turn, upcoming: tuple[Appointment, ...]) -> None:
        turn.set_state(BookingDraft())
        for appointment in upcoming:
            buttons = (
                turn.button("booking.move", Move(appointment.reference)),
                turn.button("booking.cancel", AskCancel(appointment.reference)),
            )
            turn.say(
                "booking.mine",
                buttons,
                reference=appointment.reference,
                when=day_and_time(turn, appointment.starts_at),
                place=appointment_place(turn, appointment),
            )
        turn.say(
            "booking.mine_more",
            (
                turn.button("booking.new", NewBooking()),
                turn.button("flow.menu", CommandButton("menu")),
            ),
        )

    def on_button(
        self, turn: Turn, calendar: BookingCalendar, pressed: AskCancel | CancelYes | Move
    ) -> None:
        mine = {appointment.reference: appointment for appointment in calendar.upcoming}
        appointment = mine.get(pressed.reference)
        if appointment is None:
            turn.say("booking.not_found")
            self._dialogue.leave(turn)
            return
        reference = appointment.reference
        if isinstance(pressed, AskCancel):
            buttons = (
                turn.button("booking.cancel_yes", CancelYes(reference)),
                turn.button("booking.keep", Keep()),
            )
            when = day_and_time(turn, appointment.starts_at)
            turn.say("booking.cancel_prompt", buttons, reference=reference, when=when)
        elif isinstance(pressed, CancelYes):
            turn.emit(BookingCancelled(reference))
            turn.set_state(BookingDraft())
            turn.say("booking.cancelled", reference=reference)
            self._dialogue.leave(turn)
        else:
            self._move(turn, calendar, appointment)

    def _move(self, turn: Turn, calendar: BookingCalendar, appointment: Appointment) -> None:
        place = _place_of(calendar, appointment)
        draft = BookingDraft(
            type=appointment.appointment_type,
            replaces=appointment.reference,
            reminder_language=appointment.reminder_language,
            reminders_wanted=appointment.reminders_wanted,
        )
        if place is None:  # the place changed: choose again, still as a move
            self._dialogue.ask_type(turn, calendar, draft.move_only())
            return
        self._dialogue.offer_slots(turn, calendar, replace(draft, place=place.id))


def _place_of(calendar: BookingCalendar, appointment: Appointment) -> PlaceInfo | None:
    return next(
        (
            place
            for place in calendar.places.values()
            if place.name == appointment.place and place.address == appointment.address
        ),
        None,
    )
