"""Keyed pseudonyms: a channel user id is stored only as an HMAC under ``SECRET_KEY``.

Without the key the pseudonym cannot be linked back to a Telegram id or a phone number, and
the same person on the same channel always gets the same pseudonym.
"""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(secret_key: str, channel: str, user_id: str) -> str:
    message = f"{channel}\x1f{user_id}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()
