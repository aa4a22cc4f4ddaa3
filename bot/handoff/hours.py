"""When a desk is open, and when it opens next: Brussels time, Belgian public holidays closed.

The ten legal public holidays of Belgium (Royal Decree of 18 April 1974): New Year's Day,
Easter Monday, Labour Day, Ascension, Whit Monday, the National Day (21 July), Assumption
(15 August), All Saints (1 November), Armistice (11 November) and Christmas.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from bot.handoff.desks import Desk

BRUSSELS = ZoneInfo("Europe/Brussels")
LOOK_AHEAD_DAYS = 21  # a desk closed for longer than this has no "next time" to promise


def easter_sunday(year: int) -> date:
    """The Gregorian Easter (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month = (h + el - 7 * m + 114) // 31
    day = (h + el - 7 * m + 114) % 31 + 1
    return date(year, month, day)


@cache
def belgian_public_holidays(year: int) -> frozenset[date]:
    easter = easter_sunday(year)
    return frozenset(
        {
            date(year, 1, 1),
            easter + timedelta(days=1),
            date(year, 5, 1),
            easter + timedelta(days=39),
            easter + timedelta(days=50),
            date(year, 7, 21),
            date(year, 8, 15),
            date(year, 11, 1),
            date(year, 11, 11),
            date(year, 12, 25),
        }
    )


def _closed_on(desk: Desk, day: date) -> bool:
    return day in desk.closed or day in belgian_public_holidays(day.year)


def is_open(desk: Desk, moment: datetime) -> bool:
    local = moment.astimezone(BRUSSELS)
    if _closed_on(desk, local.date()):
        return False
    now = local.time()
    return any(start <= now < end for start, end in desk.hours.get(local.weekday(), ()))


def next_opening(desk: Desk, moment: datetime) -> datetime | None:
    """The next time the desk opens after ``moment`` (aware, Brussels), None if not soon."""
    local = moment.astimezone(BRUSSELS)
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        if _closed_on(desk, day):
            continue
        for start, _end in sorted(desk.hours.get(day.weekday(), ())):
            opening = datetime.combine(day, start, tzinfo=BRUSSELS)
            if opening > local:
                return opening
    return None
