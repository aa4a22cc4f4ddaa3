"""The deep links of every channel open an event's details, through each channel's real
parsing and the real turn handler: web chat's ``/chat?event=<id>`` (the page's first
``/start``), Telegram's ``start=event_<id>`` and WhatsApp's prefilled ``event_<id>``, and a
quick reply of a WhatsApp template (the reminder's "I can't come")."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from starlette.applications import Starlette
from telegram import Update

from adapters.collecting import CollectingSender
from adapters.metrics import Metrics
from adapters.telegram_format import to_inbound
from adapters.webchat import EVENT_COOKIE, WebchatEndpoint, routes
from adapters.whatsapp_format import parse_webhook
from tests.conftest import DATABASES
from tests.support import builders

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)

DETAILS = "Online Q&A: your first steps\nWednesday, 10 March 2027, from 19:00 to 20:00"
USER = "deep-link-user-0123456789ab"


@pytest.fixture
def week(db: Engine) -> Engine:
    builders.load_demo_data(db)
    builders.load_demo_week(db)
    return db


async def test_web_chat_opens_the_event_of_the_chat_address(week: Engine) -> None:
    endpoint = WebchatEndpoint(
        builders.turn_handler(week), builders.catalog().codes, 30, Metrics()
    )
    app = Starlette(routes=routes(endpoint))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as browser:
        page = await browser.get("/chat?event=online-qa")
        assert page.status_code == 200
        assert EVENT_COOKIE in page.headers["set-cookie"]
        first = await browser.post(
            "/webchat/api/messages", json={"user": USER, "text": "/start", "lang": "en"}
        )
        texts = [m["text"] for m in first.json()["messages"]]
        assert texts[0].startswith("Hello! I am Passerelle.")
        assert texts[1].startswith(DETAILS)
        assert EVENT_COOKIE not in browser.cookies  # used once
        again = await browser.post("/webchat/api/messages", json={"user": USER, "text": "/start"})
        assert "What would you like to do" in again.json()["messages"][1]["text"]
        odd = await browser.get("/chat?event=../../etc")
        assert "set-cookie" not in odd.headers


async def test_a_telegram_start_link_opens_the_event(week: Engine) -> None:
    message = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": 42, "type": "private"},
        "from": {"id": 42, "is_bot": False, "first_name": "A", "language_code": "en"},
        "text": "/start event_online-qa",
    }
    update = Update.de_json({"update_id": 9, "message": message}, None)
    assert update is not None
    inbound = to_inbound(update, builders.catalog().codes)
    assert inbound is not None
    outcome = await builders.turn_handler(week).handle(inbound, CollectingSender())
    assert outcome.messages[1].text.startswith(DETAILS)


def whatsapp(message: dict[str, Any]) -> dict[str, Any]:
    value = {"contacts": [{"wa_id": "32470000009"}], "messages": [message]}
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }


async def test_a_whatsapp_link_text_code_and_a_template_quick_reply(week: Engine) -> None:
    text = {"from": "32470000009", "id": "wamid.1", "type": "text"}
    (inbound,), _ = parse_webhook(whatsapp({**text, "text": {"body": "/start event_online-qa"}}))
    handler = builders.turn_handler(week)
    opened = await handler.handle(inbound, CollectingSender())
    assert opened.messages[0].lang == "fr"  # the default: no language guessed from a code
    assert opened.messages[1].text.startswith("Questions-réponses en ligne : vos premières")
    signed = await handler.handle(
        parse_webhook(
            whatsapp({**text, "id": "wamid.2", "type": "button",
                      "button": {"payload": "iw:s:online-qa", "text": "x"}})
        )[0][0],
        CollectingSender(),
    )  # fmt: skip
    assert "IW-" in signed.messages[0].text
