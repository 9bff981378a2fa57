"""Encryption of personal details at rest, with keys from configuration.

Keys are Fernet keys, newest first: new data is sealed with the first, any listed key
opens old data, and `rotate` re-seals with the newest (cryptography's MultiFernet)."""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, MultiFernet


class PersonalDataVault:
    """Seals and opens personal details; the database alone reveals nothing."""

    def __init__(self, keys: list[str]):
        if not keys:
            raise ValueError(
                "HUBS_PERSONAL_DATA_KEYS is not set: the referral service needs a key to store personal details"
            )
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])

    @classmethod
    def from_setting(cls, value: str | None) -> PersonalDataVault:
        return cls([k.strip() for k in (value or "").split(",") if k.strip()])

    def seal(self, details: dict[str, Any]) -> bytes:
        return self._fernet.encrypt(json.dumps(details, sort_keys=True).encode())

    def open(self, sealed: bytes) -> dict[str, Any]:
        return json.loads(self._fernet.decrypt(sealed))

    def rotate(self, sealed: bytes) -> bytes:
        return self._fernet.rotate(sealed)
