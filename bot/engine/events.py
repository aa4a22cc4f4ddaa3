"""Events: what a turn produced, in the past tense, for the host to apply.

The host (``bot.conversation``) persists them in the turn's transaction and sends messages
only after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.engine.messages import Outbound
from bot.engine.session import SessionStatus
from bot.understanding.decision import LanguageSource


@dataclass(frozen=True, slots=True)
class MsgCreated:
    """The bot says something to the person."""

    message: Outbound


@dataclass(frozen=True, slots=True)
class LanguageChanged:
    lang: str
    source: LanguageSource


@dataclass(frozen=True, slots=True)
class StatusChanged:
    status: SessionStatus
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class MsgRelayed:
    """A message relayed in a handed-over session: from the person to the staff member
    leading it, or (``from_staff``) a staff member's reply, also sent to the person."""

    text: str
    from_staff: bool = False


@dataclass(frozen=True, slots=True)
class ConsentRecorded:
    """The person accepted or refused the versioned consent text, in this language."""

    version: str
    lang: str
    accepted: bool


@dataclass(frozen=True, slots=True)
class ContactForgotten:
    """The person asked to erase everything kept about them (``/forget``)."""


@dataclass(frozen=True, slots=True)
class BookingMade:
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
class ReminderLanguageChosen:
    """The language the reminders of a booking are written in; None: no reminders."""

    reference: str
    lang: str | None


@dataclass(frozen=True, slots=True)
class BookingCancelled:
    reference: str


Event = (
    MsgCreated
    | LanguageChanged
    | StatusChanged
    | MsgRelayed
    | ConsentRecorded
    | ContactForgotten
    | BookingMade
    | BookingCancelled
    | ReminderLanguageChosen
)
