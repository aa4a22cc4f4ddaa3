"""What the info week keeps in the session between turns: the list the person was reading,
so "back to the list" returns to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Self

from bot.infoweek.buttons import ANY


@dataclass(frozen=True, slots=True)
class InfoWeekState:
    KEY: ClassVar[str] = "infoweek"
    where: str = ANY
    day: str = ANY
    lang: str = ANY

    def to_dict(self) -> dict[str, Any]:
        return {"where": self.where, "day": self.day, "lang": self.lang}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Self:
        return cls(
            where=str(raw.get("where") or ANY),
            day=str(raw.get("day") or ANY),
            lang=str(raw.get("lang") or ANY),
        )
