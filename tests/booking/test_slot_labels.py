"""Slot buttons name the day and the exact time within WhatsApp's 20 characters, in every
language: a long weekday or month name shortens the date, never the time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from babel.dates import format_time

from bot.booking.labels import SLOT_LABEL_CHARS, short_when
from bot.booking.slots import BRUSSELS
from tests.support.builders import catalog


@pytest.mark.parametrize("lang", catalog().codes)
def test_every_slot_label_of_the_year_fits_and_keeps_the_time(lang: str) -> None:
    locale = catalog().language(lang).locale
    for day in range(366):
        moment = datetime(2026, 1, 1, 12, 45, tzinfo=UTC) + timedelta(days=day)
        label = short_when(moment, locale)
        time = format_time(moment.astimezone(BRUSSELS), format="HH:mm", locale=locale)
        assert len(label) <= SLOT_LABEL_CHARS, label
        assert label.endswith(f" {time}"), label  # a date before it, and the whole time


def test_a_long_pashto_weekday_gives_up_the_month_name_not_the_minutes() -> None:
    thursday = datetime(2026, 11, 26, 12, 30, tzinfo=UTC)  # 13:30 in Brussels
    label = short_when(thursday, "ps_AF")
    assert label.endswith("13:30")
    assert "26" in label
