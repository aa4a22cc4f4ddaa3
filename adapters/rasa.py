"""NLU over the Rasa server's HTTP API (``POST /model/parse``), as the core's NLU port.

Rasa takes its auth token in the query string. Failures become ``NluUnavailable``; after a
few in a row a short circuit breaker stops calling a server that is down, so every person
gets the button-only answer at once instead of waiting for time-outs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from bot.engine.inputs import Entity, NluResult
from bot.ports import NluUnavailable

PARSE_TIMEOUT_SECONDS = 3.0
FAILURES_BEFORE_OPEN = 3
OPEN_SECONDS = 10.0
MAX_TEXT_CHARS = 1000


class RasaNlu:
    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url, timeout=PARSE_TIMEOUT_SECONDS, transport=transport
        )
        self._params = {"token": token} if token else {}
        self._monotonic = monotonic
        self._failures = 0
        self._open_until = 0.0

    async def parse(self, text: str) -> NluResult:
        if self._monotonic() < self._open_until:
            raise NluUnavailable("circuit open after repeated failures")
        try:
            response = await self._client.post(
                "/model/parse", params=self._params, json={"text": text[:MAX_TEXT_CHARS]}
            )
            response.raise_for_status()
            result = _to_result(response.json())
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
            self._failures += 1
            if self._failures >= FAILURES_BEFORE_OPEN:
                self._open_until = self._monotonic() + OPEN_SECONDS
            raise NluUnavailable(type(error).__name__) from error
        self._failures = 0
        return result

    async def ready(self) -> bool:
        """True when the server answers ``/status`` with a loaded model."""
        try:
            response = await self._client.get("/status", params=self._params)
            return response.status_code == 200 and bool(response.json().get("model_file"))
        except (httpx.HTTPError, ValueError):
            return False

    async def aclose(self) -> None:
        await self._client.aclose()


def _to_result(body: dict[str, Any]) -> NluResult:
    intent = body.get("intent") or {}
    name = intent.get("name")
    return NluResult(
        intent=str(name) if name else None,
        confidence=float(intent.get("confidence") or 0.0),
        entities=tuple(
            Entity(str(item["entity"]), str(item["value"])) for item in body.get("entities", [])
        ),
        ranking=tuple(
            (str(item["name"]), float(item["confidence"]))
            for item in body.get("intent_ranking", [])[:5]
        ),
    )
