"""Events: what a turn produced, in the past tense, for the host to apply.

The host (``bot.conversation``) persists them in the turn's transaction and sends messages
only after commit. These are the engine's own; features define theirs (bot/booking/events.py).
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """What the person wrote in a handed-over session, for the staff leading it. (Staff
    replies are stored by the console itself and reach the person as ``MsgCreated``.)"""

    text: str


@dataclass(frozen=True, slots=True)
class ConsentRecorded:
    """The person accepted or refused the versioned consent text, in this language."""

    version: str
    lang: str
    accepted: bool


@dataclass(frozen=True, slots=True)
class ContactForgotten:
    """The person asked to erase everything kept about them (``/forget``)."""


class FeatureEvent:
    """The base of the events a feature package defines itself (``BookingMade``): the host
    applies them by their type, so a new feature needs no change here."""

    __slots__ = ()


Event = (
    MsgCreated
    | LanguageChanged
    | StatusChanged
    | MsgRelayed
    | ConsentRecorded
    | ContactForgotten
    | FeatureEvent
)
