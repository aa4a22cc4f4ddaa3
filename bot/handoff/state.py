"""What the handoff keeps in the session while the person chooses and while a person leads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Self


@dataclass(frozen=True, slots=True)
class HandoffState:
    KEY: ClassVar[str] = "handoff"
    acknowledged: bool = False  # the person was told their messages reach a person
    reason: str | None = None  # why it started, while the person chooses
    urgent: bool = False
    desk: str | None = None  # who answers (chosen, or while choosing: suggested)
    transfer_to: str | None = None  # staff asked to pass it on; the person must agree

    def to_dict(self) -> dict[str, Any]:
        return {
            "acknowledged": self.acknowledged,
            "reason": self.reason,
            "urgent": self.urgent,
            "desk": self.desk,
            "transfer_to": self.transfer_to,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Self:
        return cls(
            acknowledged=bool(raw.get("acknowledged")),
            reason=raw.get("reason"),
            urgent=bool(raw.get("urgent")),
            desk=raw.get("desk"),
            transfer_to=raw.get("transfer_to"),
        )
