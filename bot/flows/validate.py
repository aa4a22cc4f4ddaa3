"""Checks across flows, texts, NLU data and registered actions; every problem is listed.

Run at start-up and by ``passerelle flows check``: every goto exists, no node is
unreachable, every intent is in nlu_data/, every text key exists (the catalogue itself
guarantees each key is in every language), every action and entered flow exists.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from bot.flows.conditions import names_in
from bot.flows.spec import AskMode, Flow, Node, NodeKind


def flow_problems(
    flows: Mapping[str, Flow],
    *,
    text_keys: Collection[str],
    intents: Collection[str],
    actions: Collection[str] | None,
    validators: Collection[str],
) -> list[str]:
    """``actions``: the registered flow actions; None leaves them to ``action_problems``,
    run once the features have registered theirs."""
    problems: list[str] = []
    for flow in flows.values():
        saved = {node.save for node in flow.nodes.values() if node.save}
        for node in flow.nodes.values():
            where = f"{flow.source}: node {node.id}"
            problems += [f"{where}: {p}" for p in _node_problems(node, flow, flows, saved)]
            problems += [
                f"{where}: text key {key!r} is missing from the catalogues"
                for key in node.text_keys()
                if key not in text_keys
            ]
            problems += [
                f"{where}: intent {intent!r} is not in nlu_data/"
                for intent, _ in node.intents
                if intent not in intents
            ]
            if node.validator is not None and node.validator not in validators:
                problems.append(f"{where}: validator {node.validator!r} is not registered")
        problems += action_problems({flow.id: flow}, actions) if actions is not None else []
        problems += [
            f"{flow.source}: node {node_id}: unreachable from {flow.start!r}"
            for node_id in sorted(set(flow.nodes) - _reachable(flow))
        ]
    return problems


def action_problems(flows: Mapping[str, Flow], actions: Collection[str]) -> list[str]:
    return [
        f"{flow.source}: node {node.id}: action {node.action!r} is not registered"
        for flow in flows.values()
        for node in flow.nodes.values()
        if node.action is not None and node.action not in actions
    ]


def _node_problems(
    node: Node, flow: Flow, flows: Mapping[str, Flow], saved: set[str]
) -> list[str]:
    problems = [
        f"goto {target!r} does not exist" for target in node.exits() if target not in flow.nodes
    ]
    conditions = [route.when for route in node.routes]
    if node.show_if is not None:
        conditions.append(node.show_if)
    for condition in conditions:
        problems += [
            f"condition reads {name!r}, which no node saves"
            for name in sorted(names_in(condition) - saved)
        ]
    if node.kind == NodeKind.ASK:
        if node.key is None:
            problems.append("a question needs a 'key' for its texts")
        if node.mode != AskMode.TEXT and not node.options:
            problems.append("a choice question needs options")
        if node.save is None:
            problems.append("a question needs 'save'")
        problems += [
            f"intent {intent!r} maps to unknown option {code!r}"
            for intent, code in node.intents
            if code not in node.options
        ]
        problems += [
            f"exclusive option {code!r} is not an option"
            for code in node.exclusive
            if code not in node.options
        ]
    if node.sensitive and not node.optional and node.kind == NodeKind.ASK:
        problems.append("a sensitive question must be optional")
    if node.kind == NodeKind.ENTER and node.flow not in flows:
        problems.append(f"entered flow {node.flow!r} does not exist")
    if node.kind not in {NodeKind.END, NodeKind.ACTION} and not node.exits():
        problems.append("needs 'next' (or 'end: true')")
    return problems


def _reachable(flow: Flow) -> set[str]:
    seen, todo = set(), [flow.start]
    while todo:
        node_id = todo.pop()
        if node_id in seen or node_id not in flow.nodes:
            continue
        seen.add(node_id)
        todo.extend(flow.nodes[node_id].exits())
    return seen
