"""A small in-memory sliding-window rate limiter, per key (web chat user id, client address)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self,
        limit: int,
        window_seconds: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self._limit = limit
        self._window = window_seconds
        self._monotonic = monotonic
        self._max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        now = self._monotonic()
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= self._max_keys:
                self._forget_idle(now)
            hits = self._hits[key] = deque()
        while hits and now - hits[0] >= self._window:
            hits.popleft()
        if len(hits) >= self._limit:
            return False
        hits.append(now)
        return True

    def _forget_idle(self, now: float) -> None:
        idle = [
            key for key, hits in self._hits.items() if not hits or now - hits[-1] >= self._window
        ]
        for key in idle:
            del self._hits[key]
        if len(self._hits) >= self._max_keys:
            # Memory bound under a flood of new keys: start over rather than grow without end.
            self._hits.clear()
