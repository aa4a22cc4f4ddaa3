"""Runs YAML conversation transcripts through the real turn handler and store.

A transcript file holds cases; each case is a list of turns. A turn sends ``text`` (with the
``intent`` the scripted NLU should find for it), ``payload`` or ``press`` (the title of a
button of the bot's last message), optionally ``lang``, and ``expect``s the bot's messages:
``text`` (exact) or ``contains``, and ``buttons`` (titles, in order). ``after_hours`` moves
the clock forward before the turn. A turn with ``staff`` (``reply``, ``close``, ``transfer``,
with its ``text``) is a staff member's action from the console, resumed as the relay does. A
case may name its ``channel`` (web chat otherwise), for
behaviour that depends on it, such as asking which language a WhatsApp reminder can be written
in. The session is stored and re-read between turns, as in production.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine

from adapters.collecting import CollectingSender
from bot.conversation import TurnHandler
from bot.engine.inputs import StaffResume
from bot.engine.messages import Inbound, Outbound
from tests.support.builders import load_demo_data, load_demo_week, turn_handler
from tests.support.stubs import ScriptedNlu, StepClock

TRANSCRIPTS_DIR = Path(__file__).resolve().parent
CHANNEL, USER = "webchat", "transcript-user"


@dataclass(frozen=True)
class Case:
    file: str
    name: str
    turns: list[dict[str, Any]]
    channel: str = CHANNEL


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(TRANSCRIPTS_DIR.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for raw in document["cases"]:
            cases.append(Case(path.stem, raw["name"], raw["turns"], raw.get("channel", CHANNEL)))
    return cases


def _inbound(turn: dict[str, Any], previous: list[Outbound], channel: str = CHANNEL) -> Inbound:
    lang = turn.get("lang")
    if "press" in turn:
        buttons = {b.title: b.payload for m in previous for b in m.buttons}
        assert turn["press"] in buttons, f"no button {turn['press']!r} in {sorted(buttons)}"
        return Inbound(channel, USER, payload=buttons[turn["press"]], lang=lang)
    if "payload" in turn:
        return Inbound(channel, USER, payload=turn["payload"], lang=lang)
    return Inbound(channel, USER, text=str(turn["text"]), lang=lang)


def _check(expected: list[dict[str, Any]], got: list[Outbound], where: str) -> None:
    assert len(got) == len(expected), (
        f"{where}: expected {len(expected)} messages, got {[m.text for m in got]}"
    )
    for index, (want, message) in enumerate(zip(expected, got, strict=True)):
        at = f"{where}, message {index + 1}"
        if "text" in want:
            assert message.text == want["text"], f"{at}: {message.text!r}"
        if "contains" in want:
            assert want["contains"] in message.text, f"{at}: {message.text!r}"
        if "buttons" in want:
            assert [b.title for b in message.buttons] == want["buttons"], f"{at}: buttons"


async def play(
    handler: TurnHandler, turn: dict[str, Any], previous: list[Outbound], channel: str
) -> tuple[Outbound, ...]:
    """One turn of a transcript: the person's message, or a staff member's action."""
    if "staff" in turn:
        action, text = str(turn["staff"]), turn.get("text")

        def resume(now: datetime) -> StaffResume:
            return StaffResume(now, action, text=None if text is None else str(text))

        key = handler.contact_key(channel, USER)
        return (await handler.resume_contact(channel, key, resume)).messages
    return (await handler.handle(_inbound(turn, previous, channel), CollectingSender())).messages


async def run_case(case: Case, db: Engine) -> None:
    intents = {str(t["text"]): t["intent"] for t in case.turns if "intent" in t}
    clock = StepClock()
    load_demo_data(db)  # the demo advisers and opening hours, for appointments
    load_demo_week(db)  # the demo info week (flows/demo/info_week.yml)
    handler = turn_handler(db, ScriptedNlu(intents), clock)
    previous: list[Outbound] = []
    for number, turn in enumerate(case.turns, start=1):
        clock.current += timedelta(hours=float(turn.get("after_hours", 0)))
        previous = list(await play(handler, turn, previous, case.channel))
        _check(turn.get("expect", []), previous, f"{case.file}: {case.name}: turn {number}")
