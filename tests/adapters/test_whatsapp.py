"""The WhatsApp channel end to end: the real app and HTTP client, the real Rasa server, a real
SQLite database, and a fake Graph API on 127.0.0.1; webhooks signed like Meta's."""

from __future__ import annotations

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
from sqlalchemy import select, update

from adapters.app import build_booking_store, create_app
from adapters.db.database import make_engine
from adapters.db.models import Contact, DeliveryStatus, InboundMessage, InboxMessage
from adapters.rasa_process import RasaServer
from adapters.settings import Settings
from adapters.whatsapp import WhatsAppChannel
from bot.booking.reminders import REMINDER_OFFSETS, ReminderSweeper
from bot.privacy.pseudonym import message_key
from tests.support.builders import TEST_ENCRYPTION_KEY, TEST_SECRET, catalog, load_demo_data
from tests.support.fake_graph import PHONE_NUMBER_ID, FakeGraph, fake_graph, signed
from tests.support.rasa_server import rasa_server  # noqa: F401 - the session fixture

TOKEN = "EAAG-test-token"
APP_SECRET = "app-secret-for-tests"
VERIFY_TOKEN = "verify-token-for-tests"
PHONE = "32470123456"
TRANSCRIPTS = Path(__file__).resolve().parent.parent / "transcripts"
_ids = itertools.count(1)

pytestmark = pytest.mark.rasa


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    async with fake_graph(TOKEN) as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, rasa_server: RasaServer, graph: FakeGraph) -> Settings:  # noqa: F811
    return Settings(
        var_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'whatsapp.sqlite3'}",
        rasa_url=rasa_server.url,
        rasa_token=rasa_server.token,
        secret_key=TEST_SECRET,
        encryption_key=TEST_ENCRYPTION_KEY,
        whatsapp_token=TOKEN,
        whatsapp_phone_number_id=PHONE_NUMBER_ID,
        whatsapp_app_secret=APP_SECRET,
        whatsapp_verify_token=VERIFY_TOKEN,
        whatsapp_api_base_url=graph.url,
        public_base_url="https://passerelle.example",
    )


class Client:
    def __init__(self, http: httpx.AsyncClient, channel: WhatsAppChannel) -> None:
        self.http = http
        self.channel = channel

    async def post(self, body: dict[str, Any], secret: str = APP_SECRET) -> httpx.Response:
        raw, headers = signed(body, secret)
        response = await self.http.post("/whatsapp/webhook", content=raw, headers=headers)
        await self.channel.idle()
        return response


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Client]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            channel = app.state.runtime.whatsapp
            assert channel is not None
            yield Client(http, channel)


def webhook(message: dict[str, Any], contact: dict[str, Any] | None = None) -> dict[str, Any]:
    sender = contact or {"profile": {"name": "A"}, "wa_id": PHONE}
    message = {
        "from": sender.get("wa_id") or sender.get("user_id"),
        "timestamp": str(int(time.time())),
        **message,
    }
    message.setdefault("id", f"wamid.IN{next(_ids):06d}")
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "3225550000",
                                "phone_number_id": PHONE_NUMBER_ID,
                            },
                            "contacts": [sender],
                            "messages": [message],
                        },
                    }
                ],
            }
        ],
    }


def text(body: str, **kwargs: Any) -> dict[str, Any]:
    return webhook({"type": "text", "text": {"body": body}}, **kwargs)


def reply(choice_id: str, title: str, kind: str) -> dict[str, Any]:
    return webhook(
        {
            "type": "interactive",
            "interactive": {"type": kind, kind: {"id": choice_id, "title": title}},
        }
    )


def shown(body: dict[str, Any]) -> str | None:
    """The words a person reads in a message body (a list's further pages say "more")."""
    if body.get("type") == "text":
        return str(body["text"]["body"])
    if body.get("type") == "interactive":
        return str(body["interactive"]["body"]["text"])
    return None


def choices(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(id, title, kind) of the choices in an interactive body."""
    if body.get("type") != "interactive":
        return []
    interactive = body["interactive"]
    if interactive["type"] == "button":
        return [
            (b["reply"]["id"], b["reply"]["title"], "button_reply")
            for b in interactive["action"]["buttons"]
        ]
    return [
        (row["id"], row["title"], "list_reply")
        for section in interactive["action"]["sections"]
        for row in section["rows"]
    ]


def rows(settings: Settings, model: type) -> list[Any]:
    engine = make_engine(settings.effective_database_url)
    with engine.connect() as connection:
        found: list[Any] = list(connection.execute(select(model)).all())
    engine.dispose()
    return found


# Webhook security ---------------------------------------------------------------------------


async def test_the_verification_handshake_echoes_the_challenge_only_with_the_right_token(
    client: Client,
) -> None:
    params = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    good = await client.http.get("/whatsapp/webhook", params=params)
    bad = await client.http.get("/whatsapp/webhook", params={**params, "hub.verify_token": "nope"})
    assert (good.status_code, good.text) == (200, "1158201444")
    assert bad.status_code == 403


@pytest.mark.parametrize("secret", ["wrong-secret", ""])
async def test_a_wrongly_signed_or_unsigned_call_is_refused_and_nothing_is_stored(
    client: Client, graph: FakeGraph, settings: Settings, secret: str
) -> None:
    body = text("bonjour")
    if secret:
        response = await client.post(body, secret=secret)
    else:
        response = await client.http.post("/whatsapp/webhook", json=body)
    assert response.status_code == 403
    assert graph.sent == []
    assert rows(settings, InboxMessage) == []
    assert rows(settings, Contact) == []


# Conversations ------------------------------------------------------------------------------


async def test_a_full_pre_qualification_with_buttons_and_lists(
    client: Client, graph: FakeGraph, settings: Settings
) -> None:
    """The French button transcript, over WhatsApp: the same words; two or three choices as
    reply buttons, more as lists (more than ten as several lists)."""
    document = yaml.safe_load((TRANSCRIPTS / "prequalification.yml").read_text(encoding="utf-8"))
    turns = next(
        c["turns"] for c in document["cases"]
        if c["name"] == "the full pre-qualification by buttons, in French"
    )  # fmt: skip
    offered: list[tuple[str, str, str]] = []
    kinds_seen = set()
    for number, turn in enumerate(turns, start=1):
        before = len(graph.to(PHONE))
        if "press" in turn:
            choice_id, _title, kind = next(c for c in offered if c[1] == turn["press"])
            kinds_seen.add(kind)
            response = await client.post(reply(choice_id, turn["press"], kind))
        else:
            response = await client.post(text(str(turn["text"])))
        assert response.status_code == 200
        got = graph.to(PHONE)[before:]
        first_pages = [shown(b) for b in got if shown(b) != catalog().text("fr", "whatsapp.more")]
        assert first_pages == [e["text"] for e in turn["expect"]], f"turn {number}"
        offered = [c for b in got for c in choices(b)]
        expected_titles = [t for e in turn["expect"] for t in e.get("buttons", [])]
        assert [c[1] for c in offered] == expected_titles, f"turn {number}"
        assert all(
            len(c) <= 3
            for c in [
                b["interactive"]["action"].get("buttons", [])
                for b in got
                if b.get("type") == "interactive"
            ]
        )
    assert kinds_seen == {"button_reply", "list_reply"}
    reads = [b for b in graph.sent if b.get("status") == "read"]
    assert len(reads) == len(turns)  # every message marked as read
    (contact,) = rows(settings, Contact)
    assert PHONE not in contact.key
    assert contact.reply_address is not None
    assert PHONE not in contact.reply_address


async def test_a_voice_note_gets_a_kind_answer_and_the_offer_of_a_person(
    client: Client, graph: FakeGraph
) -> None:
    voice = webhook(
        {"type": "audio", "audio": {"id": "1", "mime_type": "audio/ogg", "voice": True}}
    )
    assert (await client.post(voice)).status_code == 200
    (answer,) = graph.to(PHONE)
    assert shown(answer) == catalog().text("fr", "media.unsupported")
    assert [c[:2] for c in choices(answer)] == [
        ("ho:go:media", catalog().text("fr", "menu.human")),
        ("cmd:menu", catalog().text("fr", "flow.menu")),
    ]


async def test_a_replayed_delivery_is_processed_once(
    client: Client, graph: FakeGraph, settings: Settings
) -> None:
    body = text("bonjour")
    await client.post(body)
    sent = len(graph.to(PHONE))
    again = await client.post(body)
    assert again.status_code == 200
    assert sent == 2
    assert len(graph.to(PHONE)) == sent
    assert len(rows(settings, InboundMessage)) == 1
    assert rows(settings, InboxMessage) == []  # processed rows are not kept


async def test_forget_asks_then_its_last_message_is_delivered_though_the_contact_is_gone(
    client: Client, graph: FakeGraph, settings: Settings
) -> None:
    await client.post(text("/start"))
    await client.post(text("/forget"))
    (asked,) = graph.to(PHONE)[-1:]
    assert shown(asked) == catalog().text("fr", "forget.confirm")
    assert [c[0] for c in choices(asked)] == ["cmd:forget_yes", "cmd:forget_no"]
    await client.post(
        reply("cmd:forget_yes", catalog().text("fr", "forget.confirm_erase"), "button_reply")
    )
    assert shown(graph.to(PHONE)[-1]) == catalog().text("fr", "forget.done")
    assert rows(settings, Contact) == []
    # Only keyed hashes of WhatsApp's message ids, with no link to anyone, remain.
    kept = rows(settings, InboundMessage)
    assert {row.contact_id for row in kept} == {None}
    assert all("wamid" not in row.message_id for row in kept)


async def test_a_person_known_only_by_a_business_scoped_id_is_answered_on_it(
    client: Client, graph: FakeGraph, settings: Settings
) -> None:
    bsuid = "BE.1a2b3c4d5e6f"
    await client.post(text("/start", contact={"profile": {"name": "A"}, "user_id": bsuid}))
    assert [shown(b) for b in graph.to(bsuid)] == [
        catalog().text("fr", "greeting"),
        catalog().text("fr", "menu.prompt"),
    ]


async def test_status_callbacks_are_recorded_without_content_and_unknown_payloads_ignored(
    client: Client, settings: Settings
) -> None:
    status = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "3225550000", "phone_number_id": PHONE_NUMBER_ID},
            "statuses": [{"id": "wamid.OUT000001", "status": "failed", "timestamp": "1",
                          "recipient_id": PHONE, "errors": [{"code": 131026, "title": "x"}]}],
        }}]}],
    }  # fmt: skip
    assert (await client.post(status)).status_code == 200
    assert (await client.post({"object": "page", "entry": []})).status_code == 200
    ((recorded,),) = [
        [(r.message_id, r.status, r.error_code) for r in rows(settings, DeliveryStatus)]
    ]
    key = message_key(settings.required_secret_key, "whatsapp", "wamid.OUT000001")
    assert recorded == (key, "failed", 131026)  # the platform's id only as a keyed hash


# Delivery -----------------------------------------------------------------------------------


async def test_a_429_is_retried_and_the_message_arrives(client: Client, graph: FakeGraph) -> None:
    graph.fail_next[429] = 1
    await client.post(text("/start"))
    assert len(graph.refused) == 1
    assert [shown(b) for b in graph.to(PHONE)] == [
        catalog().text("fr", "greeting"),
        catalog().text("fr", "menu.prompt"),
    ]


async def test_outside_the_window_a_reminder_goes_as_a_template_and_other_messages_wait(
    client: Client, graph: FakeGraph, settings: Settings
) -> None:
    engine = make_engine(settings.effective_database_url)
    load_demo_data(engine)
    await client.post(text("/start"))
    await client.post(reply("menu:appointment", "Un rendez-vous", "list_reply"))
    await client.post(reply("bk:t:financing", "Prêt (microStart)", "list_reply"))
    for _step in ("place", "slot"):
        first = choices(graph.to(PHONE)[-1])[0]
        await client.post(reply(first[0], first[1], first[2]))
    await client.post(reply("bk:y", "Oui, je réserve", "button_reply"))
    booked = [shown(b) for b in graph.to(PHONE) if "MS-" in (shown(b) or "")]
    assert booked  # the confirmation with the reference
    link = shown(graph.to(PHONE)[-2]) or ""
    assert "https://passerelle.example/calendar/booking/MS-" in link
    assert "sig=" in link
    # Two days of silence: the window is closed.
    with engine.begin() as connection:
        connection.execute(
            update(Contact).values(last_seen_at=datetime.now(UTC) - timedelta(days=2))
        )
    channel = client.channel
    before = len(graph.to(PHONE))

    class Later:
        def now(self) -> datetime:
            return datetime.now(UTC) + timedelta(days=30)

    sweeper = ReminderSweeper(
        build_booking_store(settings, engine), {"whatsapp": channel.sender}, catalog(), Later()
    )
    sent = await sweeper.run_once()
    assert 1 <= sent <= len(REMINDER_OFFSETS)  # a 24 h reminder already past is not made
    templates = graph.to(PHONE)[before:]
    assert len(templates) == sent
    assert {b["type"] for b in templates} == {"template"}
    assert templates[0]["template"]["name"] == "passerelle_appointment_reminder"
    assert templates[0]["template"]["language"] == {"code": "fr"}
    values = [p["text"] for p in templates[0]["template"]["components"][0]["parameters"]]
    assert values[0].startswith("MS-")
    from bot.engine.messages import Outbound
    from bot.ports import SendFailed

    with pytest.raises(SendFailed) as held:
        await channel.sender.send(PHONE, [Outbound("Une réponse tardive", "fr")])
    assert held.value.retryable
    engine.dispose()


async def test_when_whatsapp_says_the_window_is_closed_a_template_is_used(
    client: Client, graph: FakeGraph, settings: Settings
) -> None:
    from bot.engine.messages import Outbound

    await client.post(text("/start"))
    graph.free_form_error = 131047
    values = {"reference": "MS-7K4Q", "date": "mardi", "time": "09:00", "place": "Bruxelles"}
    reminder = Outbound(
        "Rappel", "fr", purpose="appointment_reminder", params=tuple(values.items())
    )
    await client.channel.sender.send(PHONE, [reminder])
    assert graph.to(PHONE)[-1]["type"] == "template"


async def test_the_phone_number_never_appears_in_a_log_line(
    client: Client, graph: FakeGraph, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    graph.fail_next[500] = 5
    await client.post(text("bonjour"))
    assert caplog.records
    assert all(PHONE not in record.getMessage() for record in caplog.records)


# Handoff ------------------------------------------------------------------------------------


async def test_a_staff_reply_after_24_hours_goes_as_the_staff_reply_template(
    client: Client, graph: FakeGraph, settings: Settings
) -> None:
    """Two days after the person's last message only a template can reach them: the app's
    relay loop sends the console's reply as ``passerelle_staff_reply``, text included."""
    import asyncio

    from adapters.db.database import make_sessions
    from adapters.db.handoff_store import Actor, SqlHandoffStore
    from adapters.db.models import Handoff
    from adapters.db.staff_accounts import SqlStaffAccounts

    await client.post(text("/human"))
    await client.post(reply("ho:d:microstart", "microStart", "button_reply"))
    await client.post(text("Bonjour, j'ai une question"))
    engine = make_engine(settings.effective_database_url)
    sessions = make_sessions(engine)
    with engine.begin() as connection:
        connection.execute(
            update(Contact).values(last_seen_at=datetime.now(UTC) - timedelta(days=2))
        )
    with sessions() as db:
        handoff = db.scalars(select(Handoff)).one()
        organisation_id, handoff_id = handoff.organisation_id, handoff.id
    assert organisation_id is not None
    account = SqlStaffAccounts(sessions).add(
        "adviser@microstart.test", "microstart", "adviser", "x", "fr", datetime.now(UTC)
    )
    before = len(graph.to(PHONE))
    assert SqlHandoffStore(sessions).reply(
        Actor(account.id, organisation_id),
        handoff_id,
        "Bonjour,\nici Amina. Passez jeudi.",
        datetime.now(UTC),
    )
    deadline = time.monotonic() + 10
    while len(graph.to(PHONE)) == before:
        assert time.monotonic() < deadline, "the reply was not relayed"
        await asyncio.sleep(0.1)
    sent = graph.to(PHONE)[-1]
    assert sent["type"] == "template"
    assert sent["template"]["name"] == "passerelle_staff_reply"
    assert sent["template"]["language"] == {"code": "fr"}
    values = [p["text"] for p in sent["template"]["components"][0]["parameters"]]
    assert values == ["microStart", "Bonjour, ici Amina. Passez jeudi."]
    engine.dispose()
