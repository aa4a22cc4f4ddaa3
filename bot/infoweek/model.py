"""What an info week is, independent of storage: its events, sign-ups and the places left.

Places follow pretix's rule: places left = capacity - places signed up - places held by open
offers - places on the waiting list. The waiting list counts, so a newcomer never jumps it:
while anyone waits, a freed place goes to the first of the list, never to a new sign-up.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

# The booking alphabet (bot/booking/model.py; a test keeps them equal): no 0/O, 1/I/L, 2/Z,
# 5/S, 8/B, so a code read aloud or copied by hand stays unambiguous. Features are independent
# packages, so the alphabet is written here again rather than imported.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 4
CODE_PREFIX = "IW"
# A deep link's start parameter and a WhatsApp link's text code: ``event_<id>``.
START_PREFIX = "event_"
AUDIENCES = ("women", "newcomers", "young", "undocumented")
# Sign-up statuses: holding a place (confirmed, offered), waiting, or gone.
CONFIRMED, WAITING, OFFERED = "confirmed", "waiting", "offered"
CANCELLED, LEFT, DECLINED, EXPIRED = "cancelled", "left", "declined", "expired"
STANDING = (CONFIRMED, WAITING, OFFERED)
FEW_PLACES = 3  # "a few places left" at or under this many
MAX_COMPANIONS = 2  # an interpreter, a child: places beside the person's own


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def reference(code: str) -> str:
    return f"{CODE_PREFIX}-{code}"


@dataclass(frozen=True, slots=True)
class InfoEvent:
    """One session of the info week. ``title`` and ``description`` by language; times UTC."""

    id: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    organisation: str
    city: str | None
    region: str | None
    place: str | None
    online: bool
    starts_at: datetime
    ends_at: datetime
    languages: tuple[str, ...]
    capacity: int
    audience: tuple[str, ...] = ()
    link: str | None = None  # online events: sent the day before, never shown in the list
    # Places held (signed up + open offers) and on the waiting list, as stored.
    held: int = 0
    waiting: int = 0

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.held - self.waiting, 0)

    @property
    def full(self) -> bool:
        return self.places_left == 0


@dataclass(frozen=True, slots=True)
class SignUp:
    """A person's sign-up; ``position`` on the waiting list (1 first) while waiting."""

    reference: str
    event_id: str
    status: str
    places: int
    position: int | None = None
    offer_expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class InfoWeek:
    id: str
    title: Mapping[str, str]
    starts: str  # ISO dates, Brussels
    ends: str


def localized(texts: Mapping[str, str], lang: str) -> tuple[str, str]:
    """The text in ``lang``, else French, Dutch, English (then any), and the language used."""
    for code in (lang, "fr", "nl", "en", *sorted(texts)):
        if texts.get(code):
            return texts[code], code
    return "", lang
