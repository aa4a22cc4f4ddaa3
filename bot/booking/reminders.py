"""Appointment reminders, sent once each, in the person's language (or the one they chose for
reminders when their channel cannot write theirs), on their channel.

Each reminder is a row claimed by compare-and-set before sending (see the booking store), so
two app processes never both send it; one the channel could not take is claimed again once
its claim is stale. Web chat cannot be written to first: its reminders are dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from babel.dates import format_date, format_time

from bot.booking.labels import where
from bot.booking.model import Appointment, DueReminder
from bot.booking.slots import BRUSSELS
from bot.delivery import ChannelSenders, Delivery, deliver
from bot.engine.messages import Outbound
from bot.i18n.catalog import Catalog
from bot.ports import Clock

log = logging.getLogger(__name__)

DEFAULT_REMINDER_HOURS = (24, 2)


def reminder_offsets(hours: Sequence[int]) -> tuple[tuple[str, timedelta], ...]:
    """Reminder kinds (``"24h"``) and how long before the appointment each is sent."""
    return tuple((f"{h}h", timedelta(hours=h)) for h in sorted(set(hours), reverse=True))


REMINDER_OFFSETS = reminder_offsets(DEFAULT_REMINDER_HOURS)


class ReminderStore(Protocol):
    async def claim_due_reminders(
        self, now: datetime, limit: int, stale_after: timedelta
    ) -> list[DueReminder]: ...

    async def finish_reminder(self, reminder_id: int, sent: bool, at: datetime) -> None: ...


REMINDER_PURPOSE = "appointment_reminder"


def reminder_message(catalog: Catalog, appointment: Appointment) -> Outbound:
    wanted = appointment.reminder_language or appointment.language
    lang = wanted if wanted in catalog.codes else catalog.default_language
    local = appointment.starts_at.astimezone(BRUSSELS)
    remote = catalog.text(lang, "booking.remote")
    place = where(appointment.remote, appointment.place, appointment.address, remote)
    params = {
        "reference": appointment.reference,
        "date": format_date(local, format="full", locale=catalog.language(lang).locale),
        "time": format_time(local, format="HH:mm", locale=catalog.language(lang).locale),
        "place": place,
    }
    text = catalog.text(lang, "booking.reminder", **params)
    return Outbound(text, lang, purpose=REMINDER_PURPOSE, params=tuple(params.items()))


class ReminderSweeper:
    def __init__(
        self,
        store: ReminderStore,
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
        """Send the reminders that are due; the number sent."""
        due = await self._store.claim_due_reminders(self._clock.now(), limit, self._stale_after)
        sent = 0
        for item in due:
            message = reminder_message(self._catalog, item.appointment)
            result = await deliver(self._senders.get(item.channel), item.address, message)
            if result == Delivery.RETRYABLE:
                log.info("reminder %s not sent now", item.id)
                continue  # claimed again once its claim is stale
            delivered = result == Delivery.DELIVERED
            await self._store.finish_reminder(item.id, delivered, self._clock.now())
            sent += delivered
        return sent
