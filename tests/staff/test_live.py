"""Live updates: the change feed of an organisation moves when its handoffs or their
messages change, whoever writes them, and not for another organisation's. PostgreSQL: the
trigger's NOTIFY through LISTEN; SQLite: polling."""

from __future__ import annotations

from collections.abc import Callable

import anyio
import pytest
from sqlalchemy import Engine

from adapters.db.database import make_sessions
from adapters.db.handoff_store import Actor, SqlHandoffStore
from adapters.staff.live import CHANGED, READY, ChangeFeed, PollingChangeFeed, change_feed
from tests.conftest import DATABASES
from tests.staff.world import NOW, Side, add_handoff

pytestmark = pytest.mark.parametrize("database_url", DATABASES, indirect=True)
PATIENCE = 3.0


def fast_feed(db: Engine) -> ChangeFeed:
    feed = change_feed(db)
    if isinstance(feed, PollingChangeFeed):
        feed = PollingChangeFeed(db, every=0.05)
    return feed


async def moved_after(db: Engine, organisation_id: int, write: Callable[[], object]) -> bool:
    """Whether the organisation's feed says CHANGED within PATIENCE seconds after ``write``,
    written once the feed said READY."""
    changes = fast_feed(db).changes(organisation_id)
    moved = False
    with anyio.move_on_after(PATIENCE):
        assert await anext(changes) == READY
        await anyio.to_thread.run_sync(write)
        moved = await anext(changes) == CHANGED
    await changes.aclose()  # type: ignore[attr-defined]
    return moved


async def test_a_new_handoff_moves_its_organisations_feed(
    db: Engine, world: tuple[Side, Side]
) -> None:
    first, _ = world
    org = first.organisation_id
    assert await moved_after(db, org, lambda: add_handoff(db, org, "new-person"))


async def test_another_organisations_handoff_does_not(
    db: Engine, world: tuple[Side, Side]
) -> None:
    first, second = world
    other = second.organisation_id
    assert not await moved_after(
        db, first.organisation_id, lambda: add_handoff(db, other, "elsewhere")
    )


async def test_a_staff_note_moves_the_feed(db: Engine, world: tuple[Side, Side]) -> None:
    first, _ = world
    store = SqlHandoffStore(make_sessions(db))
    actor = Actor(1, first.organisation_id)
    assert await moved_after(
        db, first.organisation_id, lambda: store.note(actor, first.handoff_id, "vu", NOW)
    )
