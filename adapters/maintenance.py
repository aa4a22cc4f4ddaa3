"""Periodic jobs of the running app: retrying undelivered messages, erasing after retention."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from adapters.db.conversation_store import SqlConversationStore
from bot.delivery import OutboxRetry
from bot.ports import Clock, Sender, StorageUnavailable

log = logging.getLogger(__name__)

RETRY_EVERY_SECONDS = 15.0
RETENTION_EVERY_SECONDS = 3600.0
REMINDERS_EVERY_SECONDS = 30.0


async def every(seconds: float, job: Callable[[], Awaitable[object]], name: str) -> None:
    """Run ``job`` now and then every ``seconds``; a failing run is logged, the loop goes on."""
    while True:
        try:
            await job()
        except StorageUnavailable as problem:
            log.warning(
                "%s: database unavailable (%s); next try in %.0f s", name, problem, seconds
            )
        except Exception:
            log.exception("%s failed; next try in %.0f s", name, seconds)
        await asyncio.sleep(seconds)


def retry_job(
    store: SqlConversationStore, clock: Clock, channel: str, sender: Sender
) -> Callable[[], Awaitable[int]]:
    retry = OutboxRetry(store, clock)

    async def job() -> int:
        delivered = await retry.run_once(channel, sender)
        if delivered:
            log.info("%s: delivered %d message(s) that had waited", channel, delivered)
        return delivered

    return job


def retention_job(
    store: SqlConversationStore, clock: Clock, retention_days: int
) -> Callable[[], Awaitable[int]]:
    async def job() -> int:
        now = clock.now()
        erased = await store.purge(now - timedelta(days=retention_days), now)
        if erased.contacts:
            log.info(
                "retention: erased %d contact(s) silent for %d days",
                erased.contacts,
                retention_days,
            )
        return erased.contacts

    return job
