"""A Mermaid diagram of a flow, committed beside it (``flows/<id>.mmd``) for reviewers."""

from __future__ import annotations

from bot.flows.spec import Flow, Node, NodeKind

HEADER = "%% Generated from {source} by `passerelle flows diagram`; do not edit by hand.\n"


def _label(node: Node) -> str:
    match node.kind:
        case NodeKind.ASK:
            detail = f"ask {node.mode}: {node.save}"
        case NodeKind.SAY:
            detail = f"say {node.key}"
        case NodeKind.ACTION:
            detail = f"action {node.action}"
        case NodeKind.ENTER:
            detail = f"enter {node.flow}"
        case NodeKind.SUMMARY:
            detail = "summary"
        case _:
            detail = "end"
    if node.show_if_source:
        detail += f"<br/>only if {node.show_if_source}"
    return f'{node.id}["{node.id}<br/>{detail}"]'.replace("==", "=")


def mermaid(flow: Flow, source_name: str) -> str:
    lines = [HEADER.format(source=source_name).rstrip("\n"), "flowchart TD"]
    for node in flow.nodes.values():
        lines.append(f"    {_label(node)}")
    for node in flow.nodes.values():
        for route in node.routes:
            condition = route.source.replace("==", "=").replace('"', "'")
            lines.append(f'    {node.id} -- "{condition}" --> {route.goto}')
        if node.next:
            lines.append(f"    {node.id} --> {node.next}")
        for question in node.summary_of:
            lines.append(f"    {node.id} -. change .-> {question}")
    return "\n".join(lines) + "\n"
