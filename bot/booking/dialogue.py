"""Booking, cancelling and moving an appointment in the chat.

type (suggested by the pre-qualification, changeable) -> place (nearest first, remote last)
-> the next free slots (staff who speak the person's language first) -> confirm, sharing the
answers only if the person agrees -> a reference code, the place and what to bring, and an
``.ics`` file; when the person's channel cannot send a reminder in their language, which other
language they read (or no reminder). Every button carries what it means
(``bk:s:<staff>:<place>:<minute>``), so an old or doubled press is checked against the
calendar of this turn, never trusted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.booking import reminder_question
from bot.booking.calendar_file import appointment_ics
from bot.booking.labels import (
    appointment_place,
    day_and_time,
    place_label,
    place_text,
    short_when,
)
from bot.booking.model import Appointment, NeedsCalendar, PlaceInfo
from bot.booking.offer import (
    ROUTE_TYPES,
    BookingCalendar,
    places_for,
    slot_is_free,
    slots_for,
    types_offered,
)
from bot.booking.slots import Slot
from bot.engine.events import BookingCancelled, BookingMade, MsgCreated
from bot.engine.messages import Button, Document, Outbound
from bot.engine.turn import Turn

ICS_DOMAIN = "passerelle.be"
MOVE_KEYS = ("replaces", "reminder_language", "reminders_wanted")


def _calendar(turn: Turn) -> BookingCalendar:
    if turn.resume.booking is None:
        raise NeedsCalendar()
    return turn.resume.booking


def _minute(moment: datetime) -> int:
    return int(moment.timestamp() // 60)


def _from_minute(value: str) -> datetime:
    return datetime.fromtimestamp(int(value) * 60, tz=UTC)


class BookingDialogue:
    def __init__(self, menu: Any) -> None:
        # Called when the person leaves the dialogue: the engine's main menu.
        self._menu = menu

    # Entry points ---------------------------------------------------------------------------

    def start(self, turn: Turn) -> None:
        """ "An appointment": their appointments first if they have some, else a new one."""
        calendar = _calendar(turn)
        if calendar.upcoming:
            self._show_mine(turn, calendar.upcoming)
            return
        self._ask_type(turn, calendar)

    def cancel_or_move(self, turn: Turn) -> None:
        """Typed "I can't come tomorrow": their appointments with change and cancel."""
        calendar = _calendar(turn)
        if not calendar.upcoming:
            turn.say("booking.none")
            self._ask_type(turn, calendar)
            return
        self._show_mine(turn, calendar.upcoming)

    def on_payload(self, turn: Turn, value: str) -> None:
        calendar = _calendar(turn)
        action, _, rest = value.partition(":")
        state: dict[str, Any] = dict(turn.get("booking") or {})
        if action == "t" and rest in types_offered(calendar, None):
            carried = {key: state[key] for key in MOVE_KEYS if key in state}
            self._ask_place(turn, calendar, {**carried, "type": rest})
        elif action == "p" and "type" in state and rest.isdigit():
            self._chose_place(turn, calendar, state, int(rest))
        elif action == "more" and state.get("step") == "slot":
            self._offer_slots(turn, calendar, state, after=state.get("last"))
        elif action == "s" and "type" in state:
            self._chose_slot(turn, calendar, state, rest)
        elif action == "y" and state.get("step") == "confirm":
            self._book(turn, calendar, state, share=rest == "share")
        elif action == "other" and state.get("step") == "confirm":
            self._offer_slots(turn, calendar, state)
        elif action == "new":
            self._ask_type(turn, calendar)
        elif action in {"c", "cy", "m"}:
            self._on_own_booking(turn, calendar, action, rest)
        elif action == "rl":
            reminder_question.answer(turn, calendar, rest)
            self._leave(turn)
        elif action == "keep":
            turn.say("booking.kept")
            self._leave(turn)
        else:
            self._expired(turn, calendar)

    # Steps ----------------------------------------------------------------------------------

    def _ask_type(
        self, turn: Turn, calendar: BookingCalendar, moving: dict[str, Any] | None = None
    ) -> None:
        """``moving``: what a move carries (the booking it replaces, the reminder choice)."""
        suggested = ROUTE_TYPES.get(str(turn.get("appointment_route")))
        kinds = types_offered(calendar, suggested)
        if not kinds:
            self._nobody(turn)
            return
        turn.put(booking={**(moving or {}), "step": "type"})
        if suggested in kinds:
            turn.say("booking.suggested", kind=turn.text(f"booking.types.{suggested}"))
        buttons = [turn.button(f"booking.types.{kind}", f"bk:t:{kind}") for kind in kinds]
        turn.say("booking.type_prompt", (*buttons, turn.button("flow.menu", "cmd:menu")))

    def _ask_place(self, turn: Turn, calendar: BookingCalendar, state: dict[str, Any]) -> None:
        region = turn.answers.get("Q1")
        places = places_for(calendar, state["type"], region if isinstance(region, str) else None)
        state = {**state, "step": "place"}
        if not places:
            self._nobody(turn)
            return
        if len(places) == 1:
            self._chose_place(turn, calendar, state, places[0].id)
            return
        turn.put(booking=state)
        buttons = [Button(place_label(turn, place), f"bk:p:{place.id}") for place in places]
        turn.say("booking.place_prompt", (*buttons, turn.button("flow.menu", "cmd:menu")))

    def _chose_place(
        self, turn: Turn, calendar: BookingCalendar, state: dict[str, Any], place_id: int
    ) -> None:
        allowed = places_for(calendar, state["type"], None)
        if place_id not in {place.id for place in allowed}:
            self._expired(turn, calendar)
            return
        state = {**state, "place": place_id}
        self._offer_slots(turn, calendar, state)

    def _offer_slots(
        self,
        turn: Turn,
        calendar: BookingCalendar,
        state: dict[str, Any],
        after: str | None = None,
        apology: str | None = None,
    ) -> None:
        since = datetime.fromisoformat(after) if after else None
        slots, interpreter = slots_for(
            calendar, state["type"], state["place"], turn.lang, turn.resume.now, since
        )
        if apology:
            turn.say(apology)
        if not slots:
            turn.put(booking=None)
            key = "booking.no_more_slots" if since else "booking.no_slots"
            buttons = (
                turn.button("menu.human", "cmd:human"),
                turn.button("flow.menu", "cmd:menu"),
            )
            turn.say(key, buttons)
            return
        if interpreter and not state.get("interpreter"):
            turn.say("booking.interpreter")
        turn.put(
            booking={
                **state,
                "step": "slot",
                "interpreter": interpreter,
                "last": slots[-1].start.isoformat(),
            }
        )
        choices = [
            Button(
                short_when(slot.start, turn.locale),
                f"bk:s:{slot.staff_id}:{slot.place_id}:{_minute(slot.start)}",
            )
            for slot in slots
        ]
        choices += [turn.button("booking.later", "bk:more"), turn.button("flow.menu", "cmd:menu")]
        turn.say("booking.slots_prompt", tuple(choices))

    def _chose_slot(
        self, turn: Turn, calendar: BookingCalendar, state: dict[str, Any], value: str
    ) -> None:
        slot = self._slot_from(calendar, value, state)
        if slot is None or not slot_is_free(calendar, slot, turn.resume.now):
            self._offer_slots(turn, calendar, state, apology="booking.slot_gone")
            return
        state = {
            **state,
            "step": "confirm",
            "slot": [slot.staff_id, slot.place_id, slot.start.isoformat(), slot.end.isoformat()],
        }
        turn.put(booking=state)
        place = calendar.places[slot.place_id]
        text = turn.text(
            "booking.confirm_prompt",
            when=day_and_time(turn, slot.start),
            place=place_text(turn, place),
        )
        if turn.answers:
            text = f"{text}\n\n{turn.text('booking.share_explain')}"
            buttons = [
                turn.button("booking.confirm_share", "bk:y:share"),
                turn.button("booking.confirm_private", "bk:y:private"),
            ]
        else:
            buttons = [turn.button("booking.confirm", "bk:y")]
        buttons.append(turn.button("booking.other_time", "bk:other"))
        turn.say_text(text, tuple(buttons))

    def _book(
        self, turn: Turn, calendar: BookingCalendar, state: dict[str, Any], share: bool
    ) -> None:
        staff_id, place_id, start, end = state["slot"]
        slot = Slot(datetime.fromisoformat(start), datetime.fromisoformat(end), staff_id, place_id)
        if not slot_is_free(calendar, slot, turn.resume.now):
            self._offer_slots(turn, calendar, state, apology="booking.slot_gone")
            return
        place = calendar.places[place_id]
        prefix = calendar.reference_prefixes.get(place.organisation, "PS")
        reference = f"{prefix}-{calendar.fresh_code}"
        readable = reminder_question.reminder_languages(turn, calendar)
        needs_other = readable is not None and turn.lang not in readable
        # A move keeps the person's answer to the reminder question, unless they now write a
        # language the channel can remind in; a refusal of reminders always stands.
        carried = state.get("reminder_language") if needs_other else None
        wanted = state.get("reminders_wanted", True) is not False
        made = BookingMade(
            reference=reference,
            staff_id=staff_id,
            place_id=place_id,
            appointment_type=state["type"],
            starts_at=slot.start,
            ends_at=slot.end,
            language=turn.lang,
            interpreter_needed=bool(state.get("interpreter")),
            shared_answers=turn.answers if share and turn.answers else None,
            replaces=state.get("replaces"),
            reminder_language=carried,
            reminders_wanted=wanted,
        )
        turn.emit(made)
        turn.put(booking=None)
        appointment = Appointment(
            reference=reference,
            organisation=place.organisation,
            place=place.name,
            address=place.address,
            remote=place.remote,
            appointment_type=made.appointment_type,
            starts_at=slot.start,
            ends_at=slot.end,
            language=turn.lang,
            interpreter_needed=made.interpreter_needed,
            status="booked",
        )
        key = "booking.moved" if made.replaces else "booking.booked"
        text = turn.text(
            key,
            reference=reference,
            when=day_and_time(turn, slot.start),
            place=place_text(turn, place),
        )
        summary = turn.text(f"booking.types.{made.appointment_type}")
        ics = appointment_ics(appointment, ICS_DOMAIN, summary)
        document = Document(f"{reference}.ics", f"/calendar/booking/{reference}.ics", ics)
        turn.emit(MsgCreated(Outbound(text, turn.lang, document=document)))
        if readable and needs_other and wanted and carried not in readable:
            reminder_question.ask(turn, reference, readable)
            return
        self._leave(turn)

    def _on_own_booking(
        self, turn: Turn, calendar: BookingCalendar, action: str, reference: str
    ) -> None:
        mine = {appointment.reference: appointment for appointment in calendar.upcoming}
        appointment = mine.get(reference)
        if appointment is None:
            turn.say("booking.not_found")
            self._leave(turn)
            return
        when = day_and_time(turn, appointment.starts_at)
        if action == "c":
            buttons = (
                turn.button("booking.cancel_yes", f"bk:cy:{reference}"),
                turn.button("booking.keep", "bk:keep"),
            )
            turn.say("booking.cancel_prompt", buttons, reference=reference, when=when)
        elif action == "cy":
            turn.emit(BookingCancelled(reference))
            turn.put(booking=None)
            turn.say("booking.cancelled", reference=reference)
            self._leave(turn)
        else:  # move: the same type and place, a new time; the old one is freed on confirm
            place = self._place_of(calendar, appointment)
            state: dict[str, Any] = {
                "type": appointment.appointment_type,
                "replaces": reference,
                "reminder_language": appointment.reminder_language,
                "reminders_wanted": appointment.reminders_wanted,
            }
            if place is None:  # the place changed: choose again, still as a move
                self._ask_type(turn, calendar, {k: state[k] for k in MOVE_KEYS})
                return
            self._offer_slots(turn, calendar, {**state, "place": place.id})

    # Helpers ------------------------------------------------------------------------------

    def _show_mine(self, turn: Turn, upcoming: tuple[Appointment, ...]) -> None:
        turn.put(booking=None)
        for appointment in upcoming:
            buttons = (
                turn.button("booking.move", f"bk:m:{appointment.reference}"),
                turn.button("booking.cancel", f"bk:c:{appointment.reference}"),
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
            (turn.button("booking.new", "bk:new"), turn.button("flow.menu", "cmd:menu")),
        )

    def _slot_from(
        self, calendar: BookingCalendar, value: str, state: dict[str, Any]
    ) -> Slot | None:
        parts = value.split(":")
        if len(parts) != 3 or not all(part.isdigit() for part in parts):
            return None
        staff_id, place_id, minute = int(parts[0]), int(parts[1]), parts[2]
        opening = next(
            (
                a
                for a in calendar.availability
                if a.staff_id == staff_id and a.place_id == place_id
            ),
            None,
        )
        staff = next((s for s in calendar.staff if s.id == staff_id), None)
        if opening is None or staff is None or state["type"] not in staff.appointment_types:
            return None
        start = _from_minute(minute)
        return Slot(start, start + timedelta(minutes=opening.slot_minutes), staff_id, place_id)

    @staticmethod
    def _place_of(calendar: BookingCalendar, appointment: Appointment) -> PlaceInfo | None:
        return next(
            (
                place
                for place in calendar.places.values()
                if place.name == appointment.place and place.address == appointment.address
            ),
            None,
        )

    def _expired(self, turn: Turn, calendar: BookingCalendar) -> None:
        turn.say("booking.expired")
        if calendar.upcoming:
            self._show_mine(turn, calendar.upcoming)
        else:
            self._ask_type(turn, calendar)

    def _nobody(self, turn: Turn) -> None:
        turn.put(booking=None)
        buttons = (turn.button("menu.human", "cmd:human"), turn.button("flow.menu", "cmd:menu"))
        turn.say("booking.no_slots", buttons)

    def _leave(self, turn: Turn) -> None:
        self._menu(turn)
