"""The typed model of a flow, as loaded from ``flows/<id>.yml`` (see docs/flow-language.md)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.flows.conditions import Condition

SPEC_VERSION = 1
MAX_NODES_PER_FLOW = 200
MAX_STEPS_PER_TURN = 50  # stops a loop of say/action nodes that never waits
SKIPPED = "SKIPPED"  # the answer code of "prefer not to say"
CONFIRM = "CONFIRM"  # the summary's "that's right"
ACCEPT = "ACCEPT"  # the answer code of a consent question that gives consent


class NodeKind(StrEnum):
    SAY = "say"
    ASK = "ask"
    ACTION = "action"
    ENTER = "enter"
    SUMMARY = "summary"
    END = "end"


class AskMode(StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Route:
    when: Condition
    goto: str
    source: str  # the condition as written, for diagrams and messages


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    kind: NodeKind
    key: str | None = None  # text key (say) or text prefix (ask, summary)
    mode: AskMode | None = None
    options: tuple[str, ...] = ()
    exclusive: tuple[str, ...] = ()
    optional: bool = False
    sensitive: bool = False
    intro: bool = False
    entity: str | None = None
    intents: tuple[tuple[str, str], ...] = ()  # (NLU intent, option code) pairs
    validator: str | None = None
    save: str | None = None
    show_if: Condition | None = None
    show_if_source: str | None = None
    action: str | None = None
    flow: str | None = None  # entered flow
    summary_of: tuple[str, ...] = ()
    routes: tuple[Route, ...] = ()
    next: str | None = None
    # The version of the consent text a consent question asks for (``consent: 2026-11-v1``):
    # recorded with each answer, asked until accepted, asked even when only some are.
    consent: str | None = None

    def exits(self) -> list[str]:
        targets = [route.goto for route in self.routes]
        if self.next:
            targets.append(self.next)
        return targets + list(self.summary_of)

    def text_keys(self) -> list[str]:
        """Every text key this node needs in every language."""
        if self.kind == NodeKind.SAY and self.key:
            return [self.key]
        if self.key is None:
            return []
        keys = [f"{self.key}.text", f"{self.key}.short"]
        if self.kind == NodeKind.SUMMARY:
            keys += [f"{self.key}.confirm_text", f"{self.key}.options.{CONFIRM}"]
            keys += [f"{self.key}.{name}" for name in ("line", "not_answered", "skipped")]
        keys += [f"{self.key}.options.{code}" for code in self.options]
        if self.sensitive:
            keys.append(f"{self.key}.why")
        if self.intro:
            keys.append(f"{self.key}.intro")
        return keys


@dataclass(frozen=True, slots=True)
class Flow:
    id: str
    start: str
    nodes: dict[str, Node]
    source: str  # file the flow came from, for messages

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]
