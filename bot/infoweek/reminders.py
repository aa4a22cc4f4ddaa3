"""Messages about a sign-up that no turn writes: the offer of a freed place (Accept / Decline,
valid ``EVENT_OFFER_HOURS``), and the reminders the day before and two hours before, each with
"I can't come". Sent once each, like the appointment reminders: every message is a row claimed
by compare-and-set before sending; one the channel could not take is claimed again once its
claim is stale. The sweeper also moves the waiting lists: it expires unanswered offers and
offers freed places to the first who wait.

Web chat cannot be written to first: there the person finds an open offer when they come back
to the events (their sign-ups are shown first).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from babel.dates import format_datetime

from bot.delivery import ChannelSenders, Delivery, deliver
from bot.engine.messages import Button, Outbound
from bot.engine.payloads import encode
from bot.i18n.catalog import Catalog
from bot.infoweek import labels
from bot.infoweek.buttons import AcceptOffer, Leave
from bot.infoweek.model import InfoEvent, SignUp
from bot.ports import Clock

log = logging.getLogger(__name__)

OFFER_PURPOSE = "event_offer"
REMINDER_PURPOSE = "event_reminder"


@dataclass(frozen=True, slots=True)
class DueEventMessage:
    id: int
    kind: str  # offer | day_before | 2h
    channel: str
    address: str
    language: str
    sign_up: SignUp
    event: InfoEvent


class EventMessageStore(Protocol):
    async def move_waiting_lists(self, now: datetime) -> int: ...

    async def claim_due_messages(
        self, now: datetime, limit: int, stale_after: timedelta
    ) -> list[DueEventMessage]: ...

    async def finish_message(self, message_id: int, sent: bool, at: datetime) -> None: ...


def event_message(catalog: Catalog, due: DueEventMessage) -> Outbound:
    lang = due.language if due.language in catalog.codes else catalog.default_language
    voice = labels.Voice(catalog, lang)
    event, code = due.event, due.sign_up.reference
    title = labels.title(voice, event)
    params = {
        "title": title,
        "when": labels.when(voice, event),
        "where": labels.where(voice, event),
        "reference": code,
    }
    if due.kind == "offer":
        expires = due.sign_up.offer_expires_at or event.starts_at
        params["deadline"] = format_datetime(
            labels.local(expires), format="EEEE d MMMM HH:mm", locale=voice.locale
        )
        buttons: tuple[Button, ...] = (
            Button(voice.text("infoweek.accept"), encode(AcceptOffer(code))),
            Button(voice.text("infoweek.decline"), encode(Leave(code))),
        )
        text = voice.text("infoweek.offer", **params)
        return Outbound(text, lang, buttons, purpose=OFFER_PURPOSE, params=_ordered(params))
    key = "infoweek.reminder_day_before" if due.kind == "day_before" else "infoweek.reminder_2h"
    text = voice.text(key, **params)
    if event.online and event.link:
        text = f"{text}\n{voice.text('infoweek.link', link=event.link)}"
    buttons = (Button(voice.text("infoweek.cant_come"), encode(Leave(code))),)
    return Outbound(text, lang, buttons, purpose=REMINDER_PURPOSE, params=_ordered(params))


def _ordered(params: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(params.items())


class EventSweeper:
    def __init__(
        self,
        store: EventMessageStore,
        senders: ChannelSenders,
        catalog: Catalog,
        clock: Clock,
        stale_after: timedelta = timedelta(minutes=10),
    ) -> None:
        self._store = store
        self._senders = senders
        self._catalog = catalog
        self._clock = clock
        self._stale_after = stale_after

    async def run_once(self, limit: int = 50) -> int:
        """Expire offers, offer freed places, then send what is due; the number sent."""
        await self._store.move_waiting_lists(self._clock.now())
        due = await self._store.claim_due_messages(self._clock.now(), limit, self._stale_after)
        sent = 0
        for item in due:
            message = event_message(self._catalog, item)
            result = await deliver(self._senders.get(item.channel), item.address, message)
            if result == Delivery.RETRYABLE:
                log.info("event message %s not sent now", item.id)
                continue  # claimed again once its claim is stale
            delivered = result == Delivery.DELIVERED
            await self._store.finish_message(item.id, delivered, self._clock.now())
            sent += delivered
        return sent
