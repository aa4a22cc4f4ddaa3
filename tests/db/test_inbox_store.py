"""The inbox on SQLite and PostgreSQL: stored once per message id, encrypted, deleted when done."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select

from adapters.crypto import AddressCipher
from adapters.db.database import make_sessions
from adapters.db.inbox_store import SqlInboxStore
from adapters.db.models import DeliveryStatus, InboxMessage
from bot.engine.messages import Inbound
from bot.privacy.pseudonym import message_key
from tests.conftest import DATABASES
from tests.support.builders import TEST_ENCRYPTION_KEY, TEST_SECRET

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
PHONE = "32470123456"


def inbox(db: Engine) -> SqlInboxStore:
    return SqlInboxStore(make_sessions(db), AddressCipher(TEST_ENCRYPTION_KEY), TEST_SECRET)


def message(message_id: str, text: str = "bonjour") -> Inbound:
    return Inbound("whatsapp", PHONE, text=text, message_id=message_id, reply_address=PHONE)


async def test_a_message_id_is_stored_once_and_never_in_clear(db: Engine) -> None:
    store = inbox(db)
    assert await store.accept([message("wamid.1"), message("wamid.2")], NOW) == 2
    assert await store.accept([message("wamid.1", "again")], NOW) == 0
    with db.connect() as connection:
        sealed = connection.execute(select(InboxMessage.sealed)).scalars().all()
    assert all(PHONE not in value and "bonjour" not in value for value in sealed)
    waiting = await store.waiting("whatsapp")
    assert [(m.message_id, m.text, m.user_id) for _, m in waiting] == [
        ("wamid.1", "bonjour", PHONE),
        ("wamid.2", "bonjour", PHONE),
    ]
    await store.done(waiting[0][0])
    assert [m.message_id for _, m in await store.waiting("whatsapp")] == ["wamid.2"]


async def test_statuses_are_recorded_without_content(db: Engine) -> None:
    await inbox(db).record_status("whatsapp", "wamid.OUT1", "failed", 131026, NOW)
    with db.connect() as connection:
        row = connection.execute(select(DeliveryStatus)).one()
    assert (row.status, row.error_code) == ("failed", 131026)
    # Only a keyed hash of the platform's id: the same id gives the same hash, no clear text.
    assert row.message_id == message_key(TEST_SECRET, "whatsapp", "wamid.OUT1")
    assert "wamid" not in row.message_id


async def test_inbox_rows_keep_the_message_id_only_as_a_keyed_hash(db: Engine) -> None:
    await inbox(db).accept([message("wamid.HBgLMzI0NzAxMjM0NTY=")], NOW)
    with db.connect() as connection:
        stored = connection.execute(select(InboxMessage.message_id)).scalar_one()
    assert stored == message_key(TEST_SECRET, "whatsapp", "wamid.HBgLMzI0NzAxMjM0NTY=")
    assert len(stored) == 64
