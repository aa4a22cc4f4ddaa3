"""An organisation's bookings as the console shows them: one day, by reference code, with
no-show marking. Bookings belong to the organisation of the staff member they are with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from adapters.db.handoff_store import Actor, audit
from adapters.db.models import Booking, Place, StaffMember


@dataclass(frozen=True, slots=True)
class BookingLine:
    id: int
    reference: str
    starts_at: datetime
    appointment_type: str
    place: str
    adviser: str
    language: str
    interpreter_needed: bool
    status: str
    no_show: bool


class SqlStaffBookings:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def day(self, organisation_id: int, since: datetime, until: datetime) -> list[BookingLine]:
        with self._sessions() as db:
            rows = db.execute(
                select(Booking, Place.name, StaffMember.display_name)
                .join(StaffMember, StaffMember.id == Booking.staff_id)
                .join(Place, Place.id == Booking.place_id)
                .where(StaffMember.organisation_id == organisation_id)
                .where(Booking.starts_at >= since, Booking.starts_at < until)
                .order_by(Booking.starts_at, Booking.reference)
            ).all()
            return [_line(booking, place, adviser) for booking, place, adviser in rows]

    def mark_no_show(self, actor: Actor, booking_id: int, now: datetime) -> bool:
        """Only a booking that stands and has started can be a no-show."""
        with self._sessions.begin() as db:
            booking = db.scalar(
                select(Booking)
                .join(StaffMember, StaffMember.id == Booking.staff_id)
                .where(
                    Booking.id == booking_id,
                    StaffMember.organisation_id == actor.organisation_id,
                )
            )
            if booking is None or booking.status != "booked" or booking.starts_at > now:
                return False
            if booking.no_show_at is None:  # marking twice changes nothing
                booking.no_show_at = now
                audit(db, actor, "no_show", now, subject=booking.reference)
            return True

    def record_export(self, actor: Actor, day: str, now: datetime) -> None:
        with self._sessions.begin() as db:
            audit(db, actor, "bookings_exported", now, subject=day)

    def exists(self, organisation_id: int, booking_id: int) -> bool:
        with self._sessions() as db:
            found = db.scalar(
                select(Booking.id)
                .join(StaffMember, StaffMember.id == Booking.staff_id)
                .where(Booking.id == booking_id, StaffMember.organisation_id == organisation_id)
            )
            return found is not None


def _line(booking: Booking, place: str, adviser: str) -> BookingLine:
    return BookingLine(
        id=booking.id,
        reference=booking.reference,
        starts_at=booking.starts_at,
        appointment_type=booking.appointment_type,
        place=place,
        adviser=adviser,
        language=booking.language,
        interpreter_needed=booking.interpreter_needed,
        status=booking.status,
        no_show=booking.no_show_at is not None,
    )
