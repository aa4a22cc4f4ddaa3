"""What the info week dialogue reads from storage in a turn that needs it, and the conflicts
a commit can find: the event's places changed, the person was already signed up, an offer
went. The turn is then run again with the context amended, so the person is told what is
true now (see bot/engine/context.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.engine.context import ContextConflict, ContextKey
from bot.infoweek.model import InfoEvent, InfoWeek, SignUp

DEFAULT_OFFER_HOURS = 12
DEFAULT_BUTTON_LIMIT = 10


@dataclass(frozen=True, slots=True)
class InfoWeekContext:
    """The coming events of the info week with their places, and this person's sign-ups."""

    week: InfoWeek | None
    events: tuple[InfoEvent, ...]
    mine: tuple[SignUp, ...] = ()
    queues: tuple[tuple[str, int], ...] = ()  # event id -> sign-ups on its waiting list
    fresh_code: str = "AAAA"  # randomness is an input of the turn
    button_limit: int = DEFAULT_BUTTON_LIMIT  # the channel's, per message
    offer_hours: int = DEFAULT_OFFER_HOURS

    def event(self, event_id: str) -> InfoEvent | None:
        return next((e for e in self.events if e.id == event_id), None)

    def my_sign_up(self, event_id: str) -> SignUp | None:
        return next((s for s in self.mine if s.event_id == event_id), None)

    def by_reference(self, reference: str) -> SignUp | None:
        return next((s for s in self.mine if s.reference == reference), None)

    def queue(self, event_id: str) -> int:
        return dict(self.queues).get(event_id, 0)


INFOWEEK = ContextKey("infoweek.events", InfoWeekContext)


class PlacesChanged(ContextConflict):
    """The places of an event changed since the context was read (someone signed up or left
    at the same moment): the turn, run again, tells the person what they got."""

    context = INFOWEEK.name

    def __init__(self, event_id: str, held: int, waiting: int, queue: int) -> None:
        super().__init__(f"places of {event_id} changed: {held} held, {waiting} waiting")
        self.event_id, self.held, self.waiting, self.queue = event_id, held, waiting, queue

    def amend(self, value: object) -> object:
        assert isinstance(value, InfoWeekContext)
        events = tuple(
            replace(e, held=self.held, waiting=self.waiting) if e.id == self.event_id else e
            for e in value.events
        )
        queues = (
            *((k, n) for k, n in value.queues if k != self.event_id),
            (self.event_id, self.queue),
        )
        return replace(value, events=events, queues=queues)


class AlreadySignedUp(ContextConflict):
    """The person has a standing sign-up for the event (pressed twice, two devices)."""

    context = INFOWEEK.name

    def __init__(self, sign_up: SignUp) -> None:
        super().__init__(f"already signed up for {sign_up.event_id}")
        self.sign_up = sign_up

    def amend(self, value: object) -> object:
        assert isinstance(value, InfoWeekContext)
        others = tuple(s for s in value.mine if s.event_id != self.sign_up.event_id)
        return replace(value, mine=(*others, self.sign_up))


class SignUpGone(ContextConflict):
    """An offer expired (or a sign-up changed) between reading and committing."""

    context = INFOWEEK.name

    def __init__(self, reference: str) -> None:
        super().__init__(f"sign-up {reference} is no longer as read")
        self.reference = reference

    def amend(self, value: object) -> object:
        assert isinstance(value, InfoWeekContext)
        return replace(value, mine=tuple(s for s in value.mine if s.reference != self.reference))
