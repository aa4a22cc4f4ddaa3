"""What is kept about a person, as ``/mydata`` shows it: read from storage by a context
provider (the ``privacy.kept`` context), never from the session alone, so the person sees
what the database holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.engine.context import ContextKey


@dataclass(frozen=True, slots=True)
class KeptConsent:
    version: str
    accepted: bool
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class KeptBooking:
    """A booking still standing; ``shared_with`` names the organisation that received the
    person's answers with it, if they agreed to share them."""

    reference: str
    starts_at: datetime
    ends_at: datetime
    shared_with: str | None = None


@dataclass(frozen=True, slots=True)
class KeptData:
    """Nothing here when the person has never written: ``known`` is False."""

    known: bool
    language: str | None = None
    last_seen_at: datetime | None = None
    consents: tuple[KeptConsent, ...] = ()
    bookings: tuple[KeptBooking, ...] = ()
    handoff_since: datetime | None = None

    def erased_on(self, retention_days: int) -> datetime | None:
        """When all of it is erased if the person stays silent: the retention period after
        their last message, but never before their last appointment still to come ends."""
        if self.last_seen_at is None:
            return None
        due = self.last_seen_at + timedelta(days=retention_days)
        return max([due, *(booking.ends_at for booking in self.bookings)])


KEPT = ContextKey("privacy.kept", KeptData)
