"""YAML -> Flow, failing fast with the file, the node and the problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.flows.conditions import ConditionError, parse_condition
from bot.flows.spec import (
    ACCEPT,
    MAX_NODES_PER_FLOW,
    SPEC_VERSION,
    AskMode,
    Flow,
    Node,
    NodeKind,
    Route,
)

KIND_FIELDS = {
    "say": NodeKind.SAY,
    "ask": NodeKind.ASK,
    "action": NodeKind.ACTION,
    "enter": NodeKind.ENTER,
    "summary": NodeKind.SUMMARY,
    "end": NodeKind.END,
}
KNOWN_FIELDS = set(KIND_FIELDS) | {
    "id",
    "key",
    "options",
    "exclusive",
    "optional",
    "sensitive",
    "intro",
    "entity",
    "intents",
    "validator",
    "save",
    "show_if",
    "routes",
    "next",
    "consent",
}


NOT_FLOWS = frozenset({"languages.yml", "whatsapp_templates.yml", "handoff.yml", "urgent.yml"})


class FlowError(ValueError):
    """A flow file is invalid; the message names the file, the node and the problem."""


def load_flow(path: Path) -> Flow:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise FlowError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(document, dict):
        raise FlowError(f"{path}: expected a mapping with spec_version, id, start and nodes")
    version = document.get("spec_version")
    if version != SPEC_VERSION:
        raise FlowError(f"{path}: spec_version {version!r} is not supported (use {SPEC_VERSION})")
    raw_nodes = document.get("nodes")
    if not isinstance(raw_nodes, list) or not raw_nodes:
        raise FlowError(f"{path}: 'nodes' must be a non-empty list")
    if len(raw_nodes) > MAX_NODES_PER_FLOW:
        raise FlowError(f"{path}: more than {MAX_NODES_PER_FLOW} nodes")
    nodes: dict[str, Node] = {}
    for index, raw in enumerate(raw_nodes):
        node = _node(path, index, raw)
        if node.id in nodes:
            raise FlowError(f"{path}: node {node.id}: defined twice")
        nodes[node.id] = node
    flow_id, start = document.get("id"), document.get("start")
    if not isinstance(flow_id, str) or flow_id != path.stem:
        raise FlowError(f"{path}: id must be the file name without extension ({path.stem!r})")
    if start not in nodes:
        raise FlowError(f"{path}: start node {start!r} does not exist")
    return Flow(id=flow_id, start=str(start), nodes=nodes, source=str(path))


def _node(path: Path, index: int, raw: Any) -> Node:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise FlowError(f"{path}: nodes[{index}]: every node needs an 'id'")
    where = f"{path}: node {raw['id']}"
    unknown = set(raw) - KNOWN_FIELDS
    if unknown:
        raise FlowError(f"{where}: unknown field(s) {sorted(unknown)}")
    kinds = [field for field in KIND_FIELDS if field in raw]
    if len(kinds) != 1:
        raise FlowError(f"{where}: needs exactly one of {sorted(KIND_FIELDS)}, found {kinds}")
    kind = KIND_FIELDS[kinds[0]]
    value = raw[kinds[0]]
    try:
        return Node(
            id=raw["id"],
            kind=kind,
            key=value if kind == NodeKind.SAY else raw.get("key"),
            mode=AskMode(value) if kind == NodeKind.ASK else None,
            options=tuple(str(code) for code in raw.get("options", [])),
            exclusive=tuple(str(code) for code in raw.get("exclusive", [])),
            optional=bool(raw.get("optional", False)),
            sensitive=bool(raw.get("sensitive", False)),
            intro=bool(raw.get("intro", False)),
            entity=raw.get("entity"),
            intents=tuple((str(k), str(v)) for k, v in (raw.get("intents") or {}).items()),
            validator=raw.get("validator"),
            save=raw.get("save"),
            show_if=parse_condition(raw["show_if"]) if "show_if" in raw else None,
            show_if_source=raw.get("show_if"),
            action=value if kind == NodeKind.ACTION else None,
            flow=value if kind == NodeKind.ENTER else None,
            summary_of=tuple(value) if kind == NodeKind.SUMMARY else (),
            routes=tuple(_route(where, route) for route in raw.get("routes", [])),
            next=raw.get("next"),
            consent=_consent(where, kind, raw),
        )
    except ConditionError as error:
        raise FlowError(f"{where}: {error}") from error
    except ValueError as error:
        raise FlowError(f"{where}: {error}") from error


def _consent(where: str, kind: NodeKind, raw: dict[str, Any]) -> str | None:
    version = raw.get("consent")
    if version is None:
        return None
    if kind != NodeKind.ASK or ACCEPT not in raw.get("options", []):
        raise FlowError(f"{where}: consent is for an ask node with an {ACCEPT} option")
    return str(version)


def _route(where: str, raw: Any) -> Route:
    if not isinstance(raw, dict) or set(raw) != {"when", "goto"}:
        raise FlowError(f"{where}: a route needs exactly 'when' and 'goto'")
    return Route(when=parse_condition(str(raw["when"])), goto=str(raw["goto"]), source=raw["when"])


def load_flows(content_dir: Path) -> dict[str, Flow]:
    flows = {}
    for path in sorted(content_dir.glob("*.yml")):
        if path.name in NOT_FLOWS:
            continue
        flow = load_flow(path)
        flows[flow.id] = flow
    return flows
