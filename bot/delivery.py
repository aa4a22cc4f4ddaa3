"""Retrying messages a channel could not take: they wait in the outbox, nothing is lost.

A turn sends its messages right after commit; when the channel is briefly unreachable they stay
unsent. This sweep, run every few seconds by the app, sends them again in order, per person,
and stops at the first person the channel still refuses so the next sweep keeps the order.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby

from bot.ports import (
    Clock,
    OutboxStore,
    RecipientUnreachable,
    Sender,
    SendFailed,
    Undelivered,
)

log = logging.getLogger(__name__)


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
            sent: list[int] = []
            try:
                for item in messages:
                    await sender.send(item.address, [item.message])
                    sent.append(item.outbox_id)
            except RecipientUnreachable:
                await self._store.mark_unreachable(channel, key, self._clock.now())
            except SendFailed as failure:
                log.info("retry on %s postponed: %s", channel, failure)
                if failure.retryable:
                    await self._mark(sent)
                    return delivered + len(sent)
            await self._mark(sent)
            delivered += len(sent)
        return delivered

    async def _mark(self, outbox_ids: list[int]) -> None:
        if outbox_ids:
            await self._store.mark_sent(outbox_ids, self._clock.now())


def _by_contact(waiting: Iterable[Undelivered]) -> list[tuple[str, list[Undelivered]]]:
    ordered = sorted(waiting, key=lambda item: (item.contact_key, item.outbox_id))
    return [(key, list(items)) for key, items in groupby(ordered, key=lambda i: i.contact_key)]
