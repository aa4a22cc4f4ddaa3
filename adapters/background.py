"""The app's periodic work, started by its lifespan: erasing after retention, retrying what
each channel could not take, draining the WhatsApp inbox, relaying staff actions to the
conversations, telling organisations of new handoffs, sending due reminders."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from adapters.channels import Channels
from adapters.composition import Components
from adapters.db.database import make_sessions
from adapters.db.notice_store import SqlNoticeStore
from adapters.db.relay_store import SqlRelayStore
from adapters.handoff_notices import NOTICES_EVERY_SECONDS, HandoffNotifier
from adapters.handoff_relay import RELAY_EVERY_SECONDS, relay_job
from adapters.maintenance import (
    REMINDERS_EVERY_SECONDS,
    RETENTION_EVERY_SECONDS,
    RETRY_EVERY_SECONDS,
    every,
    retention_job,
    retry_job,
)
from bot.booking.reminders import ReminderSweeper
from bot.infoweek.reminders import EventSweeper

Job = tuple[float, Callable[[], Awaitable[object]], str]


def periodic_jobs(parts: Components, channels: Channels) -> list[Job]:
    clock = parts.clock
    jobs: list[Job] = [
        (
            RETENTION_EVERY_SECONDS,
            retention_job(parts.store, clock, parts.settings.retention_days),
            "retention",
        )
    ]
    if channels.whatsapp is not None:
        jobs.append((RETRY_EVERY_SECONDS, channels.whatsapp.drain, "whatsapp inbox"))
    for channel, sender in parts.senders.items():
        retry = retry_job(parts.store, clock, channel, sender)
        jobs.append((RETRY_EVERY_SECONDS, retry, f"{channel} retry"))
    relay = relay_job(SqlRelayStore(make_sessions(parts.db)), parts.handler, clock)
    jobs.append((RELAY_EVERY_SECONDS, relay, "staff relay"))
    notifier = HandoffNotifier(
        parts.settings,
        parts.content.handoff.desks.desks,
        SqlNoticeStore(make_sessions(parts.db)),
        clock,
    )
    if notifier.enabled:
        jobs.append((NOTICES_EVERY_SECONDS, notifier.run_once, "handoff notices"))
    reminders = ReminderSweeper(parts.booking_store, parts.senders, parts.content.catalog, clock)
    jobs.append((REMINDERS_EVERY_SECONDS, reminders.run_once, "reminders"))
    if parts.infoweek_store is not None:
        events = EventSweeper(parts.infoweek_store, parts.senders, parts.content.catalog, clock)
        jobs.append((REMINDERS_EVERY_SECONDS, events.run_once, "info week"))
    return jobs


def start_jobs(jobs: list[Job], background: set[asyncio.Task[None]]) -> None:
    for seconds, job, name in jobs:
        background.add(asyncio.create_task(every(seconds, job, name)))
