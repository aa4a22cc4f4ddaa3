"""Test doubles for the core's ports where no real service is involved in the behaviour under
test: a scripted NLU (transcripts state the intent), and a fixed clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.engine.inputs import NluResult
from bot.ports import NluUnavailable


@dataclass
class ScriptedNlu:
    """Answers the intent the test gave for a text; raises NluUnavailable when ``down``."""

    intents: dict[str, str] = field(default_factory=dict)
    down: bool = False
    calls: list[str] = field(default_factory=list)

    async def parse(self, text: str) -> NluResult:
        self.calls.append(text)
        if self.down:
            raise NluUnavailable("scripted outage")
        intent = self.intents.get(text)
        return NluResult(intent=intent, confidence=0.99 if intent else 0.0)


@dataclass
class StepClock:
    """Starts at a fixed instant and moves one second per reading."""

    current: datetime = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        self.current += timedelta(seconds=1)
        return self.current
