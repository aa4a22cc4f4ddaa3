"""What a booking is, independent of storage: requests, confirmed appointments, references."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a reference read aloud or copied by hand stays unambiguous.
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
REFERENCE_LENGTH = 4
APPOINTMENT_TYPES = ("financing", "coaching", "hub", "incubator")


def new_code() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def new_reference(prefix: str) -> str:
    return f"{prefix}-{new_code()}"


@dataclass(frozen=True, slots=True)
class BookingRequest:
    channel: str
    contact_key: str
    staff_id: int
    place_id: int
    appointment_type: str
    starts_at: datetime
    ends_at: datetime
    language: str
    interpreter_needed: bool
    shared_answers: dict[str, object] | None
    now: datetime


@dataclass(frozen=True, slots=True)
class Appointment:
    reference: str
    organisation: str
    place: str
    address: str | None
    remote: bool
    appointment_type: str
    starts_at: datetime
    ends_at: datetime
    language: str
    interpreter_needed: bool
    status: str
    # The language reminders are written in when the channel cannot use ``language``, and
    # whether the person wants reminders at all (they may refuse them).
    reminder_language: str | None = None
    reminders_wanted: bool = True


@dataclass(frozen=True, slots=True)
class StaffInfo:
    id: int
    organisation: str
    languages: tuple[str, ...]
    appointment_types: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlaceInfo:
    id: int
    organisation: str
    name: str
    city: str | None
    address: str | None
    region: str | None
    remote: bool


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A reminder claimed for sending, with what is needed to send it."""

    id: int
    kind: str
    channel: str
    contact_key: str
    address: str
    appointment: Appointment
