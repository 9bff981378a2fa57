"""Which outreach brought a referral in: a referral whose "how did you hear of the hub"
names the public code of an event or a campaign counts for it (and an event's referral
also counts for the campaign it belonged to). Pure domain code."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from hubs.outreach.domain.public_codes import find_public_code


@dataclass(frozen=True)
class Attribution:
    """One referral credited to outreach: which code it named, and what that code belongs to."""

    referral_id: uuid.UUID
    received_on: date
    code: str
    campaign_id: uuid.UUID | None
    outreach_event_id: uuid.UUID | None


@dataclass(frozen=True)
class CodeOwner:
    """What a public code was issued for."""

    campaign_id: uuid.UUID | None
    outreach_event_id: uuid.UUID | None


def attribute(
    referral_id: uuid.UUID, received_on: date, heard_of_hub_via: str | None, owner_of: Callable[[str], CodeOwner | None]
) -> Attribution | None:
    """The attribution of a referral, or None when it names no code this hub issued."""
    code = find_public_code(heard_of_hub_via)
    owner = owner_of(code) if code else None
    if owner is None:
        return None
    return Attribution(referral_id, received_on, code, owner.campaign_id, owner.outreach_event_id)
