"""The booking in progress, kept in the session between the dialogue's steps."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, ClassVar, Self

from bot.booking.slots import Slot


@dataclass(frozen=True, slots=True)
class BookingDraft:
    """``step``: type, place, slot or confirm. A move carries the booking it ``replaces``
    and the person's reminder choice (``reminder_language``, ``reminders_wanted``)."""

    KEY: ClassVar[str] = "booking"
    step: str | None = None
    type: str | None = None
    place: int | None = None
    interpreter: bool = False
    last: str | None = None  # the start of the last slot offered, ISO, for "later"
    slot: tuple[int, int, str, str] | None = None  # staff, place, start, end (ISO)
    replaces: str | None = None
    reminder_language: str | None = None
    reminders_wanted: bool = True

    def move_only(self) -> BookingDraft:
        """What a move carries into a fresh start of the dialogue."""
        return BookingDraft(
            replaces=self.replaces,
            reminder_language=self.reminder_language,
            reminders_wanted=self.reminders_wanted,
        )

    def at(self, step: str, **changes: Any) -> BookingDraft:
        return replace(self, step=step, **changes)

    def chosen_slot(self) -> Slot:
        assert self.slot is not None
        staff, place, start, end = self.slot
        return Slot(datetime.fromisoformat(start), datetime.fromisoformat(end), staff, place)

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "type": self.type,
            "place": self.place,
            "interpreter": self.interpreter,
            "last": self.last,
            "slot": list(self.slot) if self.slot else None,
            "replaces": self.replaces,
            "reminder_language": self.reminder_language,
            "reminders_wanted": self.reminders_wanted,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Self:
        slot = raw.get("slot")
        return cls(
            step=raw.get("step"),
            type=raw.get("type"),
            place=raw.get("place"),
            interpreter=bool(raw.get("interpreter")),
            last=raw.get("last"),
            slot=(int(slot[0]), int(slot[1]), str(slot[2]), str(slot[3])) if slot else None,
            replaces=raw.get("replaces"),
            reminder_language=raw.get("reminder_language"),
            reminders_wanted=raw.get("reminders_wanted", True) is not False,
        )
