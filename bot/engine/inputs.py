"""What the engine is resumed with: the cause of the turn plus everything impure, pre-computed.

The engine has no clock, no NLU client and no language detector: the turn handler computes
these and passes them in, so any turn can be replayed in a test. Every turn has a cause,
named as goflow names its resumes: a message from the person (``msg``), a wait that timed
out (``wait_timeout``), a staff member's action (``staff_action``) or an event of the system
(``system_event``). All of them run through the same turn handler.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.understanding.decision import LanguageDecision, LanguageSource

__all__ = [
    "Entity",
    "LanguageDecision",
    "LanguageSource",
    "MsgResume",
    "NluResult",
    "Resume",
    "StaffResume",
    "SystemResume",
    "WaitTimeoutResume",
]


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
class MsgResume:
    """Resume caused by a message from the person.

    ``nlu`` is None for button payloads and commands, or when the NLU service is down
    (then ``nlu_unavailable`` is True so the engine can say that typing does not work now),
    or still training its first model (``nlu_ready_in_minutes`` says about when it will).
    """

    CAUSE = "msg"
    now: datetime
    language: LanguageDecision
    text: str | None = None
    payload: str | None = None
    nlu: NluResult | None = None
    nlu_unavailable: bool = False
    nlu_ready_in_minutes: int | None = None
    command_args: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class WaitTimeoutResume:
    """The person did not answer what the session waits for (``wait``) in time."""

    CAUSE = "wait_timeout"
    now: datetime
    wait: str


@dataclass(frozen=True, slots=True)
class StaffResume:
    """A staff member acted on the conversation: ``reply`` (with ``text``), ``close``...;
    ``ref`` identifies the action where it was recorded, so the turn can mark it relayed."""

    CAUSE = "staff_action"
    now: datetime
    action: str
    staff_id: int | None = None
    text: str | None = None
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class SystemResume:
    """Something happened elsewhere that this conversation must hear of (``event``)."""

    CAUSE = "system_event"
    now: datetime
    event: str
    values: tuple[tuple[str, str], ...] = ()


Resume = MsgResume | WaitTimeoutResume | StaffResume | SystemResume
