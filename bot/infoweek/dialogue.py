"""The info week in the chat: the list (listing.py), an event's details, signing up (with an
interpreter or a child as places), the waiting list, accepting an offered place, and giving a
place back, each checked against this turn's context."""

from __future__ import annotations

from collections.abc import Callable

from bot.engine.buttons import CommandButton
from bot.engine.events import MsgCreated
from bot.engine.messages import Button, Document, Outbound
from bot.engine.payloads import NotUnderstood, PayloadType, encode
from bot.engine.services import Services
from bot.engine.turn import Turn
from bot.infoweek import labels, listing
from bot.infoweek.buttons import (
    AcceptOffer,
    AskCompanions,
    ChooseFilter,
    Details,
    Leave,
    ListEvents,
    SignUpFor,
)
from bot.infoweek.calendar_file import signup_ics
from bot.infoweek.context import INFOWEEK, InfoWeekContext
from bot.infoweek.events import OfferAccepted, SignedUp, SignUpEnded
from bot.infoweek.model import (
    CONFIRMED,
    MAX_COMPANIONS,
    OFFERED,
    WAITING,
    InfoEvent,
    SignUp,
    reference,
)
from bot.infoweek.state import InfoWeekState

# The pre-qualification's answer about where the person lives (flows/prequalification.yml).
REGION_ANSWER = "Q1"


def event_file_path(code: str) -> str:
    return f"/calendar/event/{code}.ics"


class InfoWeekDialogue:
    def __init__(
        self, services: Services, ics_domain: str, file_path: Callable[[str], str]
    ) -> None:
        self._services = services
        self._domain = ics_domain
        self._file_path = file_path

    # Entry points ---------------------------------------------------------------------------

    def start(self, turn: Turn, text: str | None = None) -> None:
        """ "What's on?": the person's own sign-ups first, then the list, filtered by the
        city they named, else by the region they gave in the pre-qualification."""
        context = turn.context(INFOWEEK)
        self._show_mine(turn, context)
        city = listing.city_in_text(context, text) if text else None
        region = turn.answers.get(REGION_ANSWER)
        if city is not None:
            query = ListEvents(city)
        elif isinstance(region, str) and any(e.region == region for e in context.events):
            query = ListEvents(f"{listing.REGION}{region}")
        else:
            query = ListEvents()
        self._list(turn, context, query)

    def start_for_city(self, turn: Turn, text: str) -> bool:
        """A typed question naming a city of the coming sessions: that city's list. False
        when no such city is named (the NLU's intent decides then)."""
        context = turn.context(INFOWEEK)
        if listing.city_in_text(context, text) is None:
            return False
        self.start(turn, text)
        return True

    def open_event(self, turn: Turn, event_id: str) -> None:
        """A deep link or a poster's QR code: the event's details."""
        context = turn.context(INFOWEEK)
        event = context.event(event_id)
        if event is None or event.starts_at <= turn.now:
            turn.say("infoweek.gone")
            self._list(turn, context, ListEvents())
            return
        self._details(turn, context, event)

    def on_button(self, turn: Turn, payload: PayloadType | NotUnderstood) -> bool:
        context = turn.context(INFOWEEK)
        if isinstance(payload, ListEvents):
            self._list(turn, context, payload)
        elif isinstance(payload, ChooseFilter):
            listing.choose(turn, context, payload)
        elif isinstance(payload, Details | AskCompanions | SignUpFor):
            self._on_event_button(turn, context, payload)
        elif isinstance(payload, Leave):
            self._leave(turn, context, payload.reference)
        elif isinstance(payload, AcceptOffer):
            self._accept(turn, context, payload.reference)
        else:
            turn.say("infoweek.expired")
            self._list(turn, context, self._last_query(turn))
        return True

    # Steps ----------------------------------------------------------------------------------

    def _list(self, turn: Turn, context: InfoWeekContext, query: ListEvents) -> None:
        turn.set_state(InfoWeekState(query.where, query.day, query.lang))
        listing.show(turn, context, query)

    @staticmethod
    def _last_query(turn: Turn) -> ListEvents:
        state = turn.state(InfoWeekState)
        return ListEvents(state.where, state.day, state.lang)

    def _on_event_button(
        self,
        turn: Turn,
        context: InfoWeekContext,
        pressed: Details | AskCompanions | SignUpFor,
    ) -> None:
        event = context.event(pressed.event)
        if event is None or event.starts_at <= turn.now:
            turn.say("infoweek.gone")
            self._list(turn, context, self._last_query(turn))
        elif isinstance(pressed, Details):
            self._details(turn, context, event)
        elif isinstance(pressed, AskCompanions):
            self._ask_companions(turn, event)
        elif not 1 <= pressed.places <= MAX_COMPANIONS + 1:
            turn.say("infoweek.expired")
            self._details(turn, context, event)
        else:
            self._sign_up(turn, context, event, pressed.places)

    def _details(self, turn: Turn, context: InfoWeekContext, event: InfoEvent) -> None:
        lines = [
            labels.title(turn, event),
            labels.when(turn, event),
            labels.where(turn, event),
            turn.text("infoweek.languages", languages=labels.languages(turn, event)),
        ]
        if event.audience:
            audience = ", ".join(turn.text(f"infoweek.audience.{a}") for a in event.audience)
            lines.append(turn.text("infoweek.for", audience=audience))
        mine = context.my_sign_up(event.id)
        lines.append(self._status_line(turn, mine) if mine else labels.availability(turn, event))
        text = labels.description(turn, event)
        if text:
            lines.append(text)
        turn.say_text("\n".join(lines), self._event_buttons(turn, event, mine))

    def _event_buttons(
        self, turn: Turn, event: InfoEvent, mine: SignUp | None
    ) -> tuple[Button, ...]:
        back = turn.button("infoweek.back", self._last_query(turn))
        menu = turn.button("flow.menu", CommandButton("menu"))
        if mine is not None:
            return (*self._sign_up_buttons(turn, mine), back, menu)
        key = "infoweek.join_waiting" if event.full else "infoweek.sign_up"
        return (
            turn.button(key, SignUpFor(event.id)),
            turn.button("infoweek.with_someone", AskCompanions(event.id)),
            back,
            menu,
        )

    @staticmethod
    def _sign_up_buttons(turn: Turn, mine: SignUp) -> tuple[Button, ...]:
        if mine.status == OFFERED:
            return (
                turn.button("infoweek.accept", AcceptOffer(mine.reference)),
                turn.button("infoweek.decline", Leave(mine.reference)),
            )
        key = "infoweek.leave_waiting" if mine.status == WAITING else "infoweek.cant_come"
        return (turn.button(key, Leave(mine.reference)),)

    def _status_line(self, turn: Turn, mine: SignUp) -> str:
        if mine.status == WAITING:
            return turn.text("infoweek.status_waiting", position=mine.position or 1)
        if mine.status == OFFERED:
            return turn.text("infoweek.status_offered")
        return turn.text("infoweek.status_confirmed", reference=mine.reference, places=mine.places)

    def _ask_companions(self, turn: Turn, event: InfoEvent) -> None:
        buttons = [
            Button(turn.text("infoweek.companions", count=n), encode(SignUpFor(event.id, n + 1)))
            for n in range(1, MAX_COMPANIONS + 1)
        ]
        buttons.append(turn.button("infoweek.back", Details(event.id)))
        turn.say("infoweek.companions_prompt", tuple(buttons))

    def _sign_up(
        self, turn: Turn, context: InfoWeekContext, event: InfoEvent, places: int
    ) -> None:
        mine = context.my_sign_up(event.id)
        if mine is not None:
            turn.say("infoweek.already")
            self._details(turn, context, event)
            return
        code = reference(context.fresh_code)
        if event.places_left >= places and event.waiting == 0:
            turn.emit(SignedUp(event.id, code, places, turn.lang, CONFIRMED))
            self._confirmed(turn, event, code, places)
        else:
            position = context.queue(event.id) + 1
            turn.emit(SignedUp(event.id, code, places, turn.lang, WAITING, position))
            buttons = (
                turn.button("infoweek.leave_waiting", Leave(code)),
                turn.button("infoweek.other_events", self._last_query(turn)),
                turn.button("flow.menu", CommandButton("menu")),
            )
            turn.say(
                "infoweek.waiting",
                buttons,
                title=labels.title(turn, event),
                position=position,
                hours=context.offer_hours,
            )

    def _confirmed(self, turn: Turn, event: InfoEvent, code: str, places: int) -> None:
        title = labels.title(turn, event)
        where = labels.where(turn, event)
        text = turn.text(
            "infoweek.signed_up",
            title=title,
            when=labels.when(turn, event),
            where=where,
            reference=code,
        )
        if places > 1:
            text = f"{text} {turn.text('infoweek.places_count', places=places)}"
        ics = signup_ics(event, code, title, where, self._domain)
        document = Document(f"{code}.ics", self._file_path(code), ics)
        turn.emit(MsgCreated(Outbound(text, turn.lang, document=document)))
        buttons = (
            turn.button("infoweek.cant_come", Leave(code)),
            turn.button("infoweek.other_events", self._last_query(turn)),
            turn.button("flow.menu", CommandButton("menu")),
        )
        turn.say("infoweek.next", buttons)

    def _accept(self, turn: Turn, context: InfoWeekContext, code: str) -> None:
        mine = context.by_reference(code)
        event = context.event(mine.event_id) if mine else None
        if mine is None or event is None or mine.status != OFFERED:
            turn.say("infoweek.offer_gone")
            self._list(turn, context, self._last_query(turn))
            return
        if mine.offer_expires_at is not None and mine.offer_expires_at <= turn.now:
            turn.say("infoweek.offer_gone")
            self._list(turn, context, self._last_query(turn))
            return
        turn.emit(OfferAccepted(code))
        self._confirmed(turn, event, code, mine.places)

    def _leave(self, turn: Turn, context: InfoWeekContext, code: str) -> None:
        mine = context.by_reference(code)
        if mine is None:
            turn.say("infoweek.not_found")
            self._services.main_menu(turn)
            return
        turn.emit(SignUpEnded(code))
        key = {WAITING: "infoweek.left", OFFERED: "infoweek.declined"}.get(
            mine.status, "infoweek.cancelled"
        )
        turn.say(key, reference=code)
        self._services.main_menu(turn)

    def _show_mine(self, turn: Turn, context: InfoWeekContext) -> None:
        for mine in context.mine:
            event = context.event(mine.event_id)
            if event is None:
                continue
            text = turn.text(
                "infoweek.mine",
                title=labels.title(turn, event),
                when=labels.when(turn, event),
                status=self._status_line(turn, mine),
            )
            turn.say_text(text, self._sign_up_buttons(turn, mine))
