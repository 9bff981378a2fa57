"""Encryption of personal details at rest, with keys from configuration.

Keys are Fernet keys, newest first: new data is sealed with the first, any listed key
opens old data, and `rotate` re-seals with the newest (hubs.runtime.sealing).
To find a person's open referral without decrypting anything, identifiers are also kept as
keyed hashes (HMAC-SHA256) with a separate index key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any

from hubs.runtime.sealing import Seal, keys_from_setting


class PersonalDataVault:
    """Seals and opens personal details; the database alone reveals nothing."""

    def __init__(self, keys: list[str], index_key: bytes | None = None):
        self._seal = Seal(
            keys,
            setting="HUBS_PERSONAL_DATA_KEYS",
            needed_for="the referral service needs a key to store personal details",
        )
        # Without its own setting, the index key is derived from the oldest data key, which stays
        # listed while any data sealed with it remains, so the index survives a rotation.
        self._index_key = index_key or hashlib.sha256(b"person-index:" + base64.urlsafe_b64decode(keys[-1])).digest()

    @classmethod
    def from_setting(cls, value: str | None, index_key: str | None = None) -> PersonalDataVault:
        """From HUBS_PERSONAL_DATA_KEYS (comma-separated, newest first) and HUBS_PERSON_INDEX_KEY."""
        return cls(keys_from_setting(value), index_key.encode() if index_key else None)

    def seal(self, details: dict[str, Any]) -> bytes:
        return self._seal.seal(json.dumps(details, sort_keys=True, default=str).encode())

    def open(self, sealed: bytes) -> dict[str, Any]:
        return json.loads(self._seal.open(sealed))

    def rotate(self, sealed: bytes) -> bytes:
        return self._seal.rotate(sealed)

    def person_keys(self, email: str | None, phone: str | None) -> list[str]:
        """Keyed hashes of the person's identifiers, to recognise a second referral of them."""
        normalised = []
        if email and email.strip():
            normalised.append("email:" + email.strip().lower())
        digits = re.sub(r"\D", "", phone or "")
        if len(digits) >= 6:
            # 07700 900123 and +44 7700 900123 are the same number
            normalised.append("phone:" + (digits[2:] if digits.startswith("44") else digits.lstrip("0")))
        return [hmac.new(self._index_key, n.encode(), hashlib.sha256).hexdigest() for n in normalised]
