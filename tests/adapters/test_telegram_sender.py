"""The Telegram sender against the fake Bot API: splitting, documents, errors as the port's."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from adapters.telegram import TelegramSender
from bot.engine.messages import Button, Document, Outbound
from bot.ports import RecipientUnreachable, SendFailed
from tests.support.fake_telegram import FakeTelegram, fake_telegram

TOKEN = "42:sender-test-token"
CHAT = 9001


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with fake_telegram(TOKEN) as server:
        yield server


@pytest.fixture
async def sender(fake: FakeTelegram) -> AsyncIterator[TelegramSender]:
    bot = Bot(TOKEN, base_url=f"{fake.url}/bot")
    async with bot:
        yield TelegramSender(bot, attempts=3, backoff_seconds=0.01)


async def test_a_long_message_is_split_and_its_buttons_go_under_the_last_piece(
    fake: FakeTelegram, sender: TelegramSender
) -> None:
    text = "\n\n".join(["a" * 3000, "b" * 3000, "c" * 3000])
    await sender.send(str(CHAT), [Outbound(text, "fr", (Button("Menu", "cmd:menu"),))])
    calls = fake.sent()
    assert [len(call.params["text"]) for call in calls] == [3000, 3000, 3000]
    assert ["reply_markup" in call.params for call in calls] == [False, False, True]


async def test_a_calendar_file_is_uploaded_as_a_document(
    fake: FakeTelegram, sender: TelegramSender
) -> None:
    ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    message = Outbound("Votre rendez-vous", "fr", document=Document("rdv.ics", "/x", ics))
    await sender.send(str(CHAT), [message])
    (upload,) = fake.sent("sendDocument")
    assert upload.files["document"] == ("rdv.ics", ics.encode())


async def test_a_blocked_person_is_reported_unreachable(
    fake: FakeTelegram, sender: TelegramSender
) -> None:
    fake.blocked_chats.add(CHAT)
    with pytest.raises(RecipientUnreachable):
        await sender.send(str(CHAT), [Outbound("Bonjour", "fr")])


async def test_network_errors_are_retried_then_reported_as_retryable(
    fake: FakeTelegram, sender: TelegramSender
) -> None:
    fake.unreachable["sendMessage"] = 2
    await sender.send(str(CHAT), [Outbound("Bonjour", "fr")])
    assert len(fake.sent()) == 1  # the third attempt got through
    fake.unreachable["sendMessage"] = 3
    with pytest.raises(SendFailed) as failure:
        await sender.send(str(CHAT), [Outbound("Encore", "fr")])
    assert failure.value.retryable


@pytest.mark.parametrize("address", ["abc", "", "12a", "²"])
async def test_an_address_that_is_no_chat_id_is_a_permanent_failure_sent_nowhere(
    fake: FakeTelegram, sender: TelegramSender, address: str
) -> None:
    with pytest.raises(SendFailed) as failure:
        await sender.send(address, [Outbound("bonjour", "fr")])
    assert failure.value.retryable is False
    assert fake.sent() == []
