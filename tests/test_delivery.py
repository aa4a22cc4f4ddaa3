"""The outbox retry sweep: order per person, unreachable people, a channel still down."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from adapters.db.models import OutboxMessage
from bot.delivery import Delivery, OutboxRetry, deliver
from bot.engine.events import MsgCreated
from bot.engine.inputs import LanguageSource
from bot.engine.messages import Outbound
from bot.engine.session import Session
from bot.ports import RecipientUnreachable, SendFailed, TurnRecord
from tests.conftest import DATABASES
from tests.support import builders

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)

WRITTEN = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


class Later:
    def now(self) -> datetime:
        return WRITTEN + timedelta(minutes=5)


class ScriptedChannel:
    def __init__(self, refuse: dict[str, Exception] | None = None) -> None:
        self.refuse = refuse or {}
        self.delivered: list[tuple[str, str]] = []

    async def send(self, address: str, messages: Sequence[Outbound]) -> None:
        if address in self.refuse:
            raise self.refuse[address]
        self.delivered.extend((address, message.text) for message in messages)


async def _written(db: Engine, key: str, address: str, *texts: str) -> None:
    record = TurnRecord(
        channel="telegram",
        contact_key=key * 64,
        message_id=None,
        expected_version=0,
        session=Session(language="fr", language_source=LanguageSource.DETECTED),
        events=tuple(MsgCreated(Outbound(text, "fr")) for text in texts),
        now=WRITTEN,
        reply_address=address,
    )
    await builders.store(db).commit_turn(record)


async def test_waiting_messages_are_delivered_in_order_once(db: Engine) -> None:
    await _written(db, "a", "100", "one", "two")
    await _written(db, "b", "200", "three")
    channel = ScriptedChannel()
    retry = OutboxRetry(builders.store(db), Later())
    assert await retry.run_once("telegram", channel) == 3
    assert channel.delivered == [("100", "one"), ("100", "two"), ("200", "three")]
    assert await retry.run_once("telegram", channel) == 0


async def test_a_person_who_blocked_the_bot_is_skipped_from_then_on(db: Engine) -> None:
    await _written(db, "a", "100", "one")
    await _written(db, "b", "200", "two")
    channel = ScriptedChannel({"100": RecipientUnreachable("blocked")})
    retry = OutboxRetry(builders.store(db), Later())
    assert await retry.run_once("telegram", channel) == 1
    channel.refuse.clear()
    assert await retry.run_once("telegram", channel) == 0
    assert channel.delivered == [("200", "two")]


async def test_a_channel_still_down_keeps_everything_for_the_next_sweep(db: Engine) -> None:
    await _written(db, "a", "100", "one")
    channel = ScriptedChannel({"100": SendFailed("down", retryable=True)})
    retry = OutboxRetry(builders.store(db), Later())
    assert await retry.run_once("telegram", channel) == 0
    channel.refuse.clear()
    assert await retry.run_once("telegram", channel) == 1


async def test_messages_younger_than_the_turn_that_sends_them_are_left_alone(db: Engine) -> None:
    await _written(db, "a", "100", "one")

    class Soon:
        def now(self) -> datetime:
            return WRITTEN + timedelta(seconds=5)

    assert (
        await OutboxRetry(builders.store(db), Soon()).run_once("telegram", ScriptedChannel()) == 0
    )


class _Refusing:
    def __init__(self, failure: Exception | None) -> None:
        self.failure = failure
        self.sent: list[str] = []

    async def send(self, address: str, messages: Sequence[Outbound]) -> None:
        if self.failure is not None:
            raise self.failure
        self.sent += [message.text for message in messages]


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (None, Delivery.DELIVERED),
        (SendFailed("timeout", retryable=True), Delivery.RETRYABLE),
        (SendFailed("message refused", retryable=False), Delivery.PERMANENT),
        (RecipientUnreachable("blocked the bot"), Delivery.UNREACHABLE),
    ],
)
async def test_one_delivery_is_classified_for_every_caller(
    database_url: str, failure: Exception | None, expected: Delivery
) -> None:
    channel = _Refusing(failure)
    assert await deliver(channel, "100", Outbound("bonjour", "fr")) == expected
    assert channel.sent == (["bonjour"] if failure is None else [])


async def test_a_channel_without_a_sender_is_a_permanent_failure(database_url: str) -> None:
    assert await deliver(None, "100", Outbound("bonjour", "fr")) == Delivery.PERMANENT


class CountingChannel(ScriptedChannel):
    def __init__(self, refuse: dict[str, Exception] | None = None) -> None:
        super().__init__(refuse)
        self.attempts: list[str] = []

    async def send(self, address: str, messages: Sequence[Outbound]) -> None:
        self.attempts.append(address)
        await super().send(address, messages)


def _dead_letters(db: Engine) -> list[tuple[str | None, bool]]:
    with db.connect() as connection:
        rows = connection.execute(
            select(OutboxMessage.failed_reason, OutboxMessage.sent_at.is_not(None)).order_by(
                OutboxMessage.id
            )
        ).all()
    return [(reason, bool(sent)) for reason, sent in rows]


async def test_a_poison_row_is_set_aside_once_and_holds_up_nobody(db: Engine) -> None:
    await _written(db, "a", "abc", "one", "two")  # an address the sender chokes on
    await _written(db, "b", "200", "three")
    channel = CountingChannel({"abc": ValueError("invalid literal for int()")})
    retry = OutboxRetry(builders.store(db), Later())
    assert await retry.run_once("telegram", channel) == 1
    assert channel.delivered == [("200", "three")]
    assert _dead_letters(db) == [
        ("unexpected ValueError", False),
        ("unexpected ValueError", False),
        (None, True),
    ]
    attempts = len(channel.attempts)
    assert await retry.run_once("telegram", channel) == 0
    assert len(channel.attempts) == attempts  # classified once: never tried again


async def test_a_permanent_refusal_is_a_dead_letter_with_its_reason(db: Engine) -> None:
    await _written(db, "a", "100", "one")
    channel = CountingChannel(
        {"100": SendFailed("Telegram refused: chat not found", retryable=False)}
    )
    retry = OutboxRetry(builders.store(db), Later())
    assert await retry.run_once("telegram", channel) == 0
    assert _dead_letters(db) == [("Telegram refused: chat not found", False)]


async def test_one_persons_closed_window_never_holds_up_the_next_person(db: Engine) -> None:
    await _written(db, "a", "100", "one", "two")
    await _written(db, "b", "200", "three")
    channel = CountingChannel({"100": SendFailed("outside the 24-hour window", retryable=True)})
    retry = OutboxRetry(builders.store(db), Later())
    assert await retry.run_once("telegram", channel) == 1
    assert channel.delivered == [("200", "three")]
    assert channel.attempts == ["100", "200"]  # "two" waits behind "one": the order is kept
    channel.refuse.clear()
    assert await retry.run_once("telegram", channel) == 2
    assert channel.delivered[1:] == [("100", "one"), ("100", "two")]


async def test_after_three_people_in_a_row_the_channel_is_taken_as_down(db: Engine) -> None:
    for key, address in (("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")):
        await _written(db, key, address, f"to {address}")
    down = SendFailed("down", retryable=True)
    channel = CountingChannel(dict.fromkeys("1234", down))
    assert await OutboxRetry(builders.store(db), Later()).run_once("telegram", channel) == 0
    assert channel.attempts == ["1", "2", "3"]


async def test_an_unexpected_error_of_a_sender_is_classified_permanent(database_url: str) -> None:
    channel = _Refusing(RuntimeError("bug"))
    assert await deliver(channel, "100", Outbound("bonjour", "fr")) == Delivery.PERMANENT
