"""Booking through the turn handler: races on a slot, stale buttons, double presses."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, select

from adapters.collecting import CollectingSender
from adapters.db.models import Booking
from bot.booking.offer import BookingCalendar
from bot.conversation import TurnHandler
from bot.engine.messages import Inbound, Outbound
from tests.conftest import DATABASES
from tests.support import builders
from tests.support.stubs import ScriptedNlu, StepClock

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)


class FrozenCalendar:
    """Serves the calendar as it was when first read: what a turn sees when someone else
    books the same slot between its reading and its commit."""

    def __init__(self, real: object) -> None:
        self._real = real
        self.frozen: BookingCalendar | None = None

    async def load(self, channel: str, contact_key: str, now: datetime) -> BookingCalendar:
        fresh: BookingCalendar = await self._real.load(channel, contact_key, now)  # type: ignore[attr-defined]
        if self.frozen is None:
            self.frozen = fresh
        return BookingCalendar(
            staff=self.frozen.staff,
            places=self.frozen.places,
            availability=self.frozen.availability,
            absences=self.frozen.absences,
            taken=self.frozen.taken,
            upcoming=fresh.upcoming,
            fresh_code=fresh.fresh_code,
            lead_time=fresh.lead_time,
            horizon_days=fresh.horizon_days,
            reference_prefixes=fresh.reference_prefixes,
        )


async def say(handler: TurnHandler, user: str, payload: str) -> list[Outbound]:
    outcome = await handler.handle(Inbound("webchat", user, payload=payload), CollectingSender())
    return list(outcome.messages)


def button(messages: list[Outbound], index: int) -> str:
    return [b.payload for m in messages for b in m.buttons][index]


async def to_confirmation(handler: TurnHandler, user: str) -> list[Outbound]:
    await say(handler, user, "menu:appointment")
    await say(handler, user, "bk:t:financing")
    slots = await say(handler, user, "bk:p:1")
    return await say(handler, user, button(slots, 0))


@pytest.fixture
def demo_db(db: Engine) -> Engine:
    builders.load_demo_data(db)
    return db


async def test_the_one_who_loses_a_race_for_a_slot_is_offered_the_next_ones(
    demo_db: Engine,
) -> None:
    clock = StepClock()
    first = builders.turn_handler(demo_db, ScriptedNlu(), clock)
    frozen = FrozenCalendar(builders.booking_store(demo_db, seed=1))
    second = builders.turn_handler(demo_db, ScriptedNlu(), clock, calendar=frozen)
    await to_confirmation(second, "second-user")  # sees the slot free, and keeps seeing it so
    await to_confirmation(first, "first-user")
    won = await say(first, "first-user", "bk:y")
    assert "MS-" in won[0].text
    lost = await say(second, "second-user", "bk:y")
    catalog = builders.catalog()
    assert lost[0].text == catalog.text("fr", "booking.slot_gone")
    assert lost[-1].text == catalog.text("fr", "booking.slots_prompt")
    with demo_db.connect() as connection:
        assert len(connection.execute(select(Booking.id)).all()) == 1


async def test_a_double_press_on_confirm_books_once(demo_db: Engine) -> None:
    handler = builders.turn_handler(demo_db)
    await to_confirmation(handler, "user-double")
    await say(handler, "user-double", "bk:y")
    again = await say(handler, "user-double", "bk:y")
    assert again[0].text == builders.catalog().text("fr", "booking.expired")
    assert "MS-" in again[1].text  # their appointment is shown, with change and cancel
    with demo_db.connect() as connection:
        assert len(connection.execute(select(Booking.id)).all()) == 1


async def test_a_slot_button_from_the_past_is_refused_kindly(demo_db: Engine) -> None:
    handler = builders.turn_handler(demo_db)
    await say(handler, "user-stale", "menu:appointment")
    await say(handler, "user-stale", "bk:t:financing")
    await say(handler, "user-stale", "bk:p:1")
    answer = await say(handler, "user-stale", "bk:s:1:1:1000")  # 1970
    assert answer[0].text == builders.catalog().text("fr", "booking.slot_gone")
    assert answer[-1].text == builders.catalog().text("fr", "booking.slots_prompt")


async def test_a_forged_button_for_someone_elses_booking_does_nothing(demo_db: Engine) -> None:
    handler = builders.turn_handler(demo_db)
    await to_confirmation(handler, "owner-user")
    booked = await say(handler, "owner-user", "bk:y")
    reference = booked[0].text.split("MS-")[1][:4]
    answer = await say(handler, "other-user", f"bk:cy:MS-{reference}")
    assert answer[0].text == builders.catalog().text("fr", "booking.not_found")
    with demo_db.connect() as connection:
        assert connection.execute(select(Booking.status)).scalar_one() == "booked"
