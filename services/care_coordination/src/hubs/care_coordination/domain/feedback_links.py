"""Feedback links: the one-use link a person is given when their episode of care closes, so that
they can say how the hub did for them, anonymously. Pure domain code.

Only a hash of the link's token is kept, with the hub and the month the episode closed: nothing
ties the link, or the feedback given through it, back to the person or their case. Even its expiry
is worked out from the month, not the day, so that it cannot be matched to a case's closure."""

from __future__ import annotations

import calendar
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

# How long a link stays usable after the end of the month its episode closed in.
VALID_DAYS_AFTER_THE_MONTH = 60
# Closures for which a link is offered: the person withdrew, or moved to another hub, is not asked.
NOT_ASKED = frozenset({"withdrawn", "transferred-to-another-hub"})


def hash_of(token: str) -> str:
    """What is kept of a token: its SHA-256 (a token is 256 random bits, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FeedbackLink:
    """A link as the hub keeps it: the token's hash, the hub, the closure's month and the last day it works."""

    token_hash: str
    hub_id: str
    closure_month: str
    expires_on: date
    used: bool = False

    @classmethod
    def issue(cls, hub_id: str, closed_on: date) -> tuple[str, FeedbackLink]:
        """A new random token (given to the person once, never stored) and the link kept for it."""
        token = secrets.token_urlsafe(32)
        last_day = date(closed_on.year, closed_on.month, calendar.monthrange(closed_on.year, closed_on.month)[1])
        link = cls(
            token_hash=hash_of(token),
            hub_id=hub_id,
            closure_month=f"{closed_on.year:04d}-{closed_on.month:02d}",
            expires_on=last_day + timedelta(days=VALID_DAYS_AFTER_THE_MONTH),
        )
        return token, link
