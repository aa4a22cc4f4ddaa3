"""The session: one versioned JSON document per contact, owned by the engine."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Self

from bot.understanding.decision import LanguageSource

# 2: ``data`` holds one section per feature state (``flow``, ``booking``...); version 1
# documents, with free keys, are upgraded when read (adapters/db/session_upgrade.py).
SESSION_SPEC_VERSION = 2


class SessionStatus(StrEnum):
    ACTIVE = "active"
    WAITING = "waiting"
    HANDED_OVER = "handed_over"
    ENDED = "ended"


class SessionFormatError(ValueError):
    """Stored session JSON that this engine cannot read."""


@dataclass(frozen=True, slots=True)
class Session:
    """Immutable engine state; every turn produces a new one.

    ``wait`` names what the bot waits for (e.g. ``main_menu``); ``data`` holds the typed
    states of the engine and the features (bot/engine/state.py), written by them only.
    """

    language: str
    language_source: LanguageSource = LanguageSource.DEFAULT
    status: SessionStatus = SessionStatus.ACTIVE
    wait: str | None = None
    handoff_reason: str | None = None
    last_input_at: datetime | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def evolve(self, **changes: Any) -> Self:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "spec_version": SESSION_SPEC_VERSION,
            "language": self.language,
            "language_source": self.language_source.value,
            "status": self.status.value,
            "wait": self.wait,
            "handoff_reason": self.handoff_reason,
            "last_input_at": self.last_input_at.isoformat() if self.last_input_at else None,
            "data": self.data,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Session:
        version = raw.get("spec_version")
        if version != SESSION_SPEC_VERSION:
            raise SessionFormatError(f"session spec_version {version!r} is not supported")
        try:
            last = raw.get("last_input_at")
            return cls(
                language=str(raw["language"]),
                language_source=LanguageSource(raw["language_source"]),
                status=SessionStatus(raw["status"]),
                wait=raw.get("wait"),
                handoff_reason=raw.get("handoff_reason"),
                last_input_at=datetime.fromisoformat(last) if last else None,
                data=dict(raw.get("data") or {}),
            )
        except (KeyError, ValueError, TypeError) as error:
            raise SessionFormatError(f"unreadable session: {error}") from error
