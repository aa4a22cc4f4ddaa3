"""Bookings, availability and reminders in SQL.

Two people never get the same slot: the insert of a booking hits the unique
(staff_id, held_start) constraint, whatever the database and however many processes. A
reminder is claimed by a compare-and-set (pending -> sending) in its own transaction, so two
sweepers never both send it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

import anyio.to_thread
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from adapters.crypto import AddressCipher
from adapters.db.booking_writes import cancel_booking, insert_booking
from adapters.db.errors import storage_errors
from adapters.db.models import (
    Availability,
    Booking,
    Contact,
    Organisation,
    Place,
    Reminder,
    StaffAbsence,
    StaffMember,
)
from bot.booking.events import BookingMade
from bot.booking.model import (
    Appointment,
    BookingRequest,
    DueReminder,
    PlaceInfo,
    StaffInfo,
    new_code,
)
from bot.booking.offer import BookingCalendar
from bot.booking.slots import Absence, WeeklyAvailability
from bot.ports import ConcurrentTurn, StorageUnavailable

REFERENCE_ATTEMPTS = 5


class SqlBookingStore:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        cipher: AddressCipher,
        codes: Callable[[], str] = new_code,
        lead_time: timedelta = timedelta(hours=12),
        horizon_days: int = 42,
        reminder_languages: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self._sessions = sessions
        # Per channel, the languages it can send a reminder in; a channel not named: any.
        self._reminder_languages = dict(reminder_languages or {})
        self._cipher = cipher
        self._codes = codes
        self._lead_time = lead_time
        self._horizon_days = horizon_days

    async def load(self, channel: str, contact_key: str, now: datetime) -> BookingCalendar:
        """The ``booking.calendar`` context: the calendar of the coming weeks and this
        person's appointments, for one turn."""
        return await anyio.to_thread.run_sync(self._context, channel, contact_key, now)

    def _context(self, channel: str, key: str, now: datetime) -> BookingCalendar:
        calendar = self._calendar(now, now + timedelta(days=self._horizon_days + 1))
        return replace(
            calendar,
            upcoming=tuple(self._upcoming(channel, key, now)),
            fresh_code=self._codes(),
            lead_time=self._lead_time,
            horizon_days=self._horizon_days,
            reminder_languages=self._reminder_languages.get(channel),
        )

    # Reading -------------------------------------------------------------------------------

    async def calendar(self, since: datetime, until: datetime) -> BookingCalendar:
        return await anyio.to_thread.run_sync(self._calendar, since, until)

    def _calendar(self, since: datetime, until: datetime) -> BookingCalendar:
        with storage_errors(), self._sessions() as db:
            organisations = {
                row.id: row.code for row in db.execute(select(Organisation.id, Organisation.code))
            }
            staff = tuple(
                StaffInfo(
                    s.id,
                    organisations[s.organisation_id],
                    tuple(s.languages),
                    tuple(s.appointment_types),
                )
                for s in db.scalars(select(StaffMember).order_by(StaffMember.id))
            )
            places = {
                p.id: PlaceInfo(
                    p.id,
                    organisations[p.organisation_id],
                    p.name,
                    p.city,
                    p.address,
                    p.region,
                    p.remote,
                )
                for p in db.scalars(select(Place))
            }
            availability = tuple(
                WeeklyAvailability(
                    a.staff_id, a.place_id, a.weekday, a.start_time, a.end_time, a.slot_minutes
                )
                for a in db.scalars(select(Availability).order_by(Availability.id))
            )
            staff_orgs = {s.id: s.organisation for s in staff}
            org_ids = {code: id_ for id_, code in organisations.items()}
            absences: list[Absence] = []
            for row in db.scalars(
                select(StaffAbsence).where(
                    StaffAbsence.ends_at > since, StaffAbsence.starts_at < until
                )
            ):
                if row.staff_id is not None:
                    absences.append(Absence(row.staff_id, row.starts_at, row.ends_at))
                else:  # a holiday of the organisation: every one of its staff is away
                    absences.extend(
                        Absence(staff_id, row.starts_at, row.ends_at)
                        for staff_id, org in staff_orgs.items()
                        if org_ids[org] == row.organisation_id
                    )
            taken = tuple(
                (row.staff_id, row.starts_at)
                for row in db.execute(
                    select(Booking.staff_id, Booking.starts_at).where(
                        Booking.held_start.is_not(None),
                        Booking.starts_at >= since,
                        Booking.starts_at < until,
                    )
                )
            )
            prefixes = {
                row.code: row.reference_prefix
                for row in db.execute(select(Organisation.code, Organisation.reference_prefix))
            }
            return BookingCalendar(
                staff, places, availability, tuple(absences), taken, reference_prefixes=prefixes
            )

    # Booking and cancelling ------------------------------------------------------------------

    async def book(
        self, request: BookingRequest, reminder_offsets: Sequence[tuple[str, timedelta]]
    ) -> Appointment:
        """Raises SlotTaken when another booking holds the slot."""
        return await anyio.to_thread.run_sync(self._book, request, tuple(reminder_offsets))

    def _book(
        self, request: BookingRequest, offsets: tuple[tuple[str, timedelta], ...]
    ) -> Appointment:
        for _attempt in range(REFERENCE_ATTEMPTS):
            with storage_errors(), self._sessions.begin() as db:
                contact_id = db.scalar(
                    select(Contact.id).where(
                        Contact.channel == request.channel, Contact.key == request.contact_key
                    )
                )
                if contact_id is None:
                    raise LookupError("no such contact")
                staff = db.get_one(StaffMember, request.staff_id)
                prefix = db.get_one(Organisation, staff.organisation_id).reference_prefix
                made = BookingMade(
                    reference=f"{prefix}-{self._codes()}",
                    staff_id=request.staff_id,
                    place_id=request.place_id,
                    appointment_type=request.appointment_type,
                    starts_at=request.starts_at,
                    ends_at=request.ends_at,
                    language=request.language,
                    interpreter_needed=request.interpreter_needed,
                    shared_answers=request.shared_answers,
                )
                try:
                    booking = insert_booking(db, contact_id, made, request.now, offsets)
                except ConcurrentTurn:
                    continue  # the reference was already used: draw another
                return _appointment(db, booking)
        raise StorageUnavailable("could not draw a free booking reference")

    async def cancel(
        self, channel: str, contact_key: str, reference: str, at: datetime
    ) -> Appointment | None:
        return await anyio.to_thread.run_sync(self._cancel, channel, contact_key, reference, at)

    def _cancel(self, channel: str, key: str, reference: str, at: datetime) -> Appointment | None:
        with storage_errors(), self._sessions.begin() as db:
            contact = db.scalar(
                select(Contact).where(Contact.channel == channel, Contact.key == key)
            )
            if contact is None:
                return None
            booking = cancel_booking(db, contact, reference, at)
            return None if booking is None else _appointment(db, booking)

    async def upcoming(self, channel: str, contact_key: str, now: datetime) -> list[Appointment]:
        return await anyio.to_thread.run_sync(self._upcoming, channel, contact_key, now)

    def _upcoming(self, channel: str, key: str, now: datetime) -> list[Appointment]:
        with storage_errors(), self._sessions() as db:
            bookings = db.scalars(
                select(Booking)
                .join(Contact, Contact.id == Booking.contact_id)
                .where(
                    Contact.channel == channel,
                    Contact.key == key,
                    Booking.status == "booked",
                    Booking.ends_at > now,
                )
                .order_by(Booking.starts_at)
            )
            return [_appointment(db, booking) for booking in bookings]

    def list_bookings(
        self, organisation: str | None, since: datetime, until: datetime
    ) -> list[Appointment]:
        with storage_errors(), self._sessions() as db:
            query = (
                select(Booking)
                .join(StaffMember, StaffMember.id == Booking.staff_id)
                .join(Organisation, Organisation.id == StaffMember.organisation_id)
                .where(Booking.starts_at >= since, Booking.starts_at < until)
                .order_by(Booking.starts_at)
            )
            if organisation is not None:
                query = query.where(Organisation.code == organisation)
            return [_appointment(db, booking) for booking in db.scalars(query)]

    async def staff_feed(
        self, token: str, since: datetime
    ) -> tuple[str, list[Appointment]] | None:
        """The bookings of the staff member whose calendar token this is; None if none is."""
        return await anyio.to_thread.run_sync(self._staff_feed, token, since)

    def _staff_feed(self, token: str, since: datetime) -> tuple[str, list[Appointment]] | None:
        with storage_errors(), self._sessions() as db:
            staff = db.scalar(select(StaffMember).where(StaffMember.calendar_token == token))
            if staff is None:
                return None
            bookings = db.scalars(
                select(Booking)
                .where(Booking.staff_id == staff.id, Booking.starts_at >= since)
                .order_by(Booking.starts_at)
            )
            return staff.display_name, [_appointment(db, booking) for booking in bookings]

    async def by_reference(self, reference: str) -> Appointment | None:
        return await anyio.to_thread.run_sync(self._by_reference, reference)

    def _by_reference(self, reference: str) -> Appointment | None:
        with storage_errors(), self._sessions() as db:
            booking = db.scalar(select(Booking).where(Booking.reference == reference))
            return None if booking is None else _appointment(db, booking)

    # Reminders ------------------------------------------------------------------------------

    async def claim_due_reminders(
        self, now: datetime, limit: int, stale_after: timedelta
    ) -> list[DueReminder]:
        return await anyio.to_thread.run_sync(self._claim_due, now, limit, stale_after)

    def _claim_due(self, now: datetime, limit: int, stale_after: timedelta) -> list[DueReminder]:
        with storage_errors(), self._sessions() as db:
            candidates = list(
                db.scalars(
                    select(Reminder.id)
                    .where(
                        Reminder.due_at <= now,
                        (Reminder.status == "pending")
                        | (
                            (Reminder.status == "sending")
                            & (Reminder.claimed_at < now - stale_after)
                        ),
                    )
                    .order_by(Reminder.due_at)
                    .limit(limit)
                )
            )
        claimed = []
        for reminder_id in candidates:
            due = self._claim_one(reminder_id, now, stale_after)
            if due is not None:
                claimed.append(due)
        return claimed

    def _claim_one(
        self, reminder_id: int, now: datetime, stale_after: timedelta
    ) -> DueReminder | None:
        with storage_errors(), self._sessions.begin() as db:
            won = db.execute(
                update(Reminder)
                .where(
                    Reminder.id == reminder_id,
                    (Reminder.status == "pending")
                    | ((Reminder.status == "sending") & (Reminder.claimed_at < now - stale_after)),
                )
                .values(status="sending", claimed_at=now, attempts=Reminder.attempts + 1)
            )
            if won.rowcount != 1:  # type: ignore[attr-defined]
                return None  # another sweeper has it
            reminder = db.get_one(Reminder, reminder_id)
            booking = db.get_one(Booking, reminder.booking_id)
            contact = db.get_one(Contact, booking.contact_id)
            address = (
                self._cipher.decrypt(contact.reply_address) if contact.reply_address else None
            )
            wanted = booking.status == "booked" and booking.reminders_wanted
            if not wanted or address is None or contact.unreachable_at:
                reminder.status = "cancelled"
                return None
            return DueReminder(
                reminder.id,
                reminder.kind,
                contact.channel,
                contact.key,
                address,
                _appointment(db, booking),
            )

    async def finish_reminder(self, reminder_id: int, sent: bool, at: datetime) -> None:
        await anyio.to_thread.run_sync(self._finish, reminder_id, sent, at)

    def _finish(self, reminder_id: int, sent: bool, at: datetime) -> None:
        with storage_errors(), self._sessions.begin() as db:
            db.execute(
                update(Reminder)
                .where(Reminder.id == reminder_id)
                .values(status="sent" if sent else "failed", sent_at=at if sent else None)
            )


def _appointment(db: Session, booking: Booking) -> Appointment:
    place = db.get_one(Place, booking.place_id)
    organisation = db.get_one(Organisation, place.organisation_id)
    return Appointment(
        reference=booking.reference,
        organisation=organisation.name,
        place=place.name,
        address=place.address,
        remote=place.remote,
        appointment_type=booking.appointment_type,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        language=booking.language,
        interpreter_needed=booking.interpreter_needed,
        status=booking.status,
        reminder_language=booking.reminder_language,
        reminders_wanted=booking.reminders_wanted,
    )
