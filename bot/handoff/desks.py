"""The partner organisations' desks that answer a handoff: who serves which route, when they
are open, how long a person usually waits (``flows/handoff.yml``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

import yaml

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class DeskError(ValueError):
    """``flows/handoff.yml`` is not valid; the text names the place."""


@dataclass(frozen=True, slots=True)
class Desk:
    code: str  # the organisation's code (organisation.code)
    name: str
    reference_prefix: str
    routes: tuple[str, ...]
    answer_minutes: int
    # weekday (0 = Monday) -> opening ranges, Brussels time
    hours: Mapping[int, tuple[tuple[time, time], ...]]
    closed: frozenset[date] = frozenset()
    # Where the organisation is told of a new handoff (a link only): optional.
    notify_telegram_chat: str | None = None
    notify_email: str | None = None


@dataclass(frozen=True, slots=True)
class Desks:
    desks: Mapping[str, Desk]
    suggested: Mapping[str, str]  # route -> desk code
    default: str
    urgent: str

    def fitting(self, route: str | None) -> list[Desk]:
        """The desks serving this route (every desk without one), the suggested first."""
        first = self.suggested_for(route)
        serving = [d for d in self.desks.values() if route is None or route in d.routes]
        if not serving:
            serving = [self.desks[first]]
        return sorted(serving, key=lambda desk: desk.code != first)

    def desk_or_default(self, code: str | None) -> Desk:
        return self.desks.get(code or "") or self.desks[self.default]

    def suggested_for(self, route: str | None) -> str:
        return self.suggested.get(route or "", self.default)


def load_desks(path: Path) -> Desks:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if raw.get("spec_version") != 1:
        raise DeskError(f"{path}: spec_version must be 1")
    desks = {str(code): _desk(path, str(code), item) for code, item in raw["desks"].items()}
    suggested = {str(k): str(v) for k, v in (raw.get("suggested") or {}).items()}
    default, urgent = str(raw.get("default")), str(raw.get("urgent") or raw.get("default"))
    for where, code in [
        *(("suggested." + k, v) for k, v in suggested.items()),
        ("default", default),
        ("urgent", urgent),
    ]:
        if code not in desks:
            raise DeskError(f"{path}: {where}: no desk {code!r}")
    return Desks(desks, suggested, default, urgent)


def _desk(path: Path, code: str, item: dict[str, Any]) -> Desk:
    notify: dict[str, Any] = item.get("notify") or {}
    try:
        hours = {
            WEEKDAYS.index(day): tuple(_range(text) for text in ranges)
            for day, ranges in (item.get("hours") or {}).items()
        }
        return Desk(
            code=code,
            name=str(item["name"]),
            reference_prefix=str(item["reference_prefix"]),
            routes=tuple(str(route) for route in item.get("routes") or ()),
            answer_minutes=int(item["answer_minutes"]),
            hours=hours,
            closed=frozenset(date.fromisoformat(str(day)) for day in item.get("closed") or ()),
            notify_telegram_chat=_optional(notify.get("telegram_chat")),
            notify_email=_optional(notify.get("email")),
        )
    except (KeyError, ValueError, TypeError) as error:
        raise DeskError(f"{path}: desks.{code}: {error}") from error


def _range(text: str) -> tuple[time, time]:
    start, end = (time.fromisoformat(part.strip()) for part in str(text).split("-"))
    if not start < end:
        raise ValueError(f"opening range {text!r} ends before it starts")
    return start, end


def _optional(value: object) -> str | None:
    return None if value in (None, "") else str(value)
