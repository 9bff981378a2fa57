"""Outreach codes ("OUT-7KQ2"): printed on leaflets and slides, named by a person who refers
themself when saying how they heard of the hub. Events carry the code alone, never the words
the person typed around it."""

from __future__ import annotations

import re

PREFIX = "OUT-"
# No 0/O, 1/I/L or U/V pairs: a code read from a poster or said on the phone stays unambiguous.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
LENGTH = 4
_FOUND = re.compile(rf"(?<![A-Z0-9])OUT[\s\-_]?([{ALPHABET}]{{{LENGTH}}})(?![A-Z0-9])")


def find_outreach_code(heard_of_hub_via: str | None) -> str | None:
    """The outreach code named in what a person said about how they heard of the hub, if any.

    Tolerates lower case, a missing or different dash and surrounding words ("leaflet out 7kq2")."""
    if not heard_of_hub_via:
        return None
    match = _FOUND.search(heard_of_hub_via.upper())
    return PREFIX + match.group(1) if match else None
