"""Delivering an outbox message, in one place: sent through the contact's channel, and the
result classified so that every caller — a turn, the retry sweep below, the reminders —
marks it the same way.

- ``delivered``: the channel took it;
- ``retryable``: the channel is briefly unavailable; the message waits in the outbox;
- ``permanent``: this message can never go (refused, no sender for the channel);
- ``unreachable``: the person cannot be written to on this channel (they blocked the bot).

The retry sweep, run every few seconds by the app, sends what waits in the outbox again in
order, per person, and stops at the first person the channel still refuses so the next sweep
keeps the order.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from itertools import groupby

from bot.engine.messages import Outbound
from bot.ports import Clock, OutboxStore, RecipientUnreachable, Sender, SendFailed, Undelivered

log = logging.getLogger(__name__)

# Channel -> its sender, built once by the composition root. Web chat has none: it answers
# within its own request and cannot write first.
ChannelSenders = Mapping[str, Sender]


class Delivery(StrEnum):
    DELIVERED = "delivered"
    RETRYABLE = "retryable"
    PERMANENT = "permanent"
    UNREACHABLE = "unreachable"


async def deliver(sender: Sender | None, address: str, message: Outbound) -> Delivery:
    """Send one message; never raises a channel's failure, it classifies it."""
    if sender is None:
        return Delivery.PERMANENT
    try:
        await sender.send(address, [message])
    except RecipientUnreachable as failure:
        log.info("contact unreachable: %s", failure)
        return Delivery.UNREACHABLE
    except SendFailed as failure:
        log.warning("sending failed: %s (retryable=%s)", failure, failure.retryable)
        return Delivery.RETRYABLE if failure.retryable else Delivery.PERMANENT
    return Delivery.DELIVERED


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    # Younger messages may still be in the hands of the turn that wrote them.
    min_age: timedelta = timedelta(seconds=20)
    # Older answers would arrive out of context; the person has moved on.
    max_age: timedelta = timedelta(hours=24)
    batch: int = 200


class OutboxRetry:
    def __init__(self, store: OutboxStore, clock: Clock, policy: RetryPolicy | None = None):
        self._store = store
        self._clock = clock
        self._policy = policy or RetryPolicy()

    async def run_once(self, channel: str, sender: Sender) -> int:
        """Send what is waiting on ``channel``; the number of messages delivered."""
        now = self._clock.now()
        waiting = await self._store.undelivered(
            channel, now - self._policy.max_age, now - self._policy.min_age, self._policy.batch
        )
        delivered = 0
        for key, messages in _by_contact(waiting):
            sent, stopped_at = await self._send_in_order(sender, messages)
            await self._mark(sent)
            delivered += len(sent)
            if stopped_at == Delivery.UNREACHABLE:
                await self._store.mark_unreachable(channel, key, self._clock.now())
            elif stopped_at == Delivery.RETRYABLE:
                return delivered  # the channel is still down: keep the order for next time
        return delivered

    @staticmethod
    async def _send_in_order(
        sender: Sender, messages: list[Undelivered]
    ) -> tuple[list[int], Delivery | None]:
        sent: list[int] = []
        for item in messages:
            result = await deliver(sender, item.address, item.message)
            if result != Delivery.DELIVERED:
                return sent, result
            sent.append(item.outbox_id)
        return sent, None

    async def _mark(self, outbox_ids: list[int]) -> None:
        if outbox_ids:
            await self._store.mark_sent(outbox_ids, self._clock.now())


def _by_contact(waiting: Iterable[Undelivered]) -> list[tuple[str, list[Undelivered]]]:
    ordered = sorted(waiting, key=lambda item: (item.contact_key, item.outbox_id))
    return [(key, list(items)) for key, items in groupby(ordered, key=lambda i: i.contact_key)]
