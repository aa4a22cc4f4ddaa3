"""Short-lived links signed with SECRET_KEY: ``<path>?expires=<unix time>&sig=<hmac>``.

For files a channel cannot carry itself (WhatsApp does not take calendar files): whoever has
the link may fetch the file until it expires, and nobody can make a link for another file.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from urllib.parse import urlencode


def _signature(secret_key: str, path: str, expires: int) -> str:
    message = f"{path}\x1f{expires}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def sign(secret_key: str, path: str, now: datetime, valid_for: timedelta) -> str:
    expires = int((now + valid_for).timestamp())
    query = urlencode({"expires": expires, "sig": _signature(secret_key, path, expires)})
    return f"{path}?{query}"


def verify(secret_key: str, path: str, expires: str, signature: str, now: datetime) -> bool:
    if not expires.isdigit() or int(expires) < now.timestamp():
        return False
    return hmac.compare_digest(_signature(secret_key, path, int(expires)), signature)
