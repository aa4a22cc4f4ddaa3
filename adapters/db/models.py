"""Tables. Contacts are known only by a keyed pseudonym of their channel id, never the id."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

FAILED_REASON_CHARS = 64
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime, dict[str, Any]: JSON}  # noqa: RUF012


class Contact(Base):
    __tablename__ = "contact"
    __table_args__ = (UniqueConstraint("channel", "key", name="uq_contact_channel_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    language_source: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    # Where to send (a Telegram chat id, a phone number): encrypted, never a lookup key.
    reply_address: Mapped[str | None] = mapped_column(Text)
    # Set when the channel refused delivery for good (the person blocked the bot).
    unreachable_at: Mapped[datetime | None]


class ConversationSession(Base):
    """The engine's session document, with a version for optimistic concurrency."""

    __tablename__ = "session"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(16))
    state: Mapped[dict[str, Any]]
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime]


class Consent(Base):
    """Which version of the consent text a contact accepted or refused, in which language."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    accepted: Mapped[bool]
    recorded_at: Mapped[datetime]


class InboundMessage(Base):
    """Platform message ids already processed, so a redelivery is handled once. Only a keyed
    hash of the id is kept (a WhatsApp id can carry the phone number), for a few days."""

    __tablename__ = "inbound_message"
    __table_args__ = (
        UniqueConstraint("channel", "message_id", name="uq_inbound_message_channel_message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str] = mapped_column(String(128))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True
    )
    received_at: Mapped[datetime]


class OutboxMessage(Base):
    """A message written in the turn's transaction, sent after commit."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_unsent", "channel", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    message: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # A dead letter: the channel refused it for good (or the sender failed in a way nobody
    # foresaw); set aside once with the reason, never tried again.
    failed_at: Mapped[datetime | None]
    failed_reason: Mapped[str | None] = mapped_column(String(FAILED_REASON_CHARS))


class Handoff(Base):
    """A session handed over to staff: who leads is a person, the bot relays.

    Staff see it only once it belongs to an organisation (``organisation_id``), and then only
    through the short ``contact_code``, the language and the channel kind, never the contact's
    address. States: open (nobody took it), claimed, waiting (for the person), closed.
    """

    __tablename__ = "handoff"
    __table_args__ = (
        Index("ix_handoff_organisation_state", "organisation_id", "state"),
        UniqueConstraint("contact_code", name="uq_handoff_contact_code"),
        CheckConstraint(
            "organisation_id IS NULL OR contact_code IS NOT NULL", name="code_when_routed"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE")
    )
    contact_code: Mapped[str | None] = mapped_column(String(12))
    urgent: Mapped[bool] = mapped_column(server_default=false())
    language: Mapped[str | None] = mapped_column(String(8))
    channel: Mapped[str | None] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), server_default="open")
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_account.id", ondelete="SET NULL")
    )
    # The pre-qualification answers, only when the person agreed to share them.
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Since when the person waits for a staff answer; None while staff spoke last.
    waiting_since: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]
    # When the organisation was told of it (Telegram group, e-mail): told once.
    notified_at: Mapped[datetime | None]


class HandoffMessage(Base):
    """One line of a handoff: ``in`` from the person, ``out`` a staff reply, ``note`` an
    internal note the person never sees, ``closed`` staff closed it. ``out`` and ``closed``
    rows are relayed to the person's conversation after commit (``relayed_at``)."""

    __tablename__ = "handoff_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoff.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    staff_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_account.id", ondelete="SET NULL")
    )
    relayed_at: Mapped[datetime | None]


# Appointments ---------------------------------------------------------------------------------


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Prefix of its booking references (``MS`` -> ``MS-7K4Q``).
    reference_prefix: Mapped[str] = mapped_column(String(4))


class Place(Base):
    """Where appointments happen; ``remote`` places are by phone or video."""

    __tablename__ = "place"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(8))  # a Q1 answer code: BXL, LGE...
    remote: Mapped[bool] = mapped_column(default=False)


class StaffMember(Base):
    __tablename__ = "staff_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str] = mapped_column(String(100))
    languages: Mapped[list[str]] = mapped_column(JSON)
    appointment_types: Mapped[list[str]] = mapped_column(JSON)
    # Secret of the staff member's private calendar feed URL.
    calendar_token: Mapped[str] = mapped_column(String(64), unique=True)


class Availability(Base):
    """A weekly opening in local (Brussels) time."""

    __tablename__ = "availability"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_member.id", ondelete="CASCADE"), index=True
    )
    place_id: Mapped[int] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    slot_minutes: Mapped[int] = mapped_column(Integer)


class StaffAbsence(Base):
    """A holiday (no staff member: the whole organisation) or an absence."""

    __tablename__ = "staff_absence"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(String(100))


class Booking(Base):
    """An appointment. ``held_start`` equals ``starts_at`` while the booking stands and is
    NULL once cancelled: the unique (staff, held_start) constraint is what guarantees that
    two people never get the same slot, on every database."""

    __tablename__ = "booking"
    __table_args__ = (
        UniqueConstraint("staff_id", "held_start", name="uq_booking_staff_id_held_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # NULL once the person is erased (``/forget`` or retention): the organisation keeps the
    # appointment by its reference, nothing links it to anyone (see erased_at).
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True
    )
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"), index=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("place.id"))
    appointment_type: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    # Chosen by the person when their channel cannot send a reminder in ``language``.
    reminder_language: Mapped[str | None] = mapped_column(String(8))
    reminders_wanted: Mapped[bool] = mapped_column(server_default=true())
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    held_start: Mapped[datetime | None]
    # booked | cancelled | erased (cancelled because the person asked to erase everything)
    status: Mapped[str] = mapped_column(String(16))
    # The pre-qualification answers, only when the person agreed to share them.
    shared_answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    # Marked by staff in the console when the person did not come.
    no_show_at: Mapped[datetime | None]
    # When the person it was for was erased; the shared answers went with them.
    erased_at: Mapped[datetime | None]


class Reminder(Base):
    """One reminder of one booking, claimed by a sweeper inside a transaction."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("booking_id", "kind", name="uq_reminder_booking_id_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # "24h", "2h"
    due_at: Mapped[datetime] = mapped_column(index=True)
    # pending | sending | sent | failed | cancelled
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]


# Channels that acknowledge first and process after (WhatsApp) -------------------------------


class InboxMessage(Base):
    """A received message not processed yet, kept so that a crash loses nothing. The message
    (which holds a phone number) is stored encrypted; the row is deleted once processed."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "message_id", name="uq_inbox_channel_message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str] = mapped_column(String(128))
    sealed: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]


class DeliveryStatus(Base):
    """What a channel reported about a message it was given (sent, delivered, read, failed),
    under a keyed hash of the platform's message id; kept a few days."""

    __tablename__ = "delivery_status"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[int | None]
    recorded_at: Mapped[datetime]
