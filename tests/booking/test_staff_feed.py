"""The staff calendar feed over HTTP: private by token, reference and type only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from icalendar import Calendar
from sqlalchemy import Engine, select
from starlette.applications import Starlette

from adapters.calendar_feed import StaffCalendarFeed
from adapters.db.models import StaffMember
from adapters.signed_links import sign
from tests.booking.test_booking_store import NOW, booking_store, contact, first_slot, request
from tests.conftest import DATABASES
from tests.support import builders

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)


class Fixed:
    def now(self) -> datetime:
        return NOW


async def test_a_staff_member_sees_their_bookings_and_nothing_about_the_person(db: Engine) -> None:
    builders.load_demo_data(db)
    store = booking_store(db)
    await contact(db, "a")
    slot, _ = await first_slot(store)
    booked = await store.book(request(slot, "a"), [])
    with db.connect() as connection:
        tokens = dict(connection.execute(select(StaffMember.id, StaffMember.calendar_token)).all())
    feed = StaffCalendarFeed(
        store, Fixed(), "https://passerelle.example", builders.TEST_SECRET, builders.catalog()
    )
    app = Starlette(routes=feed.routes())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        mine = await client.get(f"/calendar/staff/{tokens[slot.staff_id]}.ics")
        other_id = next(i for i in tokens if i != slot.staff_id)
        other = await client.get(f"/calendar/staff/{tokens[other_id]}.ics")
        unknown = await client.get("/calendar/staff/not-a-token.ics")
    assert mine.status_code == 200
    assert mine.headers["content-type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(mine.text).walk("VEVENT")
    assert str(event["summary"]) == f"{booked.reference} (financing)"
    assert event.decoded("dtstart") == slot.start.astimezone(UTC)
    assert "fr" not in str(event["summary"]).split()  # no language, no answers
    assert Calendar.from_ical(other.text).walk("VEVENT") == []
    assert unknown.status_code == 404


async def test_a_signed_link_gives_the_person_their_calendar_file_until_it_expires(
    db: Engine,
) -> None:
    builders.load_demo_data(db)
    store = booking_store(db)
    await contact(db, "a")
    slot, _ = await first_slot(store)
    booked = await store.book(request(slot, "a"), [])
    path = f"/calendar/booking/{booked.reference}.ics"
    link = sign(builders.TEST_SECRET, path, NOW, timedelta(days=7))
    feed = StaffCalendarFeed(
        store, Fixed(), "https://passerelle.example", builders.TEST_SECRET, builders.catalog()
    )
    transport = httpx.ASGITransport(app=Starlette(routes=feed.routes()))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        good = await client.get(link)
        forged = await client.get(link.replace(booked.reference, "MS-AAAA"))
        unsigned = await client.get(path)
    assert good.status_code == 200
    (event,) = Calendar.from_ical(good.text).walk("VEVENT")
    assert booked.reference in str(event["summary"])
    assert (forged.status_code, unsigned.status_code) == (403, 403)
    expired = sign(builders.TEST_SECRET, path, NOW - timedelta(days=8), timedelta(days=7))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get(expired)).status_code == 403
