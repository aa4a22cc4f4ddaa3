"""Stored session documents of older versions, brought to the engine's current one on read.

Version 1 kept every feature's data as free keys side by side; version 2 keeps one section
per typed state (bot/engine/state.py and each feature's ``state`` module). A conversation in
progress when the bot is upgraded goes on where it was.
"""

from __future__ import annotations

from typing import Any

FLOW_KEYS = ("stack", "answers", "editing", "returning_to", "multi", "misses", "only")
FACT_KEYS = ("appointment_route", "microstart_office")


def upgraded(document: dict[str, Any]) -> dict[str, Any]:
    """The document in the current version; one already current is returned as it is."""
    if document.get("spec_version") != 1:
        return document
    data: dict[str, Any] = dict(document.get("data") or {})
    sections: dict[str, Any] = {}
    flow = {key: data[key] for key in FLOW_KEYS if data.get(key) is not None}
    if flow:
        sections["flow"] = flow
    if data.get("language_checked"):
        sections["engine"] = {"language_checked": True}
    if data.get("handoff_acknowledged"):
        sections["handoff"] = {"acknowledged": True}
    if data.get("eligibility_for"):
        sections["schemes"] = {"eligibility_for": data["eligibility_for"]}
    facts = {key: data[key] for key in FACT_KEYS if data.get(key) is not None}
    if facts:
        sections["facts"] = facts
    if data.get("booking"):
        sections["booking"] = dict(data["booking"])
    return {**document, "spec_version": 2, "data": sections}
