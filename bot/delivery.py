"""Delivering an outbox message, in one place: sent through the contact's channel, and the
result classified so that every caller — a turn, the retry sweep below, the reminders —
marks it the same way.

- ``delivered``: the channel took it;
- ``retryable``: the channel is briefly unavailable; the message waits in the outbox;
- ``permanent``: this message can never go (refused, no sender for the channel);
- ``unreachable``: the person cannot be written to on this channel (they blocked the bot).

A permanent failure is classified once: the message is set aside as a dead letter with its
reason (``outbox.failed_at``, ``failed_reason``) and never tried again. An error no channel
foresaw (a sender that raises something other than ``SendFailed``) is permanent too, logged
once with its traceback, so one poison row never makes every sweep crash.

The retry sweep, run every few seconds by the app, sends what waits in the outbox again in
order, per person. When the channel still refuses one person's message, that person's later
messages wait (their order is kept) and the sweep goes on with the next person: one person's
closed WhatsApp window or failure never holds up another's answers. Only after several
people in a row could not be reached is the channel taken as down and the sweep stopped.
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


MAX_REASON_CHARS = 64


@dataclass(frozen=True, slots=True)
class Attempt:
    """How one send went, and why when it did not (short, with no content or address)."""

    result: Delivery
    reason: str = ""


async def deliver(sender: Sender | None, address: str, message: Outbound) -> Delivery:
    """Send one message; never raises a channel's failure, it classifies it."""
    return (await attempt(sender, address, message)).result


async def attempt(sender: Sender | None, address: str, message: Outbound) -> Attempt:
    """``deliver`` with the reason of a failure, for the dead letters."""
    if sender is None:
        return Attempt(Delivery.PERMANENT, "no sender for this channel")
    try:
        await sender.send(address, [message])
    except RecipientUnreachable as failure:
        log.info("contact unreachable: %s", failure)
        return Attempt(Delivery.UNREACHABLE, _reason(failure))
    except SendFailed as failure:
        log.warning("sending failed: %s (retryable=%s)", failure, failure.retryable)
        result = Delivery.RETRYABLE if failure.retryable else Delivery.PERMANENT
        return Attempt(result, _reason(failure))
    except Exception as error:  # a sender's bug must not stop every later delivery
        log.exception("sending raised %s: the message is set aside", type(error).__name__)
        return Attempt(Delivery.PERMANENT, f"unexpected {type(error).__name__}")
    return Attempt(Delivery.DELIVERED)


def _reason(failure: Exception) -> str:
    return (str(failure) or type(failure).__name__)[:MAX_REASON_CHARS]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    # Younger messages may still be in the hands of the turn that wrote them.
    min_age: timedelta = timedelta(seconds=20)
    # Older answers would arrive out of context; the person has moved on.
    max_age: timedelta = timedelta(hours=24)
    batch: int = 200
    # This many people in a row whose messages could not go now: the channel is down.
    down_after: int = 3


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
        refused_in_a_row = 0
        for key, messages in _by_contact(waiting):
            sent, stopped_at = await self._send_in_order(sender, messages)
            await self._mark(sent)
            delivered += len(sent)
            if stopped_at == Delivery.UNREACHABLE:
                await self._store.mark_unreachable(channel, key, self._clock.now())
            refused_in_a_row = refused_in_a_row + 1 if stopped_at == Delivery.RETRYABLE else 0
            if refused_in_a_row >= self._policy.down_after:
                log.info("%s: still refusing, the retry sweep stops until next time", channel)
                break  # the channel is still down: the rest keep their order for next time
        return delivered

    async def _send_in_order(
        self, sender: Sender, messages: list[Undelivered]
    ) -> tuple[list[int], Delivery | None]:
        """Sends until the first failure; a permanent one sets that message aside and goes
        on with the person's next message, the others stop this person's messages."""
        sent: list[int] = []
        for item in messages:
            outcome = await attempt(sender, item.address, item.message)
            if outcome.result == Delivery.PERMANENT:
                await self._store.set_aside(item.outbox_id, outcome.reason, self._clock.now())
                continue
            if outcome.result != Delivery.DELIVERED:
                return sent, outcome.result
            sent.append(item.outbox_id)
        return sent, None

    async def _mark(self, outbox_ids: list[int]) -> None:
        if outbox_ids:
            await self._store.mark_sent(outbox_ids, self._clock.now())


def _by_contact(waiting: Iterable[Undelivered]) -> list[tuple[str, list[Undelivered]]]:
    ordered = sorted(waiting, key=lambda item: (item.contact_key, item.outbox_id))
    return [(key, list(items)) for key, items in groupby(ordered, key=lambda i: i.contact_key)]
