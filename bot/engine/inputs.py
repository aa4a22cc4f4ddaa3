"""What the engine is resumed with: the person's message plus everything impure, pre-computed.

The engine has no clock, no NLU client and no language detector: the turn handler computes
these and passes them in, so any turn can be replayed in a test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.booking.offer import BookingCalendar


class LanguageSource(StrEnum):
    """How the conversation language was decided; an explicit choice always wins."""

    DEFAULT = "default"
    HINT = "hint"
    DETECTED = "detected"
    EXPLICIT = "explicit"


@dataclass(frozen=True, slots=True)
class Entity:
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class NluResult:
    """An understanding of free text: the intent with its confidence, and entities."""

    intent: str | None
    confidence: float
    entities: tuple[Entity, ...] = ()
    ranking: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class LanguageDecision:
    lang: str
    source: LanguageSource
    # A weak detection adopted for a new conversation: the bot asks whether it is right.
    unsure: bool = False


@dataclass(frozen=True, slots=True)
class MsgResume:
    """Resume caused by a message from the person.

    ``nlu`` is None for button payloads and commands, or when the NLU service is down
    (then ``nlu_unavailable`` is True so the engine can say that typing does not work now),
    or still training its first model (``nlu_ready_in_minutes`` says about when it will).
    """

    now: datetime
    language: LanguageDecision
    text: str | None = None
    payload: str | None = None
    nlu: NluResult | None = None
    nlu_unavailable: bool = False
    nlu_ready_in_minutes: int | None = None
    command_args: tuple[str, ...] = field(default_factory=tuple)
    booking: BookingCalendar | None = None
