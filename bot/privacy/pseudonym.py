"""Keyed pseudonyms: a channel user id is stored only as an HMAC under ``SECRET_KEY``.

Without the key the pseudonym cannot be linked back to a Telegram id or a phone number, and
the same person on the same channel always gets the same pseudonym.

Platform message ids are kept the same way (``message_key``): a WhatsApp message id commonly
carries the phone number in base64, so only its keyed hash is stored, which is enough to
recognise a redelivery.
"""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(secret_key: str, channel: str, user_id: str) -> str:
    message = f"{channel}\x1f{user_id}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def message_key(secret_key: str, channel: str, message_id: str) -> str:
    """The keyed hash a platform message id is stored as (64 hex characters)."""
    message = f"message\x1f{channel}\x1f{message_id}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()
