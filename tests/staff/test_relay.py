"""The relay port: staff replies and closes reach the conversation in order, once, and stay
pending while the relay fails (or is not wired yet)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from adapters.db.database import make_sessions
from adapters.db.handoff_store import Actor, SqlHandoffStore
from adapters.db.relay_store import PendingStaffAction, SqlRelayStore
from adapters.staff.relay import RelayFailed, UnwiredRelay, relay_pending
from tests.conftest import DATABASES
from tests.staff.world import NOW, MovableClock, Side

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)


class RecordingRelay:
    def __init__(self, fail_on: str | None = None) -> None:
        self.seen: list[tuple[str, str, str]] = []
        self.fail_on = fail_on

    async def relay_staff_reply(self, action: PendingStaffAction) -> None:
        if action.text == self.fail_on:
            raise RelayFailed("channel down")
        self.seen.append((action.contact_key, action.action, action.text))


def staff_acts(db: Engine, side: Side) -> None:
    store = SqlHandoffStore(make_sessions(db))
    actor = Actor(1, side.organisation_id)
    store.reply(actor, side.handoff_id, "premier", NOW)
    store.note(actor, side.handoff_id, "interne", NOW)
    store.reply(actor, side.handoff_id, "second", NOW)
    store.close(actor, side.handoff_id, NOW)


async def test_replies_and_the_close_are_relayed_in_order_and_once(
    db: Engine, world: tuple[Side, Side]
) -> None:
    first, _ = world
    staff_acts(db, first)
    store, relay = SqlRelayStore(make_sessions(db)), RecordingRelay()

    assert await relay_pending(store, relay, MovableClock()) == 3
    assert await relay_pending(store, relay, MovableClock()) == 0
    assert relay.seen == [
        ("key-microstart", "reply", "premier"),
        ("key-microstart", "reply", "second"),
        ("key-microstart", "close", ""),
    ]


async def test_a_failure_stops_the_sweep_so_nothing_overtakes_it(
    db: Engine, world: tuple[Side, Side]
) -> None:
    first, _ = world
    staff_acts(db, first)
    store = SqlRelayStore(make_sessions(db))
    failing = RecordingRelay(fail_on="second")

    assert await relay_pending(store, failing, MovableClock()) == 1
    assert [p.text for p in store.pending()] == ["second", ""]
    assert await relay_pending(store, RecordingRelay(), MovableClock()) == 2


async def test_until_the_engine_is_wired_everything_stays_pending(
    db: Engine, world: tuple[Side, Side]
) -> None:
    first, _ = world
    staff_acts(db, first)
    store = SqlRelayStore(make_sessions(db))
    assert await relay_pending(store, UnwiredRelay(), MovableClock()) == 0
    assert len(store.pending()) == 3


def test_marking_relayed_is_a_compare_and_set(db: Engine, world: tuple[Side, Side]) -> None:
    first, _ = world
    staff_acts(db, first)
    store = SqlRelayStore(make_sessions(db))
    message_id = store.pending()[0].message_id
    assert store.mark_relayed(message_id, NOW) is True
    assert store.mark_relayed(message_id, NOW) is False
