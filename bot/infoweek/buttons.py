"""The buttons of the info week. Each carries what it means (an event id, a filter, a sign-up
reference), so an old or doubled press is checked against this turn's context, never trusted.
``-`` stands for "any" in a filter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

ANY = "-"


@dataclass(frozen=True, slots=True)
class ListEvents:
    """``where``: a city key (``liege``), ``online``, a region (``r.BXL``) or ``-``."""

    TAG: ClassVar[str] = "iw:l"
    where: str = ANY
    day: str = ANY  # ISO date
    lang: str = ANY
    page: int = 0


@dataclass(frozen=True, slots=True)
class ChooseFilter:
    """Which filter to change (``where``, ``day``), keeping the others."""

    TAG: ClassVar[str] = "iw:f"
    what: str
    where: str = ANY
    day: str = ANY
    lang: str = ANY


@dataclass(frozen=True, slots=True)
class Details:
    TAG: ClassVar[str] = "iw:d"
    event: str


@dataclass(frozen=True, slots=True)
class AskCompanions:
    TAG: ClassVar[str] = "iw:n"
    event: str


@dataclass(frozen=True, slots=True)
class SignUpFor:
    """Sign up with ``places`` (the person and who comes with them)."""

    TAG: ClassVar[str] = "iw:s"
    event: str
    places: int = 1


@dataclass(frozen=True, slots=True)
class Leave:
    """Give back a place, leave the waiting list or decline an offer: one button."""

    TAG: ClassVar[str] = "iw:x"
    reference: str


@dataclass(frozen=True, slots=True)
class AcceptOffer:
    TAG: ClassVar[str] = "iw:ok"
    reference: str


INFOWEEK_BUTTONS = (
    ListEvents,
    ChooseFilter,
    Details,
    AskCompanions,
    SignUpFor,
    Leave,
    AcceptOffer,
)
