"""The inbox: messages acknowledged to the channel before they are processed.

WhatsApp wants a quick 200 and resends otherwise, so the webhook only stores what arrived
(encrypted: it holds a phone number) and answers; the turn runs after. A message id already in
the inbox is not stored twice; a row is deleted once its turn has run, so a restart processes
exactly what was left.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import anyio.to_thread
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from adapters.crypto import AddressCipher
from adapters.db.errors import storage_errors
from adapters.db.models import Contact, DeliveryStatus, InboxMessage
from bot.engine.messages import Inbound
from bot.privacy.pseudonym import message_key


def _seal(inbound: Inbound) -> dict[str, object]:
    return {
        "channel": inbound.channel,
        "user_id": inbound.user_id,
        "text": inbound.text,
        "payload": inbound.payload,
        "lang": inbound.lang,
        "lang_hint": inbound.lang_hint,
        "message_id": inbound.message_id,
        "reply_address": inbound.reply_address,
    }


class SqlInboxStore:
    """Platform message ids are stored as keyed hashes under ``secret_key`` (the raw id, needed
    for the read receipt, is inside the encrypted message only)."""

    def __init__(
        self, sessions: sessionmaker[Session], cipher: AddressCipher, secret_key: str
    ) -> None:
        self._sessions = sessions
        self._cipher = cipher
        self._secret_key = secret_key

    async def accept(self, messages: Sequence[Inbound], at: datetime) -> int:
        """Store the messages not seen before; the number stored."""
        return await anyio.to_thread.run_sync(self._accept, list(messages), at)

    def _accept(self, messages: list[Inbound], at: datetime) -> int:
        stored = 0
        with storage_errors(), self._sessions.begin() as db:
            insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
            for inbound in messages:
                assert inbound.message_id is not None
                sealed = self._cipher.encrypt(json.dumps(_seal(inbound)))
                result = db.execute(
                    insert(InboxMessage)
                    .values(
                        channel=inbound.channel,
                        message_id=message_key(
                            self._secret_key, inbound.channel, inbound.message_id
                        ),
                        sealed=sealed,
                        received_at=at,
                    )
                    .on_conflict_do_nothing(index_elements=["channel", "message_id"])
                    .returning(InboxMessage.id)
                )
                stored += len(result.all())  # rowcount is not reliable here on every driver
        return stored

    async def waiting(self, channel: str, limit: int = 200) -> list[tuple[int, Inbound]]:
        return await anyio.to_thread.run_sync(self._waiting, channel, limit)

    def _waiting(self, channel: str, limit: int) -> list[tuple[int, Inbound]]:
        with storage_errors(), self._sessions() as db:
            rows = db.execute(
                select(InboxMessage.id, InboxMessage.sealed)
                .where(InboxMessage.channel == channel)
                .order_by(InboxMessage.id)
                .limit(limit)
            ).all()
        found = []
        for row in rows:
            opened = self._cipher.decrypt(row.sealed)
            if opened is not None:
                found.append((row.id, Inbound(**json.loads(opened))))
        return found

    async def done(self, inbox_id: int) -> None:
        await anyio.to_thread.run_sync(self._done, inbox_id)

    def _done(self, inbox_id: int) -> None:
        with storage_errors(), self._sessions.begin() as db:
            db.execute(delete(InboxMessage).where(InboxMessage.id == inbox_id))

    async def record_status(
        self, channel: str, message_id: str, status: str, error_code: int | None, at: datetime
    ) -> None:
        await anyio.to_thread.run_sync(
            self._record_status, channel, message_id, status, error_code, at
        )

    def _record_status(
        self, channel: str, message_id: str, status: str, code: int | None, at: datetime
    ) -> None:
        with storage_errors(), self._sessions.begin() as db:
            db.add(
                DeliveryStatus(
                    channel=channel,
                    message_id=message_key(self._secret_key, channel, message_id),
                    status=status,
                    error_code=code,
                    recorded_at=at,
                )
            )

    async def last_message_at(self, channel: str, contact_key: str) -> datetime | None:
        """When the person last wrote on this channel (the contact's last turn)."""
        return await anyio.to_thread.run_sync(self._last_message_at, channel, contact_key)

    def _last_message_at(self, channel: str, key: str) -> datetime | None:
        with storage_errors(), self._sessions() as db:
            return db.scalar(
                select(Contact.last_seen_at).where(Contact.channel == channel, Contact.key == key)
            )
