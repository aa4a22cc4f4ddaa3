"""Encryption at rest of reply addresses (a Telegram chat id, a WhatsApp phone number).

Fernet (AES-128-CBC with HMAC-SHA256) under ``ENCRYPTION_KEY``: a stolen database alone does
not reveal how to reach anyone.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken


class AddressCipher:
    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())

    def encrypt(self, address: str) -> str:
        return self._fernet.encrypt(address.encode()).decode()

    def decrypt(self, token: str) -> str | None:
        """None when the token was made under another key (a rotated or lost key)."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            return None
