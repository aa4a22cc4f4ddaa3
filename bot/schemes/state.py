"""What the schemes feature keeps in the session, and what it concludes for others."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Self

# The next step the answers point to (``hub_worker``...): the booking feature suggests the
# matching appointment type. And the microStart office nearest to the person.
APPOINTMENT_ROUTE = "appointment_route"
MICROSTART_OFFICE = "microstart_office"


@dataclass(frozen=True, slots=True)
class SchemesState:
    KEY: ClassVar[str] = "schemes"
    # "Am I eligible for X?" is asking the questions X's rule needs; the verdict is X's.
    eligibility_for: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"eligibility_for": self.eligibility_for}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Self:
        return cls(eligibility_for=raw.get("eligibility_for"))
