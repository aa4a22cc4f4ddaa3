"""A few counters in the Prometheus text format, for ``/metrics``; no personal data in labels."""

from __future__ import annotations

from collections import Counter

from starlette.requests import Request
from starlette.responses import PlainTextResponse


class Metrics:
    def __init__(self) -> None:
        self._counts: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
        self._help: dict[str, str] = {}

    def describe(self, name: str, help_text: str) -> None:
        self._help[name] = help_text

    def inc(self, name: str, **labels: str) -> None:
        self._counts[(name, tuple(sorted(labels.items())))] += 1

    def value(self, name: str, **labels: str) -> int:
        return self._counts[(name, tuple(sorted(labels.items())))]

    def render(self) -> str:
        lines = []
        for name, help_text in sorted(self._help.items()):
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} counter"]
            for (counted, labels), count in sorted(self._counts.items()):
                if counted == name:
                    label_text = ",".join(f'{k}="{v}"' for k, v in labels)
                    lines.append(
                        f"{name}{{{label_text}}} {count}" if labels else f"{name} {count}"
                    )
        return "\n".join(lines) + "\n"

    async def endpoint(self, _request: Request) -> PlainTextResponse:
        return PlainTextResponse(self.render(), media_type="text/plain; version=0.0.4")
