"""Sealing clinical free text at rest (the reasons for an assessment's outcome, case notes), with keys from
configuration (hubs.runtime.sealing), as the referral service seals personal details.

HUBS_CLINICAL_NOTES_KEYS holds Fernet keys, comma-separated, newest first: new text is sealed
with the first, any listed key opens older text (cryptography's MultiFernet). The keys are this
service's own: the assessment service never holds the referral service's keys."""

from __future__ import annotations

import base64
import functools
import hashlib
import logging

from hubs.runtime import dev_issuer
from hubs.runtime.sealing import Seal, keys_from_setting
from hubs.runtime.settings import Settings

log = logging.getLogger(__name__)

SETTING = "HUBS_CLINICAL_NOTES_KEYS"


class ClinicalNotesVault:
    """Seals and opens clinical free text; the database alone reveals none of it."""

    def __init__(self, keys: list[str]):
        self._seal = Seal(
            keys,
            setting=SETTING,
            needed_for="the assessment service needs a key to keep outcome reasons and case notes",
        )

    def seal(self, text: str) -> bytes:
        return self._seal.seal(text.encode())

    def open(self, sealed: bytes) -> str:
        return self._seal.open(sealed).decode()

    def rotate(self, sealed: bytes) -> bytes:
        return self._seal.rotate(sealed)


def vault_from_settings(settings: Settings) -> ClinicalNotesVault:
    """The vault of HUBS_CLINICAL_NOTES_KEYS; made once per set of keys.

    Without keys, only a hub that trusts the development issuer (local runs and tests) has one: a
    key derived from the development issuer's key file, which is kept outside the database too."""
    extra = settings.extra
    return _vault(extra.get(SETTING) or "", extra.get("HUBS_AUTH_DEV_ISSUER", "").lower() == "true")


@functools.cache
def _vault(keys: str, development: bool) -> ClinicalNotesVault:
    listed = keys_from_setting(keys)
    if not listed and development:
        log.warning("no %s: using a key derived from the development issuer's key", SETTING)
        dev_issuer.private_key()  # made on first use
        digest = hashlib.sha256(b"clinical-notes:" + dev_issuer.key_file().read_bytes()).digest()
        listed = [base64.urlsafe_b64encode(digest).decode()]
    return ClinicalNotesVault(listed)
