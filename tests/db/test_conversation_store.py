"""The SQL conversation store on SQLite and PostgreSQL: atomic turns, dedup, concurrency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from adapters.db.database import downgrade, migrate
from adapters.db.models import Contact, ConversationSession, Handoff, InboundMessage, OutboxMessage
from bot.engine.events import ContactForgotten, Event, MsgCreated, StatusChanged
from bot.engine.inputs import LanguageSource
from bot.engine.messages import Button, Outbound
from bot.engine.session import Session, SessionStatus
from bot.ports import ConcurrentTurn, DuplicateInbound, TurnRecord
from tests.conftest import DATABASES
from tests.support import builders

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
HELLO = Outbound("Bonjour", "fr", (Button("Menu", "cmd:menu"),))


def record(
    version: int,
    *events: Event,
    message_id: str | None = None,
    key: str = "k" * 64,
    address: str | None = None,
    now: datetime = NOW,
) -> TurnRecord:
    return TurnRecord(
        channel="webchat",
        contact_key=key,
        message_id=message_id,
        expected_version=version,
        session=Session(language="fr", language_source=LanguageSource.DETECTED),
        events=events,
        now=now,
        reply_address=address,
    )


def count(db: Engine, model: type) -> int:
    with db.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


async def test_a_first_turn_creates_contact_session_and_outbox(db: Engine) -> None:
    store = builders.store(db)
    pending = await store.commit_turn(record(0, MsgCreated(HELLO)))
    assert [item.message for item in pending] == [HELLO]
    loaded = await store.load("webchat", "k" * 64, None)
    assert loaded.version == 1
    assert loaded.session is not None
    assert loaded.session.language == "fr"
    assert (count(db, Contact), count(db, ConversationSession), count(db, OutboxMessage)) == (
        1,
        1,
        1,
    )


async def test_mark_sent_records_the_time(db: Engine) -> None:
    store = builders.store(db)
    pending = await store.commit_turn(record(0, MsgCreated(HELLO)))
    await store.mark_sent([item.outbox_id for item in pending if item.outbox_id], NOW)
    with db.connect() as connection:
        assert connection.execute(select(OutboxMessage.sent_at)).scalar_one() == NOW


async def test_a_stale_version_is_a_concurrent_turn_and_writes_nothing(db: Engine) -> None:
    store = builders.store(db)
    await store.commit_turn(record(0))
    await store.commit_turn(record(1))
    with pytest.raises(ConcurrentTurn):
        await store.commit_turn(record(1, MsgCreated(HELLO)))
    assert count(db, OutboxMessage) == 0


async def test_a_platform_message_is_processed_once(db: Engine) -> None:
    store = builders.store(db)
    await store.commit_turn(record(0, MsgCreated(HELLO), message_id="m-1"))
    assert (await store.load("webchat", "k" * 64, "m-1")).already_processed
    with pytest.raises(DuplicateInbound):
        await store.commit_turn(record(1, MsgCreated(HELLO), message_id="m-1"))
    assert count(db, OutboxMessage) == 1


async def test_handing_over_opens_a_handoff_and_coming_back_closes_it(db: Engine) -> None:
    store = builders.store(db)
    await store.commit_turn(record(0, StatusChanged(SessionStatus.HANDED_OVER, "asked")))
    await store.commit_turn(record(1, StatusChanged(SessionStatus.ACTIVE)))
    with db.connect() as connection:
        reason, closed = connection.execute(select(Handoff.reason, Handoff.closed_at)).one()
    assert (reason, closed) == ("asked", NOW)


async def test_forgetting_erases_the_contact_but_still_answers(db: Engine) -> None:
    store = builders.store(db)
    await store.commit_turn(record(0, MsgCreated(HELLO), message_id="m-1"))
    pending = await store.commit_turn(record(1, ContactForgotten(), MsgCreated(HELLO)))
    assert [item.outbox_id for item in pending] == [None]
    assert (count(db, Contact), count(db, ConversationSession), count(db, OutboxMessage)) == (
        0,
        0,
        0,
    )
    with db.connect() as connection:
        assert connection.execute(select(InboundMessage.contact_id)).scalar_one() is None


async def test_the_reply_address_is_stored_encrypted_and_given_back_for_retries(
    db: Engine,
) -> None:
    store = builders.store(db)
    await store.commit_turn(record(0, MsgCreated(HELLO), address="+32470123456"))
    with db.connect() as connection:
        stored = connection.execute(select(Contact.reply_address)).scalar_one()
    assert stored is not None
    assert "32470123456" not in stored
    (waiting,) = await store.undelivered(
        "webchat", NOW - timedelta(days=1), NOW + timedelta(seconds=1), 10
    )
    assert (waiting.address, waiting.message, waiting.contact_key) == (
        "+32470123456",
        HELLO,
        "k" * 64,
    )


async def test_sent_messages_and_unreachable_contacts_are_not_retried(db: Engine) -> None:
    store = builders.store(db)
    window = (NOW - timedelta(days=1), NOW + timedelta(seconds=1), 10)
    first = await store.commit_turn(record(0, MsgCreated(HELLO), address="1", key="a" * 64))
    await store.commit_turn(record(0, MsgCreated(HELLO), address="2", key="b" * 64))
    await store.mark_sent([item.outbox_id for item in first if item.outbox_id], NOW)
    assert [w.address for w in await store.undelivered("webchat", *window)] == ["2"]
    await store.mark_unreachable("webchat", "b" * 64, NOW)
    assert await store.undelivered("webchat", *window) == []
    await store.commit_turn(record(1, key="b" * 64))  # they write again
    assert [w.address for w in await store.undelivered("webchat", *window)] == ["2"]


async def test_contacts_silent_past_the_retention_period_are_erased(db: Engine) -> None:
    store = builders.store(db)
    old = NOW - timedelta(days=200)
    await store.commit_turn(record(0, MsgCreated(HELLO), key="o" * 64, address="1", now=old))
    await store.commit_turn(record(0, MsgCreated(HELLO), key="n" * 64, address="2"))
    assert (await store.purge(NOW - timedelta(days=180), NOW)).contacts == 1
    with db.connect() as connection:
        assert connection.execute(select(Contact.key)).scalars().all() == ["n" * 64]
    assert count(db, OutboxMessage) == 1


def test_migrations_go_down_to_nothing_and_up_again(database_url: str, db: Engine) -> None:
    downgrade(database_url)
    assert "contact" not in _tables(db)
    migrate(database_url)
    assert {"contact", "session", "outbox", "inbound_message", "handoff"} <= _tables(db)


def _tables(db: Engine) -> set[str]:
    from sqlalchemy import inspect

    return set(inspect(db).get_table_names())
