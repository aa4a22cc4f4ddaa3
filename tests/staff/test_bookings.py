"""The organisation's bookings of a day, no-show marking and the CSV of reference codes."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import Engine, select

from adapters.db.database import make_sessions
from adapters.db.models import Booking
from adapters.db.staff_models import AuditEntry
from tests.conftest import DATABASES
from tests.staff.world import NOW, Side, add_booking, csrf_of, login

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)


def no_show_at(db: Engine, booking_id: int) -> object:
    with make_sessions(db)() as session:
        booking = session.get(Booking, booking_id)
        assert booking is not None
        return booking.no_show_at


async def test_the_day_lists_the_organisations_bookings_only(
    browser: httpx.AsyncClient, db: Engine, world: tuple[Side, Side]
) -> None:
    first, second = world
    _, others = add_booking(db, second.organisation_id)
    await login(browser, first.coordinator)
    page = await browser.get("/staff/bookings", params={"day": "2026-12-02"})
    assert first.booking_reference
    assert first.booking_reference in page.text
    assert others not in page.text
    empty = await browser.get("/staff/bookings", params={"day": "2026-12-03"})
    assert first.booking_reference not in empty.text


async def test_a_started_booking_can_be_marked_as_a_no_show_once(
    browser: httpx.AsyncClient, db: Engine, world: tuple[Side, Side]
) -> None:
    first, _ = world
    assert first.booking_id is not None
    await login(browser, first.adviser)
    token = await csrf_of(browser)
    path = f"/staff/bookings/{first.booking_id}/no-show"
    answer = await browser.post(path, data={"csrf_token": token, "day": "2026-12-02"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/staff/bookings?day=2026-12-02"
    assert no_show_at(db, first.booking_id) == NOW
    await browser.post(path, data={"csrf_token": token})
    with db.connect() as connection:
        actions = connection.scalars(select(AuditEntry.action)).all()
    assert actions.count("no_show") == 1, "marking twice changes nothing"


async def test_a_future_booking_is_not_a_no_show(
    browser: httpx.AsyncClient, db: Engine, world: tuple[Side, Side]
) -> None:
    first, _ = world
    later, _ = add_booking(db, first.organisation_id, NOW + timedelta(hours=2))
    await login(browser, first.coordinator)
    token = await csrf_of(browser)
    await browser.post(f"/staff/bookings/{later}/no-show", data={"csrf_token": token})
    assert no_show_at(db, later) is None


async def test_the_csv_holds_reference_codes_and_no_contact_data(
    browser: httpx.AsyncClient, db: Engine, world: tuple[Side, Side]
) -> None:
    first, _ = world
    await login(browser, first.coordinator)
    answer = await browser.get("/staff/bookings.csv", params={"day": "2026-12-02"})
    assert answer.headers["content-type"].startswith("text/csv")
    assert "bookings-2026-12-02.csv" in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["reference", "time", "type", "place", "language", "status", "no_show"]
    assert [row[0] for row in rows[1:]] == [first.booking_reference]
    assert rows[1][1] == "10:00", "Brussels time (09:00 UTC)"
    assert "booker-" not in answer.text
    with db.connect() as connection:
        exported = connection.execute(
            select(AuditEntry.action, AuditEntry.subject).where(
                AuditEntry.action == "bookings_exported"
            )
        ).all()
    assert [tuple(row) for row in exported] == [("bookings_exported", "2026-12-02")]
