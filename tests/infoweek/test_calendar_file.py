"""A sign-up's calendar file: in the chat's message itself, and by a signed short-lived link
(what WhatsApp is sent): the session, its place and the code, nothing about the person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from icalendar import Calendar
from sqlalchemy import Engine
from starlette.applications import Starlette

from adapters.collecting import CollectingSender
from adapters.event_calendar import EventCalendarFiles
from adapters.signed_links import sign
from bot.engine.messages import Inbound
from tests.conftest import DATABASES
from tests.support import builders

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)

STARTS = datetime(2027, 3, 9, 13, 0, tzinfo=UTC)


class At:
    def now(self) -> datetime:
        return datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


async def test_the_calendar_file_in_the_chat_and_by_a_signed_link(db: Engine) -> None:
    builders.load_demo_data(db)
    builders.load_demo_week(db)
    handler = builders.turn_handler(db)
    inbound = Inbound("whatsapp", "32470000005", payload="iw:s:bxl-women-1", lang="fr",
                      reply_address="32470000005")  # fmt: skip
    (confirmed, _next) = (await handler.handle(inbound, CollectingSender())).messages
    document = confirmed.document
    assert document is not None
    assert document.content is not None
    code = document.filename.removesuffix(".ics")
    entry = Calendar.from_ical(document.content).walk("VEVENT")[0]
    assert entry.decoded("dtstart") == STARTS
    assert (
        str(entry["summary"]) == f"Atelier : lancer son activité quand on est une femme ({code})"
    )
    assert "Rue de Fiennes 77" in str(entry["location"])

    files = EventCalendarFiles(
        builders.infoweek_store(db), At(), "http://test", builders.TEST_SECRET,
        builders.catalog(), "passerelle.be",
    )  # fmt: skip
    app = Starlette(routes=files.routes())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as web:
        link = sign(builders.TEST_SECRET, document.url, At().now(), timedelta(days=7))
        answer = await web.get(link)
        assert answer.status_code == 200
        served = Calendar.from_ical(answer.text).walk("VEVENT")[0]
        assert (served["uid"], served["summary"]) == (entry["uid"], entry["summary"])
        assert served.decoded("dtstart") == STARTS
        assert (await web.get(document.url)).status_code == 403  # not signed
