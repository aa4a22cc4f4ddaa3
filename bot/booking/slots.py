"""Free appointment slots from weekly availability, in Brussels time.

Availability is written as people think of it ("Tuesdays 9:00-12:00 in Schaerbeek, 45 minute
slots"), in local time; slots are computed per calendar day so that a daylight-saving change
never shifts an opening hour, and returned in UTC for storage and comparison.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


@dataclass(frozen=True, slots=True)
class WeeklyAvailability:
    """One opening of one staff member: ``weekday`` 0 is Monday; times are local."""

    staff_id: int
    place_id: int
    weekday: int
    start: time
    end: time
    slot_minutes: int


@dataclass(frozen=True, slots=True)
class Absence:
    """A time a staff member is away (``staff_id`` None: the whole organisation, a holiday)."""

    staff_id: int | None
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    start: datetime  # UTC
    end: datetime  # UTC
    staff_id: int
    place_id: int


def free_slots(
    availability: Iterable[WeeklyAvailability],
    absences: Iterable[Absence],
    taken: Iterable[tuple[int, datetime]],
    *,
    now: datetime,
    lead_time: timedelta,
    days: int,
    zone: ZoneInfo = BRUSSELS,
) -> list[Slot]:
    """Slots from ``now + lead_time`` over the next ``days`` local days, soonest first, without
    absences and without slots already taken (``(staff_id, start)`` pairs)."""
    earliest = now + lead_time
    away = list(absences)
    booked = {(staff, start.astimezone(UTC)) for staff, start in taken}
    first_day = now.astimezone(zone).date()
    openings = list(availability)
    found = []
    for offset in range(days + 1):
        day = first_day + timedelta(days=offset)
        for opening in openings:
            if opening.weekday != day.weekday():
                continue
            for slot in _day_slots(opening, day, zone):
                if slot.start < earliest or (slot.staff_id, slot.start) in booked:
                    continue
                if any(_overlaps(slot, absence) for absence in away):
                    continue
                found.append(slot)
    return sorted(found)


def _day_slots(opening: WeeklyAvailability, day: date, zone: ZoneInfo) -> Iterator[Slot]:
    length = timedelta(minutes=opening.slot_minutes)
    start = datetime.combine(day, opening.start)
    close = datetime.combine(day, opening.end)
    while start + length <= close:
        local = start.replace(tzinfo=zone)
        if _exists(local):
            begin = local.astimezone(UTC)
            yield Slot(
                begin,
                (start + length).replace(tzinfo=zone).astimezone(UTC),
                opening.staff_id,
                opening.place_id,
            )
        start += length


def _exists(local: datetime) -> bool:
    """False for a wall-clock time skipped by the spring change (02:00-03:00 in March)."""
    return local.astimezone(UTC).astimezone(local.tzinfo).replace(tzinfo=None) == local.replace(
        tzinfo=None
    )


def _overlaps(slot: Slot, absence: Absence) -> bool:
    if absence.staff_id is not None and absence.staff_id != slot.staff_id:
        return False
    return slot.start < absence.end and absence.start < slot.end
