"""Telling the hub's duty clinician: an urgent referral has arrived, or a referral is about to miss
its first-contact standard. A notice carries the referral's reference and a link to the case in the
portal, and never anything about the person: it travels by email, outside the hub's systems."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hubs.contracts import codes
from hubs.referral.domain.model import AWAITING_FIRST_CONTACT, Referral

# Reasons (codes: they label metrics and key the record of what was sent).
URGENT_REFERRAL = "urgent-referral"
FIRST_CONTACT_AT_RISK = "first-contact-at-risk"
# An urgent referral is announced on arrival; it is announced again when this little is left.
URGENT_LAST_HOUR = timedelta(hours=1)


def reference_of(referral_id: uuid.UUID) -> str:
    """The short reference staff and the person quote (the first part of the referral's id)."""
    return str(referral_id).split("-")[0].upper()


def at_risk(referral: Referral, now: datetime, end_of_day: datetime) -> bool:
    """Still awaiting first contact and about to breach the standard: a routine referral due by the
    end of today (as the at-risk figure counts it), an urgent one in its last hour; or already late."""
    due = referral.first_contact_due_by
    if referral.status != AWAITING_FIRST_CONTACT or due is None:
        return False
    if referral.urgency is codes.Urgency.URGENT:
        return due - now <= URGENT_LAST_HOUR
    return due <= end_of_day


@dataclass(frozen=True)
class DutyNotice:
    """What the duty inbox is told: codes, times, a reference and a link; no name, email or phone."""

    referral_id: uuid.UUID
    reason: str
    urgency: codes.Urgency
    due_by: datetime | None
    link: str

    @classmethod
    def of(cls, referral: Referral, reason: str, portal_url: str) -> DutyNotice:
        link = f"{portal_url.rstrip('/')}/cases/{referral.referral_id}"
        return cls(referral.referral_id, reason, referral.urgency, referral.first_contact_due_by, link)

    @property
    def reference(self) -> str:
        return reference_of(self.referral_id)

    @property
    def key(self) -> str:
        """The same notice is sent once: keyed by referral and reason."""
        return f"{self.referral_id}:{self.reason}"

    def subject(self) -> str:
        if self.reason == URGENT_REFERRAL:
            return f"Urgent referral {self.reference}: first contact due within working hours"
        return f"Referral {self.reference}: first contact is about to be late"

    def due_text(self, zone: ZoneInfo) -> str:
        if self.due_by is None:
            return "not set"
        return self.due_by.astimezone(zone).strftime("%a %d %b %Y %H:%M") + f" ({zone.key})"

    def body(self, zone: ZoneInfo) -> str:
        why = (
            "An urgent referral has arrived and is waiting for first contact."
            if self.reason == URGENT_REFERRAL
            else "A referral is still waiting for first contact and is about to miss the hub's standard."
        )
        return (
            f"{why}\n\n"
            f"Reference: {self.reference}\n"
            f"Urgency: {self.urgency.value}\n"
            f"First contact due by: {self.due_text(zone)}\n"
            f"Open the case: {self.link}\n\n"
            "This message carries no personal details: sign in to the portal to see them.\n"
        )

    def personalisation(self, zone: ZoneInfo) -> dict[str, str]:
        """The fields of a GOV.UK Notify template (reference, reason, urgency, due_by, link)."""
        return {
            "reference": self.reference,
            "reason": self.reason,
            "urgency": self.urgency.value,
            "due_by": self.due_text(zone),
            "link": self.link,
        }
