"""What the info week dialogue did, for the host to apply in the turn's transaction."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.events import FeatureEvent


@dataclass(frozen=True, slots=True)
class SignedUp(FeatureEvent):
    """The person signs up for ``places``. ``expected`` is what they were told: ``confirmed``,
    or ``waiting`` at ``position``; the store refuses (PlacesChanged) when the database says
    otherwise, and the turn is run again with the true places."""

    event_id: str
    reference: str
    places: int
    language: str
    expected: str
    position: int | None = None


@dataclass(frozen=True, slots=True)
class SignUpEnded(FeatureEvent):
    """The person gave back their place, left the waiting list or declined an offer."""

    reference: str


@dataclass(frozen=True, slots=True)
class OfferAccepted(FeatureEvent):
    reference: str
