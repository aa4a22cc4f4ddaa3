"""The Telegram channel end to end: the real app and python-telegram-bot, the real Rasa server,
a real SQLite database, and a fake Bot API server on 127.0.0.1 that records every call."""

from __future__ import annotations

import asyncio
import html
import itertools
import logging
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import select

from adapters.app import build_store, create_app
from adapters.db.database import make_engine
from adapters.db.models import Contact, InboundMessage, OutboxMessage
from adapters.rasa_process import RasaServer
from adapters.settings import Settings
from adapters.telegram import SECRET_HEADER, TelegramChannel, TelegramSetupError
from bot.delivery import OutboxRetry
from tests.support.builders import TEST_ENCRYPTION_KEY, TEST_SECRET, catalog
from tests.support.fake_telegram import FakeTelegram, fake_telegram
from tests.support.rasa_server import rasa_server  # noqa: F401 - the session fixture

TOKEN = "123456:TEST-token-never-in-logs"
WEBHOOK_SECRET = "webhook-secret-0123456789"
PERSON = 5550001
TRANSCRIPTS = Path(__file__).resolve().parent.parent / "transcripts"
_update_ids = itertools.count(1000)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with fake_telegram(TOKEN) as server:
        yield server


def _settings(tmp_path: Path, rasa_url: str, fake: FakeTelegram, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "var_dir": tmp_path,
        "database_url": f"sqlite:///{tmp_path / 'telegram.sqlite3'}",
        "rasa_url": rasa_url,
        "rasa_token": extra.pop("rasa_token", None),
        "secret_key": TEST_SECRET,
        "encryption_key": TEST_ENCRYPTION_KEY,
        "telegram_token": TOKEN,
        "telegram_api_base_url": fake.url,
        "telegram_webhook_url": "https://passerelle.example/telegram/webhook",
        "telegram_webhook_secret": WEBHOOK_SECRET,
    }
    values.update(extra)
    return Settings(**values)


@pytest.fixture
def settings(
    tmp_path: Path,
    rasa_server: RasaServer,  # noqa: F811
    fake: FakeTelegram,
) -> Settings:
    return _settings(tmp_path, rasa_server.url, fake, rasa_token=rasa_server.token)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


def _user(chat_id: int, language_code: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": "A"}
    if language_code:
        user["language_code"] = language_code
    return user


def message_update(
    content: dict[str, Any],
    chat_id: int = PERSON,
    language_code: str | None = "fr",
    chat_type: str = "private",
) -> dict[str, Any]:
    update_id = next(_update_ids)
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": chat_type},
            "from": _user(chat_id if chat_type == "private" else PERSON, language_code),
            **content,
        },
    }


def text_update(text: str, **kwargs: Any) -> dict[str, Any]:
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        length = len(text.split(" ", 1)[0])
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return message_update(content, **kwargs)


def press_update(data: str, message_id: int, chat_id: int = PERSON) -> dict[str, Any]:
    update_id = next(_update_ids)
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb{update_id}",
            "from": _user(chat_id, "fr"),
            "chat_instance": "instance",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": "question",
            },
        },
    }


async def post(
    client: httpx.AsyncClient, update: dict[str, Any], secret: str | None = WEBHOOK_SECRET
) -> httpx.Response:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return await client.post("/telegram/webhook", json=update, headers=headers)


def rows(settings: Settings, model: type) -> list[Any]:
    engine = make_engine(settings.effective_database_url)
    with engine.connect() as connection:
        found: list[Any] = list(connection.execute(select(model)).all())
    engine.dispose()
    return found


def shown(call_params: dict[str, Any]) -> str:
    """What the person reads: the HTML the bot sent, unescaped."""
    return html.unescape(call_params["text"])


def buttons(call_params: dict[str, Any]) -> list[tuple[str, str]]:
    markup = call_params.get("reply_markup") or {"inline_keyboard": []}
    return [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"] for b in row]


# Start-up ----------------------------------------------------------------------------------


@pytest.mark.rasa
async def test_start_up_sets_the_webhook_with_its_secret_and_a_command_menu_per_language(
    client: httpx.AsyncClient, fake: FakeTelegram
) -> None:
    (webhook,) = fake.sent("setWebhook")
    assert webhook.params["url"] == "https://passerelle.example/telegram/webhook"
    assert webhook.params["secret_token"] == WEBHOOK_SECRET
    assert set(webhook.params["allowed_updates"]) == {
        "message",
        "callback_query",
        "my_chat_member",
    }
    menus = {
        c.params.get("language_code"): c.params["commands"] for c in fake.sent("setMyCommands")
    }
    assert set(menus) == {None, *catalog().codes}
    for code in catalog().codes:
        descriptions = {command["command"]: command["description"] for command in menus[code]}
        assert descriptions["forget"] == catalog().text(code, "commands.forget")
    assert menus[None] == menus[catalog().default_language]


# Conversations ------------------------------------------------------------------------------


def _transcript_case(file: str, name: str) -> list[dict[str, Any]]:
    document = yaml.safe_load((TRANSCRIPTS / f"{file}.yml").read_text(encoding="utf-8"))
    return next(case["turns"] for case in document["cases"] if case["name"] == name)


@pytest.mark.rasa
async def test_a_full_pre_qualification_by_button_presses(
    client: httpx.AsyncClient, fake: FakeTelegram, settings: Settings
) -> None:
    """The French button transcript, replayed over Telegram: same answers, same buttons."""
    turns = _transcript_case(
        "prequalification", "the full pre-qualification by buttons, in French"
    )
    keyboard: list[tuple[str, str]] = []
    keyboard_message = 0
    presses = 0
    for number, turn in enumerate(turns, start=1):
        before = len(fake.sent())
        if "press" in turn:
            data = dict(keyboard)[turn["press"]]
            response = await post(client, press_update(data, keyboard_message))
            presses += 1
        else:
            response = await post(client, text_update(str(turn["text"])))
        assert response.status_code == 200
        got = fake.sent()[before:]
        expected = turn.get("expect", [])
        assert [shown(c.params) for c in got] == [e["text"] for e in expected], f"turn {number}"
        for want, call in zip(expected, got, strict=True):
            if "buttons" in want:
                assert [title for title, _ in buttons(call.params)] == want["buttons"]
        with_keyboard = [c for c in got if buttons(c.params)]
        if with_keyboard:
            keyboard = buttons(with_keyboard[-1].params)
            keyboard_message = with_keyboard[-1].message_id or 0
    assert len(fake.sent("answerCallbackQuery")) == presses
    removed = fake.sent("editMessageReplyMarkup")
    assert len(removed) == presses
    assert all("reply_markup" not in c.params for c in removed)
    assert all(c.params["parse_mode"] == "HTML" for c in fake.sent())


@pytest.mark.rasa
async def test_a_deep_link_chooses_the_language(
    client: httpx.AsyncClient, fake: FakeTelegram
) -> None:
    response = await post(client, text_update("/start lang_nl", language_code="fr"))
    assert response.status_code == 200
    assert [shown(c.params) for c in fake.sent()] == [
        catalog().text("nl", "greeting"),
        catalog().text("nl", "menu.prompt"),
    ]
    await post(client, text_update("/menu"))
    assert shown(fake.sent()[-1].params) == catalog().text("nl", "menu.prompt")


@pytest.mark.rasa
async def test_a_voice_note_gets_a_kind_answer_and_the_offer_of_a_person(
    client: httpx.AsyncClient, fake: FakeTelegram
) -> None:
    voice = {"voice": {"file_id": "v1", "file_unique_id": "u1", "duration": 4}}
    response = await post(client, message_update(voice, language_code="nl"))
    assert response.status_code == 200
    (answer,) = fake.sent()
    assert shown(answer.params) == catalog().text("nl", "media.unsupported")
    assert buttons(answer.params) == [
        (catalog().text("nl", "menu.human"), "ho:go:media"),
        (catalog().text("nl", "flow.menu"), "cmd:menu"),
    ]


@pytest.mark.rasa
async def test_a_photo_and_a_location_get_the_same_kind_answer(
    client: httpx.AsyncClient, fake: FakeTelegram
) -> None:
    photo = {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]}
    await post(client, message_update(photo, language_code="en"))
    await post(client, message_update({"location": {"latitude": 50.8, "longitude": 4.3}}))
    assert [shown(c.params) for c in fake.sent()] == [
        catalog().text("en", "media.unsupported"),
        catalog().text("en", "media.unsupported"),
    ]


@pytest.mark.rasa
async def test_a_persons_text_can_never_become_markup(
    client: httpx.AsyncClient, fake: FakeTelegram
) -> None:
    await post(client, text_update("<b>bonjour</b> & <a href='x'>"))
    assert fake.sent()
    assert all("<" not in c.params["text"] for c in fake.sent())


# Webhook security and replays ---------------------------------------------------------------


@pytest.mark.rasa
@pytest.mark.parametrize("secret", ["wrong-secret-0123456789", None, ""])
async def test_a_webhook_call_without_the_right_secret_is_refused_and_not_processed(
    client: httpx.AsyncClient, fake: FakeTelegram, settings: Settings, secret: str | None
) -> None:
    response = await post(client, text_update("/start"), secret=secret)
    assert response.status_code == 403
    assert fake.sent() == []
    assert rows(settings, Contact) == []


@pytest.mark.rasa
async def test_a_replayed_update_is_processed_once(
    client: httpx.AsyncClient, fake: FakeTelegram, settings: Settings
) -> None:
    update = text_update("/start")
    first = await post(client, update)
    sent = len(fake.sent())
    again = await post(client, update)
    assert (first.status_code, again.status_code) == (200, 200)
    assert sent == 2
    assert len(fake.sent()) == sent
    assert len(rows(settings, InboundMessage)) == 1


@pytest.mark.rasa
async def test_edited_messages_and_group_chats_are_not_conversations(
    client: httpx.AsyncClient, fake: FakeTelegram, settings: Settings
) -> None:
    edited = text_update("bonjour")
    edited["edited_message"] = edited.pop("message")
    await post(client, edited)
    await post(client, text_update("bonjour", chat_id=-100200, chat_type="group"))
    assert fake.sent() == []
    assert rows(settings, Contact) == []


@pytest.mark.rasa
async def test_added_to_a_group_the_bot_says_it_talks_in_private_and_leaves(
    client: httpx.AsyncClient, fake: FakeTelegram
) -> None:
    group = {"id": -100300, "type": "supergroup", "title": "Entrepreneurs"}
    status = {"user": {"id": 777000111, "is_bot": True, "first_name": "Passerelle"}}
    update = {
        "update_id": next(_update_ids),
        "my_chat_member": {
            "chat": group,
            "from": _user(PERSON, "en"),
            "date": int(time.time()),
            "old_chat_member": {**status, "status": "left"},
            "new_chat_member": {**status, "status": "member"},
        },
    }
    assert (await post(client, update)).status_code == 200
    (note,) = fake.sent()
    assert int(note.params["chat_id"]) == -100300
    assert shown(note.params) == catalog().text("en", "channel.group_note")
    (left,) = fake.sent("leaveChat")
    assert int(left.params["chat_id"]) == -100300


# Delivery problems --------------------------------------------------------------------------


@pytest.mark.rasa
async def test_a_person_who_blocked_the_bot_is_marked_unreachable_until_they_write_again(
    client: httpx.AsyncClient, fake: FakeTelegram, settings: Settings
) -> None:
    fake.blocked_chats.add(PERSON)
    assert (await post(client, text_update("/start"))).status_code == 200
    assert len(fake.sent()) == 1  # refused once; the rest is not attempted
    (contact,) = rows(settings, Contact)
    assert contact.unreachable_at is not None
    assert contact.reply_address is not None
    assert str(PERSON) not in contact.reply_address  # encrypted at rest
    fake.blocked_chats.clear()
    await post(client, text_update("/menu"))
    (contact,) = rows(settings, Contact)
    assert contact.unreachable_at is None


@pytest.mark.rasa
async def test_a_429_is_waited_out_and_the_message_arrives_once(
    client: httpx.AsyncClient, fake: FakeTelegram
) -> None:
    fake.throttle["sendMessage"] = 1
    started = time.monotonic()
    assert (await post(client, text_update("/start"))).status_code == 200
    assert time.monotonic() - started >= 1.0  # retry_after honoured
    texts = [shown(c.params) for c in fake.sent()]
    greeting = catalog().text("fr", "greeting")
    assert texts == [greeting, greeting, catalog().text("fr", "menu.prompt")]  # 429, then sent


@pytest.mark.rasa
async def test_nothing_is_lost_while_telegram_is_unreachable(
    client: httpx.AsyncClient, fake: FakeTelegram, settings: Settings
) -> None:
    fake.unreachable["sendMessage"] = 100
    assert (await post(client, text_update("/start"))).status_code == 200
    assert fake.sent() == []
    assert [row.sent_at for row in rows(settings, OutboxMessage)] == [None, None]
    fake.unreachable.clear()

    class Later:
        def now(self) -> datetime:
            return datetime.now(UTC) + timedelta(minutes=1)

    channel: TelegramChannel = client._transport.app.state.runtime.telegram  # type: ignore[attr-defined]
    engine = make_engine(settings.effective_database_url)
    retry = OutboxRetry(build_store(settings, engine), Later())
    assert await retry.run_once("telegram", channel.sender) == 2
    engine.dispose()
    assert [shown(c.params) for c in fake.sent()] == [
        catalog().text("fr", "greeting"),
        catalog().text("fr", "menu.prompt"),
    ]
    assert all(row.sent_at is not None for row in rows(settings, OutboxMessage))


@pytest.mark.rasa
async def test_the_token_never_appears_in_a_log_line(
    client: httpx.AsyncClient, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.unreachable["sendMessage"] = 100
    await post(client, text_update("/start"))
    assert caplog.records
    assert all(TOKEN not in record.getMessage() for record in caplog.records)
    assert all(TOKEN not in str(record.exc_info) for record in caplog.records)


# Polling ------------------------------------------------------------------------------------


@pytest.mark.rasa
async def test_without_a_webhook_url_the_bot_polls_for_updates(
    tmp_path: Path,
    rasa_server: RasaServer,  # noqa: F811
    fake: FakeTelegram,
) -> None:
    settings = _settings(
        tmp_path,
        rasa_server.url,
        fake,
        rasa_token=rasa_server.token,
        telegram_webhook_url=None,
        telegram_webhook_secret=None,
    )
    fake.updates.append(text_update("/start", language_code="en"))
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        deadline = time.monotonic() + 10
        while len(fake.sent()) < 2 and time.monotonic() < deadline:
            await _pause()
    assert [shown(c.params) for c in fake.sent()] == [
        catalog().text("en", "greeting"),
        catalog().text("en", "menu.prompt"),
    ]
    assert fake.sent("setWebhook") == []
    assert fake.sent("deleteWebhook")


async def _pause() -> None:
    await asyncio.sleep(0.05)


async def test_a_token_telegram_refuses_stops_the_start_with_a_clear_message(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    # Rasa is not asked anything at start: no server is needed here.
    settings = _settings(
        tmp_path, "http://127.0.0.1:9", fake, telegram_token="999:not-the-fakes-token"
    )
    app = create_app(settings)
    with pytest.raises(TelegramSetupError, match="TELEGRAM_TOKEN"):
        async with app.router.lifespan_context(app):
            pass


# Handoff ------------------------------------------------------------------------------------


async def test_a_staff_reply_from_the_console_reaches_the_person_on_telegram(
    client: httpx.AsyncClient, fake: FakeTelegram, settings: Settings
) -> None:
    """The console stores the reply; the app's own relay loop delivers it on Telegram."""
    from adapters.db.database import make_sessions
    from adapters.db.handoff_store import Actor, SqlHandoffStore
    from adapters.db.models import Handoff, Organisation
    from adapters.db.staff_accounts import SqlStaffAccounts

    await post(client, text_update("/human"))
    await post(client, press_update("ho:d:microstart", message_id=1))
    await post(client, text_update("Bonjour, j'ai une question"))
    engine = make_engine(settings.effective_database_url)
    sessions = make_sessions(engine)
    with sessions() as db:
        handoff = db.scalars(select(Handoff)).one()
        organisation = db.scalars(
            select(Organisation).where(Organisation.id == handoff.organisation_id)
        ).one()
        handoff_id = handoff.id
    assert organisation.code == "microstart"
    account = SqlStaffAccounts(sessions).add(
        "adviser@microstart.test", "microstart", "adviser", "x", "fr", datetime.now(UTC)
    )
    staff = Actor(account.id, organisation.id)
    assert SqlHandoffStore(sessions).reply(
        staff, handoff_id, "Bonjour, ici Amina", datetime.now(UTC)
    )
    deadline = time.monotonic() + 10
    while not any("Bonjour, ici Amina" in t for t in fake.texts(PERSON)):
        assert time.monotonic() < deadline, f"not relayed: {fake.texts(PERSON)[-2:]}"
        await asyncio.sleep(0.1)
    assert fake.texts(PERSON)[-1] == "microStart :\nBonjour, ici Amina"
    engine.dispose()
