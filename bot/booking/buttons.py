"""The buttons of the booking dialogue. Each carries what it means (the slot's staff member,
place and minute, a booking's reference), so an old or doubled press is checked against the
calendar of this turn, never trusted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class ChooseType:
    TAG: ClassVar[str] = "bk:t"
    kind: str


@dataclass(frozen=True, slots=True)
class ChoosePlace:
    TAG: ClassVar[str] = "bk:p"
    place: int


@dataclass(frozen=True, slots=True)
class MoreSlots:
    TAG: ClassVar[str] = "bk:more"


@dataclass(frozen=True, slots=True)
class ChooseSlot:
    TAG: ClassVar[str] = "bk:s"
    staff: int
    place: int
    minute: int  # minutes since the epoch, UTC


@dataclass(frozen=True, slots=True)
class Confirm:
    """``share`` or ``private`` when the person has answers they may share, else empty."""

    TAG: ClassVar[str] = "bk:y"
    answers: str = ""


@dataclass(frozen=True, slots=True)
class OtherTime:
    TAG: ClassVar[str] = "bk:other"


@dataclass(frozen=True, slots=True)
class NewBooking:
    TAG: ClassVar[str] = "bk:new"


@dataclass(frozen=True, slots=True)
class AskCancel:
    TAG: ClassVar[str] = "bk:c"
    reference: str


@dataclass(frozen=True, slots=True)
class CancelYes:
    TAG: ClassVar[str] = "bk:cy"
    reference: str


@dataclass(frozen=True, slots=True)
class Move:
    TAG: ClassVar[str] = "bk:m"
    reference: str


@dataclass(frozen=True, slots=True)
class Keep:
    TAG: ClassVar[str] = "bk:keep"


@dataclass(frozen=True, slots=True)
class ReminderLanguage:
    """The language reminders of ``reference`` are written in; ``-`` for no reminders."""

    TAG: ClassVar[str] = "bk:rl"
    reference: str
    code: str


BOOKING_BUTTONS = (
    ChooseType,
    ChoosePlace,
    MoreSlots,
    ChooseSlot,
    Confirm,
    OtherTime,
    NewBooking,
    AskCancel,
    CancelYes,
    Move,
    Keep,
    ReminderLanguage,
)
