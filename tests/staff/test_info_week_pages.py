"""The info week in the console: the organisation's sessions with anonymous counts, check-in
by code (once; another organisation's code is unknown), the counts as CSV, and the poster QR
codes as PNG and SVG (plain QR, never Micro QR)."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest
import segno
from sqlalchemy import Engine, select

from adapters.db.infoweek_models import EventSignupRow
from adapters.db.staff_models import AuditEntry
from adapters.event_links import EventLinks
from tests.conftest import DATABASES
from tests.staff.world import EVENT_TITLE, Side, csrf_of, login

ON_BOTH_DATABASES = pytest.mark.parametrize("database_url", DATABASES, indirect=True)


def cell(page: str, name: str) -> str:
    found = re.search(rf'<td class="{name}">(\d+)</td>', page)
    assert found, page[:500]
    return found[1]


@ON_BOTH_DATABASES
async def test_the_sessions_of_the_organisation_with_their_counts(
    browser: httpx.AsyncClient, world: tuple[Side, Side]
) -> None:
    first, _ = world
    await login(browser, first.coordinator)
    page = (await browser.get("/staff/info-week")).text
    assert EVENT_TITLE.replace("'", "&#39;") in page
    assert (cell(page, "signed-up"), cell(page, "waiting"), cell(page, "came")) == ("1", "0", "0")
    assert cell(page, "left") == "9"


@ON_BOTH_DATABASES
async def test_check_in_by_code_counts_once_and_knows_no_other_organisations_codes(
    browser: httpx.AsyncClient, db: Engine, world: tuple[Side, Side]
) -> None:
    first, second = world
    await login(browser, second.coordinator)
    token = await csrf_of(browser)
    other = await browser.post(
        "/staff/info-week/check-in", data={"csrf_token": token, "code": "IW-TEST"}
    )
    assert "Code IW-TEST is not one of your sessions." in other.text
    await browser.post("/staff/logout", data={"csrf_token": token})
    await login(browser, first.coordinator)
    token = await csrf_of(browser)
    done = await browser.post(
        "/staff/info-week/check-in", data={"csrf_token": token, "code": "test"}
    )
    assert "IW-TEST: checked in (iso-event)." in done.text
    assert cell(done.text, "came") == "1"
    again = await browser.post(
        "/staff/info-week/check-in", data={"csrf_token": token, "code": "IW-TEST"}
    )
    assert "IW-TEST is already checked in (iso-event)." in again.text
    with db.connect() as connection:
        assert connection.scalar(select(EventSignupRow.checked_in_at)) is not None
        actions = connection.scalars(select(AuditEntry.action)).all()
    assert actions.count("event_check_in") == 1


@ON_BOTH_DATABASES
async def test_the_counts_as_csv_name_nobody(
    browser: httpx.AsyncClient, world: tuple[Side, Side]
) -> None:
    first, _ = world
    await login(browser, first.coordinator)
    answer = await browser.get("/staff/info-week.csv")
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows == [
        {
            "event": "iso-event",
            "starts": "2026-12-07 11:00",
            "place": "Bruxelles",
            "capacity": "10",
            "taken": "1",
            "signed_up": "1",
            "waiting": "0",
            "offers_open": "0",
            "came": "0",
            "left": "9",
            "languages": "fr:1",
        }
    ]
    assert "IW-TEST" not in answer.text


@ON_BOTH_DATABASES
async def test_an_events_page_has_its_links_and_poster_qr_codes(
    browser: httpx.AsyncClient, world: tuple[Side, Side]
) -> None:
    first, _ = world
    await login(browser, first.coordinator)
    page = await browser.get(f"/staff/info-week/{first.event_id}")
    assert "http://testserver/chat?event=iso-event" in page.text
    png = await browser.get(f"/staff/info-week/{first.event_id}/qr.png?channel=webchat")
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    svg = await browser.get(f"/staff/info-week/{first.event_id}/qr.svg?channel=webchat")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<svg")
    missing = await browser.get(f"/staff/info-week/{first.event_id}/qr.png?channel=telegram")
    assert missing.status_code == 404  # no bot username configured: no Telegram link


def test_links_of_every_channel_and_their_qr_codes_are_plain_qr() -> None:
    links = EventLinks("https://passerelle.example", "passerelle_bot", "32470123456")
    assert links.all("bxl-one") == {
        "webchat": "https://passerelle.example/chat?event=bxl-one",
        "telegram": "https://t.me/passerelle_bot?start=event_bxl-one",
        "whatsapp": "https://wa.me/32470123456?text=/start%20event_bxl-one",
    }
    for link in links.all("bxl-one").values():
        assert not segno.make_qr(link).is_micro
    assert segno.make("event_1").is_micro  # what segno.make would have done
