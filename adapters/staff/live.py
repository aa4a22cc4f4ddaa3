"""Live updates of the console: one small interface, two ways to know that something of an
organisation's handoffs changed.

- PostgreSQL: LISTEN on ``passerelle_staff``; a trigger (migration 0007) notifies it with the
  organisation id on every insert or update of a handoff or a handoff message, whichever
  process or code path wrote it. Each open console page holds one listening connection.
- SQLite (one process): polling a cheap fingerprint of the organisation's handoffs.

A feed says READY once it listens (nothing written after that is missed), then CHANGED each
time. The browser is told only that and fetches its fragment again through the usual,
organisation-scoped pages; no data travels on the event stream.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

import anyio
import anyio.to_thread
import psycopg
from sqlalchemy import Engine, func, select

from adapters.db.models import Handoff, HandoffMessage

CHANNEL = "passerelle_staff"
POLL_SECONDS = 1.0
READY, CHANGED = "ready", "changed"


class ChangeFeed(Protocol):
    def changes(self, organisation_id: int) -> AsyncIterator[str]:
        """READY once listening, then CHANGED each time this organisation's handoffs or their
        messages may have changed."""
        ...


class PollingChangeFeed:
    def __init__(self, engine: Engine, every: float = POLL_SECONDS) -> None:
        self._engine = engine
        self._every = every

    def _fingerprint(self, organisation_id: int) -> tuple[object, ...]:
        with self._engine.connect() as connection:
            handoffs = connection.execute(
                select(
                    func.count(Handoff.id), func.max(Handoff.id), func.max(Handoff.updated_at)
                ).where(Handoff.organisation_id == organisation_id)
            ).one()
            last_message = connection.scalar(
                select(func.max(HandoffMessage.id))
                .join(Handoff, Handoff.id == HandoffMessage.handoff_id)
                .where(Handoff.organisation_id == organisation_id)
            )
        return (*handoffs, last_message)

    async def changes(self, organisation_id: int) -> AsyncIterator[str]:
        last = await anyio.to_thread.run_sync(self._fingerprint, organisation_id)
        yield READY
        while True:
            await anyio.sleep(self._every)
            current = await anyio.to_thread.run_sync(self._fingerprint, organisation_id)
            if current != last:
                last = current
                yield CHANGED


class PostgresChangeFeed:
    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo

    async def changes(self, organisation_id: int) -> AsyncIterator[str]:
        wanted = str(organisation_id)
        async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as db:
            await db.execute(f"LISTEN {CHANNEL}")
            yield READY
            async for notice in db.notifies():
                if notice.payload == wanted:
                    yield CHANGED


def change_feed(engine: Engine) -> ChangeFeed:
    if engine.dialect.name == "postgresql":
        url = engine.url.set(drivername="postgresql")
        return PostgresChangeFeed(url.render_as_string(hide_password=False))
    return PollingChangeFeed(engine)
