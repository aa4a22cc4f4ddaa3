"""Reminders: due ones sent once in the person's language; web chat and blocked people skipped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from adapters.db.database import make_sessions
from adapters.db.demo import load_demo
from adapters.db.models import Reminder
from adapters.settings import PROJECT_DIR
from bot.booking.reminders import REMINDER_OFFSETS, ReminderSweeper
from bot.booking.slots import BRUSSELS
from bot.engine.messages import Outbound
from bot.i18n.catalog import Catalog, load_catalog
from bot.ports import RecipientUnreachable
from tests.booking.test_booking_store import NOW, booking_store, contact, first_slot, request
from tests.conftest import DATABASES
from tests.support.builders import CONTENT_DIR

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)


class At:
    def __init__(self, when: datetime) -> None:
        self.when = when

    def now(self) -> datetime:
        return self.when


class Channel:
    def __init__(self, blocked: bool = False) -> None:
        self.blocked = blocked
        self.sent: list[tuple[str, Outbound]] = []

    async def send(self, address: str, messages: Sequence[Outbound]) -> None:
        if self.blocked:
            raise RecipientUnreachable("blocked")
        self.sent.extend((address, message) for message in messages)


def catalog() -> Catalog:
    return load_catalog(CONTENT_DIR)


@pytest.fixture
def demo(db: Engine) -> Engine:
    load_demo(make_sessions(db), PROJECT_DIR / "flows" / "demo" / "appointments.yml")
    return db


async def test_due_reminders_are_sent_once_in_the_persons_language(demo: Engine) -> None:
    store = booking_store(demo)
    await contact(demo, "a", address="31337")
    slot, _ = await first_slot(store)
    booked = await store.book(request(slot, "a"), REMINDER_OFFSETS)
    channel = Channel()
    day_before = slot.start - timedelta(hours=23)
    sweeper = ReminderSweeper(store, {"telegram": channel}, catalog(), At(day_before))
    assert await sweeper.run_once() == 1
    assert await sweeper.run_once() == 0
    ((address, message),) = channel.sent
    assert address == "31337"
    assert message.lang == "fr"
    assert booked.reference in message.text
    assert f"{slot.start.astimezone(BRUSSELS).day} novembre 2026" in message.text
    assert slot.start.astimezone(BRUSSELS).strftime("%H:%M") in message.text
    two_hours = ReminderSweeper(
        store, {"telegram": channel}, catalog(), At(slot.start - timedelta(hours=1))
    )
    assert await two_hours.run_once() == 1
    assert channel.sent[-1][1].text == message.text  # the second reminder, the same words


async def test_no_reminder_for_a_cancelled_booking_or_a_blocked_person(demo: Engine) -> None:
    store = booking_store(demo)
    await contact(demo, "a")
    slot, _ = await first_slot(store)
    booked = await store.book(request(slot, "a"), REMINDER_OFFSETS)
    await store.cancel("telegram", "a" * 64, booked.reference, NOW)
    channel = Channel()
    late = At(slot.start - timedelta(minutes=30))
    assert await ReminderSweeper(store, {"telegram": channel}, catalog(), late).run_once() == 0
    assert channel.sent == []
    await contact(demo, "b")
    await store.book(request(slot, "b"), REMINDER_OFFSETS)
    blocked = Channel(blocked=True)
    assert await ReminderSweeper(store, {"telegram": blocked}, catalog(), late).run_once() == 0
    with demo.connect() as connection:
        statuses = connection.execute(select(Reminder.status)).scalars().all()
    assert "pending" not in statuses
    assert "sending" not in statuses
    assert statuses.count("failed") == 2


async def test_reminders_wait_until_they_are_due(demo: Engine) -> None:
    store = booking_store(demo)
    await contact(demo, "a")
    slot, _ = await first_slot(store)
    await store.book(request(slot, "a"), REMINDER_OFFSETS)
    channel = Channel()
    early = At(datetime(2026, 11, 23, 8, 30, tzinfo=UTC))
    assert await ReminderSweeper(store, {"telegram": channel}, catalog(), early).run_once() == 0
