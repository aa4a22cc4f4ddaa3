"""The collecting channel: keeps what the bot sends in memory (web chat replies, tests, REPL)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.messages import Outbound


class CollectingSender:
    def __init__(self) -> None:
        self.sent: list[tuple[str, Outbound]] = []

    async def send(self, address: str, messages: Sequence[Outbound]) -> None:
        self.sent.extend((address, message) for message in messages)

    @property
    def messages(self) -> list[Outbound]:
        return [message for _, message in self.sent]
