"""Slot generation: local opening hours across daylight-saving changes, absences, lead time."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.booking.slots import BRUSSELS, Absence, WeeklyAvailability, free_slots

TUESDAY_MORNING = WeeklyAvailability(
    staff_id=1, place_id=10, weekday=1, start=time(9, 0), end=time(12, 0), slot_minutes=60
)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def starts(slots: list) -> list[datetime]:  # type: ignore[type-arg]
    return [slot.start.astimezone(BRUSSELS).replace(tzinfo=None) for slot in slots]


def test_slots_follow_the_weekly_opening_in_local_time() -> None:
    now = local(2026, 11, 23, 8, 0)  # a Monday
    slots = free_slots([TUESDAY_MORNING], [], [], now=now, lead_time=timedelta(0), days=8)
    assert starts(slots) == [
        datetime(2026, 11, 24, 9),
        datetime(2026, 11, 24, 10),
        datetime(2026, 11, 24, 11),
        datetime(2026, 12, 1, 9),
        datetime(2026, 12, 1, 10),
        datetime(2026, 12, 1, 11),
    ]
    assert all(slot.start.tzinfo == UTC for slot in slots)
    assert slots[0].start == datetime(2026, 11, 24, 8, tzinfo=UTC)  # winter: UTC+1


def test_opening_hours_stay_local_across_the_october_and_march_changes() -> None:
    october = free_slots(
        [TUESDAY_MORNING], [], [], now=local(2026, 10, 19, 8), lead_time=timedelta(0), days=8
    )
    assert [s.start.hour for s in october if s.start.astimezone(BRUSSELS).hour == 9] == [7, 8]
    # 20 Oct is summer time (UTC+2), 27 Oct winter time (UTC+1): both 9:00 in Brussels.
    march = free_slots(
        [TUESDAY_MORNING], [], [], now=local(2027, 3, 22, 8), lead_time=timedelta(0), days=8
    )
    assert [s.start.hour for s in march if s.start.astimezone(BRUSSELS).hour == 9] == [8, 7]


def test_a_slot_in_the_hour_skipped_in_spring_does_not_exist() -> None:
    night = WeeklyAvailability(1, 10, weekday=6, start=time(1, 0), end=time(4, 0), slot_minutes=60)
    slots = free_slots([night], [], [], now=local(2027, 3, 27, 12), lead_time=timedelta(0), days=1)
    assert starts(slots) == [datetime(2027, 3, 28, 1), datetime(2027, 3, 28, 3)]


def test_nothing_in_the_past_and_nothing_sooner_than_the_lead_time() -> None:
    now = local(2026, 11, 24, 9, 30)
    slots = free_slots([TUESDAY_MORNING], [], [], now=now, lead_time=timedelta(hours=1), days=0)
    assert starts(slots) == [datetime(2026, 11, 24, 11)]


def test_absences_and_holidays_remove_slots() -> None:
    other = WeeklyAvailability(2, 10, weekday=1, start=time(9), end=time(10), slot_minutes=60)
    ill = Absence(staff_id=1, start=local(2026, 11, 24, 0), end=local(2026, 11, 25, 0))
    holiday = Absence(staff_id=None, start=local(2026, 12, 1, 0), end=local(2026, 12, 2, 0))
    slots = free_slots(
        [TUESDAY_MORNING, other],
        [ill, holiday],
        [],
        now=local(2026, 11, 23, 8),
        lead_time=timedelta(0),
        days=8,
    )
    assert [(s.staff_id, s.start.astimezone(BRUSSELS).day) for s in slots] == [(2, 24)]


def test_taken_slots_are_not_offered() -> None:
    taken = [(1, local(2026, 11, 24, 10))]
    slots = free_slots(
        [TUESDAY_MORNING], [], taken, now=local(2026, 11, 23, 8), lead_time=timedelta(0), days=1
    )
    assert starts(slots) == [datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 11)]
