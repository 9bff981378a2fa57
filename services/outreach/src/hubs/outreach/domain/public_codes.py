"""Short public codes the hub prints on leaflets and slides ("OUT-7KQ2"), so that a person who
refers themself can say where they heard of the hub, and the hub can see which outreach works."""

from __future__ import annotations

import secrets

from hubs.contracts.outreach_codes import ALPHABET, LENGTH, PREFIX
from hubs.contracts.outreach_codes import find_outreach_code as find_public_code

__all__ = ["ALPHABET", "LENGTH", "PREFIX", "find_public_code", "new_public_code"]


def new_public_code() -> str:
    """A fresh random code such as OUT-7KQ2 (the caller checks it is not already in use)."""
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
