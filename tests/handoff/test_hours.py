"""Opening hours of the desks: Brussels time, Belgian public holidays, the next opening."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.handoff.desks import load_desks
from bot.handoff.hours import (
    BRUSSELS,
    belgian_public_holidays,
    easter_sunday,
    is_open,
    next_opening,
)

DESKS = load_desks(Path(__file__).resolve().parents[2] / "flows" / "handoff.yml")
MICROSTART = DESKS.desks["microstart"]
HUB = DESKS.desks["saamo_hub"]


def brussels(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, date(2024, 3, 31)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_easter_sunday_is_the_gregorian_one(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_the_ten_belgian_public_holidays_of_2027() -> None:
    assert sorted(belgian_public_holidays(2027)) == [
        date(2027, 1, 1),
        date(2027, 3, 29),  # Easter Monday
        date(2027, 5, 1),
        date(2027, 5, 6),  # Ascension
        date(2027, 5, 17),  # Whit Monday
        date(2027, 7, 21),
        date(2027, 8, 15),
        date(2027, 11, 1),
        date(2027, 11, 11),
        date(2027, 12, 25),
    ]


def test_open_within_the_hours_of_the_day_in_brussels_time() -> None:
    # 08:30 UTC on a winter Monday is 09:30 in Brussels.
    assert is_open(MICROSTART, datetime(2026, 11, 23, 8, 30, tzinfo=UTC))
    assert not is_open(MICROSTART, brussels(2026, 11, 23, 8, 59))
    assert not is_open(MICROSTART, brussels(2026, 11, 23, 17, 0))
    # The hub closes for lunch.
    assert not is_open(HUB, brussels(2026, 11, 23, 13, 0))
    assert is_open(HUB, brussels(2026, 11, 23, 13, 30))


def test_friday_evening_opens_next_on_monday_morning() -> None:
    assert next_opening(MICROSTART, brussels(2026, 11, 27, 16, 30)) == brussels(2026, 11, 30, 9, 0)


def test_a_public_holiday_is_skipped() -> None:
    # Thursday 24 December 2026 evening: the 25th is Christmas, then the weekend.
    assert not is_open(MICROSTART, brussels(2026, 12, 25, 10, 0))
    assert next_opening(MICROSTART, brussels(2026, 12, 24, 18, 0)) == brussels(2026, 12, 28, 9, 0)
    # Easter Monday 2027 is closed: the Saturday before opens on Tuesday.
    assert next_opening(MICROSTART, brussels(2027, 3, 27, 12, 0)) == brussels(2027, 3, 30, 9, 0)


def test_later_the_same_day_after_lunch() -> None:
    assert next_opening(HUB, brussels(2026, 11, 23, 12, 45)) == brussels(2026, 11, 23, 13, 30)


def test_every_route_has_a_suggested_desk_that_serves_it() -> None:
    for route, code in DESKS.suggested.items():
        assert route in DESKS.desks[code].routes, route
    # Without a route every desk fits, the default first.
    assert next(d.code for d in DESKS.fitting(None)) == DESKS.default
    assert [d.code for d in DESKS.fitting("hub_worker")] == ["saamo_hub"]
