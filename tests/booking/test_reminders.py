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


class Person:
    """Someone writing to the bot on one channel in one language, through the turn handler."""

    def __init__(self, db: Engine, channel: str, lang: str) -> None:
        self.clock = StepClock()
        self.handler = turn_handler(db, ScriptedNlu(), self.clock)
        self.channel, self.lang = channel, lang
        self.shown: list[Outbound] = []

    async def send(self, text: str | None = None, payload: str | None = None) -> list[Outbound]:
        inbound = Inbound(
            self.channel, "32470000000", text=text, payload=payload, lang=self.lang,
            reply_address="32470000000",
        )  # fmt: skip
        self.shown = list((await self.handler.handle(inbound, CollectingSender())).messages)
        return self.shown

    async def press(self, title: str) -> list[Outbound]:
        payloads = [b.payload for m in self.shown for b in m.buttons if b.title == title]
        assert payloads, f"no button {title!r}"
        return await self.send(payload=payloads[0])

    def text(self, key: str) -> str:
        return builders.catalog().text(self.lang, key)

    async def book_first_brussels_loan(self) -> list[Outbound]:
        """Books the first free Brussels loan slot; returns the bot's answer to the confirm."""
        await self.send(text="/start")
        await self.send(payload="menu:appointment")
        await self.press(self.text("booking.types.financing"))
        await self.press("Bruxelles")
        slots = [b.payload for m in self.shown for b in m.buttons if b.payload.startswith("bk:s:")]
        await self.send(payload=slots[0])
        return await self.press(self.text("booking.confirm"))

    async def move_to_the_next_slot(self) -> list[Outbound]:
        await self.send(payload="menu:appointment")
        await self.press(self.text("booking.move"))
        slots = [b.payload for m in self.shown for b in m.buttons if b.payload.startswith("bk:s:")]
        await self.send(payload=slots[0])
        return await self.press(self.text("booking.confirm"))


def asks_reminder_language(messages: list[Outbound], lang: str) -> bool:
    prompt = builders.catalog().text(lang, "booking.reminder_language_prompt")
    return any(message.text == prompt for message in messages)


def statuses(db: Engine) -> list[str]:
    with db.connect() as connection:
        return sorted(connection.execute(select(Reminder.status)).scalars().all())


async def sweep_a_month_later(db: Engine, person: Person) -> list[Outbound]:
    channel = Channel()
    later = At(person.clock.current + timedelta(days=30))
    await ReminderSweeper(
        builders.booking_store(db), {"whatsapp": channel}, catalog(), later
    ).run_once()
    return [message for _, message in channel.sent]


async def test_a_pashto_speaker_on_whatsapp_gets_reminders_in_the_language_they_chose(
    demo: Engine,
) -> None:
    person = Person(demo, "whatsapp", "ps")
    assert asks_reminder_language(await person.book_first_brussels_loan(), "ps")
    await person.press("فارسی")
    # The first slot is tomorrow at 09:00: too soon for the day-before reminder, the 2-hour one.
    (message,) = await sweep_a_month_later(demo, person)
    assert message.lang == "fa"  # a language WhatsApp has the reminder template in
    assert message.text.startswith("یادآوری:")  # Persian, where Pashto says "یادونه:"
    assert "نوامبر" in dict(message.params)["date"]  # the month in Persian too


async def test_no_reminder_chosen_cancels_the_reminders_and_survives_a_move(demo: Engine) -> None:
    person = Person(demo, "whatsapp", "so")
    await person.book_first_brussels_loan()
    await person.press("Xusuusin ma rabo")
    assert statuses(demo) == ["cancelled"]
    moved = await person.move_to_the_next_slot()
    assert not asks_reminder_language(moved, "so")  # the refusal stands, nobody asks again
    assert statuses(demo) == ["cancelled"]  # and the new time gets no reminder either
    assert await sweep_a_month_later(demo, person) == []


async def test_a_language_pressed_after_refusing_brings_the_reminders_back(demo: Engine) -> None:
    person = Person(demo, "whatsapp", "ti")
    offer = await person.book_first_brussels_loan()
    await person.press(person.text("booking.no_reminder"))
    person.shown = offer  # the same question, still on the screen, answered again
    await person.press("English")
    (message,) = await sweep_a_month_later(demo, person)
    assert message.lang == "en"


@pytest.mark.parametrize(
    ("channel", "lang"), [("whatsapp", "fr"), ("whatsapp", "ar"), ("telegram", "ps")]
)
async def test_nobody_is_asked_when_the_channel_can_remind_in_their_language(
    demo: Engine, channel: str, lang: str
) -> None:
    person = Person(demo, channel, lang)
    assert not asks_reminder_language(await person.book_first_brussels_loan(), lang)


@pytest.mark.parametrize(
    ("channel", "code"), [("whatsapp", "de"), ("whatsapp", "ps"), ("telegram", "-")]
)
async def test_a_forged_reminder_answer_changes_nothing(
    demo: Engine, channel: str, code: str
) -> None:
    person = Person(demo, channel, "ps")
    await person.book_first_brussels_loan()
    reference = (
        next(
            b.payload.split(":")[2]
            for m in person.shown
            for b in m.buttons
            if b.payload.startswith("bk:rl:")
        )
        if channel == "whatsapp"
        else None
    )
    if reference is None:  # Telegram asks nothing: take the reference from the booking list
        await person.send(payload="menu:appointment")
        reference = next(
            b.payload.split(":")[2]
            for m in person.shown
            for b in m.buttons
            if b.payload.startswith("bk:c:")
        )
    before = statuses(demo)
    answer = await person.send(payload=f"bk:rl:{reference}:{code}")
    assert answer[0].text == person.text("booking.expired")
    assert statuses(demo) == before
