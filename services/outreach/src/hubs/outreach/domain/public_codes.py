"""Short public codes the hub prints on leaflets and slides ("OUT-7KQ2"), so that a person who
refers themself can say where they heard of the hub, and the hub can see which outreach works."""

from __future__ import annotations

import re
import secrets

PREFIX = "OUT-"
# No 0/O, 1/I/L or U/V pairs: a code read from a poster or said on the phone stays unambiguous.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
LENGTH = 4
_FOUND = re.compile(rf"(?<![A-Z0-9])OUT[\s\-_]?([{ALPHABET}]{{{LENGTH}}})(?![A-Z0-9])")


def new_public_code() -> str:
    """A fresh random code such as OUT-7KQ2 (the caller checks it is not already in use)."""
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def find_public_code(heard_of_hub_via: str | None) -> str | None:
    """The outreach code named in what a person said about how they heard of the hub, if any.

    Tolerates lower case, a missing or different dash and surrounding words ("leaflet out 7kq2")."""
    if not heard_of_hub_via:
        return None
    match = _FOUND.search(heard_of_hub_via.upper())
    return PREFIX + match.group(1) if match else None
