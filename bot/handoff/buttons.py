"""The buttons of the handoff: start it with a reason, choose who answers, share the answers
or not, accept a transfer or not. Every press is checked against the session's state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class StartHandoff:
    """ "Talk to a person", carrying why it was offered (``misunderstood``, ``media``...)."""

    TAG: ClassVar[str] = "ho:go"
    reason: str


@dataclass(frozen=True, slots=True)
class ChooseDesk:
    """``desk`` is an organisation's code; empty: "I don't know", the suggested one."""

    TAG: ClassVar[str] = "ho:d"
    desk: str = ""


@dataclass(frozen=True, slots=True)
class ShareAnswers:
    TAG: ClassVar[str] = "ho:s"
    share: str  # "yes" or "no"


@dataclass(frozen=True, slots=True)
class AnswerTransfer:
    TAG: ClassVar[str] = "ho:t"
    accept: str  # "yes" or "no"


HANDOFF_PAYLOADS = (StartHandoff, ChooseDesk, ShareAnswers, AnswerTransfer)
