"""An organisation is told of each new handoff once, on its Telegram group (the Telegram
fake) and by e-mail (a real SMTP server, aiosmtpd, on 127.0.0.1), with a link to the console
and nothing about the person; SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from email import message_from_bytes
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine

from adapters.db.database import make_sessions
from adapters.db.notice_store import SqlNoticeStore
from adapters.handoff_notices import HandoffNotifier
from adapters.settings import Settings
from tests.conftest import DATABASES
from tests.staff.world import MovableClock, add_handoff
from tests.support.builders import TEST_ENCRYPTION_KEY, TEST_SECRET, content, load_demo_data
from tests.support.fake_telegram import FakeTelegram, fake_telegram

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)

TOKEN = "123456:notices"
GROUP = "-1001234567890"
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


class Inbox:
    def __init__(self) -> None:
        self.mails: list[Any] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.mails.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with fake_telegram(TOKEN) as server:
        yield server


async def test_a_new_handoff_is_announced_once_with_a_link_only(
    db: Engine, smtp: tuple[Inbox, int], telegram: FakeTelegram
) -> None:
    inbox, port = smtp
    load_demo_data(db)
    desks = dict(content().handoff.desks.desks)
    desks["microstart"] = dataclasses.replace(
        desks["microstart"], notify_telegram_chat=GROUP, notify_email="team@microstart.test"
    )
    settings = Settings(
        secret_key=TEST_SECRET,
        encryption_key=TEST_ENCRYPTION_KEY,
        public_base_url="https://passerelle.example",
        telegram_token=TOKEN,
        telegram_api_base_url=telegram.url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="passerelle@passerelle.example",
        smtp_starttls=False,
    )
    with make_sessions(db)() as session:
        from sqlalchemy import select

        from adapters.db.models import Organisation

        ids = dict(session.execute(select(Organisation.code, Organisation.id)).all())
    handoff_id, code = add_handoff(
        db, ids["microstart"], "person-1", urgent=True, text="Au secours"
    )
    add_handoff(db, ids["saamo_hub"], "person-2", text="Bonjour")  # no target configured
    async with httpx.AsyncClient() as http:
        notifier = HandoffNotifier(
            settings, desks, SqlNoticeStore(make_sessions(db)), MovableClock(NOW), http
        )
        assert await notifier.run_once() == 1
        assert await notifier.run_once() == 0, "told once"

    link = f"https://passerelle.example/staff/handoffs/{handoff_id}"
    [call] = telegram.sent()
    assert call.params["chat_id"] == GROUP
    assert link in call.params["text"]
    assert "URGENT" in call.params["text"]
    [mail] = inbox.mails
    assert mail["To"] == "team@microstart.test"
    body = mail.get_payload(decode=True).decode()
    assert link in body
    for secret in ("Au secours", code, "person-1"):
        assert secret not in call.params["text"]
        assert secret not in body
