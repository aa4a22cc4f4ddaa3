"""Confirming a booking: checked once more against this turn's calendar, then a reference
code, the place and what to bring, and an ``.ics`` file; when the person's channel cannot
send a reminder in their language, the question which other language they read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.booking import reminder_question
from bot.booking.calendar_file import appointment_ics
from bot.booking.events import BookingMade
from bot.booking.labels import day_and_time, place_text
from bot.booking.model import Appointment
from bot.booking.offer import BookingCalendar, slot_is_free
from bot.booking.state import BookingDraft
from bot.engine.events import MsgCreated
from bot.engine.messages import Document, Outbound
from bot.engine.turn import Turn


@dataclass(frozen=True, slots=True)
class BookingLinks:
    """Where the host serves a booking's ``.ics`` (``document_path(reference)``), and the
    domain of calendar entries' UIDs: the adapters know these, not the dialogue."""

    ics_domain: str
    document_path: Callable[[str], str]


class Confirmation:
    def __init__(self, links: BookingLinks, offer_again: Callable[..., None]) -> None:
        self._links = links
        # The dialogue's "the next free slots", with an apology, when the slot went.
        self._offer_again = offer_again

    def book(
        self, turn: Turn, calendar: BookingCalendar, draft: BookingDraft, share: bool
    ) -> bool:
        """True when the dialogue is done (False: it asked something, or offered slots)."""
        slot = draft.chosen_slot()
        if not slot_is_free(calendar, slot, turn.now):
            self._offer_again(turn, calendar, draft, apology="booking.slot_gone")
            return False
        place = calendar.places[slot.place_id]
        prefix = calendar.reference_prefixes.get(place.organisation, "PS")
        reference = f"{prefix}-{calendar.fresh_code}"
        readable = reminder_question.reminder_languages(turn, calendar)
        needs_other = readable is not None and turn.lang not in readable
        # A move keeps the person's answer to the reminder question, unless they now write a
        # language the channel can remind in; a refusal of reminders always stands.
        carried = draft.reminder_language if needs_other else None
        assert draft.type is not None
        made = BookingMade(
            reference=reference,
            staff_id=slot.staff_id,
            place_id=slot.place_id,
            appointment_type=draft.type,
            starts_at=slot.start,
            ends_at=slot.end,
            language=turn.lang,
            interpreter_needed=draft.interpreter,
            shared_answers=turn.answers if share and turn.answers else None,
            replaces=draft.replaces,
            reminder_language=carried,
            reminders_wanted=draft.reminders_wanted,
        )
        turn.emit(made)
        turn.set_state(BookingDraft())
        turn.emit(MsgCreated(self._booked_message(turn, made, place.organisation, calendar)))
        if readable and needs_other and draft.reminders_wanted and carried not in readable:
            reminder_question.ask(turn, reference, readable)
            return False
        return True

    def _booked_message(
        self, turn: Turn, made: BookingMade, organisation: str, calendar: BookingCalendar
    ) -> Outbound:
        place = calendar.places[made.place_id]
        appointment = Appointment(
            reference=made.reference,
            organisation=organisation,
            place=place.name,
            address=place.address,
            remote=place.remote,
            appointment_type=made.appointment_type,
            starts_at=made.starts_at,
            ends_at=made.ends_at,
            language=turn.lang,
            interpreter_needed=made.interpreter_needed,
            status="booked",
        )
        key = "booking.moved" if made.replaces else "booking.booked"
        text = turn.text(
            key,
            reference=made.reference,
            when=day_and_time(turn, made.starts_at),
            place=place_text(turn, place),
        )
        summary = turn.text(f"booking.types.{made.appointment_type}")
        ics = appointment_ics(appointment, self._links.ics_domain, summary)
        path = self._links.document_path(made.reference)
        document = Document(f"{made.reference}.ics", path, ics)
        return Outbound(text, turn.lang, document=document)
