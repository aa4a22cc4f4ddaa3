"""The web chat API end to end: the real app, the real Rasa server, a real SQLite database."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from adapters.app import create_app
from adapters.db.database import make_engine
from adapters.db.models import Contact, OutboxMessage
from adapters.rasa_process import RasaServer
from adapters.settings import Settings
from tests.support.builders import TEST_SECRET, catalog
from tests.support.rasa_server import rasa_server  # noqa: F401 - the session fixture

API = "/webchat/api/messages"


@pytest.fixture
def settings(tmp_path: Path, rasa_server: RasaServer) -> Settings:  # noqa: F811
    return Settings(
        var_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'webchat.sqlite3'}",
        rasa_url=rasa_server.url,
        rasa_token=rasa_server.token,
        secret_key=TEST_SECRET,
        encryption_key="A" * 43 + "=",
        webchat_rate_per_minute=10,
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


def _stored_rows(settings: Settings) -> tuple[int, int]:
    engine = make_engine(settings.effective_database_url)
    with engine.connect() as connection:
        contacts = connection.execute(select(func.count()).select_from(Contact)).scalar_one()
        outbox = connection.execute(select(func.count()).select_from(OutboxMessage)).scalar_one()
    engine.dispose()
    return contacts, outbox


@pytest.mark.rasa
@pytest.mark.parametrize(
    ("text", "lang"), [("bonjour", "fr"), ("hallo", "nl"), ("hello", "en"), ("salut ca va", "fr")]
)
async def test_a_greeting_is_answered_with_the_menu_in_the_persons_language(
    client: httpx.AsyncClient, text: str, lang: str
) -> None:
    response = await client.post(API, json={"user": "demo-user-1-abcdefghijkl", "text": text})
    assert response.status_code == 200
    messages = response.json()["messages"]
    assert [m["text"] for m in messages] == [
        catalog().text(lang, "greeting"),
        catalog().text(lang, "menu.prompt"),
    ]
    titles = [b["title"] for b in messages[-1]["buttons"]]
    assert titles == [
        catalog().text(lang, f"menu.{item}")
        for item in ("prequalification", "schemes", "appointment", "events", "human", "language")
    ]
    assert messages[-1]["dir"] == "ltr"


@pytest.mark.rasa
async def test_a_button_payload_needs_no_nlu_and_the_language_sticks(
    client: httpx.AsyncClient,
) -> None:
    await client.post(API, json={"user": "demo-user-2-abcdefghijkl", "payload": "lang:nl"})
    response = await client.post(API, json={"user": "demo-user-2-abcdefghijkl", "text": "bonjour"})
    assert response.json()["messages"][0]["text"] == catalog().text("nl", "greeting")


@pytest.mark.rasa
async def test_the_human_intent_hands_over(client: httpx.AsyncClient) -> None:
    response = await client.post(
        API, json={"user": "demo-user-3-abcdefghijkl", "text": "je veux parler a une personne"}
    )
    first = response.json()["messages"][0]
    assert first["text"].startswith(catalog().text("fr", "handoff.choose_desk"))
    assert first["buttons"][0]["payload"] == "ho:d:microstart"


BAD_BODIES = [
    pytest.param(
        b'{"user": "demo-user-1-abcdefghijkl"}', "exactly one of text and payload", id="neither"
    ),
    pytest.param(
        b'{"user": "demo-user-1-abcdefghijkl", "text": "a", "payload": "b"}',
        "exactly one of text and payload",
        id="both",
    ),
    pytest.param(b'{"user": "bad id!", "text": "bonjour"}', "user must be", id="invalid-user"),
    pytest.param(b'{"user": "short", "text": "bonjour"}', "user must be", id="short-user"),
    pytest.param(
        b'{"user": "twenty-one-characters", "text": "bonjour"}', "user must be", id="21-chars"
    ),
    pytest.param(
        json.dumps({"user": "demo-user-1-abcdefghijkl", "text": "x" * 100_000}).encode(),
        "too large",
        id="100kB-text",
    ),
    pytest.param(
        json.dumps({"user": "demo-user-1-abcdefghijkl", "text": "x" * 3000}).encode(),
        "too long",
        id="3000-chars",
    ),
    pytest.param(
        b'{"user": "demo-user-1-abcdefghijkl", "text": ', "not valid JSON", id="malformed-json"
    ),
    pytest.param(b"[1, 2]", "JSON object", id="not-an-object"),
    pytest.param(b'{"user": "demo-user-1-abcdefghijkl", "text": "   "}', "empty", id="blank-text"),
    pytest.param(
        b'{"user": "demo-user-1-abcdefghijkl", "text": "hi", "lang": "xx"}',
        "lang must",
        id="bad-lang",
    ),
    pytest.param(
        b'{"user": "demo-user-1-abcdefghijkl", "text": 5}',
        "text must be a string",
        id="text-number",
    ),
    pytest.param(
        b'{"user": "demo-user-1-abcdefghijkl", "text": "a", "admin": 1}',
        "unknown field",
        id="extra",
    ),
]


@pytest.mark.rasa
@pytest.mark.parametrize(("body", "reason"), BAD_BODIES)
async def test_bad_input_is_refused_with_a_reason_and_nothing_is_stored(
    client: httpx.AsyncClient, settings: Settings, body: bytes, reason: str
) -> None:
    response = await client.post(API, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert _stored_rows(settings) == (0, 0)


@pytest.mark.rasa
async def test_too_many_messages_from_one_person_get_429(client: httpx.AsyncClient) -> None:
    statuses = [
        (
            await client.post(
                API, json={"user": "demo-user-4-abcdefghijkl", "payload": "cmd:menu"}
            )
        ).status_code
        for _ in range(12)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429, 429]


@pytest.mark.rasa
async def test_health_reports_database_and_nlu(client: httpx.AsyncClient) -> None:
    for path in ("/healthz", "/readyz"):
        response = await client.get(path)
        assert (response.status_code, response.json()) == (200, {"database": "ok", "nlu": "ok"})


@pytest.mark.rasa
async def test_the_chat_page_is_served_with_a_strict_content_security_policy(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/chat")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "/chat/static/chat.js" in page.text
    script = await client.get("/chat/static/chat.js")
    assert script.status_code == 200
    assert "/webchat/api/messages" in script.text


# The pull endpoint: what reaches the page without a request of its own ----------------------


async def test_staff_replies_are_pulled_once_acknowledged_by_the_cursor(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    import asyncio
    from datetime import UTC, datetime

    from adapters.db.database import make_sessions
    from adapters.db.handoff_store import Actor, SqlHandoffStore
    from adapters.db.models import Handoff
    from adapters.db.staff_accounts import SqlStaffAccounts

    user = "demo-user-pull-abcdefghijkl"
    header = {"X-Passerelle-User": user}
    await client.post(API, json={"user": user, "text": "/human"})
    await client.post(API, json={"user": user, "payload": "ho:d:microstart"})
    empty = (await client.get(API, headers=header)).json()
    assert empty["messages"] == [], "what the page got in its own answers is not pulled again"

    engine = make_engine(settings.effective_database_url)
    sessions = make_sessions(engine)
    with sessions() as db:
        handoff = db.scalars(select(Handoff)).one()
        organisation_id, handoff_id = handoff.organisation_id, handoff.id
    assert organisation_id is not None
    now = datetime.now(UTC)
    account = SqlStaffAccounts(sessions).add(
        "a@microstart.test", "microstart", "adviser", "x", "fr", now
    )
    SqlHandoffStore(sessions).reply(
        Actor(account.id, organisation_id), handoff_id, "Bonjour !", now
    )
    engine.dispose()

    for _ in range(50):  # the app's relay job runs every second
        pulled = (await client.get(API, params={"after": empty["cursor"]}, headers=header)).json()
        if pulled["messages"]:
            break
        await asyncio.sleep(0.1)
    assert [m["text"] for m in pulled["messages"]] == ["microStart :\nBonjour !"]
    again = (await client.get(API, params={"after": empty["cursor"]}, headers=header)).json()
    assert again == pulled, "a lost answer is asked again with the same cursor"
    after = (await client.get(API, params={"after": pulled["cursor"]}, headers=header)).json()
    assert after == {"messages": [], "cursor": pulled["cursor"]}
    by_query = (await client.get(API, params={"user": user, "after": pulled["cursor"]})).json()
    assert by_query["messages"] == []


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ({"after": "0"}, "user must be"),
        ({"user": "short", "after": "0"}, "user must be"),
        ({"user": "demo-user-pull-abcdefghijkl", "after": "-1"}, "after must be"),
    ],
)
async def test_a_bad_pull_is_refused(
    client: httpx.AsyncClient, query: dict[str, str], reason: str
) -> None:
    response = await client.get(API, params=query)
    assert response.status_code == 400
    assert reason in response.json()["error"]
