"""What ``/mydata`` shows, read from the database (the ``privacy.kept`` context): the
contact's language and last message, consents, standing bookings (with the organisation
their answers were shared with), an open handoff."""

from __future__ import annotations

from datetime import datetime

import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from adapters.db.errors import storage_errors
from adapters.db.models import Booking, Consent, Contact, Handoff, Organisation, StaffMember
from bot.privacy.kept import KeptBooking, KeptConsent, KeptData


class SqlKeptData:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    async def load(self, channel: str, contact_key: str, now: datetime) -> KeptData:
        return await anyio.to_thread.run_sync(self._load, channel, contact_key, now)

    def _load(self, channel: str, key: str, now: datetime) -> KeptData:
        with storage_errors(), self._sessions() as db:
            contact = db.scalar(
                select(Contact).where(Contact.channel == channel, Contact.key == key)
            )
            if contact is None:
                return KeptData(known=False)
            consents = db.execute(
                select(Consent.version, Consent.accepted, Consent.recorded_at)
                .where(Consent.contact_id == contact.id)
                .order_by(Consent.recorded_at, Consent.id)
            ).all()
            bookings = db.execute(
                select(
                    Booking.reference,
                    Booking.starts_at,
                    Booking.ends_at,
                    Booking.shared_answers,
                    Organisation.name,
                )
                .join(StaffMember, StaffMember.id == Booking.staff_id)
                .join(Organisation, Organisation.id == StaffMember.organisation_id)
                .where(
                    Booking.contact_id == contact.id,
                    Booking.status == "booked",
                    Booking.ends_at > now,
                )
                .order_by(Booking.starts_at)
            ).all()
            handoff_since = db.scalar(
                select(Handoff.opened_at).where(
                    Handoff.contact_id == contact.id, Handoff.closed_at.is_(None)
                )
            )
            return KeptData(
                known=True,
                language=contact.language,
                last_seen_at=contact.last_seen_at,
                consents=tuple(KeptConsent(*row) for row in consents),
                bookings=tuple(
                    KeptBooking(
                        row.reference,
                        row.starts_at,
                        row.ends_at,
                        shared_with=row.name if row.shared_answers else None,
                    )
                    for row in bookings
                ),
                handoff_since=handoff_since,
            )
