"""Writing and cancelling bookings inside a caller's transaction (a turn, or the store)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adapters.db.models import Booking, Contact, Reminder
from bot.booking.events import BookingMade
from bot.booking.offer import SlotTaken
from bot.ports import ConcurrentTurn


def insert_booking(
    db: Session,
    contact_id: int,
    made: BookingMade,
    now: datetime,
    reminder_offsets: Sequence[tuple[str, timedelta]],
) -> Booking:
    """Raises SlotTaken when another booking holds the slot, ConcurrentTurn when the
    reference was drawn twice (the turn is run again with a new one)."""
    booking = Booking(
        reference=made.reference,
        contact_id=contact_id,
        staff_id=made.staff_id,
        place_id=made.place_id,
        appointment_type=made.appointment_type,
        language=made.language,
        reminder_language=made.reminder_language,
        reminders_wanted=made.reminders_wanted,
        interpreter_needed=made.interpreter_needed,
        starts_at=made.starts_at,
        ends_at=made.ends_at,
        held_start=made.starts_at,
        status="booked",
        shared_answers=made.shared_answers,
        created_at=now,
    )
    try:
        with db.begin_nested():
            db.add(booking)
            db.flush()
    except IntegrityError as error:
        holder = db.scalar(
            select(Booking.id).where(
                Booking.staff_id == made.staff_id, Booking.held_start == made.starts_at
            )
        )
        if holder is not None:
            raise SlotTaken(made.staff_id, made.starts_at) from error
        raise ConcurrentTurn("booking reference already used") from error
    for kind, before in reminder_offsets if made.reminders_wanted else ():
        due = made.starts_at - before
        if due > now:
            db.add(
                Reminder(
                    booking_id=booking.id, kind=kind, due_at=due, status="pending", attempts=0
                )
            )
    return booking


def _standing_booking(db: Session, contact: Contact, reference: str) -> Booking | None:
    """The person's own booking with this reference, if it still stands."""
    return db.scalar(
        select(Booking).where(
            Booking.reference == reference,
            Booking.contact_id == contact.id,
            Booking.status == "booked",
        )
    )


def _cancel_pending_reminders(db: Session, booking: Booking) -> None:
    db.execute(
        update(Reminder)
        .where(Reminder.booking_id == booking.id, Reminder.status == "pending")
        .values(status="cancelled")
    )


def cancel_booking(db: Session, contact: Contact, reference: str, at: datetime) -> Booking | None:
    booking = _standing_booking(db, contact, reference)
    if booking is None:
        return None
    booking.status = "cancelled"
    booking.held_start = None  # the slot is free again at once
    booking.cancelled_at = at
    _cancel_pending_reminders(db, booking)
    return booking


def choose_reminder_language(
    db: Session, contact: Contact, reference: str, lang: str | None, now: datetime
) -> None:
    """Reminders of the person's own booking in ``lang``; None: no reminders, those not sent
    are cancelled. A language chosen after refusing (the same buttons pressed twice) brings
    back the reminders still to come."""
    booking = _standing_booking(db, contact, reference)
    if booking is None:
        return
    booking.reminders_wanted = lang is not None
    if lang is None:
        _cancel_pending_reminders(db, booking)
        return
    booking.reminder_language = lang
    db.execute(
        update(Reminder)
        .where(
            Reminder.booking_id == booking.id,
            Reminder.status == "cancelled",
            Reminder.due_at > now,
        )
        .values(status="pending")
    )
