"""Booking, cancelling and moving an appointment in the chat: the steps.

type (suggested by the pre-qualification, changeable) -> place (nearest first, remote last)
-> the next free slots (staff who speak the person's language first) -> confirm (see
confirming.py). Every button carries what it means (buttons.py), so an old or doubled press
is checked against the calendar of this turn, never trusted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.booking import reminder_question
from bot.booking.buttons import (
    AskCancel,
    CancelYes,
    ChoosePlace,
    ChooseSlot,
    ChooseType,
    Confirm,
    Keep,
    MoreSlots,
    Move,
    NewBooking,
    OtherTime,
    ReminderLanguage,
)
from bot.booking.confirming import BookingLinks, Confirmation
from bot.booking.labels import day_and_time, place_label, place_text, short_when
from bot.booking.mine import OwnBookings
from bot.booking.offer import (
    CALENDAR,
    ROUTE_TYPES,
    BookingCalendar,
    places_for,
    slot_is_free,
    slots_for,
    types_offered,
)
from bot.booking.slots import Slot
from bot.booking.state import BookingDraft
from bot.engine.buttons import CommandButton
from bot.engine.messages import Button
from bot.engine.payloads import NotUnderstood, PayloadType, encode
from bot.engine.services import Services
from bot.engine.turn import Turn

# The next step the pre-qualification's answers point to (a fact of the schemes feature).
APPOINTMENT_ROUTE = "appointment_route"


def minute_of(moment: datetime) -> int:
    return int(moment.timestamp() // 60)


class BookingDialogue:
    def __init__(self, services: Services, links: BookingLinks) -> None:
        self._services = services
        self._confirmation = Confirmation(links, self.offer_slots)
        self._mine = OwnBookings(self)

    # Entry points ---------------------------------------------------------------------------

    def start(self, turn: Turn) -> None:
        """ "An appointment": their appointments first if they have some, else a new one."""
        calendar = turn.context(CALENDAR)
        if calendar.upcoming:
            self._mine.show(turn, calendar.upcoming)
            return
        self.ask_type(turn, calendar)

    def cancel_or_move(self, turn: Turn) -> None:
        """Typed "I can't come tomorrow": their appointments with change and cancel."""
        calendar = turn.context(CALENDAR)
        if not calendar.upcoming:
            turn.say("booking.none")
            self.ask_type(turn, calendar)
            return
        self._mine.show(turn, calendar.upcoming)

    def on_button(self, turn: Turn, payload: PayloadType | NotUnderstood) -> bool:
        calendar = turn.context(CALENDAR)
        draft = turn.state(BookingDraft)
        if isinstance(payload, ChooseType) and payload.kind in types_offered(calendar, None):
            self._ask_place(turn, calendar, draft.move_only().at("type", type=payload.kind))
        elif isinstance(payload, ChoosePlace) and draft.type is not None:
            self._chose_place(turn, calendar, draft, payload.place)
        elif isinstance(payload, MoreSlots) and draft.step == "slot":
            self.offer_slots(turn, calendar, draft, after=draft.last)
        elif isinstance(payload, ChooseSlot) and draft.type is not None:
            self._chose_slot(turn, calendar, draft, payload)
        elif isinstance(payload, Confirm) and draft.step == "confirm":
            if self._confirmation.book(turn, calendar, draft, share=payload.answers == "share"):
                self.leave(turn)
        elif isinstance(payload, OtherTime) and draft.step == "confirm":
            self.offer_slots(turn, calendar, draft)
        elif isinstance(payload, NewBooking):
            self.ask_type(turn, calendar)
        elif isinstance(payload, AskCancel | CancelYes | Move):
            self._mine.on_button(turn, calendar, payload)
        elif isinstance(payload, ReminderLanguage):
            reminder_question.answer(turn, calendar, payload.reference, payload.code)
            self.leave(turn)
        elif isinstance(payload, Keep):
            turn.say("booking.kept")
            self.leave(turn)
        else:
            self.expired(turn, calendar)
        return True

    # Steps ----------------------------------------------------------------------------------

    def ask_type(
        self, turn: Turn, calendar: BookingCalendar, moving: BookingDraft | None = None
    ) -> None:
        """``moving``: what a move carries (the booking it replaces, the reminder choice)."""
        suggested = ROUTE_TYPES.get(str(turn.fact(APPOINTMENT_ROUTE)))
        kinds = types_offered(calendar, suggested)
        if not kinds:
            self.nobody(turn)
            return
        turn.set_state((moving or BookingDraft()).at("type"))
        if suggested in kinds:
            turn.say("booking.suggested", kind=turn.text(f"booking.types.{suggested}"))
        buttons = [turn.button(f"booking.types.{kind}", ChooseType(kind)) for kind in kinds]
        menu = turn.button("flow.menu", CommandButton("menu"))
        turn.say("booking.type_prompt", (*buttons, menu))

    def _ask_place(self, turn: Turn, calendar: BookingCalendar, draft: BookingDraft) -> None:
        assert draft.type is not None
        region = turn.answers.get("Q1")
        places = places_for(calendar, draft.type, region if isinstance(region, str) else None)
        draft = draft.at("place")
        if not places:
            self.nobody(turn)
            return
        if len(places) == 1:
            self._chose_place(turn, calendar, draft, places[0].id)
            return
        turn.set_state(draft)
        buttons = [
            Button(place_label(turn, place), encode(ChoosePlace(place.id))) for place in places
        ]
        menu = turn.button("flow.menu", CommandButton("menu"))
        turn.say("booking.place_prompt", (*buttons, menu))

    def _chose_place(
        self, turn: Turn, calendar: BookingCalendar, draft: BookingDraft, place_id: int
    ) -> None:
        assert draft.type is not None
        allowed = places_for(calendar, draft.type, None)
        if place_id not in {place.id for place in allowed}:
            self.expired(turn, calendar)
            return
        self.offer_slots(turn, calendar, replace(draft, place=place_id))

    def offer_slots(
        self,
        turn: Turn,
        calendar: BookingCalendar,
        draft: BookingDraft,
        after: str | None = None,
        apology: str | None = None,
    ) -> None:
        assert draft.type is not None
        assert draft.place is not None
        since = datetime.fromisoformat(after) if after else None
        slots, interpreter = slots_for(
            calendar, draft.type, draft.place, turn.lang, turn.now, since
        )
        if apology:
            turn.say(apology)
        if not slots:
            turn.set_state(BookingDraft())
            key = "booking.no_more_slots" if since else "booking.no_slots"
            turn.say(key, self._person_or_menu(turn))
            return
        if interpreter and not draft.interpreter:
            turn.say("booking.interpreter")
        last = slots[-1].start.isoformat()
        turn.set_state(draft.at("slot", interpreter=interpreter, last=last))
        choices = [
            Button(
                short_when(slot.start, turn.locale),
                encode(ChooseSlot(slot.staff_id, slot.place_id, minute_of(slot.start))),
            )
            for slot in slots
        ]
        choices += [
            turn.button("booking.later", MoreSlots()),
            turn.button("flow.menu", CommandButton("menu")),
        ]
        turn.say("booking.slots_prompt", tuple(choices))

    def _chose_slot(
        self, turn: Turn, calendar: BookingCalendar, draft: BookingDraft, pressed: ChooseSlot
    ) -> None:
        assert draft.type is not None
        if pressed.place not in {place.id for place in places_for(calendar, draft.type, None)}:
            self.expired(turn, calendar)  # forged, or pressed under another step's question
            return
        draft = replace(draft, place=pressed.place)  # the button says where: it may be older
        slot = self._slot_from(calendar, pressed, draft)
        if slot is None or not slot_is_free(calendar, slot, turn.now):
            self.offer_slots(turn, calendar, draft, apology="booking.slot_gone")
            return
        chosen = (slot.staff_id, slot.place_id, slot.start.isoformat(), slot.end.isoformat())
        turn.set_state(draft.at("confirm", slot=chosen))
        place = calendar.places[slot.place_id]
        text = turn.text(
            "booking.confirm_prompt",
            when=day_and_time(turn, slot.start),
            place=place_text(turn, place),
        )
        if turn.answers:
            text = f"{text}\n\n{turn.text('booking.share_explain')}"
            buttons = [
                turn.button("booking.confirm_share", Confirm("share")),
                turn.button("booking.confirm_private", Confirm("private")),
            ]
        else:
            buttons = [turn.button("booking.confirm", Confirm())]
        buttons.append(turn.button("booking.other_time", OtherTime()))
        turn.say_text(text, tuple(buttons))

    @staticmethod
    def _slot_from(
        calendar: BookingCalendar, pressed: ChooseSlot, draft: BookingDraft
    ) -> Slot | None:
        opening = next(
            (
                a
                for a in calendar.availability
                if a.staff_id == pressed.staff and a.place_id == pressed.place
            ),
            None,
        )
        staff = next((s for s in calendar.staff if s.id == pressed.staff), None)
        if opening is None or staff is None or draft.type not in staff.appointment_types:
            return None
        start = datetime.fromtimestamp(pressed.minute * 60, tz=UTC)
        length = timedelta(minutes=opening.slot_minutes)
        return Slot(start, start + length, pressed.staff, pressed.place)

    # Leaving ------------------------------------------------------------------------------

    def expired(self, turn: Turn, calendar: BookingCalendar) -> None:
        turn.say("booking.expired")
        if calendar.upcoming:
            self._mine.show(turn, calendar.upcoming)
        else:
            self.ask_type(turn, calendar)

    def nobody(self, turn: Turn) -> None:
        turn.set_state(BookingDraft())
        turn.say("booking.no_slots", self._person_or_menu(turn))

    def _person_or_menu(self, turn: Turn) -> tuple[Button, ...]:
        return (
            self._services.person_button(turn, "no_slots"),
            turn.button("flow.menu", CommandButton("menu")),
        )

    def leave(self, turn: Turn) -> None:
        self._services.main_menu(turn)
