"""What the web chat page has not received yet: messages of turns it did not cause (a staff
reply, the bot resuming after staff closed), waiting unsent in the outbox.

The page pulls with a cursor, the id of the last message it showed: everything older and
unsent is then acknowledged (marked sent) and the newer ones returned. A pull whose answer is
lost is simply asked again with the same cursor and gets the same messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import anyio.to_thread
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from adapters.db.errors import storage_errors
from adapters.db.models import Contact, OutboxMessage
from bot.engine.messages import Outbound

CHANNEL = "webchat"
PULL_LIMIT = 50


@dataclass(frozen=True, slots=True)
class Pulled:
    messages: tuple[Outbound, ...]
    cursor: int


class SqlWebchatPull:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    async def pull(self, contact_key: str, after: int, now: datetime) -> Pulled:
        """Raises StorageUnavailable."""
        return await anyio.to_thread.run_sync(self._pull, contact_key, after, now)

    def _pull(self, key: str, after: int, now: datetime) -> Pulled:
        with storage_errors(), self._sessions.begin() as db:
            contact = db.scalar(
                select(Contact.id).where(Contact.channel == CHANNEL, Contact.key == key)
            )
            if contact is None:
                return Pulled((), after)
            unsent = (OutboxMessage.contact_id == contact, OutboxMessage.sent_at.is_(None))
            if after:
                db.execute(
                    update(OutboxMessage)
                    .where(*unsent, OutboxMessage.id <= after)
                    .values(sent_at=now)
                )
            rows = db.execute(
                select(OutboxMessage.id, OutboxMessage.message)
                .where(*unsent, OutboxMessage.id > after)
                .order_by(OutboxMessage.id)
                .limit(PULL_LIMIT)
            ).all()
        if not rows:
            return Pulled((), after)
        return Pulled(tuple(Outbound.from_dict(row.message) for row in rows), rows[-1].id)
