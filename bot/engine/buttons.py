"""The payloads the engine itself reads: commands, menu items, intents, languages, a flow's
answers and summary changes, "go on" and "start again", and media the person sent.

Their wire forms (``cmd:menu``, ``a:q1:BXL``...) are the codec's business (payloads.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class CommandButton:
    """A button acting as the typed command (``cmd:menu`` is ``/menu``)."""

    TAG: ClassVar[str] = "cmd"
    name: str


@dataclass(frozen=True, slots=True)
class MenuButton:
    TAG: ClassVar[str] = "menu"
    item: str


@dataclass(frozen=True, slots=True)
class IntentButton:
    """One of the likeliest meanings, offered when the NLU is unsure."""

    TAG: ClassVar[str] = "int"
    intent: str


@dataclass(frozen=True, slots=True)
class LanguageButton:
    TAG: ClassVar[str] = "lang"
    code: str


@dataclass(frozen=True, slots=True)
class MediaSent:
    """Not a button: what a channel reports for a voice note, photo or file."""

    TAG: ClassVar[str] = "media"
    kind: str


@dataclass(frozen=True, slots=True)
class AnswerButton:
    """An answer to a flow's question (or the summary's confirmation)."""

    TAG: ClassVar[str] = "a"
    node: str
    code: str


@dataclass(frozen=True, slots=True)
class EditButton:
    """A summary's "change this answer"."""

    TAG: ClassVar[str] = "e"
    node: str


@dataclass(frozen=True, slots=True)
class ResumeButton:
    TAG: ClassVar[str] = "flow:resume"


@dataclass(frozen=True, slots=True)
class RestartButton:
    TAG: ClassVar[str] = "flow:restart"


ENGINE_PAYLOADS = (
    CommandButton,
    MenuButton,
    IntentButton,
    LanguageButton,
    MediaSent,
    AnswerButton,
    EditButton,
    ResumeButton,
    RestartButton,
)
