"""The conversation store: loads a contact's session and writes a whole turn atomically.

Runs synchronous SQLAlchemy in a worker thread so the event loop never waits on the
database. The turn's transaction is owned here, in ``commit_turn``; the small appliers below
never commit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import anyio.to_thread
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from adapters.crypto import AddressCipher
from adapters.db.booking_writes import cancel_booking, choose_reminder_language, insert_booking
from adapters.db.erasure import Erased, erase, retention
from adapters.db.errors import storage_errors
from adapters.db.handoff_writes import APPLIERS as HANDOFF_APPLIERS
from adapters.db.handoff_writes import end_handoff, open_handoff_of, record_person_message
from adapters.db.infoweek_writes import APPLIERS as INFOWEEK_APPLIERS
from adapters.db.infoweek_writes import ContactApplier
from adapters.db.models import (
    FAILED_REASON_CHARS,
    Consent,
    Contact,
    ConversationSession,
    Handoff,
    InboundMessage,
    OutboxMessage,
)
from adapters.db.session_upgrade import upgraded
from bot.booking.events import BookingCancelled, BookingMade, ReminderLanguageChosen
from bot.booking.reminders import REMINDER_OFFSETS
from bot.engine.events import (
    ConsentRecorded,
    ContactForgotten,
    Event,
    LanguageChanged,
    MsgCreated,
    MsgRelayed,
    StatusChanged,
)
from bot.engine.messages import Outbound
from bot.engine.session import Session as EngineSession
from bot.engine.session import SessionStatus
from bot.ports import (
    ConcurrentTurn,
    DuplicateInbound,
    PendingMessage,
    StoredConversation,
    TurnRecord,
    Undelivered,
)


@dataclass(slots=True)
class _TurnWrite:
    db: Session
    record: TurnRecord
    contact: Contact
    reminder_offsets: tuple[tuple[str, timedelta], ...]
    pending: list[PendingMessage] = field(default_factory=list)
    forgotten: bool = False


class SqlConversationStore:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        cipher: AddressCipher,
        reminder_offsets: Sequence[tuple[str, timedelta]] = REMINDER_OFFSETS,
    ) -> None:
        self._sessions = sessions
        self._cipher = cipher
        self._reminder_offsets = tuple(reminder_offsets)

    async def load(
        self, channel: str, contact_key: str, message_id: str | None
    ) -> StoredConversation:
        return await anyio.to_thread.run_sync(self._load, channel, contact_key, message_id)

    async def commit_turn(self, record: TurnRecord) -> list[PendingMessage]:
        return await anyio.to_thread.run_sync(self._commit_turn, record)

    async def mark_sent(self, outbox_ids: Sequence[int], at: datetime) -> None:
        await anyio.to_thread.run_sync(self._mark_sent, list(outbox_ids), at)

    async def mark_unreachable(self, channel: str, contact_key: str, at: datetime) -> None:
        await anyio.to_thread.run_sync(self._mark_unreachable, channel, contact_key, at)

    async def set_aside(self, outbox_id: int, reason: str, at: datetime) -> None:
        await anyio.to_thread.run_sync(self._set_aside, outbox_id, reason, at)

    async def undelivered(
        self, channel: str, created_after: datetime, created_before: datetime, limit: int
    ) -> list[Undelivered]:
        return await anyio.to_thread.run_sync(
            self._undelivered, channel, created_after, created_before, limit
        )

    async def purge(
        self, last_seen_before: datetime, now: datetime, dry_run: bool = False
    ) -> Erased:
        """Erase every contact silent since before the date (the retention period) who has no
        appointment still to come, and expire old message ids (adapters/db/erasure.py)."""
        return await anyio.to_thread.run_sync(self._purge, last_seen_before, now, dry_run)

    def _load(self, channel: str, key: str, message_id: str | None) -> StoredConversation:
        with storage_errors(), self._sessions() as db:
            if message_id is not None and db.scalar(
                select(InboundMessage.id).where(
                    InboundMessage.channel == channel, InboundMessage.message_id == message_id
                )
            ):
                return StoredConversation(session=None, version=0, already_processed=True)
            row = db.execute(
                select(
                    ConversationSession.state,
                    ConversationSession.version,
                    Contact.reply_address,
                )
                .join(Contact, Contact.id == ConversationSession.contact_id)
                .where(Contact.channel == channel, Contact.key == key)
            ).one_or_none()
            if row is None:
                return StoredConversation(session=None, version=0)
            session = EngineSession.from_dict(upgraded(row.state))
            address = self._cipher.decrypt(row.reply_address) if row.reply_address else None
            return StoredConversation(session, row.version, address=address)

    def _commit_turn(self, record: TurnRecord) -> list[PendingMessage]:
        with storage_errors(), self._sessions.begin() as db:
            contact = self._contact(db, record)
            self._remember_inbound(db, record, contact)
            write = _TurnWrite(db, record, contact, self._reminder_offsets)
            for event in record.events:
                _APPLIERS[type(event)](write, event)
            if not write.forgotten:
                self._save_session(db, record, contact)
            return write.pending

    def _contact(self, db: Session, record: TurnRecord) -> Contact:
        contact = db.scalar(
            select(Contact).where(
                Contact.channel == record.channel, Contact.key == record.contact_key
            )
        )
        if contact is not None:
            if record.cause != "msg":
                return contact  # a timer or a staff action is not the person writing
            contact.last_seen_at = record.now
            contact.unreachable_at = None  # they wrote: the channel reaches them again
            if record.reply_address is not None and contact.reply_address is None:
                contact.reply_address = self._cipher.encrypt(record.reply_address)
            return contact
        if record.expected_version != 0:
            raise ConcurrentTurn("contact vanished during the turn")
        contact = Contact(
            channel=record.channel,
            key=record.contact_key,
            language=record.session.language,
            language_source=record.session.language_source.value,
            created_at=record.now,
            last_seen_at=record.now,
            reply_address=(
                self._cipher.encrypt(record.reply_address) if record.reply_address else None
            ),
        )
        db.add(contact)
        try:
            db.flush()
        except IntegrityError as error:
            raise ConcurrentTurn("contact created by another turn") from error
        return contact

    def _remember_inbound(self, db: Session, record: TurnRecord, contact: Contact) -> None:
        if record.message_id is None:
            return
        try:
            with db.begin_nested():
                db.add(
                    InboundMessage(
                        channel=record.channel,
                        message_id=record.message_id,
                        contact_id=contact.id,
                        received_at=record.now,
                    )
                )
        except IntegrityError as error:
            raise DuplicateInbound(record.message_id) from error

    def _save_session(self, db: Session, record: TurnRecord, contact: Contact) -> None:
        state = record.session.to_dict()
        status = record.session.status.value
        if record.expected_version == 0:
            db.add(
                ConversationSession(
                    contact_id=contact.id,
                    status=status,
                    state=state,
                    version=1,
                    updated_at=record.now,
                )
            )
            try:
                db.flush()
            except IntegrityError as error:
                raise ConcurrentTurn("session created by another turn") from error
            return
        result = db.execute(
            update(ConversationSession)
            .where(
                ConversationSession.contact_id == contact.id,
                ConversationSession.version == record.expected_version,
            )
            .values(
                status=status,
                state=state,
                version=record.expected_version + 1,
                updated_at=record.now,
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentTurn("session changed by another turn")

    def _mark_sent(self, outbox_ids: list[int], at: datetime) -> None:
        with storage_errors(), self._sessions.begin() as db:
            db.execute(
                update(OutboxMessage).where(OutboxMessage.id.in_(outbox_ids)).values(sent_at=at)
            )

    def _set_aside(self, outbox_id: int, reason: str, at: datetime) -> None:
        with storage_errors(), self._sessions.begin() as db:
            db.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == outbox_id, OutboxMessage.sent_at.is_(None))
                .values(failed_at=at, failed_reason=reason[:FAILED_REASON_CHARS])
            )

    def _mark_unreachable(self, channel: str, key: str, at: datetime) -> None:
        with storage_errors(), self._sessions.begin() as db:
            db.execute(
                update(Contact)
                .where(Contact.channel == channel, Contact.key == key)
                .values(unreachable_at=at)
            )

    def _undelivered(
        self, channel: str, after: datetime, before: datetime, limit: int
    ) -> list[Undelivered]:
        with storage_errors(), self._sessions() as db:
            rows = db.execute(
                select(OutboxMessage.id, OutboxMessage.message, Contact.key, Contact.reply_address)
                .join(Contact, Contact.id == OutboxMessage.contact_id)
                .where(
                    OutboxMessage.channel == channel,
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.failed_at.is_(None),
                    OutboxMessage.created_at > after,
                    OutboxMessage.created_at < before,
                    Contact.unreachable_at.is_(None),
                    Contact.reply_address.is_not(None),
                )
                .order_by(OutboxMessage.id)
                .limit(limit)
            ).all()
        found = []
        for row in rows:
            address = self._cipher.decrypt(row.reply_address)
            if address is not None:
                found.append(
                    Undelivered(row.id, row.key, address, Outbound.from_dict(row.message))
                )
        return found

    def _purge(self, before: datetime, now: datetime, dry_run: bool) -> Erased:
        with storage_errors(), self._sessions.begin() as db:
            return retention(db, before, now, dry_run=dry_run)


# Event appliers: one per event type; they add to the turn's transaction and never commit.


def _apply_msg_created(write: _TurnWrite, event: MsgCreated) -> None:
    if write.forgotten:
        write.pending.append(PendingMessage(None, event.message))
        return
    row = OutboxMessage(
        contact_id=write.contact.id,
        channel=write.record.channel,
        message=event.message.to_dict(),
        created_at=write.record.now,
    )
    write.db.add(row)
    write.db.flush()
    write.pending.append(PendingMessage(row.id, event.message))


def _apply_language_changed(write: _TurnWrite, event: LanguageChanged) -> None:
    write.contact.language = event.lang
    write.contact.language_source = event.source.value


def _apply_status_changed(write: _TurnWrite, event: StatusChanged) -> None:
    current = open_handoff_of(write.db, write.contact)
    if event.status == SessionStatus.HANDED_OVER and current is None:
        write.db.add(
            Handoff(
                contact_id=write.contact.id,
                reason=event.reason or "asked",
                opened_at=write.record.now,
            )
        )
        write.db.flush()
    elif event.status != SessionStatus.HANDED_OVER and current is not None:
        end_handoff(write.db, write.contact, write.record.now)


def _apply_msg_relayed(write: _TurnWrite, event: MsgRelayed) -> None:
    handoff = open_handoff_of(write.db, write.contact)
    if handoff is not None:
        record_person_message(write.db, handoff, event.text, write.record.now)


def _apply_consent_recorded(write: _TurnWrite, event: ConsentRecorded) -> None:
    write.db.add(
        Consent(
            contact_id=write.contact.id,
            version=event.version,
            language=event.lang,
            accepted=event.accepted,
            recorded_at=write.record.now,
        )
    )


def _apply_contact_forgotten(write: _TurnWrite, _event: ContactForgotten) -> None:
    erase(write.db, [write.contact.id], write.record.now)
    write.forgotten = True


def _apply_booking_made(write: _TurnWrite, event: BookingMade) -> None:
    if event.replaces is not None:
        cancel_booking(write.db, write.contact, event.replaces, write.record.now)
    insert_booking(write.db, write.contact.id, event, write.record.now, write.reminder_offsets)


def _apply_booking_cancelled(write: _TurnWrite, event: BookingCancelled) -> None:
    cancel_booking(write.db, write.contact, event.reference, write.record.now)


def _apply_reminder_language_chosen(write: _TurnWrite, event: ReminderLanguageChosen) -> None:
    choose_reminder_language(
        write.db, write.contact, event.reference, event.lang, write.record.now
    )


_APPLIERS: dict[type[Event], Callable[[_TurnWrite, object], None]] = {
    BookingMade: _apply_booking_made,  # type: ignore[dict-item]
    BookingCancelled: _apply_booking_cancelled,  # type: ignore[dict-item]
    ReminderLanguageChosen: _apply_reminder_language_chosen,  # type: ignore[dict-item]
    MsgCreated: _apply_msg_created,  # type: ignore[dict-item]
    LanguageChanged: _apply_language_changed,  # type: ignore[dict-item]
    StatusChanged: _apply_status_changed,  # type: ignore[dict-item]
    MsgRelayed: _apply_msg_relayed,  # type: ignore[dict-item]
    ConsentRecorded: _apply_consent_recorded,  # type: ignore[dict-item]
    ContactForgotten: _apply_contact_forgotten,  # type: ignore[dict-item]
}


def _contact_applier(apply: ContactApplier) -> Callable[[_TurnWrite, object], None]:
    def run(write: _TurnWrite, event: object) -> None:
        apply(write.db, write.contact.id, event, write.record.now)

    return run


for _feature_appliers in (HANDOFF_APPLIERS, INFOWEEK_APPLIERS):
    _APPLIERS.update({kind: _contact_applier(apply) for kind, apply in _feature_appliers.items()})
