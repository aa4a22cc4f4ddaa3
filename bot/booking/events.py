"""What the booking dialogue did, for the host to apply in the turn's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.engine.events import FeatureEvent


@dataclass(frozen=True, slots=True)
class BookingMade(FeatureEvent):
    """The person booked a slot (``replaces``: the booking it moves, cancelled with it)."""

    reference: str
    staff_id: int
    place_id: int
    appointment_type: str
    starts_at: datetime
    ends_at: datetime
    language: str
    interpreter_needed: bool
    shared_answers: dict[str, Any] | None = None
    replaces: str | None = None
    reminder_language: str | None = None
    reminders_wanted: bool = True


@dataclass(frozen=True, slots=True)
class ReminderLanguageChosen(FeatureEvent):
    """The language the reminders of a booking are written in; None: no reminders."""

    reference: str
    lang: str | None


@dataclass(frozen=True, slots=True)
class BookingCancelled(FeatureEvent):
    reference: str
