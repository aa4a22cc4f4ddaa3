"""The buttons of a scheme: its card, details, sources, and "am I eligible?"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class SchemeCard:
    TAG: ClassVar[str] = "s"
    scheme: str


@dataclass(frozen=True, slots=True)
class SchemeDetails:
    TAG: ClassVar[str] = "sd"
    scheme: str


@dataclass(frozen=True, slots=True)
class SchemeSources:
    TAG: ClassVar[str] = "ss"
    scheme: str


@dataclass(frozen=True, slots=True)
class SchemeEligibility:
    TAG: ClassVar[str] = "se"
    scheme: str
