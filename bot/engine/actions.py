"""Named actions a flow can call (``action: schemes.evaluate``): registered Python functions.

An action gets the turn (answers, language, ``say``) and tells the runner whether the flow
goes on to the node's ``next`` or stops here (a handoff, for example).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from bot.engine.turn import Turn


class ActionOutcome(Enum):
    CONTINUE = "continue"
    STOP = "stop"


Action = Callable[[Turn], ActionOutcome]


def nonempty(text: str) -> str | None:
    cleaned = " ".join(text.split())
    return cleaned[:200] if cleaned else None


Validator = Callable[[str], str | None]
DEFAULT_VALIDATORS: dict[str, Validator] = {"nonempty": nonempty}
