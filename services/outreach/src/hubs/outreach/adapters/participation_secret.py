"""The hub's survey participation secret: it keys the tokens that say "this person has already
answered", and it is kept outside the database (a file, HUBS_SURVEY_PARTICIPATION_KEY_FILE), so
that a copy of the database alone cannot tell who answered.

The file holds one secret a line, the current one first; an older one stays listed while a survey
whose tokens it keyed is open, so that nobody can answer that survey twice."""

from __future__ import annotations

import hashlib
import logging

from hubs.runtime import dev_issuer
from hubs.runtime.settings import Settings

log = logging.getLogger(__name__)

SETTING = "HUBS_SURVEY_PARTICIPATION_KEY_FILE"
MIN_LENGTH = 32


def participation_secrets(settings: Settings) -> tuple[bytes, ...]:
    """The secrets of HUBS_SURVEY_PARTICIPATION_KEY_FILE, the current one first.

    Without that file, only a hub that trusts the development issuer (local runs and tests) has a
    secret: one derived from the development issuer's key file, also kept outside the database."""
    path = settings.extra.get(SETTING)
    if path:
        with open(path, encoding="utf-8") as file:
            lines = [line.strip() for line in file if line.strip()]
        if not lines or any(len(line) < MIN_LENGTH for line in lines):
            raise ValueError(f"{SETTING} must name a file of secrets of at least {MIN_LENGTH} characters, one a line")
        return tuple(line.encode() for line in lines)
    if settings.extra.get("HUBS_AUTH_DEV_ISSUER", "").lower() == "true":
        log.warning("no %s: using a secret derived from the development issuer's key", SETTING)
        dev_issuer.private_key()  # made on first use
        return (hashlib.sha256(b"survey-participation:" + dev_issuer.key_file().read_bytes()).digest(),)
    raise ValueError(f"{SETTING} is not set: staff surveys need a secret kept outside the database")
