"""Sealing data at rest with keys from configuration, the one way every service does it.

A setting holds Fernet keys, comma-separated, newest first: new data is sealed with the first,
any listed key opens older data, and `rotate` re-seals with the newest (cryptography's
MultiFernet). Each service has its own setting and keys: no service holds another's."""

from __future__ import annotations

from cryptography.fernet import Fernet, MultiFernet


def keys_from_setting(value: str | None) -> list[str]:
    """The keys listed in a setting, newest first (blanks ignored)."""
    return [k.strip() for k in (value or "").split(",") if k.strip()]


class Seal:
    """Seals and opens bytes with a service's keys; the database alone reveals none of it."""

    def __init__(self, keys: list[str], *, setting: str, needed_for: str):
        if not keys:
            raise ValueError(f"{setting} is not set: {needed_for}")
        self.keys = tuple(keys)
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])

    def seal(self, plain: bytes) -> bytes:
        return self._fernet.encrypt(plain)

    def open(self, sealed: bytes) -> bytes:
        return self._fernet.decrypt(sealed)

    def rotate(self, sealed: bytes) -> bytes:
        return self._fernet.rotate(sealed)
