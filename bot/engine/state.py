"""Typed session data: each feature keeps its own frozen dataclass in the session document.

The document's ``data`` has one section per state ``KEY`` (``flow``, ``booking``...), written
by ``to_dict`` and read back by ``from_dict``; the registry makes sure no two features claim
one key. A state equal to its empty value is not written at all, so a session carries only
what is in progress.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, Self

Answer = str | list[str]


class FeatureState(Protocol):
    KEY: ClassVar[str]

    def to_dict(self) -> dict[str, Any]: ...

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Self: ...


@dataclass(frozen=True, slots=True)
class FlowState:
    """Where the person is in the flows, and what they answered.

    ``stack`` holds ``(flow, node)`` frames (a flow can enter another and come back);
    ``editing``/``returning_to``: a question asked again from the summary; ``multi``: the
    choices so far of a multiple-choice question; ``only``: the answers an "am I eligible?"
    still needs, the only questions asked.
    """

    KEY: ClassVar[str] = "flow"
    stack: tuple[tuple[str, str], ...] = ()
    answers: dict[str, Answer] = field(default_factory=dict)
    editing: str | None = None
    returning_to: str | None = None
    multi: tuple[str, ...] = ()
    misses: int = 0
    only: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "stack": [list(frame) for frame in self.stack],
            "answers": dict(self.answers),
            "editing": self.editing,
            "returning_to": self.returning_to,
            "multi": list(self.multi),
            "misses": self.misses,
            "only": list(self.only),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Self:
        return cls(
            stack=tuple((str(flow), str(node)) for flow, node in raw.get("stack") or ()),
            answers=dict(raw.get("answers") or {}),
            editing=raw.get("editing"),
            returning_to=raw.get("returning_to"),
            multi=tuple(raw.get("multi") or ()),
            misses=int(raw.get("misses") or 0),
            only=tuple(raw.get("only") or ()),
        )


@dataclass(frozen=True, slots=True)
class EngineState:
    """What the engine itself remembers: whether it asked if its language guess was right,
    how many typed messages in a row it did not understand (outside the flows), and the
    buttons on screen."""

    KEY: ClassVar[str] = "engine"
    language_checked: bool = False
    misunderstood: int = 0
    # (title, payload) of the buttons of the bot's last answer: what is on the person's
    # screen, so that typing a title means pressing it.
    offered: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"language_checked": self.language_checked}
        if self.misunderstood:
            data["misunderstood"] = self.misunderstood
        if self.offered:
            data["offered"] = [list(button) for button in self.offered]
        return data

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Self:
        return cls(
            language_checked=bool(raw.get("language_checked")),
            misunderstood=int(raw.get("misunderstood") or 0),
            offered=tuple((str(t), str(p)) for t, p in raw.get("offered") or ()),
        )


FACTS_KEY = "facts"  # what one feature concludes and another reads (see Feature.facts)
ENGINE_STATES: tuple[type[FeatureState], ...] = (FlowState, EngineState)
ENGINE_SECTIONS = frozenset({FlowState.KEY, EngineState.KEY, FACTS_KEY})
