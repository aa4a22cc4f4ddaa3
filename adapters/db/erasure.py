"""Erasing people, in one place: ``/forget`` (one contact, inside its turn's transaction),
the retention job and ``passerelle purge`` (everyone silent too long) all call ``erase``.

What erasing a contact does to each table is written down in ``COVERED`` below, and every
other table says in ``NOT_ABOUT_A_PERSON`` why it holds nothing about one; a test walks
``Base.metadata`` so that a new table cannot be forgotten.

- Bookings are not deleted: one still to come is cancelled (status ``erased``, its slot freed,
  its reminders gone), and every booking of the person is detached (``contact_id`` NULL,
  shared answers removed, ``erased_at`` set). The organisation keeps the appointment by its
  reference code and sees "erased at the person's request".
- Platform message ids are kept only as keyed hashes, with no link to the contact, and only
  for ``MESSAGE_IDS_KEPT`` (the platforms redeliver within days, not weeks).
- Retention never erases a person before the end of an appointment still to come.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, delete, exists, func, select, text, update
from sqlalchemy.orm import Session

from adapters.db.infoweek_models import EventSignupRow
from adapters.db.infoweek_writes import finish
from adapters.db.models import (
    Base,
    Booking,
    Consent,
    Contact,
    ConversationSession,
    DeliveryStatus,
    Handoff,
    HandoffMessage,
    InboundMessage,
    InboxMessage,
    OutboxMessage,
    Reminder,
)
from bot.infoweek.model import STANDING

MESSAGE_IDS_KEPT = timedelta(days=8)
# An inbox row is processed within seconds; one still there after this is a turn that failed
# for good (its message is encrypted, but the person has moved on).
INBOX_KEPT = timedelta(days=2)
RETENTION_LOCK = 0x70617373  # "pass": PostgreSQL advisory lock of the retention job

COVERED = {
    "contact": "deleted",
    "session": "deleted with the contact",
    "consent": "deleted with the contact",
    "outbox": "deleted with the contact",
    "handoff": "deleted with the contact",
    "handoff_message": "deleted with its handoff",
    "booking": "an upcoming one cancelled (status erased); all detached, answers removed",
    "reminder": "deleted with the erased contact's bookings' reminders",
    "inbound_message": "link to the contact removed; keyed hash deleted after 8 days",
    "delivery_status": "keyed hash, no link to anyone; deleted after 8 days",
    "inbox": "deleted once processed; left-over rows deleted after 2 days",
    "event_signup": "a standing one ended (its places given back), all detached",
    "event_reminder": "a pending one cancelled with its sign-up",
}

NOT_ABOUT_A_PERSON = {
    "organisation": "partner organisations",
    "place": "where appointments happen",
    "staff_member": "advisers' calendars",
    "availability": "advisers' weekly openings",
    "staff_absence": "advisers' holidays",
    "staff_account": "staff logins (staff are not the people the bot serves)",
    "staff_session": "staff logins",
    "login_attempt": "staff logins",
    "canned_reply": "staff's prepared texts",
    "audit_entry": "what staff did, by booking reference or handoff id (set NULL with it)",
    "alembic_version": "the schema version",
    "info_week": "the week's title and dates",
    "info_event": "the sessions and their anonymous counts",
}


@dataclass(slots=True)
class Erased:
    """Rows per table that an erasure removed (or would remove, for a dry run)."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, count: int) -> None:
        self.counts[table] = self.counts.get(table, 0) + count

    @property
    def contacts(self) -> int:
        return self.counts.get("contact", 0)


def erase(
    db: Session, contact_ids: Sequence[int], at: datetime, *, dry_run: bool = False
) -> Erased:
    """Erase these contacts inside the caller's transaction; never commits."""
    erased = Erased()
    ids = list(contact_ids)
    handoffs = select(Handoff.id).where(Handoff.contact_id.in_(ids))
    bookings = select(Booking.id).where(Booking.contact_id.in_(ids))
    standing = (Booking.contact_id.in_(ids), Booking.status == "booked", Booking.ends_at > at)
    erased.add("session", _count(db, ConversationSession, ConversationSession.contact_id.in_(ids)))
    erased.add("consent", _count(db, Consent, Consent.contact_id.in_(ids)))
    erased.add("outbox", _count(db, OutboxMessage, OutboxMessage.contact_id.in_(ids)))
    erased.add(
        "handoff_message", _count(db, HandoffMessage, HandoffMessage.handoff_id.in_(handoffs))
    )
    erased.add("handoff", _count(db, Handoff, Handoff.contact_id.in_(ids)))
    erased.add("reminder", _count(db, Reminder, Reminder.booking_id.in_(bookings)))
    erased.add("booking (cancelled)", _count(db, Booking, *standing))
    erased.add("booking (detached)", _count(db, Booking, Booking.contact_id.in_(ids)))
    erased.add(
        "inbound_message (detached)",
        _count(db, InboundMessage, InboundMessage.contact_id.in_(ids)),
    )
    signups = EventSignupRow.contact_id.in_(ids)
    erased.add("event_signup (ended)", _count(db, EventSignupRow, signups, _standing_signup()))
    erased.add("event_signup (detached)", _count(db, EventSignupRow, signups))
    erased.add("contact", _count(db, Contact, Contact.id.in_(ids)))
    if dry_run or not ids:
        return erased
    for signup_id, status in db.execute(
        select(EventSignupRow.id, EventSignupRow.status).where(signups, _standing_signup())
    ).all():
        finish(db, signup_id, status, at)  # the places back at once, the list moves on
    db.execute(
        update(EventSignupRow)
        .where(signups)
        .values(contact_id=None)
        .execution_options(synchronize_session=False)
    )
    db.execute(delete(Reminder).where(Reminder.booking_id.in_(bookings)))
    db.execute(
        update(Booking)
        .where(*standing)
        .values(status="erased", held_start=None, cancelled_at=at)
        .execution_options(synchronize_session=False)
    )
    db.execute(
        update(Booking)
        .where(Booking.contact_id.in_(ids))
        .values(contact_id=None, shared_answers=None, erased_at=at)
        .execution_options(synchronize_session=False)
    )
    db.execute(
        update(InboundMessage)
        .where(InboundMessage.contact_id.in_(ids))
        .values(contact_id=None)
        .execution_options(synchronize_session=False)
    )
    db.execute(delete(HandoffMessage).where(HandoffMessage.handoff_id.in_(handoffs)))
    for table in (Handoff, OutboxMessage, Consent, ConversationSession):
        db.execute(delete(table).where(table.contact_id.in_(ids)))
    db.execute(delete(Contact).where(Contact.id.in_(ids)))
    return erased


def due_for_retention(before: datetime, now: datetime) -> Select[int]:
    """Contacts silent since before ``before`` with no appointment still to come."""
    upcoming = exists().where(
        Booking.contact_id == Contact.id, Booking.status == "booked", Booking.ends_at > now
    )
    return select(Contact.id).where(Contact.last_seen_at < before, ~upcoming)


def retention(db: Session, before: datetime, now: datetime, *, dry_run: bool = False) -> Erased:
    """Erase everyone silent since ``before`` and expire old message ids, in the caller's
    transaction. On PostgreSQL only one process runs it at a time (an advisory lock; the
    others find nothing to do)."""
    if db.get_bind().dialect.name == "postgresql" and not dry_run:
        got = db.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": RETENTION_LOCK})
        if not got:
            return Erased()
    ids = list(db.scalars(due_for_retention(before, now)))
    erased = erase(db, ids, now, dry_run=dry_run)
    expired = (
        (InboundMessage, InboundMessage.received_at < now - MESSAGE_IDS_KEPT),
        (DeliveryStatus, DeliveryStatus.recorded_at < now - MESSAGE_IDS_KEPT),
        (InboxMessage, InboxMessage.received_at < now - INBOX_KEPT),
    )
    for table, older in expired:
        erased.add(table.__tablename__, _count(db, table, older))
        if not dry_run:
            db.execute(delete(table).where(older))
    return erased


def _count(db: Session, table: type[Base], *where: ColumnElement[bool]) -> int:
    return int(db.scalar(select(func.count()).select_from(table).where(*where)) or 0)


def _standing_signup() -> ColumnElement[bool]:
    return EventSignupRow.status.in_(STANDING)
