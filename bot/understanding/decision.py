"""How the conversation language was decided, as the engine and the detector both read it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class LanguageSource(StrEnum):
    """How the conversation language was decided; an explicit choice always wins."""

    DEFAULT = "default"
    HINT = "hint"
    DETECTED = "detected"
    EXPLICIT = "explicit"


@dataclass(frozen=True, slots=True)
class LanguageDecision:
    lang: str
    source: LanguageSource
    # A weak detection adopted for a new conversation: the bot asks whether it is right.
    unsure: bool = False
