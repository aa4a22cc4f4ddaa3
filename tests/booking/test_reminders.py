"""Reminders: due ones sent once in the person's language; web chat and blocked people skipped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from adapters.collecting import CollectingSender
from adapters.db.database import make_sessions
from adapters.db.demo import load_demo
from adapters.db.models import Reminder
from adapters.settings import PROJECT_DIR
from bot.booking.reminders import REMINDER_OFFSETS, ReminderSweeper
from bot.booking.slots import BRUSSELS
from bot.engine.messages import Inbound, Outbound
from bot.i18n.catalog import Catalog, load_catalog
from bot.ports import RecipientUnreachable
from tests.booking.test_booking_store import NOW, booking_store, contact, first_slot, request
from tests.conftest import DATABASES
from tests.support import builders
from tests.support.builders import CONTENT_DIR, turn_handler
from tests.support.stubs import ScriptedNlu, StepClock

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


async def _book_on_whatsapp(db: Engine, lang: str, reminder_choice: str) -> datetime:
    """Books the first Brussels loan slot over WhatsApp in ``lang`` and answers the reminder
    language question by pressing ``reminder_choice``; returns the clock of the booking."""
    clock = StepClock()
    handler = turn_handler(db, ScriptedNlu(), clock)
    sender = CollectingSender()

    async def send(text: str | None = None, payload: str | None = None) -> list[Outbound]:
        inbound = Inbound(
            "whatsapp", "32470000000", text=text, payload=payload, lang=lang,
            reply_address="32470000000",
        )  # fmt: skip
        return list((await handler.handle(inbound, sender)).messages)

    def button(messages: list[Outbound], title: str) -> str:
        return next(b.payload for m in messages for b in m.buttons if b.title == title)

    shown = await send(text="/start")
    shown = await send(payload="menu:appointment")
    shown = await send(
        payload=button(shown, builders.catalog().text(lang, "booking.types.financing"))
    )
    shown = await send(payload=button(shown, "Bruxelles"))
    first_slot_payload = next(
        b.payload for m in shown for b in m.buttons if b.payload.startswith("bk:s:")
    )
    shown = await send(payload=first_slot_payload)
    shown = await send(payload=button(shown, builders.catalog().text(lang, "booking.confirm")))
    await send(payload=button(shown, reminder_choice))
    return clock.current


async def test_a_pashto_speaker_on_whatsapp_gets_reminders_in_the_language_they_chose(
    demo: Engine,
) -> None:
    booked_at = await _book_on_whatsapp(demo, "ps", "فارسی")
    channel = Channel()
    sweeper = ReminderSweeper(
        builders.booking_store(demo),
        {"whatsapp": channel},
        catalog(),
        At(booked_at + timedelta(days=30)),
    )
    # The first slot is tomorrow at 09:00: too soon for the day-before reminder, the 2-hour one.
    assert await sweeper.run_once() == 1
    ((address, message),) = channel.sent
    assert address == "32470000000"
    assert message.lang == "fa"  # a language WhatsApp has the reminder template in
    assert message.text.startswith("یادآوری:")  # Persian, where Pashto says "یادونه:"
    assert "نوامبر" in dict(message.params)["date"]  # the month in Persian too


async def test_no_reminder_chosen_cancels_the_reminders_of_that_booking(demo: Engine) -> None:
    booked_at = await _book_on_whatsapp(demo, "so", "Xusuusin ma rabo")
    channel = Channel()
    sweeper = ReminderSweeper(
        builders.booking_store(demo),
        {"whatsapp": channel},
        catalog(),
        At(booked_at + timedelta(days=30)),
    )
    assert await sweeper.run_once() == 0
    assert channel.sent == []
    with demo.connect() as connection:
        assert connection.execute(select(Reminder.status)).scalars().all() == ["cancelled"]
