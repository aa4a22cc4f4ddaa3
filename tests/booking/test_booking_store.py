"""Bookings in SQL on SQLite and PostgreSQL: one slot, one person; reminders sent once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import Engine, select

from adapters.crypto import AddressCipher
from adapters.db.booking_store import SqlBookingStore
from adapters.db.database import make_sessions
from adapters.db.demo import load_demo
from adapters.db.models import Reminder
from adapters.settings import PROJECT_DIR
from bot.booking.calendar_file import appointment_ics
from bot.booking.model import REFERENCE_ALPHABET, BookingRequest
from bot.booking.offer import BookingCalendar, SlotTaken
from bot.booking.slots import Slot, free_slots
from bot.engine.events import MsgCreated
from bot.engine.inputs import LanguageSource
from bot.engine.messages import Outbound
from bot.engine.session import Session
from bot.ports import TurnRecord
from tests.conftest import DATABASES
from tests.support import builders

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday
REMINDERS = (("24h", timedelta(hours=24)), ("2h", timedelta(hours=2)))


def booking_store(db: Engine) -> SqlBookingStore:
    return SqlBookingStore(make_sessions(db), AddressCipher(builders.TEST_ENCRYPTION_KEY))


async def contact(db: Engine, key: str, address: str = "555") -> None:
    await builders.store(db).commit_turn(
        TurnRecord(
            channel="telegram",
            contact_key=(key * 64)[:64],
            message_id=None,
            expected_version=0,
            session=Session(language="fr", language_source=LanguageSource.DETECTED),
            events=(MsgCreated(Outbound("Bonjour", "fr")),),
            now=NOW,
            reply_address=address,
        )
    )


async def first_slot(store: SqlBookingStore) -> tuple[Slot, BookingCalendar]:
    calendar = await store.calendar(NOW, NOW + timedelta(days=14))
    slots = free_slots(
        calendar.availability,
        calendar.absences,
        calendar.taken,
        now=NOW,
        lead_time=timedelta(days=2),
        days=14,
    )
    return slots[0], calendar


def request(slot: Slot, key: str) -> BookingRequest:
    return BookingRequest(
        channel="telegram",
        contact_key=(key * 64)[:64],
        staff_id=slot.staff_id,
        place_id=slot.place_id,
        appointment_type="financing",
        starts_at=slot.start,
        ends_at=slot.end,
        language="fr",
        interpreter_needed=False,
        shared_answers=None,
        now=NOW,
    )


@pytest.fixture
def demo(db: Engine) -> Engine:
    load_demo(make_sessions(db), PROJECT_DIR / "flows" / "demo" / "appointments.yml")
    return db


async def test_a_booking_gets_a_readable_reference_and_holds_its_slot(demo: Engine) -> None:
    store = booking_store(demo)
    await contact(demo, "a")
    slot, calendar = await first_slot(store)
    booked = await store.book(request(slot, "a"), REMINDERS)
    prefix, code = booked.reference.split("-")
    organisation = calendar.places[slot.place_id].organisation
    assert prefix == {"microstart": "MS", "saamo_hub": "HB", "interlab": "IL"}[organisation]
    assert len(code) == 4
    assert set(code) <= set(REFERENCE_ALPHABET)
    next_slot, calendar = await first_slot(store)
    assert (slot.staff_id, slot.start) in calendar.taken
    assert next_slot != slot


async def test_fifty_people_at_once_on_one_slot_give_exactly_one_booking(demo: Engine) -> None:
    store = booking_store(demo)
    keys = [f"{n:02d}" for n in range(50)]
    for key in keys:
        await contact(demo, key)
    slot, _ = await first_slot(store)

    async def attempt(key: str) -> str:
        try:
            await store.book(request(slot, key), REMINDERS)
        except SlotTaken:
            return "taken"
        return "booked"

    outcomes = await asyncio.gather(*(attempt(key) for key in keys))
    assert outcomes.count("booked") == 1
    assert outcomes.count("taken") == 49


async def test_cancelling_frees_the_slot_at_once_and_cancels_the_reminders(demo: Engine) -> None:
    store = booking_store(demo)
    await contact(demo, "a")
    await contact(demo, "b")
    slot, _ = await first_slot(store)
    booked = await store.book(request(slot, "a"), REMINDERS)
    assert await store.cancel("telegram", ("b" * 64), booked.reference, NOW) is None  # not theirs
    cancelled = await store.cancel("telegram", ("a" * 64), booked.reference, NOW)
    assert cancelled is not None
    assert cancelled.status == "cancelled"
    again = await store.book(request(slot, "b"), REMINDERS)
    assert again.starts_at == slot.start
    with demo.connect() as connection:
        statuses = sorted(connection.execute(select(Reminder.status)).scalars())
    assert statuses == ["cancelled", "cancelled", "pending", "pending"]


async def test_two_sweepers_at_once_claim_each_due_reminder_once(demo: Engine) -> None:
    store_one, store_two = booking_store(demo), booking_store(demo)
    await contact(demo, "a", address="4242")
    slot, _ = await first_slot(store_one)
    await store_one.book(request(slot, "a"), REMINDERS)
    later = slot.start - timedelta(minutes=30)  # both reminders are due
    claims = await asyncio.gather(
        *(
            s.claim_due_reminders(later, 10, timedelta(minutes=10))
            for s in [store_one, store_two] * 5
        )
    )
    claimed = [item for batch in claims for item in batch]
    assert sorted(item.kind for item in claimed) == ["24h", "2h"]
    assert {item.address for item in claimed} == {"4242"}
    for item in claimed:
        await store_one.finish_reminder(item.id, sent=True, at=later)
    assert await store_two.claim_due_reminders(later + timedelta(hours=1), 10, timedelta(0)) == []


async def test_the_calendar_file_reads_back_with_reference_time_and_place(demo: Engine) -> None:
    store = booking_store(demo)
    await contact(demo, "a")
    slot, calendar = await first_slot(store)
    booked = await store.book(request(slot, "a"), REMINDERS)
    ics = appointment_ics(booked, "passerelle.example", "Rendez-vous microStart")
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert event.decoded("dtstart") == slot.start
    assert event.decoded("dtend") == slot.end
    assert booked.reference in str(event["summary"])
    assert str(event["uid"]) == f"booking-{booked.reference}@passerelle.example"
    address = calendar.places[slot.place_id].address
    assert address is not None
    assert address in str(event["location"])
