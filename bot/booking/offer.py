"""What to offer a person who wants an appointment: types, places, staff and slots.

Pure functions over a ``BookingCalendar`` snapshot, so the engine can use them in a turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.booking.model import APPOINTMENT_TYPES, Appointment, PlaceInfo, StaffInfo
from bot.booking.slots import Absence, Slot, WeeklyAvailability, free_slots
from bot.engine.context import ContextConflict, ContextKey

ROUTE_TYPES = {
    "hub_worker": "hub",
    "microstart_financing": "financing",
    "microstart_coaching": "coaching",
}
BROAD_REGIONS = {
    "BXL": "BXL",
    "ANT": "VLA",
    "GNT": "VLA",
    "VLA_OTHER": "VLA",
    "LGE": "WAL",
    "CRL": "WAL",
    "WAL_OTHER": "WAL",
    "DG": "WAL",
}
SLOTS_PER_PAGE = 6


@dataclass(frozen=True, slots=True)
class BookingCalendar:
    """Everything needed to offer slots, read in one go, plus this person's appointments."""

    staff: tuple[StaffInfo, ...]
    places: dict[int, PlaceInfo]
    availability: tuple[WeeklyAvailability, ...]
    absences: tuple[Absence, ...]
    taken: tuple[tuple[int, datetime], ...]
    upcoming: tuple[Appointment, ...] = ()
    # A fresh random code for a new booking reference: randomness is an input of the turn.
    fresh_code: str = "AAAA"
    lead_time: timedelta = timedelta(hours=12)
    horizon_days: int = 42
    reference_prefixes: dict[str, str] = field(default_factory=dict)
    # The languages this person's channel can send a reminder in, None for any (WhatsApp
    # writes first only with a template, which exists in some languages).
    reminder_languages: tuple[str, ...] | None = None

    def with_taken(self, staff_id: int, start: datetime) -> BookingCalendar:
        return replace(self, taken=(*self.taken, (staff_id, start)))


# Booking reads the calendar and the person's appointments only in turns that need them.
CALENDAR = ContextKey("booking.calendar", BookingCalendar)


class SlotTaken(ContextConflict):
    """Someone else booked this slot first; the turn, run again knowing it, offers others."""

    context = CALENDAR.name

    def __init__(self, staff_id: int, starts_at: datetime) -> None:
        super().__init__(f"slot of staff {staff_id} at {starts_at.isoformat()} is taken")
        self.staff_id = staff_id
        self.starts_at = starts_at

    def amend(self, value: object) -> object:
        assert isinstance(value, BookingCalendar)
        return value.with_taken(self.staff_id, self.starts_at)


def types_offered(calendar: BookingCalendar, suggested: str | None) -> list[str]:
    """Types some staff member takes, the suggested one first."""
    available = [
        t for t in APPOINTMENT_TYPES if any(t in s.appointment_types for s in calendar.staff)
    ]
    if suggested in available:
        available.remove(suggested)
        available.insert(0, suggested)
    return available


def places_for(calendar: BookingCalendar, kind: str, region: str | None) -> list[PlaceInfo]:
    """Places where staff of this type work, the nearest to the person's region first, remote
    last."""
    staff = {s.id for s in calendar.staff if kind in s.appointment_types}
    place_ids = {a.place_id for a in calendar.availability if a.staff_id in staff}
    places = [calendar.places[i] for i in sorted(place_ids) if i in calendar.places]

    def distance(place: PlaceInfo) -> int:
        if place.remote:
            return 3
        if region is not None and place.region == region:
            return 0
        same_broad = region is not None and BROAD_REGIONS.get(region) == BROAD_REGIONS.get(
            place.region or ""
        )
        return 1 if same_broad else 2

    return sorted(places, key=lambda p: (distance(p), p.id))


def slots_for(
    calendar: BookingCalendar,
    kind: str,
    place_id: int,
    lang: str,
    now: datetime,
    after: datetime | None = None,
    limit: int = SLOTS_PER_PAGE,
) -> tuple[list[Slot], bool]:
    """The next free slots at the place for this type, from staff who speak ``lang`` when
    there are such staff; the bool says whether an interpreter is needed."""
    able = [s for s in calendar.staff if kind in s.appointment_types]
    speakers = {s.id for s in able if lang in s.languages}
    chosen = speakers or {s.id for s in able}
    openings = [
        a for a in calendar.availability if a.staff_id in chosen and a.place_id == place_id
    ]
    if speakers and not openings:
        chosen = {s.id for s in able}
        openings = [
            a for a in calendar.availability if a.staff_id in chosen and a.place_id == place_id
        ]
        speakers = set()
    slots = free_slots(
        openings,
        calendar.absences,
        calendar.taken,
        now=now,
        lead_time=calendar.lead_time,
        days=calendar.horizon_days,
    )
    if after is not None:
        slots = [slot for slot in slots if slot.start > after]
    return _one_per_time(slots)[:limit], not speakers


def slot_is_free(calendar: BookingCalendar, slot: Slot, now: datetime) -> bool:
    openings = [
        a
        for a in calendar.availability
        if a.staff_id == slot.staff_id and a.place_id == slot.place_id
    ]
    free = free_slots(
        openings,
        calendar.absences,
        calendar.taken,
        now=now,
        lead_time=calendar.lead_time,
        days=calendar.horizon_days,
    )
    return slot in free


def _one_per_time(slots: Sequence[Slot]) -> list[Slot]:
    """Two advisers free at 9:00 are one choice for the person."""
    seen: set[datetime] = set()
    unique = []
    for slot in slots:
        if slot.start not in seen:
            seen.add(slot.start)
            unique.append(slot)
    return unique
