"""Reading what arrives: typed commands and the prefixed payloads buttons carry."""

from __future__ import annotations


def split_answer(value: str) -> tuple[str, str]:
    """``<node>:<code>`` of an answer button -> (node, code)."""
    node_id, _, code = value.partition(":")
    return node_id, code


def prefixed(payload: str | None, prefix: str) -> str | None:
    """Buttons such as "back to menu" carry ``cmd:<command>`` and act as the typed command."""
    if payload is None or not payload.startswith(prefix):
        return None
    return payload[len(prefix) :]


def command_name(text: str | None) -> str | None:
    """``/start@passerelle_bot payload`` -> ``start``; None when the text is no command."""
    if text is None or not text.startswith("/"):
        return None
    word = text[1:].split(maxsplit=1)[0] if len(text) > 1 else ""
    return word.split("@", 1)[0].lower()
