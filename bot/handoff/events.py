"""What the handoff feature's turns produce, for the host to store (adapters/db)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.engine.events import FeatureEvent


@dataclass(frozen=True, slots=True)
class HandoffRouted(FeatureEvent):
    """The conversation is handed to ``organisation``'s staff (created from the desk's name
    and prefix if the database has no such organisation yet). ``summary`` holds the
    pre-qualification answers the person agreed to share with it, else None."""

    organisation: str
    organisation_name: str
    reference_prefix: str
    reason: str
    urgent: bool
    summary: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class HandoffMarkedUrgent(FeatureEvent):
    """The person wrote something urgent while handed over: first in the queue now."""


@dataclass(frozen=True, slots=True)
class StaffActionApplied(FeatureEvent):
    """The turn relayed the staff action ``ref`` (a handoff_message id): stored as relayed in
    the same transaction, so a crash after it cannot relay it twice."""

    ref: str


@dataclass(frozen=True, slots=True)
class TransferAnswered(FeatureEvent):
    """The person said whether their conversation goes to ``organisation`` (asked by staff)."""

    organisation: str
    organisation_name: str
    reference_prefix: str
    accepted: bool
